"""The one place that decides where things live in the site and how pages link.

Rules (documented in the README):
- A report lives at ``reports/<slug>/index.html`` where ``<slug>`` is the stem of
  its ``content/reports/<slug>.md`` file. Ingest chooses the slug once, from
  year, province, place and publisher in pinyin (``2021-chongqing-jiangbei-sifaju``,
  ``-q1``/``-h1`` appended for part-year reports); on a collision it appends
  ``-2``, ``-3`` … to the newcomer. The file name then never changes unless an
  editor renames it, so a published URL is stable even when fields are corrected.
- A place lives at ``places/<adcode>-<pinyin>/``: the division code makes it
  unique (陕西 and 山西 are both "shanxi"), the pinyin makes it readable.
- A province's or city's figures of one year at ``places/<adcode>-<pinyin>/figures/<year>/``.
- Topics at ``topics/<slug>/`` (slugs from content/topics.yml), years at ``years/<year>/``,
  indicators at ``indicators/<key>/`` (keys from content/indicators.yml).
- Every link is relative and names ``index.html`` explicitly, so the same
  pages browse from a web server and from a folder opened with file://.
"""

from __future__ import annotations

import posixpath
import re
from typing import Iterable

from generator.model import slugs

_PLACE_SLUGS: dict[tuple[str, str], str] = {}  # (division code, name) → slug, made or remembered


def place_slug(adcode: str, name: str) -> str:
    if (adcode, name) not in _PLACE_SLUGS:
        _PLACE_SLUGS[(adcode, name)] = slugs.place_slug(adcode, name)
    return _PLACE_SLUGS[(adcode, name)]


def remember_place_pages(places: Iterable[tuple[str, str, str]]) -> None:
    """Take (code, name, page) of place pages this code made before (the build's records, which
    are valid for one version of the code), so that reading a changed report of a known place
    needs no pypinyin (its first use costs 0.3 s of a rebuild)."""
    for code, name, page in places:
        _PLACE_SLUGS[(code, name)] = _place_folder(page)


# --- page paths (relative to the site root, always ending in index.html or a file) --

HOME = "index.html"
SEARCH = "search/index.html"
ABOUT = "about/index.html"
PLACES = "places/index.html"
TOPICS = "topics/index.html"
YEARS = "years/index.html"
INDICATORS = "indicators/index.html"
DATA_PACKAGE = "data/datapackage.json"
DATABASE = "data/fazhi.sqlite"
COMPARE = "compare/index.html"
COMPARE_PLACES = "compare/places.js"
EVALUATION = "evaluation/index.html"
NOT_FOUND = "404.html"


def data_table(name: str) -> str:
    """A table of the data package (generator/site/datasets.py): ``data/<name>.csv``."""
    return f"data/{name}.csv"


def data_part(name: str, part: str, suffix: str = "csv") -> str:
    """One year's part of a table the data package splits by year (``part``: the year, or
    ``undated``): ``data/<name>/<part>.csv``, or ``.json`` for the figures' JSON."""
    return f"data/{name}/{part}.{suffix}"


def database_part(part: str) -> str:
    """One year's database of the sections, their topics and figures (see datasets)."""
    return f"data/fazhi-{part}.sqlite"


def compare_data(code: str) -> str:
    """What the compare page loads of one place, as a script (file:// allows no fetch)."""
    return f"compare/d/{code}.js"


def compare_link(codes: Iterable[str], year: int | None = None) -> str:
    """The compare page with a choice of places (and a year) named in its address, as shared."""
    query = "places=" + ",".join(codes) + (f"&year={year}" if year else "")
    return f"{COMPARE}?{query}"


def evaluation_page(year: int) -> str:
    return f"evaluation/{year}/index.html"


def report_page(slug: str) -> str:
    return f"reports/{slug}/index.html"


# An original is published in its own format, told by its name; a web page as text (.html.txt, served
# text/plain), so that its scripts never run on the archive's origin.
ORIGINAL_FORMATS = {".pdf": (".pdf", "PDF"), ".docx": (".docx", "Word"), ".warc.gz": (".warc.gz", "WARC 网页存档"),
                    ".warc": (".warc", "WARC 网页存档"), ".html": (".html.txt", "网页源码，以纯文本提供"),
                    ".htm": (".html.txt", "网页源码，以纯文本提供")}
TEXT_FORMAT = (".txt", "文本")
_SUFFIXES = tuple(ORIGINAL_FORMATS)


def original_format(raw: str) -> tuple[str, str]:
    """The published original's file suffix and what the page calls its format."""
    name = raw.lower()
    if not name.endswith(_SUFFIXES):  # one test in C for the usual text original, planned for every report
        return TEXT_FORMAT
    return next(f for suffix, f in ORIGINAL_FORMATS.items() if name.endswith(suffix))


def report_original(slug: str, raw: str = "") -> str:
    """The archived original, byte for byte, downloadable beside its report page."""
    return f"reports/{slug}/original{original_format(raw)[0]}"


def place_page(adcode: str, name: str) -> str:
    return f"places/{place_slug(adcode, name)}/index.html"


def area_figures_page(place_page_: str, year: int | None) -> str:
    """One year's figures of the places below a province or city, beside its page
    (``places/<adcode>-<pinyin>/figures/<year>/``; ``undated`` for reports of no known year)."""
    return f"places/{_place_folder(place_page_)}/figures/{year or 'undated'}/index.html"


def topic_page(slug: str) -> str:
    return f"topics/{slug}/index.html"


def topic_place_page(topic: str, province_page: str | None) -> str:
    """A topic's sections in one province, named as the province's page (``place_page``) is;
    None holds the reports not yet placed."""
    return f"topics/{topic}/{_province_folder(province_page)}/index.html"


def year_page(year: int) -> str:
    return f"years/{year}/index.html"


def indicator_page(key: str) -> str:
    """An indicator's comparison page; the key comes from content/indicators.yml."""
    return f"indicators/{key}/index.html"


def indicator_place_page(key: str, province_page: str | None) -> str:
    """An indicator's values in one province, named as the province's page is (see ``topic_place_page``)."""
    return f"indicators/{key}/{_province_folder(province_page)}/index.html"


def _province_folder(province_page: str | None) -> str:
    return _place_folder(province_page) if province_page else "unplaced"


def _place_folder(page: str) -> str:
    """The folder a place page (``place_page``) is in: its slug."""
    return page.split("/")[1]


def href(from_page: str, to_path: str, anchor: str | None = None) -> str:
    """Relative link from one site path to another (both normalised, relative to the site root).

    Worked out from the folders directly: posixpath.relpath makes both absolute first, and
    pages call this tens of thousands of times."""
    start = from_page.split("/")[:-1]
    target = to_path.split("/")
    common = 0
    while common < len(start) and common < len(target) - 1 and start[common] == target[common]:
        common += 1
    rel = "/".join([".."] * (len(start) - common) + target[common:])
    return f"{rel}#{anchor}" if anchor else rel


def resolve(from_page: str, link: str) -> str:
    """The site path a relative link on ``from_page`` points to."""
    return posixpath.normpath(posixpath.join(posixpath.dirname(from_page), link))


def base_path(base_url: str) -> str:
    """The path part of the public address, for the 404 page, which a host serves at any depth."""
    return re.sub(r"^[a-z]+://[^/]+", "", base_url.rstrip("/")) + "/"


def absolute(base_url: str, path: str) -> str:
    """Absolute URL for sitemap, feed and canonical links; the web address drops index.html."""
    if path.endswith("index.html"):
        path = path[: -len("index.html")]
    return base_url.rstrip("/") + "/" + path


def address(base_url: str, path: str) -> str:
    """A page's address in the data files: absolute under the base URL, or without one (an
    offline copy), its path from the site's root, which still finds it in the folder."""
    return absolute(base_url, path) if base_url else path
