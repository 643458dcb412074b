"""Ingest survives every ordinary mistake (issue 15): nothing lost, nothing leaked.

Each test sets up a small project, makes one mistake a user can make (a broken
configuration file, a hand-edited report that no longer parses, a symlink in
content/raw, a damaged .machine.json …) and checks that ingest says so in one line
naming the file (and line) and touches nothing it should not.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator import cli
from generator.ingest.run import run_ingest
from tests.ingest.test_ingest import FIXTURES, SEEDS, project

CITY = (FIXTURES / "city_government.txt").read_bytes()


def snapshot(folder: Path) -> dict[str, tuple[int, bytes]]:
    """Every file in the folder with its mtime and bytes: what "touched nothing" compares."""
    return {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in sorted(folder.iterdir()) if p.is_file()}


def fazhi(tmp_path: Path, capsys, *argv: str) -> tuple[int, list[str]]:
    """Run the command line in the project; its exit status and the lines it printed (stderr, then stdout)."""
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        status = cli.main(list(argv))
    finally:
        os.chdir(cwd)
    printed = capsys.readouterr()
    return status, printed.err.splitlines() + printed.out.splitlines()


def seeded(tmp_path: Path) -> tuple[Path, Path]:
    """A project whose seeds have been ingested once."""
    raw, out = project(tmp_path, {p.name: p.read_bytes() for p in SEEDS})
    problems, written = run_ingest(raw, out)
    assert written == len(SEEDS) and not [p for p in problems if p.severity == "error"]
    return raw, out


# --- 2. a broken taxonomy or indicator table never overwrites reports ---------------------------


BROKEN_CONFIGURATION = {
    "empty-indicators": ("indicators.yml", b"", ["content/indicators.yml: error: indicator table is empty: write [] to mean no indicators on purpose"]),
    "comments-only-indicators": ("indicators.yml", b"# nothing yet\n", ["content/indicators.yml: error: indicator table is empty: write [] to mean no indicators on purpose"]),
    "unclosed-topics": ("topics.yml", None, ["content/topics.yml:{last}: error: not valid YAML: "]),
    "empty-topics": ("topics.yml", b"", ["content/topics.yml: error: topic taxonomy is empty: write [] to mean no topics on purpose"]),
    "gbk-topics": ("topics.yml", "- slug: a\n  name: 行政复议\n  words: [复议]\n".encode("gbk"), ["content/topics.yml:2: error: not UTF-8 (byte 18)"]),
    "mapping-topics": ("topics.yml", b"slug: a\nname: b\n", ["content/topics.yml:1: error: expected a list of topics, got a mapping"]),
    "typed-topics": ("topics.yml", b"- slug: a\n  name: b\n  words: 3\n- slug: B!\n  name: c\n  words: [x]\n- 7\n",
                     ["content/topics.yml:3: error: topic a: words must be a non-empty list of words",
                      "content/topics.yml:4: error: topic 2: slug 'B!' must be unique lower-case ASCII with hyphens",
                      "content/topics.yml:7: error: topic 3 needs a slug and a name"]),
    "typo-key-indicators": ("indicators.yml", "- key: a\n  name: 受理\n  unit: 件\n  units: [件]\n  phrasings: ['受理{n}']\n  exlude: [律师]\n".encode(),
                            ["content/indicators.yml:6: error: indicator a: unknown key 'exlude' (known: key, name, unit, units, context, exclude, phrasings, shares, topic)"]),
    "duplicate-key-topics": ("topics.yml", "- slug: a\n  name: 复议\n  words: [复议]\n  words: [调解]\n".encode(),
                             ["content/topics.yml:4: error: topic a: key 'words' given twice (first on line 3)"]),
    "missing-indicators": ("indicators.yml", None, ["content/indicators.yml: error: indicator table is missing: write [] to mean no indicators on purpose"]),
}


@pytest.mark.parametrize("case", sorted(BROKEN_CONFIGURATION))
def test_a_broken_configuration_stops_ingest_before_any_report_is_touched(tmp_path: Path, capsys, case: str):
    name, data, expected = BROKEN_CONFIGURATION[case]
    raw, out = seeded(tmp_path)
    config = tmp_path / "content" / name
    last = 0
    if case == "unclosed-topics":
        with config.open("a", encoding="utf-8") as f:
            f.write("x: [\n")
        last = len(config.read_text(encoding="utf-8").splitlines())  # the line appended
    elif case == "missing-indicators":
        config.unlink()
    else:
        config.write_bytes(data)
    (raw / "new.txt").write_bytes(CITY)  # a new original is not ingested either
    before = snapshot(out)
    status, err = fazhi(tmp_path, capsys, "ingest")
    assert status == 1
    assert snapshot(out) == before
    problems = [line for line in err if not line.startswith("ingest:")]
    assert len(problems) == len(expected)
    for line, want in zip(problems, expected):
        assert line.startswith(want.format(last=last)), line
    assert any("configuration" in line and "no report was touched" in line for line in err)


def test_every_configuration_problem_is_listed_at_once(tmp_path: Path, capsys):
    raw, out = seeded(tmp_path)
    (tmp_path / "content" / "indicators.yml").write_bytes(b"")
    (tmp_path / "content" / "topics.yml").write_bytes(b"- slug: a\n  name: b\n  words: []\n- slug: a\n  name: c\n  words: [x]\n")
    status, err = fazhi(tmp_path, capsys, "ingest")
    assert status == 1
    assert [line for line in err if ": error: " in line] == [
        "content/indicators.yml: error: indicator table is empty: write [] to mean no indicators on purpose",
        "content/topics.yml:3: error: topic a: words must be a non-empty list of words",
        "content/topics.yml:4: error: topic 2: slug 'a' must be unique lower-case ASCII with hyphens",
    ]


def test_an_explicitly_empty_indicator_table_is_ingested_without_figures(tmp_path: Path):
    raw, out = seeded(tmp_path)
    (tmp_path / "content" / "indicators.yml").write_text("# no indicators on purpose\n[]\n", encoding="utf-8")
    problems, written = run_ingest(raw, out)
    assert [p for p in problems if p.severity == "error"] == []
    assert written == len(SEEDS)
    assert all("\nfigures: []\n" in p.read_text(encoding="utf-8") for p in out.glob("*.md"))


def test_the_loaders_give_the_build_the_same_problems(tmp_path: Path):
    from generator.domain.topics import load_topics
    from generator.site import figure_pages

    (tmp_path / "topics.yml").write_bytes(b"")
    (tmp_path / "indicators.yml").write_bytes(b"\xff\xfe- key")
    topics, problems = load_topics(tmp_path / "topics.yml")
    assert topics == () and [p.severity for p in problems] == ["error"]
    indicators, problems = figure_pages.load(tmp_path)
    assert indicators == () and [str(p) for p in problems] == [f"{tmp_path / 'indicators.yml'}:1: error: not UTF-8 (byte 0)"]


@pytest.mark.slow
def test_the_build_stops_on_an_empty_indicator_table(tmp_path: Path):
    import shutil

    from generator.site.build import build
    from tests.conftest import ROOT

    shutil.copytree(ROOT / "content", tmp_path / "content")
    (tmp_path / "content" / "indicators.yml").write_bytes(b"")
    problems, _ = build(tmp_path / "content", tmp_path / "site", "https://fazhi.example.org/")
    assert [p.message for p in problems if p.severity == "error"] == ["indicator table is empty: write [] to mean no indicators on purpose"]
    assert not (tmp_path / "site").exists()


# --- a phrasing that could backtrack without bound is refused at load ----------------------------


@pytest.mark.parametrize("phrasing", [
    "(受理+)+{n}",  # the classic: a repeat inside a repeat
    "(?:共计|共)*受理{n}",
    "(?:受|受理)+{n}",  # alternatives that start alike, repeated
    "(?:.*受理){5}{n}",  # bounded outside, unbounded inside
    "(?:受理{n})+",  # the number itself repeated
    "受理.*{n}",  # unbounded: a phrasing names the indicator next to the number
    "受理.{0,40}.{0,40}.{0,40}{n}",  # 68,921 ways at every character
])
def test_a_phrasing_that_could_backtrack_without_bound_is_refused(tmp_path: Path, phrasing: str):
    from generator.domain.figures import load_indicators

    path = tmp_path / "indicators.yml"
    path.write_text(f"- key: a\n  name: 受理\n  unit: 件\n  units: [件]\n  phrasings:\n    - '{phrasing}'\n    - '办理{{n}}'\n",
                    encoding="utf-8")
    indicators, problems = load_indicators(path)
    assert indicators == ()
    (problem,) = problems
    assert str(problem).startswith(f"{path}:6: error: indicator a: phrasing {phrasing!r} could backtrack without bound: ")


@pytest.mark.parametrize("pattern", [
    r"(?:,\d{3})+", r"[零〇一二]+", r"(?:ab|cd)+", r"(?:a|b)+", r"(?:受理[^，]{0,12}?)?", r"(?:a{2})+", r"(?:(?=x)x|y)+",
])
def test_unambiguous_repeats_are_allowed(pattern: str):
    from generator.domain.backtracking import ambiguous_repeat

    assert ambiguous_repeat(pattern) == ""


@pytest.mark.parametrize("pattern", [
    r"(a+)+b", r"(a|aa)+", r"(a|a)*", r"(a?a)+", r"(\d+,?)+", r"(?:\w+\s?)+$", r"(a|b|ab)*c", r"(?:.|\n)+", r"(?:a|)+",
    r"(?:\b)+", r"(a)(?:\1)+", r"(?:a(?:b|bc))+", r"(?:x(?:\d\d|[0-9]a))+",
])
def test_ambiguous_repeats_are_refused(pattern: str):
    from generator.domain.backtracking import ambiguous_repeat

    assert ambiguous_repeat(pattern).endswith(", inside a repeat")


def test_ingest_stops_on_a_phrasing_that_could_hang_it(tmp_path: Path, capsys):
    raw, out = seeded(tmp_path)
    table = tmp_path / "content" / "indicators.yml"
    table.write_text(table.read_text(encoding="utf-8").replace("    - 复议维持{n}\n", "    - (复议+)+维持{n}\n"), encoding="utf-8")
    before = snapshot(out)
    status, err = fazhi(tmp_path, capsys, "ingest")
    assert status == 1 and snapshot(out) == before
    assert [line for line in err if ": error: " in line] == [
        f"content/indicators.yml:{_line_of(table, '(复议+)+维持')}: error: indicator review-upheld: phrasing '(复议+)+维持{{n}}' "
        "could backtrack without bound: a repeat of variable length, inside a repeat"]


def _line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)


# --- 3. only regular files inside content/raw are originals --------------------------------------


def _problem_lines(err: list[str]) -> list[str]:
    return [line for line in err if ": error: " in line or ": warning: " in line]


def test_a_symlink_leaving_the_raw_folder_is_refused(tmp_path: Path, capsys):
    raw, out = project(tmp_path, {"good.txt": CITY})
    secret = tmp_path / "secret.txt"  # stands for /etc/passwd: any file outside content/raw
    secret.write_bytes(CITY.replace("金华市".encode(), "衢州市".encode()))
    (raw / "passwd.txt").symlink_to(secret)
    status, err = fazhi(tmp_path, capsys, "ingest")
    assert status == 1
    assert _problem_lines(err) == [f"content/raw/passwd.txt: error: symlink to {secret}, outside content/raw: refused, not ingested"]
    assert [p.name for p in out.glob("*.md")] == ["2020-zhejiang-jinhua-zhengfu.md"]
    assert "衢州" not in (out / ".machine.json").read_text(encoding="utf-8")


def test_other_entries_of_the_raw_folder_are_skipped_with_a_warning(tmp_path: Path, capsys):
    raw, out = project(tmp_path, {"good.txt": CITY, "..txt": CITY, ".draft.txt": CITY, ".gitkeep": b""})
    (raw / "alias.txt").symlink_to(raw / "good.txt")
    (raw / "sub").mkdir()
    (raw / "sub" / "inner.txt").write_bytes(CITY)
    os.mkfifo(raw / "pipe.txt")  # reading it would wait forever
    status, err = fazhi(tmp_path, capsys, "ingest")
    assert status == 0
    assert _problem_lines(err) == [
        "content/raw/..txt: warning: hidden (the name starts with a dot): not ingested; rename it to ingest it",
        "content/raw/.draft.txt: warning: hidden (the name starts with a dot): not ingested; rename it to ingest it",
        "content/raw/alias.txt: warning: symlink to content/raw/good.txt: not ingested (only the files themselves are originals)",
        "content/raw/pipe.txt: warning: not a regular file (a pipe, socket or device): not ingested",
        "content/raw/sub: warning: a folder: not ingested (only the files directly in the raw folder are originals)",
    ]
    assert [p.name for p in out.glob("*.md")] == ["2020-zhejiang-jinhua-zhengfu.md"]


def _locked(monkeypatch, name: str) -> None:
    """Reading the named file fails as under chmod 000 (the tests run as root, where chmod does not stop reading)."""
    real = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.name == name:
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)


def test_an_unreadable_original_is_one_line_and_its_report_is_left_alone(tmp_path: Path, capsys, monkeypatch):
    raw, out = seeded(tmp_path)
    locked = SEEDS[1].name
    (raw / locked).write_bytes((raw / locked).read_bytes() + "补充一段。\n".encode())  # changed, so it would be read again
    (raw / "new.txt").write_bytes(CITY)
    before = snapshot(out)
    _locked(monkeypatch, locked)
    status, err = fazhi(tmp_path, capsys, "ingest")
    assert status == 1
    assert _problem_lines(err) == [f"content/raw/{locked}: error: cannot be read: Permission denied; its report is left as it is"]
    after = snapshot(out)
    assert {k: v for k, v in after.items() if k.endswith(".md") and k in before} == {k: v for k, v in before.items() if k.endswith(".md")}
    assert "2020-zhejiang-jinhua-zhengfu.md" in after  # the rest is still ingested
    monkeypatch.undo()
    problems, written = run_ingest(raw, out)  # readable again: now it is read
    assert written == 1 and not problems


def test_an_original_that_becomes_unreadable_while_ingest_runs_is_one_line(tmp_path: Path, capsys, monkeypatch):
    from generator.ingest import run as ingest

    raw, out = project(tmp_path, {"good.txt": CITY, "later.txt": CITY + "补充。\n".encode()})
    real = ingest._FileDigests.of

    def hash_then_lock(self, paths: list[Path]):
        hashed = real(self, paths)
        if any(p.name == "later.txt" for p in paths):
            _locked(monkeypatch, "later.txt")  # after it was hashed, before it is read to be ingested
        return hashed

    monkeypatch.setattr(ingest._FileDigests, "of", hash_then_lock)
    status, err = fazhi(tmp_path, capsys, "ingest")
    assert status == 1
    assert _problem_lines(err) == ["content/raw/later.txt: error: cannot be read: Permission denied; its report is left as it is"]
    assert [p.name for p in out.glob("*.md")] == ["2020-zhejiang-jinhua-zhengfu.md"]


# --- 5. a report ingest cannot read is never turned into a new one -------------------------------

JIANGBEI = "2021-chongqing-jiangbei-sifaju.md"


def _jiangbei(out: Path) -> tuple[Path, str]:
    """The seed 000's report file and the original it names."""
    md = out / JIANGBEI
    raw = next(line[5:] for line in md.read_text(encoding="utf-8").splitlines() if line.startswith("raw: "))
    return md, raw


def _break_unclosed_quote(md: Path) -> None:
    text = md.read_text(encoding="utf-8")
    md.write_text(text.replace("\ntitle: ", '\ntitle: "', 1), encoding="utf-8")


def _break_invalid_utf8(md: Path) -> None:
    md.write_bytes(md.read_bytes().replace("江北区司法局".encode(), b"\xff\xfe", 1))


def _break_no_front_matter(md: Path) -> None:
    md.write_bytes(md.read_bytes()[4:])  # the opening '---' deleted


def _break_duplicate_key(md: Path) -> None:
    md.write_text(md.read_text(encoding="utf-8").replace("\nyear: 2021\n", "\nyear: 2021\nyear: 2019\n", 1), encoding="utf-8")


@pytest.mark.parametrize("damage, where, reason", [
    (_break_unclosed_quote, None, "front-matter is not valid YAML: "),
    (_break_invalid_utf8, None, "not UTF-8 (byte "),
    (_break_no_front_matter, 1, "no front-matter between two '---' lines"),
    (_break_duplicate_key, 10, "key 'year' is given twice (first at line 9): which one is meant?"),
], ids=["unclosed-quote", "invalid-utf8", "no-front-matter", "duplicate-key"])
@pytest.mark.parametrize("original_changed", [False, True], ids=["same-original", "changed-original"])
def test_a_report_that_cannot_be_read_is_one_line_and_no_new_report(tmp_path: Path, capsys, damage, where, reason, original_changed):
    raw, out = seeded(tmp_path)
    md, original = _jiangbei(out)
    damage(md)
    if original_changed:
        path = tmp_path / original
        path.write_bytes(path.read_bytes() + "补充一段。\n".encode())
    damaged, before = md.read_bytes(), snapshot(out)
    status, err = fazhi(tmp_path, capsys, "ingest")
    assert status == 1
    (line,) = _problem_lines(err)
    assert line.startswith(f"content/reports/{JIANGBEI}:")
    at = line.split(":")[1]
    assert at.isdigit() and (where is None or int(at) == where)
    assert f": error: {reason}" in line
    assert line.endswith(f"; ingest leaves it and its original {original} as they are until it is fixed")
    assert md.read_bytes() == damaged
    assert sorted(p.name for p in out.glob("*.md")) == sorted(n for n in before if n.endswith(".md"))  # no …-2.md
    assert {n: v for n, v in snapshot(out).items() if n.endswith(".md")} == {n: v for n, v in before.items() if n.endswith(".md")}


def test_once_the_report_is_fixed_it_is_refreshed_again(tmp_path: Path, capsys):
    raw, out = seeded(tmp_path)
    md, original = _jiangbei(out)
    good = md.read_bytes()
    _break_unclosed_quote(md)
    fazhi(tmp_path, capsys, "ingest")
    md.write_bytes(good)
    status, err = fazhi(tmp_path, capsys, "ingest")
    assert status == 0 and _problem_lines(err) == []
    assert md.read_bytes() == good and not (out / JIANGBEI.replace(".md", "-2.md")).exists()


def test_a_report_that_cannot_be_read_is_one_line(tmp_path: Path, capsys, monkeypatch):
    raw, out = seeded(tmp_path)
    md, original = _jiangbei(out)
    md.write_text(md.read_text(encoding="utf-8").replace("period: annual", "period: H1"), encoding="utf-8")  # so it is read
    _locked(monkeypatch, JIANGBEI)
    status, err = fazhi(tmp_path, capsys, "ingest")
    assert status == 1
    assert _problem_lines(err) == [f"content/reports/{JIANGBEI}: error: cannot be read: Permission denied; "
                                   f"ingest leaves it and its original {original} as they are until it is fixed"]
    assert not (out / JIANGBEI.replace(".md", "-2.md")).exists()


def test_without_machine_json_the_cache_says_which_original_a_broken_report_holds(tmp_path: Path, capsys):
    raw, out = seeded(tmp_path)
    md, original = _jiangbei(out)
    (out / ".machine.json").unlink()
    _break_unclosed_quote(md)
    status, err = fazhi(tmp_path, capsys, "ingest")
    assert status == 1 and any(line.endswith(f"its original {original} as they are until it is fixed") for line in err)
    assert not (out / JIANGBEI.replace(".md", "-2.md")).exists()


def test_a_broken_report_no_record_knows_holds_back_new_reports(tmp_path: Path, capsys):
    raw, out = seeded(tmp_path)
    md, original = _jiangbei(out)
    for name in (".machine.json", ".ingest-cache.json"):
        (out / name).unlink()
    _break_unclosed_quote(md)
    before = snapshot(out)
    status, err = fazhi(tmp_path, capsys, "ingest")
    assert status == 1
    (line,) = [line for line in err if ": error: " in line]
    assert line.startswith(f"content/reports/{JIANGBEI}:") and line.endswith(
        "; no record says which original it holds, so no new report is made this run")
    assert sorted(p.name for p in out.glob("*.md")) == sorted(n for n in before if n.endswith(".md"))


def test_a_report_saved_with_a_byte_order_mark_is_still_its_originals(tmp_path: Path):
    raw, out = seeded(tmp_path)
    md, _ = _jiangbei(out)
    md.write_bytes("\ufeff".encode() + md.read_bytes().replace(b"period: annual", b"period: H1"))
    problems, written = run_ingest(raw, out)
    assert [p for p in problems if p.severity == "error"] == [] and not (out / JIANGBEI.replace(".md", "-2.md")).exists()
    assert "period: H1" in md.read_text(encoding="utf-8-sig")


def test_a_folder_named_like_a_report_is_skipped_with_a_warning(tmp_path: Path, capsys):
    raw, out = seeded(tmp_path)
    (out / "x.md").mkdir()
    status, err = fazhi(tmp_path, capsys, "ingest")
    assert status == 0 and _problem_lines(err) == ["content/reports/x.md: warning: not a report file (a folder?): skipped"]


# --- 9. a damaged .machine.json or cache is one line, and no hand correction is lost -------------


@pytest.mark.parametrize("damage, expected", [
    (b"{", "content/reports/.machine.json:1: warning: damaged (Expecting property name enclosed in double quotes): "),
    (b'{"a": "\xff"}', "content/reports/.machine.json: warning: damaged ('utf-8' codec can't decode byte 0xff"),
    (b"[1, 2]", "content/reports/.machine.json: warning: damaged (not a JSON object): "),
], ids=["truncated", "not-utf8", "a-list"])
def test_a_damaged_machine_record_keeps_every_hand_correction(tmp_path: Path, capsys, damage: bytes, expected: str):
    raw, out = seeded(tmp_path)
    md, original = _jiangbei(out)
    corrected = md.read_text(encoding="utf-8").replace("title: 重庆市江北区司法局2021年法治政府建设工作情况", "title: 江北区司法局2021年法治政府建设情况报告")
    md.write_text(corrected, encoding="utf-8")
    path = tmp_path / original
    path.write_bytes(path.read_bytes() + "补充一段。\n".encode())  # so ingest refreshes this report
    (out / ".machine.json").write_bytes(damage)
    status, err = fazhi(tmp_path, capsys, "ingest")
    assert status == 0
    (line,) = _problem_lines(err)
    assert line.startswith(expected) and line.endswith(
        "hand corrections cannot be told from ingest's values, so every report keeps all its fields and its body as they are")
    assert "title: 江北区司法局2021年法治政府建设情况报告\n" in md.read_text(encoding="utf-8")
    status, err = fazhi(tmp_path, capsys, "ingest")  # the record is whole again
    assert status == 0 and _problem_lines(err) == []


def test_a_damaged_record_in_machine_json_is_one_line(tmp_path: Path, capsys):
    import json

    raw, out = seeded(tmp_path)
    md, original = _jiangbei(out)
    record = json.loads((out / ".machine.json").read_text(encoding="utf-8"))
    record[md.stem]["fields"] = ["not", "a", "mapping"]
    (out / ".machine.json").write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    status, err = fazhi(tmp_path, capsys, "ingest")
    assert status == 0
    assert _problem_lines(err) == [f"content/reports/.machine.json: warning: the record of {md.stem} is damaged: "
                                   "that report keeps all its fields and its body as they are"]


def test_a_damaged_ingest_cache_only_costs_time(tmp_path: Path):
    import json

    raw, out = seeded(tmp_path)
    before = {p.name: p.read_bytes() for p in out.glob("*.md")}
    cache = json.loads((out / ".ingest-cache.json").read_text(encoding="utf-8"))
    for n, entry in enumerate(cache["files"].values()):
        entry.update(({"problems": 7}, {"report": ["x"]}, {"sha256": None}, {"problems": [[1]]}, {})[n % 5])
    (out / ".ingest-cache.json").write_text(json.dumps(cache), encoding="utf-8")
    problems, written = run_ingest(raw, out)
    assert written == 0 and not [p for p in problems if p.severity == "error"]
    assert {p.name: p.read_bytes() for p in out.glob("*.md")} == before


# --- lesser: a missing original, two reports naming one original --------------------------------


def test_a_missing_original_is_a_warning_from_ingest_and_an_error_from_check(tmp_path: Path, capsys):
    raw, out = seeded(tmp_path)
    md, original = _jiangbei(out)
    (tmp_path / original).unlink()
    before = snapshot(out)
    status, err = fazhi(tmp_path, capsys, "ingest")
    assert status == 0
    assert _problem_lines(err) == [f"content/reports/{JIANGBEI}: warning: its original {original} is missing (deleted or renamed?): "
                                   "the report is left as it is"]
    assert {n: v for n, v in snapshot(out).items() if n.endswith(".md")} == {n: v for n, v in before.items() if n.endswith(".md")}
    status, err = fazhi(tmp_path, capsys, "check")
    assert status == 1 and f"content/reports/{JIANGBEI}: error: original {original} is missing" in err


def test_two_reports_naming_one_original_is_a_warning_naming_both(tmp_path: Path, capsys):
    raw, out = seeded(tmp_path)
    md, original = _jiangbei(out)
    copy = out / "zzz-copy.md"  # sorted after the report ingest made, which must stay the one refreshed
    copy.write_text(md.read_text(encoding="utf-8").replace("period: annual", "period: H1"), encoding="utf-8")
    (tmp_path / original).write_bytes((tmp_path / original).read_bytes() + "补充一段。\n".encode())
    copied = copy.read_bytes()
    status, err = fazhi(tmp_path, capsys, "ingest")
    assert status == 0
    assert _problem_lines(err) == [f"content/reports/zzz-copy.md: warning: names the same original {original} as "
                                   f"content/reports/{JIANGBEI}, which is the one refreshed from it; this file is left as it is"]
    assert copy.read_bytes() == copied and "补充一段。" in md.read_text(encoding="utf-8")
    status, again = fazhi(tmp_path, capsys, "ingest")  # said again on every run, though nothing is read
    assert _problem_lines(again) == _problem_lines(err)


# --- lesser: an editor's unknown key is kept; a topic the taxonomy lost is a warning ----------------


def _line_starting(md: Path, start: str) -> int:
    return next(n for n, line in enumerate(md.read_text(encoding="utf-8").splitlines(), 1) if line.startswith(start))


def test_an_unknown_front_matter_key_is_kept_with_a_warning(tmp_path: Path, capsys):
    raw, out = seeded(tmp_path)
    md, original = _jiangbei(out)
    md.write_text(md.read_text(encoding="utf-8").replace("\ntitle_inferred:", "\ntitel: 江北区司法局2021年工作报告\ntitle_inferred:", 1),
                  encoding="utf-8")
    (tmp_path / original).write_bytes((tmp_path / original).read_bytes() + "补充一段。\n".encode())  # so the file is rewritten
    status, err = fazhi(tmp_path, capsys, "ingest")
    assert status == 0
    text = md.read_text(encoding="utf-8")
    assert "补充一段。" in text  # rewritten …
    head = text.split("\n---\n", 1)[0].splitlines()
    assert head[-1] == "titel: 江北区司法局2021年工作报告"  # … with the editor's key after the known ones
    line = _line_starting(md, "titel:")
    assert _problem_lines(err) == [f"content/reports/{JIANGBEI}:{line}: warning: unknown front-matter key 'titel' is kept as it was, "
                                   "after the known ones (a typo of a known key?)"]
    before = snapshot(out)
    status, again = fazhi(tmp_path, capsys, "ingest")
    assert snapshot(out) == before and _problem_lines(again) == _problem_lines(err)


def test_a_topic_the_taxonomy_no_longer_has_is_a_warning(tmp_path: Path, capsys):
    raw, out = seeded(tmp_path)
    md, original = _jiangbei(out)
    text = md.read_text(encoding="utf-8")
    head, body = text.split("\n---\n", 1)
    start = head.index("\ntopics:")
    end = head.index("\nfigures:")
    md.write_text(head[:start] + "\ntopics:\n- renmin-tiaojie\n- gone-topic" + head[end:] + "\n---\n" + body, encoding="utf-8")
    status, err = fazhi(tmp_path, capsys, "ingest")
    assert status == 0
    line = _line_starting(md, "topics:")
    expected = f"content/reports/{JIANGBEI}:{line}: warning: topics: 'gone-topic' is not a topic in topics.yml (an editor's topic, kept as it was)"
    assert _problem_lines(err) == [expected]
    status, err = fazhi(tmp_path, capsys, "check")
    assert f"content/reports/{JIANGBEI}:{line}: warning: topics: 'gone-topic' is not a topic in topics.yml" in err


@pytest.mark.parametrize("how", ["absolute", "dot-dot", "symlink"])
def test_check_reads_no_original_outside_the_raw_folder(tmp_path: Path, capsys, how: str):
    import hashlib

    raw, out = seeded(tmp_path)
    md, original = _jiangbei(out)
    secret = tmp_path.parent / f"{tmp_path.name}-secret.txt"  # stands for /etc/shadow
    secret.write_bytes(b"root:x:0:0\n")
    named = {"absolute": str(secret), "dot-dot": f"content/raw/../../../{secret.name}", "symlink": "content/raw/link.txt"}[how]
    if how == "symlink":
        (raw / "link.txt").symlink_to(secret)
    text = md.read_text(encoding="utf-8").replace(f"raw: {original}\n", f"raw: {named}\n")
    text = text.replace(text.split("raw_sha256: ")[1].split("\n")[0], hashlib.sha256(secret.read_bytes()).hexdigest())
    md.write_text(text, encoding="utf-8")
    status, err = fazhi(tmp_path, capsys, "check")
    assert status == 1
    line = _line_starting(md, "raw: ")
    assert [e for e in err if ": error: " in e] == [f"content/reports/{JIANGBEI}:{line}: error: raw: {named!r} " + {
        "absolute": "is an absolute path: an original is named inside content/raw (content/raw/<file>)",
        "dot-dot": "leaves its folder (..): an original is named inside content/raw",
        "symlink": "is not a file inside raw/ (symbolic links are followed): only originals there are published"}[how]]


# --- property: whatever an editor does to a report file, no second report is made ------------------

_HOSTILE = st.sampled_from([b'"', b"'", b"[", b"]", b"{", b"}", b":", b": ", b"#", b"- ", b"\n", b"\n  ", b"\t", b"&a", b"*a",
                            b"!", b"|", b">", b"%", b"@", b"`", b"---\n", b"\xff", b"\xe6\xb3", "法治".encode(), b"year: 1\n",
                            b"titel: x\n", b"\xef\xbb\xbf", b"? ", b"~"])


@pytest.mark.slow  # 60 ingests
@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=st.lists(st.tuples(st.floats(0, 1), _HOSTILE), min_size=1, max_size=4))
def test_no_edit_of_a_report_makes_a_second_report_or_is_lost(tmp_path: Path, edits):
    base = tmp_path / "base"
    if not base.exists():
        seeded(base)
    work = tmp_path / "work"
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(base, work, symlinks=True)
    out = work / "content" / "reports"
    md = out / JIANGBEI
    data = md.read_bytes()
    head = data.index(b"\n---\n")  # edits land in the front-matter, where a slip breaks YAML
    for where, piece in edits:
        at = int(where * head)
        data = data[:at] + piece + data[at:]
    md.write_bytes(data)
    names = sorted(p.name for p in out.glob("*.md"))
    problems, _ = run_ingest(work / "content" / "raw", out, jobs=1)
    assert sorted(p.name for p in out.glob("*.md")) == names  # never a …-2.md
    mine = [p for p in problems if p.path.endswith(JIANGBEI)]
    assert all("\n" not in p.message for p in mine)
    if any(p.severity == "error" for p in mine):
        assert md.read_bytes() == data  # left as the editor left it
    else:  # read, and (if changed) rewritten with every key the editor wrote
        from generator.model.frontmatter import compose_front_matter, split_front_matter

        before = compose_front_matter(split_front_matter(data.decode("utf-8").lstrip("\ufeff"))[0])[0] or {}
        after = compose_front_matter(split_front_matter(md.read_text(encoding="utf-8"))[0])[0]
        assert set(before) <= set(after)


def test_a_typo_in_raw_does_not_make_a_second_report_from_the_original(tmp_path: Path, capsys):
    raw, out = seeded(tmp_path)
    md, original = _jiangbei(out)
    typo = original.replace(".txt", ".tx")
    md.write_text(md.read_text(encoding="utf-8").replace(f"raw: {original}\n", f"raw: {typo}\n"), encoding="utf-8")
    before = snapshot(out)
    for _ in range(2):  # and the same on the next run, when nothing is read
        status, err = fazhi(tmp_path, capsys, "ingest")
        assert status == 0
        assert _problem_lines(err) == [
            f"{original}: warning: not ingested: content/reports/{JIANGBEI} was made from it but now names another original; "
            "correct its raw, or delete that file to make a new one",
            f"content/reports/{JIANGBEI}: warning: its original {typo} is missing (deleted or renamed?): the report is left as it is"]
        assert sorted(p.name for p in out.glob("*.md")) == sorted(n for n in before if n.endswith(".md"))
    md.unlink()  # deleting the report makes it again, as before
    problems, written = run_ingest(raw, out)
    assert written == 1 and md.exists()
