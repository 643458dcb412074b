"""``fazhi ingest``: turn each original in content/raw/ into content/reports/<slug>.md.

The stages, each a small named function: decode → lines → strip page chrome
(its facts become front-matter) → title, 发文字号 → structure (headings and
paragraphs as Markdown) → metadata (year, period, publisher, place) → merge with
an existing file so hand corrections survive → write atomically.

Hand corrections: ``content/reports/.machine.json`` records, per report, the
value ingest last wrote for every front-matter field and the hash of the body it
last wrote. On the next run a field (or the body) whose current value differs
from that record was corrected by hand and is kept; everything else is
refreshed. A file whose result is unchanged is not rewritten.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import astuple, dataclass, replace
from functools import lru_cache, partial
from pathlib import Path

import yaml

from generator import PACKAGE
from generator.core import json_text
from generator.core.digests import key_of, tree_digest
from generator.core.pool import cores
from generator.core.problems import Problem, error, has_errors, report, warning
from generator.core.progress import progress, summary
from generator.domain import places
from generator.domain.figures import Indicator, load_indicators
from generator.domain.topics import KNOWN_FILINGS, KnownFiling, Topic, load_known_filings, load_topics
from generator.ingest.decode import Unusable
from generator.ingest.originals import read_original
from generator.ingest.report_file import added_date, archive_date, dump, merge, sha, write_if_changed
from generator.ingest.text import ingest_text
from generator.model import slugs
from generator.model.frontmatter import compose_front_matter, duplicate_keys, key_lines, split_front_matter
from generator.model.reading import read_report_text
from generator.model.schema import FRONT_MATTER_KEYS

MACHINE_FILE = ".machine.json"


# --- the run: incremental, parallel, deterministic ---------------------------------------------
#
# The cache (content/reports/.ingest-cache.json, not committed, rebuilt when missing) records for
# every original the SHA-256 of its bytes, the report file it made, the SHA-256 of that file as
# ingest left it, and the problems found. An original whose bytes, the ingest version (the
# generator's own code and data, and the topic taxonomy) and report file are all unchanged, with
# .machine.json as the last run left it, is not read again: its problems are repeated and its file
# stays. Everything in it derives from content, so it is deterministic too.
#
# The work per original (decode, ingest_text, merge with the report file, write) runs in a process
# pool; new reports' slugs, and so their collision suffixes, are chosen afterwards in the parent, in
# sorted order, exactly as one process would.

CACHE_FILE = ".ingest-cache.json"
# Each file's size, mtime and inode when it was last hashed, with the hash (see _FileDigests): of this
# machine's copy alone, so kept apart from the cache, which two checkouts of the same content share.
STAMPS_FILE = ".ingest-stamps.json"
CACHE_FORMAT = 1
# The stages ingest is made of: editing search or the site does not change what ingest writes.
INGEST_STAGES = ("core", "model", "domain", "ingest")
_PARALLEL_FROM = 32  # fewer files than this are ingested in this process: a pool costs more than it saves


@lru_cache(maxsize=1)
def ingest_version() -> str:
    """A digest of everything in the generator that shapes ingest's output (code and division data)."""
    code = key_of(*(tree_digest(PACKAGE / stage, lambda path: "__pycache__" not in path.parts and path.suffix != ".pyc")
                    for stage in INGEST_STAGES))
    return hashlib.sha256(f"fazhi ingest cache {CACHE_FORMAT}\n{code}".encode()).hexdigest()


@dataclass(frozen=True)
class _Job:
    path: Path
    shown: str
    target: Path | None  # the report file this original already has
    machine: dict | None  # what ingest last wrote into that file
    report_shown: str = ""  # how problems name that file


@dataclass(frozen=True)
class _Done:
    sha256: str
    problems: tuple[Problem, ...]
    unusable: str = ""
    fields: dict | None = None  # what ingest made of the original, before hand corrections (``Merged.recorded``)
    body_sha256: str = ""
    data: bytes = b""  # a new report's file, to be written once its slug is chosen
    written: bool = False
    md_sha256: str = ""  # the report file as this run left it
    md_raw: str | None = None  # its ``raw`` field, how the next run finds it without parsing it
    left_alone: bool = False  # it could not be read: nothing was written, the last run's record stands
    filing: KnownFiling | None = None  # its sections' filing, for the build (topics.KNOWN_FILINGS)


def _keep_filings(path: Path, filed: dict[str, str], files: dict[str, dict]) -> None:
    """The filings of every report ingest knows (this run's, and the last run's of those it left
    alone) for the build to take (topics.KNOWN_FILINGS); rewritten only when one changed."""
    if not filed and path.exists():  # nothing filed anew: a removed report's entry is only left until then
        return
    wanted = {entry["filing"] for entry in files.values() if entry.get("filing")}
    earlier = load_known_filings(path) if wanted - filed.keys() else {}
    kept = {k: filed[k] if k in filed else earlier[k] for k in sorted(wanted) if k in filed or k in earlier}
    write_if_changed(path, (json.dumps(kept, separators=(",", ":")) + "\n").encode("utf-8"))


@dataclass(frozen=True)
class _ReportFile:
    """A report file as ingest reads it: its front-matter and body, or why it cannot be read."""

    fields: dict | None
    body: str = ""
    unreadable: str = ""  # the reason, when fields is None
    line: int | None = None  # where in the file


def _read_report(path: Path) -> _ReportFile:
    found = read_report_text(path)
    if found.text is None:
        return _ReportFile(None, unreadable=found.unreadable, line=found.line)
    parts = split_front_matter(found.text.lstrip("\ufeff"))  # an editor's BOM, as the build reads it
    if not parts:
        return _ReportFile(None, unreadable="no front-matter between two '---' lines", line=1)
    try:
        fields, node = compose_front_matter(parts[0])
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return _ReportFile(None, unreadable=f"front-matter is not valid YAML: {reason}", line=mark.line + 2 if mark else None)
    for key, first, again in duplicate_keys(node)[:1]:  # YAML keeps the last; rewriting the file would drop the other
        return _ReportFile(None, unreadable=f"key {key!r} is given twice (first at line {first}): which one is meant?", line=again)
    if fields is None:
        fields = {}
    if not isinstance(fields, dict):
        return _ReportFile(None, unreadable="front-matter is not a mapping of keys to values", line=2)
    return _ReportFile(fields, parts[1])


@dataclass(frozen=True)
class _Claim:
    """The original a report file names (its ``raw`` field), or why the file cannot be read."""

    raw: str | None
    unreadable: str = ""
    line: int | None = None


def _claim_of(path: Path) -> _Claim:
    found = _read_report(path)
    if found.fields is None:
        return _Claim(None, found.unreadable, found.line)
    return _Claim(str(found.fields["raw"]) if found.fields.get("raw") else None)


def _ingest_file(job: _Job, topics: tuple[Topic, ...], indicators: tuple[Indicator, ...], today: str) -> _Done:
    """Everything one original needs that does not depend on the others (runs in a worker)."""
    try:
        data = job.path.read_bytes()
    except OSError as exc:
        return _Done("", (error(job.shown, f"cannot be read: {exc.strerror}; its report is left as it is"),), left_alone=True)
    sha256 = hashlib.sha256(data).hexdigest()
    found: list[Problem] = []
    try:
        original = read_original(job.path.name, data)
        new = ingest_text(original.text, job.shown, Path(job.shown).as_posix(), sha256, found, topics, indicators, original)
    except Unusable as exc:
        return _Done(sha256, (error(job.shown, str(exc)),), unusable=str(exc))
    current = _read_report(job.target) if job.target else None
    if current is not None and current.fields is None:  # it changed since it was claimed
        return _Done(sha256, (error(job.report_shown, f"{current.unreadable}; ingest leaves it and {job.shown} as they are", current.line),),
                     left_alone=True)
    new = replace(new, fields={**new.fields, "added": added_date(current.fields if current else None, job.machine, today)})
    merged = merge(new, (current.fields, current.body) if current else None, job.machine, topics, indicators)
    text = dump(merged.fields, merged.body)
    found += _kept_as_they_were(merged.fields, text, job.report_shown, topics)
    out = text.encode("utf-8")
    written = write_if_changed(job.target, out) if job.target else False
    raw = str(merged.fields["raw"]) if merged.fields.get("raw") else None
    return _Done(sha256, tuple(found), "", merged.recorded, sha(new.body), b"" if job.target else out, written,
                 hashlib.sha256(out).hexdigest(), raw, filing=merged.filing)


def _kept_as_they_were(fields: dict, text: str, shown: str, topics: tuple[Topic, ...]) -> list[Problem]:
    """A warning for each editor's value ingest keeps but the site does not know: a front-matter key
    (kept after the known ones) and a topic the taxonomy no longer has. Lines are of ``text``, the
    file as this run leaves it."""
    unknown = [k for k in fields if k not in FRONT_MATTER_KEYS]
    slugs = {t.slug for t in topics}
    editor_topics = fields.get("topics") if isinstance(fields.get("topics"), list) else []
    lost = [t for t in editor_topics if isinstance(t, str) and t not in slugs]  # other items: the build names them
    if not unknown and not lost:
        return []
    lines = key_lines(text)
    return ([warning(shown, f"unknown front-matter key {k!r} is kept as it was, after the known ones (a typo of a known key?)",
                     lines.get(str(k))) for k in unknown]
            + [warning(shown, f"topics: {t!r} is not a topic in topics.yml (an editor's topic, kept as it was)", lines.get("topics"))
               for t in lost])


class _Workers:
    """map() over a fork pool of a process per core, started only when the work is worth it."""

    def __init__(self, jobs: int | None):
        self.jobs = jobs or cores()
        self.forced = jobs is not None
        self.pool = None

    def map(self, fn, items: list, chunksize: int = 8):
        if self.jobs < 2 or len(items) < 2 or (not self.forced and len(items) < _PARALLEL_FROM):
            return map(fn, items)
        if self.pool is None:
            places.names_in("")  # load the division list once, before forking, so workers share it
            self.pool = multiprocessing.get_context("fork").Pool(self.jobs)
        return self.pool.imap(fn, items, chunksize=chunksize)

    def close(self) -> None:
        # Every result has been taken by now (or an error is on its way up): nothing is lost.
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()


@dataclass(frozen=True)
class _Digest:
    """A file's SHA-256 and size, or why it could not be read."""

    sha256: str | None
    size: int = 0
    failure: str = ""


def _digest(path: Path) -> _Digest:
    try:
        data = path.read_bytes()
    except OSError as exc:
        return _Digest(None, failure=exc.strerror or type(exc).__name__)
    return _Digest(hashlib.sha256(data).hexdigest(), len(data))


class _FileDigests:
    """SHA-256s of many files, each taken from the last run while the file's size, mtime and
    inode are as they were then (what git and make trust, and the build too): re-reading
    every original and report to hash it was 6 of the 9 s an ingest took at 10,000 reports with
    one new original. ``known``: the last run's ``now``, {path: [size, mtime_ns, inode, sha256]}, each
    path as this run names it (a run given other paths hashes again once: abspath per file cost 0.4 s)."""

    def __init__(self, known: dict):
        self.known = known
        self.now: dict[str, list] = {}

    def of(self, paths: list[Path]) -> list[_Digest]:
        """SHA-256 and size of each file. Reading and hashing release the GIL, so a thread per core
        (each with one contiguous share: a task per file would cost more than its hash) uses them all."""
        n = max(1, min(cores(), len(paths) // 64))
        parts = [paths[i * len(paths) // n:(i + 1) * len(paths) // n] for i in range(n)]
        with ThreadPoolExecutor(max_workers=n) as pool:
            return [found for part in pool.map(lambda part: [self._one(p) for p in part], parts) for found in part]

    def _one(self, path: Path) -> _Digest:
        key = str(path)
        try:
            st = os.stat(path)  # before reading: a change while it is read shows as a new stamp next time
        except OSError:
            return _digest(path)  # which says why it cannot be read
        stamp = [st.st_size, st.st_mtime_ns, st.st_ino]
        memo = self.known.get(key)
        trusted = isinstance(memo, list) and len(memo) == 4 and memo[:3] == stamp and isinstance(memo[3], str)
        digest = _Digest(memo[3], st.st_size) if trusted else _digest(path)
        if digest.sha256 is not None:
            self.now[key] = [*stamp, digest.sha256]  # one key per thread's own files: no lock needed
        return digest


# Files that keep an empty folder in git or that a desktop leaves: skipped without a word.
_HOUSEKEEPING = {".gitkeep", ".keep", ".gitignore", ".gitattributes", ".DS_Store"}


def _originals(raw_dir: Path, shown_of) -> tuple[list[Path], list[Problem]]:
    """The originals: the regular files directly in the raw folder, in name order. Every other
    entry is one line: a symlink leaving the folder is refused (an error: it would archive and
    publish a file from elsewhere on the machine); one staying inside, a folder, a hidden file and
    anything else that is not a regular file are skipped with a warning."""
    folder = raw_dir.resolve()
    found, problems = [], []
    with os.scandir(raw_dir) as listing:
        entries = sorted(listing, key=lambda e: e.name)
    for e in entries:
        path, shown = Path(e.path), shown_of(e.name)
        if e.is_symlink():
            target = path.resolve()
            if not target.is_relative_to(folder):
                problems.append(error(shown, f"symlink to {target}, outside {shown_of('')}: refused, not ingested"))
            else:
                problems.append(warning(shown, f"symlink to {shown_of(os.path.relpath(target, folder))}: not ingested "
                                               "(only the files themselves are originals)"))
        elif e.name.startswith("."):
            if e.name not in _HOUSEKEEPING:
                problems.append(warning(shown, "hidden (the name starts with a dot): not ingested; rename it to ingest it"))
        elif e.is_dir(follow_symlinks=False):
            problems.append(warning(shown, "a folder: not ingested (only the files directly in the raw folder are originals)"))
        elif e.is_file(follow_symlinks=False):
            found.append(path)
        else:
            problems.append(warning(shown, "not a regular file (a pipe, socket or device): not ingested"))
    return found, problems


def _shown(raw_dir: Path, folder_shown: str | None, name: str) -> str:
    """How a raw file is named in problems and front-matter: relative to the project root."""
    if folder_shown is None:
        return str(raw_dir / name)
    return os.path.normpath(os.path.join(folder_shown, name))


def _load_json(path: Path) -> dict:
    try:
        value = json.loads(path.read_bytes()) if path.exists() else {}
    except ValueError:
        return {}  # a damaged cache is only a slower ingest
    return value if isinstance(value, dict) else {}


@dataclass(frozen=True)
class Configuration:
    """content/topics.yml and content/indicators.yml, loaded and checked before any report is touched."""

    topics: tuple[Topic, ...]
    indicators: tuple[Indicator, ...]
    problems: tuple[Problem, ...]
    digest: str  # of both files' bytes: a change re-reads every original


def load_configuration(content: Path) -> Configuration:
    """Both files, every problem in them listed. Both must be there: without them ingest would
    rewrite every report without its topics or figures."""
    topics, problems = load_topics(content / "topics.yml")
    indicators, more = load_indicators(content / "indicators.yml")
    problems += more
    digest = "" if has_errors(problems) else "".join(_digest(content / name).sha256 for name in ("topics.yml", "indicators.yml"))
    return Configuration(topics, indicators, tuple(problems), digest)


@dataclass
class Outcome:
    problems: list[Problem]
    stopped: str = ""  # why the run stopped before touching any report
    written: int = 0  # report files written
    reports: int = 0  # originals that are reports (not unusable)
    processed: int = 0  # originals read this time (the rest were unchanged since the last run)
    raw_bytes: int = 0


def ingest_all(raw_dir: Path, out_dir: Path, jobs: int | None = None, stream=None, today: str | None = None) -> Outcome:
    """Ingest every file in raw_dir into out_dir (see the comment above on what is skipped).
    ``today`` (ISO) is the date a new report is recorded as added: by default, today's in China."""
    today = today or archive_date()
    root = out_dir.resolve().parent.parent
    config = load_configuration(out_dir.parent)
    problems: list[Problem] = list(config.problems)
    if has_errors(problems):
        return Outcome(problems, stopped="the configuration has errors")
    if not raw_dir.is_dir():
        return Outcome([error(raw_dir, "raw folder does not exist")], stopped="there are no originals to read")
    topics, indicators = config.topics, config.indicators
    machine_path, cache_path = out_dir / MACHINE_FILE, out_dir / CACHE_FILE
    reports_shown = os.path.relpath(out_dir.resolve(), root)
    machine_bytes = machine_path.read_bytes() if machine_path.exists() else b""
    cache = _load_json(cache_path)
    version = hashlib.sha256((ingest_version() + config.digest).encode()).hexdigest()
    entries = _cache_entries(cache)
    digests = _FileDigests(_load_json(out_dir / STAMPS_FILE))
    reusable = cache.get("version") == version and cache.get("machine_sha256") == hashlib.sha256(machine_bytes).hexdigest()

    @lru_cache(maxsize=1)
    def records() -> dict:
        """.machine.json (46 MB at 10,000 benchmark reports), read only when something needs it."""
        found, damaged = _load_machine(machine_bytes, f"{reports_shown}/{MACHINE_FILE}")
        problems.extend(damaged)
        return found

    workers = _Workers(jobs)
    try:
        claims = _claims(out_dir, reports_shown, entries, records, workers, digests)
        problems.extend(claims.problems)
        existing, unchanged, taken = claims.existing, claims.unchanged, set(claims.taken)
        kept: dict[str, dict] = {}  # cache entries of originals left alone this run

        folder = raw_dir.resolve()
        folder_shown = os.path.relpath(folder, root) if folder.is_relative_to(root) else None
        originals, listed = _originals(raw_dir, partial(_shown, raw_dir, folder_shown))
        problems.extend(listed)
        hashed = digests.of(originals)
        plan: list[tuple[Path, str, dict | None]] = []  # (original, shown, cache entry to reuse)
        stale: list[tuple[Path, str, Path | None]] = []
        present: set[str] = set()
        for path, digest in zip(originals, hashed):
            shown = _shown(raw_dir, folder_shown, path.name)
            key = Path(shown).as_posix()
            present.add(key)
            entry = entries.get(key)
            unclaimed = key not in existing
            if digest.sha256 is None or key in claims.held or unclaimed and (claims.hold_new or key in claims.repointed):
                if digest.sha256 is None:
                    problems.append(error(shown, f"cannot be read: {digest.failure}; its report is left as it is"))
                elif key not in claims.held and key in claims.repointed:
                    problems.append(warning(shown, f"not ingested: {reports_shown}/{claims.repointed[key].name} was made from it "
                                                   "but now names another original; correct its raw, or delete that file to make a new one"))
                if entry is not None:  # left as it is, with what the cache knew of it
                    kept[key] = entry
                continue
            target = existing.get(key)
            same = (reusable and entry is not None and entry["sha256"] == digest.sha256
                    and (target is None and not entry.get("report")
                         or target is not None and target.stem == entry.get("report") and target in unchanged))
            plan.append((path, shown, entry if same else None))
            if not same:
                stale.append((path, shown, target))
        for raw, report in sorted(existing.items()):
            if raw not in present:
                problems.append(warning(f"{reports_shown}/{report.name}", f"its original {raw} is missing (deleted or renamed?): "
                                                                           "the report is left as it is"))
        machine: dict = dict(records()) if stale else {}
        todo = [_Job(path, shown, target, machine.get(target.stem) if target else None,
                     f"{reports_shown}/{target.name}" if target else "") for path, shown, target in stale]

        outcome = Outcome(problems, processed=len(todo), raw_bytes=sum(d.size for d in hashed))
        outcome.reports += len(claims.held & present)
        files: dict[str, dict] = kept
        made: list[Path] = []  # report files refreshed this run
        filed: dict[str, str] = {}  # this run's filings (topics.KNOWN_FILINGS), by key
        done = iter(workers.map(partial(_ingest_file, topics=topics, indicators=indicators, today=today), todo, chunksize=8))
        with progress("ingest", total=len(todo), unit="files", stream=stream) as bar:
            for path, shown, entry in plan:
                key = Path(shown).as_posix()
                if entry is not None:
                    problems.extend(Problem(*p) for p in entry["problems"])
                    outcome.reports += bool(entry.get("report"))
                    files[key] = entry
                    continue
                result: _Done = next(done)
                bar.update(1)
                problems.extend(result.problems)
                if result.left_alone:
                    if entries.get(key) is not None:
                        files[key] = entries[key]
                    continue
                files[key] = {"sha256": result.sha256, "problems": [list(astuple(p)) for p in result.problems]}
                if result.unusable:
                    continue
                outcome.reports += 1
                target = existing.get(key)
                if target is None:
                    target = out_dir / f"{_new_slug(result.fields, taken)}.md"
                    outcome.written += write_if_changed(target, result.data)
                else:
                    outcome.written += result.written
                machine[target.stem] = {"raw": key, "fields": result.fields, "body_sha256": result.body_sha256}
                files[key].update(report=target.stem, md_sha256=result.md_sha256, md_raw=result.md_raw)
                if result.filing is not None:
                    files[key]["filing"] = result.filing.key
                    filed[result.filing.key] = result.filing.encoded
                made.append(target)
        digests.of(made)  # read back, so that the next run trusts their stamps (and writes no other cache)
    finally:
        workers.close()
    if stale or not machine_path.exists():
        # The entries of reports left alone are taken from the file as the last run wrote it.
        before = json_text.Written(machine_bytes.decode("utf-8"), records()) if reusable and machine_bytes else None
        machine_bytes = json_text.indented(machine, before).encode("utf-8")
        write_if_changed(machine_path, machine_bytes)
    state = {"format": CACHE_FORMAT, "version": version, "machine_sha256": hashlib.sha256(machine_bytes).hexdigest(), "files": files}
    write_if_changed(cache_path, (json.dumps(state, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8"))
    _keep_filings(out_dir / KNOWN_FILINGS, filed, files)
    write_if_changed(out_dir / STAMPS_FILE, (json.dumps(digests.now, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8"))
    return outcome


@dataclass(frozen=True)
class _Claims:
    """Which report file holds each original, as the report files (or, for a file that cannot be
    read, the records of what ingest made) say."""

    existing: dict[str, Path]  # original → the report file refreshed from it
    unchanged: frozenset[Path]  # report files as the last run left them, not read again
    held: frozenset[str]  # originals whose report file cannot be read: both are left alone
    hold_new: bool  # a report file that cannot be read holds an unknown original: no new report this run
    repointed: dict[str, Path]  # original → the report made from it, which now names another
    taken: frozenset[str]  # file names in use
    problems: tuple[Problem, ...]


def _claims(out_dir: Path, shown: str, entries: dict[str, dict], records, workers: _Workers, digests: _FileDigests) -> _Claims:
    """From the cache when a file is as ingest left it, else by reading its front-matter (in the
    pool: that is YAML parsing). A file that cannot be read is never taken for a missing report:
    .machine.json (``records()``), else the cache, says which original it holds, and that original
    is left alone until the file is fixed, so no second report is made from it."""
    reports, others = _report_files(out_dir)
    problems = [warning(f"{shown}/{p.name}", "not a report file (a folder?): skipped") for p in others]
    known = {e["report"]: e for e in entries.values() if e.get("report")}
    origin_of = {e["report"]: key for key, e in entries.items() if e.get("report")}
    checked = [p for p in reports if p.stem in known]
    unchanged = {p for p, d in zip(checked, digests.of(checked)) if d.sha256 == known[p.stem].get("md_sha256")}
    unread = [p for p in reports if p not in unchanged]
    read = dict(zip(unread, workers.map(_claim_of, unread, chunksize=16)))
    claimants: dict[str, list[Path]] = {}
    repointed: dict[str, Path] = {}
    held, hold_new = set(), False
    for p in reports:
        claim = _Claim(known[p.stem].get("md_raw")) if p in unchanged else read[p]
        raw = claim.raw
        if claim.unreadable or not raw:  # ingest's record of which original made it
            raw = records().get(p.stem, {}).get("raw") or origin_of.get(p.stem)
        if claim.unreadable:
            if raw:
                held.add(raw)
                why = f"ingest leaves it and its original {raw} as they are until it is fixed"
            else:
                hold_new = True
                why = "no record says which original it holds, so no new report is made this run"
            problems.append(error(f"{shown}/{p.name}", f"{claim.unreadable}; {why}", claim.line))
        elif raw:
            claimants.setdefault(raw, []).append(p)
            made = origin_of.get(p.stem) or (records().get(p.stem, {}).get("raw") if p not in unchanged else None)
            if made and made != raw:  # a typo in raw, most likely: its original is still taken
                repointed[made] = p
    existing: dict[str, Path] = {}
    for raw, files in claimants.items():
        holder = files[-1]
        if len(files) > 1:  # the file ingest made from it, else the last in sorted order
            holder = next((p for p in reversed(files) if records().get(p.stem, {}).get("raw") == raw), holder)
            problems.extend(warning(f"{shown}/{p.name}", f"names the same original {raw} as {shown}/{holder.name}, which is "
                                                         "the one refreshed from it; this file is left as it is")
                            for p in files if p != holder)
        if raw not in held:
            existing[raw] = holder
    taken = frozenset(p.stem for p in reports + others)
    return _Claims(existing, frozenset(unchanged), frozenset(held), hold_new, repointed, taken, tuple(problems))


def _report_files(out_dir: Path) -> tuple[list[Path], list[Path]]:
    """The report files (``*.md``) and whatever else has such a name (a folder), in name order."""
    if not out_dir.exists():
        return [], []
    files, others = [], []
    with os.scandir(out_dir) as listing:
        for e in sorted(listing, key=lambda e: e.name):
            if e.name.endswith(".md") and not e.name.startswith("."):
                (files if e.is_file() else others).append(Path(e.path))
    return files, others


def _cache_entries(cache: dict) -> dict[str, dict]:
    """The cache's entry per original, those of the expected shape only: a damaged cache costs time."""
    files = cache.get("files") if cache.get("format") == CACHE_FORMAT else None
    if not isinstance(files, dict):
        return {}

    def sound(e) -> bool:
        return (isinstance(e, dict) and isinstance(e.get("sha256"), str) and isinstance(e.get("report", ""), str)
                and isinstance(e.get("problems"), list)
                and all(isinstance(p, list) and len(p) == 4 for p in e["problems"]))

    return {key: e for key, e in files.items() if sound(e)}


def _load_machine(data: bytes, shown: str) -> tuple[dict, list[Problem]]:
    """The records of .machine.json; a damaged file or record is a warning, and is taken as no
    record: then every field of that report is kept as it is (a hand correction cannot be told
    from ingest's value), so nothing an editor wrote is lost."""
    if not data:
        return {}, []
    consequence = "hand corrections cannot be told from ingest's values, so every report keeps all its fields and its body as they are"
    try:
        value = json.loads(data)
    except ValueError as exc:
        reason = getattr(exc, "msg", None) or str(exc)
        return {}, [warning(shown, f"damaged ({reason}): {consequence}", getattr(exc, "lineno", None))]
    if not isinstance(value, dict):
        return {}, [warning(shown, f"damaged (not a JSON object): {consequence}")]
    records, problems = {}, []
    for stem, record in value.items():
        if (isinstance(record, dict) and isinstance(record.get("fields"), dict) and isinstance(record.get("body_sha256"), str)
                and isinstance(record.get("raw", ""), str)):
            records[stem] = record
        else:
            problems.append(warning(shown, f"the record of {stem} is damaged: that report keeps all its fields and its body as they are"))
    return records, problems


def _new_slug(fields: dict, taken: set[str]) -> str:
    """A new report's file name: its slug, with -2, -3, … when taken (chosen in sorted order)."""
    base = slugs.report_slug(
        year=fields["year"], province=fields["province"], city=fields["city"],
        district=fields["district"], publisher=fields["publisher"], period=fields["period"],
    )
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    taken.add(slug)
    return slug


def run_ingest(raw_dir: Path, out_dir: Path, jobs: int | None = None, today: str | None = None) -> tuple[list[Problem], int]:
    """Ingest every file in raw_dir; return the problems and the number of files written."""
    outcome = ingest_all(raw_dir, out_dir, jobs, today=today)
    return outcome.problems, outcome.written


def run(args) -> int:
    start = time.monotonic()
    outcome = ingest_all(args.raw, args.out)
    errors, warnings = report(outcome.problems)
    if outcome.stopped:
        print(f"ingest: stopped: {outcome.stopped}; no report was touched")
        return 1
    line = summary("ingest", reports=outcome.reports, written=outcome.written, bytes=outcome.raw_bytes,
                   seconds=time.monotonic() - start, errors=errors, warnings=warnings)
    print(f"{line}; {outcome.processed} original(s) read, the others unchanged since the last ingest; reports in {args.out}")
    return 1 if errors else 0
