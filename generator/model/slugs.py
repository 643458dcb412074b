"""Slugs: the ASCII names ingest gives reports and the site gives places, from their Chinese names.

A report's slug is chosen once, by ingest, from year, province, place and publisher in
pinyin (``2021-chongqing-jiangbei-sifaju``); the site's addresses are decided in
generator/site/urls.py.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache


@lru_cache(maxsize=None)
def _pinyin():
    """pypinyin's converter, loaded when first needed: its dictionaries take 0.2–0.8 s to load,
    and a build that reads no new report, or an ingest with no new report, needs none."""
    from pypinyin import Style, lazy_pinyin, load_phrases_dict

    # pypinyin's default readings of these place names are wrong (朝阳 reads zhao-yang).
    load_phrases_dict({
        "朝阳": [["cháo"], ["yáng"]],
        "乐清": [["yuè"], ["qīng"]],
        "六安": [["lù"], ["ān"]],
        "长安": [["cháng"], ["ān"]],
        "长宁": [["cháng"], ["níng"]],
        "长沙": [["cháng"], ["shā"]],
        "长春": [["cháng"], ["chūn"]],
        "重庆": [["chóng"], ["qìng"]],
    })
    return lambda text: lazy_pinyin(text, style=Style.NORMAL, errors=lambda chars: list(chars))


# Generic suffixes dropped from names before they become slugs, longest first.
_PROVINCE_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "特别行政区", "省", "市")
_PLACE_SUFFIXES = ("自治州", "自治县", "自治旗", "地区", "林区", "特区", "新区", "区", "县", "市", "旗", "盟")


def pinyin(text: str) -> str:
    """ASCII slug of Chinese text: 江北 → jiangbei; other characters become hyphens."""
    text = unicodedata.normalize("NFKC", text)
    syllables = _pinyin()(text)
    slug = re.sub(r"[^a-z0-9]+", "-", "".join(syllables).lower())
    return slug.strip("-")


def _strip(name: str, suffixes: tuple[str, ...]) -> str:
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def publisher_kind(publisher: str, places: tuple[str, ...]) -> str:
    """司法局 → sifaju, 人民政府 → zhengfu, other departments by their own name without the place."""
    name = publisher.strip()
    for suffix, kind in (("司法局", "sifaju"), ("司法厅", "sifating"), ("政府", "zhengfu")):
        if name.endswith(suffix):
            return kind
    for place in sorted((p for p in places if p), key=len, reverse=True):
        if name.startswith(place):
            name = name[len(place) :]
            break
    return pinyin(name) or "report"


def report_slug(*, year: int | None, province: str, city: str, district: str, publisher: str, period: str) -> str:
    """The base slug ingest gives a new report (before collision suffixes)."""
    place = district or city
    parts = [
        str(year) if year else "undated",
        pinyin(_strip(province, _PROVINCE_SUFFIXES)) if province else "",
        pinyin(_strip(place, _PLACE_SUFFIXES)) if place else "",
        publisher_kind(publisher, (district, city, province)) if publisher else "report",
    ]
    if period and period != "annual":
        parts.append(period.lower())
    if not (province or place):
        parts.insert(1, "unplaced")
    return "-".join(p for p in parts if p)


def place_slug(adcode: str, name: str) -> str:
    """A place's slug: its division code, which makes it unique (陕西 and 山西 are both
    "shanxi"), and its name in pinyin, which makes it readable."""
    suffixes = _PROVINCE_SUFFIXES if adcode.endswith("0000") else _PLACE_SUFFIXES
    return f"{adcode}-{pinyin(_strip(name, suffixes))}"
