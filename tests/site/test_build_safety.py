"""The build loses nothing and says what went wrong in one line (issue 15, items 1, 7, 8, 9, 10).

The output folder is the build's own (generator/site/folders.py); --strict fails before publishing;
a damaged cache costs a rebuild; the disk, a template, the zip path and the port fail in one
line; one build at a time, and a publish cut short is finished by the next build
(generator/site/journal.py); and every build checks its own work before publishing
(generator/site/invariants.py)."""

from __future__ import annotations

import errno
import os
import shutil
import signal
import socket
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from generator import cli
from generator.site import build as builder
from generator.site.build import Step, build
from generator.site.folders import MARKER
from generator.site.planned import Planned
from tests.model.test_report_safety import JIANGBEI, WUCHENG, two_reports

ROOT = Path(__file__).resolve().parents[2]
BASE = "https://fazhi.example.org/"
# Each folder of .site-cache/, and the two that hold report terms at once (the index must then read
# every report's terms from the blobs).
CACHE_PARTS = ("records", "blobs", "manifest", "links", "search", "plan", "blobs search")


def tree(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder``, hidden ones too, by path."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_symlink()}


def ok(content: Path, out: Path, **kw) -> dict:
    problems, summary = build(content, out, BASE, **kw)
    assert [str(p) for p in problems if p.severity == "error"] == []
    return summary


def edit(md: Path, old: str, new: str) -> None:
    text = md.read_text(encoding="utf-8")
    assert old in text, old
    md.write_text(text.replace(old, new, 1), encoding="utf-8")


def run_cli(capsys, *args: str) -> tuple[int, list[str]]:
    """``fazhi build ARGS``: its exit status and its lines on stderr (progress lines left out)."""
    status = cli.main(["build", "--base-url", BASE, *args])
    err = [line for line in capsys.readouterr().err.splitlines() if not line.startswith("build: ")]
    return status, err


def clean_build(content: Path, tmp: Path) -> dict[str, bytes]:
    """The site a build from nothing makes of ``content``."""
    out = tmp / f"clean-{len(list(tmp.glob('clean-*')))}"
    ok(content, out)
    return tree(out)


# --- item 1: the output folder is the build's own ------------------------------------------------


REFUSED = "the build writes only into a folder it made (holding .fazhi-site) or a new or empty one; choose another --out"


@pytest.mark.parametrize("inside", [".", "raw", "reports", "raw/site"])
def test_out_content_is_refused_and_loses_nothing(tmp_path: Path, capsys, inside: str):
    content = two_reports(tmp_path)
    before = tree(tmp_path)
    out = os.path.normpath(content / inside)
    status, err = run_cli(capsys, "--content", str(content), "--out", out)
    assert status == 1
    assert err == [f"{out}: error: is inside the content folder: {REFUSED}",
                   f"build failed: 1 error(s), 0 warning(s); {out} was left as it was"]
    assert tree(tmp_path) == before


def test_out_dot_in_a_checkout_is_refused_and_loses_nothing(tmp_path: Path, capsys, monkeypatch):
    content = two_reports(tmp_path)
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    (tmp_path / "README.md").write_text("mine\n", encoding="utf-8")
    before = tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    status, err = run_cli(capsys, "--content", "content", "--out", ".")
    assert status == 1
    assert err[0] == f".: error: holds the content folder {content}: {REFUSED}"
    assert tree(tmp_path) == before


def test_out_root_is_refused(tmp_path: Path, capsys):
    content = two_reports(tmp_path)
    status, err = run_cli(capsys, "--content", str(content), "--out", "/")
    assert status == 1
    assert err[0] == f"/: error: is the root of the file system: {REFUSED}"


def test_an_ancestor_of_content_or_a_folder_holding_git_is_refused(tmp_path: Path, capsys):
    content = two_reports(tmp_path / "project")
    repo = tmp_path / "elsewhere"
    (repo / ".git").mkdir(parents=True)
    before = tree(tmp_path)
    status, err = run_cli(capsys, "--content", str(content), "--out", str(tmp_path))
    assert status == 1 and err[0] == f"{tmp_path}: error: holds the content folder {content}: {REFUSED}"
    status, err = run_cli(capsys, "--content", str(content), "--out", str(repo))
    assert status == 1 and err[0] == f"{repo}: error: holds .git (a repository): {REFUSED}"
    assert tree(tmp_path) == before


def test_a_folder_the_build_did_not_make_is_refused_and_loses_nothing(tmp_path: Path, capsys):
    content = two_reports(tmp_path)
    mine = tmp_path / "photos"
    (mine / "2020").mkdir(parents=True)
    (mine / "2020" / "a.jpg").write_bytes(b"\xff\xd8 a photo")
    (mine / ".hidden").write_text("mine\n", encoding="utf-8")
    before = tree(tmp_path)
    status, err = run_cli(capsys, "--content", str(content), "--out", str(mine))
    assert status == 1
    assert err[0] == f"{mine}: error: is not empty and has no .fazhi-site: {REFUSED}"
    assert tree(tmp_path) == before


@pytest.mark.slow
def test_a_new_or_empty_folder_is_taken_and_marked(tmp_path: Path):
    content = two_reports(tmp_path)
    empty = tmp_path / "empty"
    empty.mkdir()
    ok(content, empty)
    ok(content, tmp_path / "new")
    assert tree(empty) == tree(tmp_path / "new")
    listed = (empty / MARKER).read_text(encoding="utf-8").split("\n")[1:-1]
    assert listed == sorted(p for p in tree(empty) if p != MARKER)
    ok(content, empty)  # marked now: the build's own


def test_a_site_that_is_a_file_is_one_line(tmp_path: Path, capsys):
    content = two_reports(tmp_path)
    (tmp_path / "site").write_text("not a folder\n", encoding="utf-8")
    before = tree(tmp_path)
    status, err = run_cli(capsys, "--content", str(content), "--out", str(tmp_path / "site"))
    assert status == 1
    assert err[0] == f"{tmp_path / 'site'}: error: is a file, not a folder: {REFUSED}"
    assert tree(tmp_path) == before


@pytest.mark.slow
def test_a_symlinked_site_must_lead_to_a_folder_the_build_made(tmp_path: Path, capsys):
    content = two_reports(tmp_path)
    target = tmp_path / "documents"
    target.mkdir()
    (target / "letter.txt").write_text("mine\n", encoding="utf-8")
    site = tmp_path / "site"
    site.symlink_to(target)
    before = tree(target)
    status, err = run_cli(capsys, "--content", str(content), "--out", str(site))
    assert status == 1
    assert err[0] == f"{site}: error: is a symlink to {target}, which is not a folder the build made: {REFUSED}"
    assert tree(target) == before
    # A symlink to a folder the build made is followed: its files are the build's.
    built = tmp_path / "built"
    ok(content, built)
    site.unlink()
    site.symlink_to(built)
    edit(content / "reports" / f"{JIANGBEI}.md", "起草印发", "起草并印发")
    ok(content, site)
    assert site.is_symlink() and tree(built) == clean_build(content, tmp_path)


@pytest.mark.slow
def test_hidden_files_in_the_output_survive_a_lost_cache(tmp_path: Path):
    content = two_reports(tmp_path)
    out = tmp_path / "site"
    ok(content, out)
    (out / ".well-known").mkdir()
    (out / ".well-known" / "security.txt").write_text("Contact: mailto:a@example.org\n", encoding="utf-8")
    (out / "CNAME").write_text("fazhi.example.org\n", encoding="utf-8")
    shutil.rmtree(tmp_path / ".site-cache")
    (content / "reports" / f"{WUCHENG}.md").unlink()
    ok(content, out)
    assert (out / ".well-known" / "security.txt").is_file() and (out / "CNAME").is_file()
    # What the build wrote and no longer makes is gone all the same: the marker listed it.
    assert not (out / "reports" / WUCHENG).exists()
    expected = clean_build(content, tmp_path)
    assert {p: b for p, b in tree(out).items() if p not in (".well-known/security.txt", "CNAME")} == expected


def test_a_staging_folder_the_build_did_not_make_is_refused(tmp_path: Path, capsys):
    content = two_reports(tmp_path)
    (tmp_path / ".site-staging").mkdir()
    (tmp_path / ".site-staging" / "notes.txt").write_text("mine\n", encoding="utf-8")
    before = tree(tmp_path)
    status, err = run_cli(capsys, "--content", str(content), "--out", str(tmp_path / "site"))
    assert status == 1
    assert err[0] == (f"{tmp_path / '.site-staging'}: error: is in the way of the build's staging folder and was not made by it "
                      "(no .fazhi-site): move it away")
    assert tree(tmp_path) == before


# --- item 7: --strict ----------------------------------------------------------------------------


@pytest.mark.slow
def test_strict_fails_before_publishing_and_says_so_truly(tmp_path: Path, capsys):
    content = two_reports(tmp_path)
    out = tmp_path / "site"
    ok(content, out)
    before = tree(out)
    md = content / "reports" / f"{JIANGBEI}.md"
    edit(md, "\nyear:", "\ncolour: red\nyear:")  # a warning
    edit(md, "起草印发", "起草并印发")  # and a change the new site would show
    status, err = run_cli(capsys, "--content", str(content), "--out", str(out), "--strict")
    assert status == 1
    assert len(err) == 2 and ": warning: " in err[0]
    assert err[1] == f"build failed: 0 error(s), 1 warning(s); {out} was left as it was"
    assert tree(out) == before
    assert not (tmp_path / ".site-staging").exists()


# --- item 8: a damaged cache ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def built_once(tmp_path_factory) -> Path:
    """A site and cache a build made of two reports (site/, .site-cache/), the content after an
    edit of one of them (edited/content/), and the site a clean build makes of that (clean-0/)."""
    tmp = tmp_path_factory.mktemp("built")
    content = two_reports(tmp)
    ok(content, tmp / "site")
    edited = tmp / "edited" / "content"
    shutil.copytree(content, edited)
    edit(edited / "reports" / f"{JIANGBEI}.md", "起草印发", "起草并印发")
    ok(edited, tmp / "clean-0")
    return tmp


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["empty", "garbage"])
@pytest.mark.parametrize("part", CACHE_PARTS)
def test_a_damaged_cache_costs_a_rebuild_never_a_traceback(tmp_path: Path, built_once: Path, part: str, kind: str):
    shutil.copytree(built_once / "edited" / "content", tmp_path / "content")
    for name in ("site", ".site-cache"):
        shutil.copytree(built_once / name, tmp_path / name)
    damaged = [p for name in part.split() for p in (tmp_path / ".site-cache" / name).rglob("*") if p.is_file()]
    assert damaged, part
    for p in damaged:
        p.write_bytes(b"" if kind == "empty" else b"\x80\x04not a pickle \xff" * 3)
    # The report pages are made again from the cache, the edited report is read again.
    shutil.rmtree(tmp_path / "site" / "reports")
    ok(tmp_path / "content", tmp_path / "site")
    assert tree(tmp_path / "site") == tree(built_once / "clean-0")
    ok(tmp_path / "content", tmp_path / "site")  # and the cache is whole again
    assert tree(tmp_path / "site") == tree(built_once / "clean-0")


# --- item 9: one line instead of a traceback ----------------------------------------------------


@pytest.mark.slow
def test_a_full_disk_is_one_line_and_the_old_site_stays(tmp_path: Path, monkeypatch, capsys):
    content = two_reports(tmp_path)
    out = tmp_path / "site"
    ok(content, out)
    before = tree(out)
    edit(content / "reports" / f"{JIANGBEI}.md", "起草印发", "起草并印发")

    def full(root, rel, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), os.path.join(root, rel))

    monkeypatch.setattr(builder, "write_file", full)
    status, err = run_cli(capsys, "--content", str(content), "--out", str(out))
    assert status == 1
    assert len(err) == 2 and err[0].startswith(f"{tmp_path / '.site-staging'}/")
    assert err[0].endswith(": error: No space left on device: the build stopped")
    assert err[1] == f"build failed: 1 error(s), 0 warning(s); {out} was left as it was"
    assert tree(out) == before and not (tmp_path / ".site-staging").exists()


@pytest.mark.slow
def test_a_template_that_fails_with_its_own_exception_is_one_line_naming_it(tmp_path: Path, monkeypatch, capsys):
    content = two_reports(tmp_path)
    templates = tmp_path / "templates"
    shutil.copytree(builder.TEMPLATES, templates)
    edit(templates / "year.html", "{{ count }}", "{{ count // 0 }}")
    monkeypatch.setattr(builder, "TEMPLATES", templates)
    line = next(i for i, text in enumerate((templates / "year.html").read_text(encoding="utf-8").split("\n"), 1) if "// 0" in text)
    status, err = run_cli(capsys, "--content", str(content), "--out", str(tmp_path / "site"))
    assert status == 1
    assert err == [f"templates/year.html:{line}: error: while rendering years: ZeroDivisionError: integer division or modulo by zero",
                   f"build failed: 1 error(s), 0 warning(s); {tmp_path / 'site'} was left as it was"]
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize("where, why", [
    ("missing/site.zip", "cannot be written: the folder {tmp}/missing does not exist"),
    ("a-folder", "is a folder: give the zip file's path"),
    ("content/raw/site.zip", "is inside the content or output folder: write the zip elsewhere"),
])
def test_a_bad_zip_path_is_one_line_and_leaves_no_temporary(tmp_path: Path, capsys, where: str, why: str):
    content = two_reports(tmp_path)
    (tmp_path / "a-folder").mkdir()
    zip_path = tmp_path / where
    status, err = run_cli(capsys, "--content", str(content), "--out", str(tmp_path / "site"), "--zip", str(zip_path))
    assert status == 1
    assert err[0] == f"{zip_path}: error: {why.format(tmp=tmp_path)}"
    assert not list(tmp_path.rglob("*.tmp")) and not (tmp_path / "site").exists()


@pytest.mark.slow
def test_a_zip_that_cannot_be_written_is_one_line_and_leaves_no_temporary(tmp_path: Path, capsys, monkeypatch):
    content = two_reports(tmp_path)

    def full(self, info, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(zipfile.ZipFile, "writestr", full)
    status, err = run_cli(capsys, "--content", str(content), "--out", str(tmp_path / "site"), "--zip", str(tmp_path / "site.zip"))
    assert status == 1
    assert err == [f"{tmp_path / 'site.zip'}: error: cannot be written (No space left on device): the site was published, "
                   "its offline copy was not",
                   f"build failed: 1 error(s), 0 warning(s); {tmp_path / 'site'} was published"]
    assert not list(tmp_path.glob("*.zip*")) and not list(tmp_path.glob(".site.zip*"))


@pytest.mark.slow
def test_serve_on_a_busy_port_is_one_line(tmp_path: Path):
    two_reports(tmp_path)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "generator", "serve", "--port", str(port)], cwd=tmp_path,
                              capture_output=True, text=True, timeout=300, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 1
    assert done.stderr.splitlines() == [f"fazhi serve: cannot listen on 127.0.0.1:{port} (Address already in use): choose another --port"]
    assert not (tmp_path / "site").exists()


@pytest.mark.slow
def test_serve_refuses_what_the_build_refuses(tmp_path: Path):
    two_reports(tmp_path)
    before = tree(tmp_path)
    done = subprocess.run([sys.executable, "-m", "generator", "serve", "--out", "content/raw", "--port", "0"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 1
    assert done.stderr.splitlines() == [f"content/raw: error: is inside the content folder: {REFUSED}"]
    assert tree(tmp_path) == before


# --- item 10: one build at a time; a publish a crash cannot leave half done ---------------------

# A build in a process of its own, stopped in the middle: it prints "held" and waits for a line on
# its stdin (or, with "kill N", is killed by SIGKILL at the N-th file it moves into place).
HOLDER = """
import os, signal, sys
from pathlib import Path
from generator.site import build

content, out, how = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
if how == "hold":
    real = build.check_table

    def held(*args):
        print("held", flush=True)
        sys.stdin.readline()
        return real(*args)

    build.check_table = held
else:
    moved, replace = [0], os.replace

    def killing(src, dst):
        if str(src).startswith(str(out.parent / ".site-staging")) and str(dst).startswith(str(out)):
            moved[0] += 1
            if moved[0] == int(how.split()[1]):
                os.kill(os.getpid(), signal.SIGKILL)
        replace(src, dst)

    os.replace = killing
problems, summary = build.build(content, out, "https://fazhi.example.org/")
print("\\n".join(str(p) for p in problems if p.severity == "error") or "built", flush=True)
"""


def holder(content: Path, out: Path, how: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", HOLDER, str(content), str(out), how], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})


@pytest.mark.slow
def test_a_second_build_on_an_output_is_refused_while_the_first_holds_it(tmp_path: Path):
    content = two_reports(tmp_path)
    out = tmp_path / "site"
    ok(content, out)
    edit(content / "reports" / f"{JIANGBEI}.md", "起草印发", "起草并印发")
    first = holder(content, out, "hold")
    try:
        assert first.stdout.readline() == "held\n"
        before = tree(out)
        problems, summary = build(content, out, BASE)
        assert [str(p) for p in problems] == [f"{out}: error: another build (process {first.pid}) is using this output: "
                                              f"wait for it to finish (its lock: {tmp_path / '.site.lock'})"]
        assert summary == {} and tree(out) == before
        first.stdin.write("go on\n")
        first.stdin.flush()
        assert first.stdout.readline() == "built\n"
    finally:
        first.kill()
        first.wait()
    assert tree(out) == clean_build(content, tmp_path)


@pytest.mark.slow
def test_a_stale_lock_is_taken_over(tmp_path: Path):
    content = two_reports(tmp_path)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True).stdout
    (tmp_path / ".site.lock").write_text(dead, encoding="utf-8")
    ok(content, tmp_path / "site")
    assert (tmp_path / ".site.lock").read_text(encoding="utf-8") == f"{os.getpid()}\n"  # the last holder


def _finished_by_the_next_build(content: Path, out: Path, expected: dict[str, bytes]) -> None:
    """The next build finishes the publish cut short before anything else, even when it fails
    itself; and the one after gives a clean build's bytes."""
    (content / "reports" / "2020-x.md").write_text("---\nyear: soon\n---\n正文\n", encoding="utf-8")
    problems, _ = build(content, out, BASE)
    assert [str(p) for p in problems] == ["content/reports/2020-x.md:2: error: year: 'soon' is not a year"]
    assert tree(out) == expected and not out.with_name(".site-staging").exists()
    (content / "reports" / "2020-x.md").unlink()
    ok(content, out)
    assert tree(out) == expected


@pytest.mark.slow
@pytest.mark.parametrize("journal", ["garbage \xff", '{"moves": [], "removals": ["../content/raw/000_9359f3f7f9d435c3.txt"]}',
                                     '{"moves": [], "removals": [".."]}', '{"moves": ["."], "removals": []}'])
def test_a_damaged_journal_costs_a_rebuild_and_deletes_nothing_outside(tmp_path: Path, monkeypatch, journal: str):
    content = two_reports(tmp_path)
    out = tmp_path / "site"
    ok(content, out)
    _an_edit_of_many_files(content)
    expected = clean_build(content, tmp_path)
    originals = tree(content / "raw")

    with monkeypatch.context() as m:
        _moving_fails(m, out, 10)
        build(content, out, BASE)
    (tmp_path / ".site-staging" / "journal.json").write_text(journal, encoding="utf-8")
    ok(content, out)
    assert tree(out) == expected and tree(content / "raw") == originals


@pytest.mark.slow
def test_files_a_finished_publish_added_go_when_no_longer_made(tmp_path: Path, monkeypatch):
    content = two_reports(tmp_path)
    out = tmp_path / "site"
    ok(content, out)
    expected = clean_build(content, tmp_path)
    added = content / "reports" / "2017-guangdong-xiangqiao-sifaju.md"
    shutil.copy(ROOT / "content" / "reports" / added.name, added)
    with monkeypatch.context() as m:
        _moving_fails(m, out, 10)
        build(content, out, BASE)
    added.unlink()  # the next build finishes that publish (its pages in the marker only), then removes them
    ok(content, out)
    assert tree(out) == expected


def _moving_fails(monkeypatch, out: Path, n: int) -> None:
    """Have the n-th move of a staged file into ``out`` fail, as a disk failing part way would."""
    moved, replace = [0], os.replace

    def failing(src, dst):
        if str(src).startswith(str(out.with_name(".site-staging"))) and str(dst).startswith(str(out)):
            moved[0] += 1
            if moved[0] == n:
                raise OSError(errno.EIO, os.strerror(errno.EIO), dst)
        replace(src, dst)

    monkeypatch.setattr(os, "replace", failing)


def _an_edit_of_many_files(content: Path) -> None:
    """A change whose publish moves dozens of files and removes some: a report gone, one edited."""
    (content / "reports" / f"{WUCHENG}.md").unlink()
    edit(content / "reports" / f"{JIANGBEI}.md", "title: ", "title: 新")


@pytest.mark.slow
def test_a_publish_stopped_part_way_is_finished_by_the_next_build(tmp_path: Path, monkeypatch, capsys):
    content = two_reports(tmp_path)
    out = tmp_path / "site"
    ok(content, out)
    _an_edit_of_many_files(content)
    expected = clean_build(content, tmp_path)
    _moving_fails(monkeypatch, out, 10)
    status, err = run_cli(capsys, "--content", str(content), "--out", str(out))
    monkeypatch.undo()
    assert status == 1
    assert err[0].endswith(": error: Input/output error: the build stopped")
    assert err[1] == f"build failed: 1 error(s), 0 warning(s); publishing {out} stopped part way: the next build finishes it"
    assert tree(out) != expected  # half published
    _finished_by_the_next_build(content, out, expected)


@pytest.mark.slow
def test_a_build_killed_while_publishing_is_finished_by_the_next_build(tmp_path: Path):
    content = two_reports(tmp_path)
    out = tmp_path / "site"
    ok(content, out)
    _an_edit_of_many_files(content)
    expected = clean_build(content, tmp_path)
    killed = holder(content, out, "kill 10")
    killed.communicate()
    assert killed.returncode == -signal.SIGKILL
    assert tree(out) != expected and (tmp_path / ".site-staging").is_dir()
    _finished_by_the_next_build(content, out, expected)


# --- invariants checked before publishing -------------------------------------------------------


@pytest.mark.slow
def test_a_report_lost_by_a_fault_fails_the_build_and_leaves_the_old_site(tmp_path: Path, monkeypatch):
    content = two_reports(tmp_path)
    out = tmp_path / "site"
    ok(content, out)
    before = tree(out)
    edit(content / "reports" / f"{JIANGBEI}.md", "起草印发", "起草并印发")
    real = builder.read_records

    def losing(*args):
        found, problems, analysed = real(*args)
        return [r for r in found if r.slug != WUCHENG], problems, analysed  # as a StopIteration once did

    monkeypatch.setattr(builder, "read_records", losing)
    problems, summary = build(content, out, BASE)
    assert [str(p) for p in problems] == [
        f"content/reports/{WUCHENG}.md: error: neither published nor named in an error (a fault of fazhi, please report it)"]
    assert summary == {} and tree(out) == before


def _planned_also(monkeypatch, change, search: bool = False) -> None:
    """Have the plan changed by ``change(steps)`` (a fault of a producer): the pages' plan, or
    with ``search`` the one made with the search index (its page and the sitemap)."""
    name = "plan_search" if search else "plan_pages"
    real = getattr(builder, name)

    def changed(*args):
        planned = real(*args)
        change(planned[0])
        return planned

    monkeypatch.setattr(builder, name, changed)


@pytest.mark.slow
@pytest.mark.parametrize("fault", ["lost", "made up"])
def test_a_report_page_lost_or_made_up_fails_the_build(tmp_path: Path, monkeypatch, fault: str):
    content = two_reports(tmp_path)
    if fault == "lost":
        _planned_also(monkeypatch, lambda steps: steps.pop(f"reports/{WUCHENG}/index.html"))
        expected = f"content/reports/{WUCHENG}.md: error: its page reports/{WUCHENG}/index.html is not in the site " \
                   "(a fault of fazhi, please report it)"
    else:
        page = Planned("reports/2021-nowhere/index.html", "made-up", lambda: "<!doctype html><title>无</title>")
        _planned_also(monkeypatch, lambda steps: steps.setdefault(page.path, Step("reports", page)))
        expected = "site/reports/2021-nowhere/index.html: error: a report page with no report content/reports/2021-nowhere.md " \
                   "(a fault of fazhi, please report it)"
    problems, summary = build(content, tmp_path / "site", BASE)
    assert expected in [str(p) for p in problems]
    assert summary == {} and not (tmp_path / "site").exists()


@pytest.mark.slow
@pytest.mark.parametrize("path, broken", [
    ("feed.xml", '<?xml version="1.0"?><feed><entry>'),
    ("sitemap.xml", "<urlset><url>\x01</url></urlset>"),
    ("data/reports.json", '[{"slug": "2021-a"},'),
    ("data/figures/2021.csv", 'a,b\r\n1,"2\r\n'),
])
def test_data_files_that_do_not_parse_fail_the_build_and_leave_the_old_site(tmp_path: Path, monkeypatch, path: str, broken: str):
    content = two_reports(tmp_path)
    out = tmp_path / "site"
    ok(content, out)
    before = tree(out)

    def breaking(steps):
        step = steps[path]
        steps[path] = Step(step.producer, Planned(path, f"broken {step.planned.key}", lambda: broken))

    _planned_also(monkeypatch, breaking, search=path == "sitemap.xml")
    problems, summary = build(content, out, BASE)
    assert [str(p) for p in problems if p.path == f"site/{path}"] != []
    assert all(p.path == f"site/{path}" and ": does not parse (" in str(p) for p in problems), problems
    assert summary == {} and tree(out) == before
