"""fazhi: turns Chinese local rule-of-law reports (法治政府建设年度报告) into a static archive.

The packages are the pipeline, each importing only those above it in this list:
core (problems, digests, atomic writes, the cache shelf, progress), model (a report and its
front-matter), domain (places, topics, indicators), ingest (content/raw → content/reports),
search (the index's terms, encoding and files), site (content/reports → site/).
"""

from pathlib import Path

__version__ = "0.1.0"

PACKAGE = Path(__file__).resolve().parent
PROJECT = PACKAGE.parent  # the checkout: templates/ is beside the package
