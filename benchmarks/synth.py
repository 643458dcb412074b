"""A deterministic corpus of realistic raw reports for the benchmarks.

The seeds' own headings and paragraphs are recombined (figures varied) under real
places from the division list, years 2016–2024, periods annual/Q1/H1, publishers
司法局/人民政府, 5–40 KB each; about 10% carry page chrome like seed 002, 10% are
GBK-encoded and 20% have CRLF line endings. The same N and seed give the same bytes.

    python benchmarks/synth.py OUT_DIR N
"""

from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.ingest.chrome import clean_lines  # noqa: E402
from generator.ingest.decode import decode
from generator.ingest.lines import heading_level

CN = "一二三四五六七八九十"


LENGTH = (5_000, 40_000)  # a report's size in bytes: the benchmark's corpus; benchmarks/run.py also runs shorter ones


def _pool() -> tuple[list[str], list[str]]:
    """Heading texts (numbers stripped) and body paragraphs from the seeds."""
    headings, paragraphs = [], []
    for path in sorted((ROOT / "content" / "raw").glob("*.txt")):
        for line in clean_lines(decode(path.read_bytes())):
            level = heading_level(line)
            if level is not None:
                text = re.sub(r"^[(（]?[一二三四五六七八九十\d]+[)）、.．]?", "", line)
                head, _, rest = text.partition("。")
                headings.append(head)
                if len(rest) > 30:
                    paragraphs.append(rest)
            elif len(line) > 40:
                paragraphs.append(line)
    return headings, paragraphs


def _places() -> list[tuple[str, str, str]]:
    data = ROOT / "generator" / "domain" / "data"
    provinces = {p["code"]: p["name"] for p in json.loads((data / "provinces.json").read_text(encoding="utf-8"))}
    cities = {c["code"]: c["name"] for c in json.loads((data / "cities.json").read_text(encoding="utf-8"))}
    out = []
    for a in json.loads((data / "areas.json").read_text(encoding="utf-8")):
        city = cities.get(a["cityCode"], "")
        out.append((provinces[a["provinceCode"]], "" if city in ("市辖区", "县", "省直辖县级行政区划") else city, a["name"]))
    return out


def _vary(text: str, rng: random.Random) -> str:
    return re.sub(r"\d+(\.\d+)?", lambda m: str(max(1, int(float(m.group(0)) * rng.uniform(0.5, 1.8)))), text)


def report(n: int, rng: random.Random, headings, paragraphs, places, length: tuple[int, int] = LENGTH) -> tuple[str, bytes]:
    province, city, district = rng.choice(places)
    year = rng.randint(2016, 2024)
    kind = "司法局" if rng.random() < 0.7 else "人民政府"
    period = rng.choices(["", "一季度", "上半年"], weights=[8, 1, 1])[0]
    publisher = district + kind
    target = rng.randint(*length)
    lines = []
    if rng.random() < 0.1:  # a page copied with its chrome
        lines += ["• 信息索引号:", f"    11{rng.randint(100000, 999999)}00{rng.randint(1000, 9999)}N/{year + 1}-{rng.randint(10000, 99999)}",
                  "  • 文件名称:", f"    {publisher}{year}年{period}工作总结", "  • 发布机构:", f"    {publisher}",
                  "  • 成文日期:", f"    {year + 1}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}", "    分享:", "    朗读"]
    elif rng.random() < 0.7:
        lines.append(f"{publisher}{year}年{period}法治政府建设工作{'总结' if kind == '司法局' else '报告'}")
    full = f"{province}{city}{district}" if city else f"{province}{district}"
    lines.append(f"{year}年{period}，{full}{kind}深入学习贯彻习近平法治思想，全面推进法治政府建设，现将有关情况报告如下：")
    size, part = sum(len(l) for l in lines) * 3, 0
    while size < target:
        part += 1
        lines.append(f"{CN[(part - 1) % 10]}、{rng.choice(headings)}")
        for sec in range(rng.randint(2, 5)):
            lines.append(f"（{CN[sec]}）{rng.choice(headings)}。{_vary(rng.choice(paragraphs), rng)}")
            for _ in range(rng.randint(0, 2)):
                lines.append(_vary(rng.choice(paragraphs), rng))
        size = sum(len(l) for l in lines) * 3
    text = "\n".join(lines) + "\n"
    if rng.random() < 0.2:
        text = text.replace("\n", "\r\n")
    # GBK has no "•"; GBK pages use "·".
    data = text.replace("•", "·").encode("gbk") if rng.random() < 0.1 else text.encode("utf-8")
    return f"{n:05d}.txt", data


def synthesize(out: Path, count: int, seed: int = 2016, length: tuple[int, int] = LENGTH) -> None:
    """``count`` reports of ``length`` bytes (about: UTF-8, a range) in ``out``."""
    rng = random.Random(seed)
    headings, paragraphs = _pool()
    places = _places()
    out.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        name, data = report(n, rng, headings, paragraphs, places, length)
        (out / name).write_bytes(data)


if __name__ == "__main__":
    synthesize(Path(sys.argv[1]), int(sys.argv[2]))
