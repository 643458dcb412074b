"""Place lookup (行政区划): which district, city and province a report is about.

Sources (see generator/domain/data/SOURCE.md):
- ``generator/domain/data/*.json``: the National Bureau of Statistics' 2023 division
  codes (统计用区划代码, as of 2023-06-30), from the npm package china-division 2.7.0;
- ``gb2260`` 0.4.1 (PyPI): the GB/T 2260 revisions 2002–2013, for names that have
  since changed (a 2016 report may still say 某某县 for what is now 某某区).

A name is only resolved when the text settles it: county-level names repeat
across the country (江北区 in 重庆 and 宁波), so a candidate must be confirmed by
its city or province named in the text, or by a 信息索引号 that embeds its code.
When two candidates stay possible, the place is left empty and ingest warns.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

# Generic suffixes, longest first, for short forms (管城回族区 → 管城, 重庆市 → 重庆).
_SUFFIXES = (
    "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "特别行政区", "自治州", "自治县", "自治旗",
    "地区", "林区", "新区", "矿区", "省", "市", "区", "县", "旗", "盟",
)


@dataclass(frozen=True)
class Division:
    """One administrative division: a province (省级), city (地级) or county (县级)."""

    code: str  # 6-digit 行政区划代码
    name: str
    kind: str  # province | city | county
    province: str
    city: str  # '' for a province, for a city itself, and under 直辖市
    historical: bool = False  # known only from an earlier revision


def short_name(name: str) -> str:
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def _pad(code: str) -> str:
    return code.ljust(6, "0")


_DATA = Path(__file__).parent / "data"
# City-level rows that are only containers: 直辖市's 市辖区, 省直辖县级行政区划.
_NOT_A_CITY = ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划")
# A 直辖市 (北京, 天津, 上海, 重庆) lists its districts and counties under these containers. Their
# city is the municipality itself, as jionlp and most address parsers give it, so that grouping
# reports by city keeps them; the place pages name the municipality once (records.places_of).
_MUNICIPALITY_PARTS = ("市辖区", "县")


def _city_of(container: str, province: str) -> str:
    """A county's city from its city-level row: the municipality for a 直辖市's parts."""
    if container in _MUNICIPALITY_PARTS:
        return province
    return "" if container in _NOT_A_CITY else container


@lru_cache(maxsize=1)
def divisions() -> tuple[Division, ...]:
    from gb2260 import data as gb_data

    def load(name: str) -> list[dict]:
        return json.loads((_DATA / name).read_text(encoding="utf-8"))

    provinces = {p["code"]: p["name"] for p in load("provinces.json")}
    cities = {c["code"]: c["name"] for c in load("cities.json")}
    out: dict[str, Division] = {}
    for code, name in provinces.items():
        out[_pad(code)] = Division(_pad(code), name, "province", name, "")
    for code, name in cities.items():
        if name not in _NOT_A_CITY:
            out[_pad(code)] = Division(_pad(code), name, "city", provinces[code[:2]], name)
    for area in load("areas.json"):
        if area["code"] == _pad(area["cityCode"]):
            continue  # a city without counties (东莞市 441900) is listed as its own only area: it is the city
        province = provinces[area["provinceCode"]]
        city = _city_of(cities.get(area["cityCode"], ""), province)
        out[area["code"]] = Division(area["code"], area["name"], "county", province, city)

    current_names = {(d.code, d.name) for d in out.values()}
    old = gb_data.data[2013]
    historical: list[Division] = []
    for code_int, name in old.items():
        code = f"{code_int:06d}"
        if (code, name) in current_names or name in _NOT_A_CITY or code.endswith("0000"):
            continue
        province = old.get(int(code[:2] + "0000"), "")
        if code.endswith("00"):
            historical.append(Division(code, name, "city", province, name, True))
        else:
            city = _city_of(old.get(int(code[:4] + "00"), ""), province)
            historical.append(Division(code, name, "county", province, city, True))
    merged = dict(out)
    for d in historical:
        merged.setdefault(f"h{d.code}{d.name}", d)
    return tuple(sorted(merged.values(), key=lambda d: (d.code, d.historical, d.name)))


# The 55 minority peoples, as autonomous divisions' names carry them (秀山土家族苗族自治县).
_PEOPLES = (
    "蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 东乡 纳西 景颇 "
    "柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 "
    "塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺"
).split()
# A people's name ends the part before 自治: with 族 (苗族, 土家族), or a longer name without it (巴音郭楞蒙古).
_PEOPLE_AT_END = re.compile("(?:" + "|".join(sorted({p + "族" for p in _PEOPLES} | {p for p in _PEOPLES if len(p) >= 2},
                                                    key=len, reverse=True)) + ")$")


def autonomous_short_form(name: str) -> str | None:
    """The short form an autonomous division goes by: 秀山土家族苗族自治县 → 秀山县, 恩施土家族苗族自治州 → 恩施州."""
    m = re.fullmatch(r"(.+?)自治(县|州|旗)", name)
    if not m:
        return None
    base = m.group(1)
    while (people := _PEOPLE_AT_END.search(base)) and people.start() >= 2:
        base = base[: people.start()]
    return base + m.group(2) if base != m.group(1) else None


@lru_cache(maxsize=1)
def _by_name() -> dict[str, tuple[Division, ...]]:
    """Divisions by name: their full names, and autonomous divisions' short forms (焉耆县 for
    焉耆回族自治县) where no division has that full name."""
    index: dict[str, list[Division]] = {}
    for d in divisions():
        index.setdefault(d.name, []).append(d)
    short: dict[str, list[Division]] = {}
    for d in divisions():
        alias = autonomous_short_form(d.name)
        if alias and alias not in index:
            short.setdefault(alias, []).append(d)
    return {k: tuple(v) for k, v in {**index, **short}.items()}


@lru_cache(maxsize=1)
def _name_pattern() -> re.Pattern:
    names = sorted(_by_name(), key=len, reverse=True)
    return re.compile("|".join(re.escape(n) for n in names if len(n) >= 2))


@lru_cache(maxsize=1)
def _county_counts() -> dict[str, int]:
    counts: dict[str, int] = {}
    for d in divisions():
        if d.kind == "county" and not d.historical:
            for above in {d.code[:2] + "0000", d.code[:4] + "00"}:
                counts[above] = counts.get(above, 0) + 1
    return counts


def counties_in(code: str) -> int:
    """How many county-level divisions (县级: districts, counties, county-level cities) the 2023
    list has below a province or city: what the share of its places with a report is out of."""
    return _county_counts().get(code, 0)


@lru_cache(maxsize=1)
def _province_codes() -> dict[str, int]:
    return {p["name"]: int(p["code"]) for p in json.loads((_DATA / "provinces.json").read_text(encoding="utf-8"))}


def province_code(name: str) -> int:
    """A provincial division's two-digit code (浙江省 → 33); 0 for a name that is none."""
    return _province_codes().get(name, 0)


def by_code(code: str) -> Division | None:
    for d in divisions():
        if d.code == code and not d.historical:
            return d
    return None


def names_in(text: str) -> Counter:
    """How often each division name occurs in the text (longest match first)."""
    return Counter(m.group(0) for m in _name_pattern().finditer(text))


@dataclass(frozen=True)
class NamedPlace:
    """A place as a text names it: adjacent division names, larger first (杭州市西湖区)."""

    start: int
    end: int
    names: tuple[str, ...]

    @property
    def name(self) -> str:
        """The most specific of them, the one to look up."""
        return self.names[-1]


def named_places(text: str) -> list[NamedPlace]:
    """Every place the text names, in order; adjacent names are one place (重庆市荣昌区)."""
    out: list[NamedPlace] = []
    for m in _name_pattern().finditer(text):
        if out and out[-1].end == m.start():
            out[-1] = NamedPlace(out[-1].start, m.end(), out[-1].names + (m.group(0),))
        else:
            out.append(NamedPlace(m.start(), m.end(), (m.group(0),)))
    return out


@dataclass(frozen=True)
class Resolution:
    division: Division | None
    candidates: tuple[Division, ...]
    reason: str


def _mentions(text: str, name: str) -> bool:
    return bool(name) and (name in text or (len(short_name(name)) >= 2 and short_name(name) in text))


def _above(d: Division) -> tuple[str, ...]:
    """The names above a division (its city, its province), each once: a municipality is both."""
    return tuple(dict.fromkeys(n for n in (d.city, d.province) if n and n != d.name))


def full_name(d: Division) -> str:
    """The name from the province down, a municipality named once: 重庆市江北区, 浙江省宁波市江北区."""
    return "".join(_above(d)[::-1]) + d.name


def _qualified(text: str, d: Division, name: str) -> bool:
    """The text names the division with its city or province right before it (长春市朝阳区, 北京朝阳区)."""
    return any(q + name in text for above in _above(d) for q in {above, short_name(above)} if len(q) >= 2)


_DOC_PREFIX = re.compile(r"^[\u4e00-\u9fff]+")


def _doc_number_names(doc_number: str, d: Division, name: str) -> bool:
    """A 发文字号 opens with the initials of the issuer's city and district (长朝委〔2024〕7号: 长春 朝阳)."""
    prefix = _DOC_PREFIX.match(doc_number)
    return bool(prefix and d.city and d.city != d.province) and prefix.group(0).startswith(d.city[0] + name[0])


def resolve(name: str, text: str, doc_index: str = "", doc_number: str = "") -> Resolution:
    """Which division called ``name`` the text is about, or why it cannot say."""
    candidates = _by_name().get(name, ())
    if not candidates:
        return Resolution(None, (), f"{name} is not a division name in the dataset")
    current = tuple(d for d in candidates if not d.historical) or candidates
    if len(current) == 1:
        return Resolution(current[0], candidates, "unique name")
    # A city whose only district bears its name (嘉峪关市) is the city.
    cities = [d for d in current if d.kind == "city"]
    if len(cities) == 1 and all(d.code[:4] == cities[0].code[:4] for d in current):
        return Resolution(cities[0], candidates, "a city and its own district")
    # A 统一社会信用代码-style 信息索引号 embeds the publisher's division code (11330702…);
    # some sites' 索引号 open with the code itself (330782000000/2024-…).
    digits = re.sub(r"\D", "", doc_index)
    index_codes = {digits[2:8], digits[:6]} if len(digits) >= 8 else set()
    clues = (
        ("信息索引号 carries its code", lambda d: d.code in index_codes),
        ("it is named with its city or province", lambda d: _qualified(text, d, name)),
        ("the 发文字号 opens with its city's and its own initials", lambda d: _doc_number_names(doc_number, d, name)),
        # Its city named in the text settles it (济南市市中区 vs 枣庄市市中区, both 山东省);
        # failing that, its province (重庆市江北区 vs 浙江省宁波市江北区). A municipality is
        # both, and counts once, as the city.
        ("its city is named in the text", lambda d: d.city and d.city != name and _mentions(text, d.city)),
        ("its province is named in the text", lambda d: d.province not in (name, d.city) and _mentions(text, d.province)),
    )
    # Each clue settles the name when one candidate has it; when several have it, the next clue
    # chooses among those (南京 and 福州 named, and 江苏省: 南京's 鼓楼区).
    for reason, test in clues:
        found = tuple(d for d in current if test(d))
        if len(found) == 1:
            return Resolution(found[0], candidates, reason)
        current = found or current
    # 区 vs 县 of the same short name: 昌江区 (江西) vs 昌江黎族自治县 (海南) are different names already.
    listed = "、".join(full_name(d) for d in current)
    return Resolution(None, candidates, f"{name} is ambiguous ({listed}) and the text does not say which")


def subject_name(text: str, suffix: str = "", kinds: tuple[str, ...] = ("county", "city"), near: int | None = None) -> str | None:
    """The county- or city-level name the text is mostly about (most frequent full name).

    With ``suffix`` and ``kinds`` only names of that sort count (a text that says 我县 is about a
    县: county-level names ending in 县); with ``near`` a tie goes to the name nearest that position."""
    positions: dict[str, list[int]] = {}
    for m in _name_pattern().finditer(text):
        name = m.group(0)
        if name.endswith(suffix) and any(d.kind in kinds for d in _by_name()[name]):
            positions.setdefault(name, []).append(m.start())
    if not positions:
        return None
    distance = (lambda n: min(abs(p - near) for p in positions[n])) if near is not None else (lambda n: 0)
    return min(positions, key=lambda n: (-len(positions[n]), distance(n), -len(n), n))
