"""fazhi: turns Chinese local rule-of-law reports (法治政府建设年度报告) into a static archive."""

__version__ = "0.1.0"
