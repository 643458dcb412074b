"""``fazhi`` command line: fetch, ingest, check, build, serve.

Each subcommand is one module's ``run(args) -> int`` function (``COMMANDS``);
the exit status is 0 on success, 1 when content has errors, 2 on bad usage.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

# Imported only when run: ``fazhi check`` need not load the build's libraries.
COMMANDS = {"ingest": "generator.ingest.run", "fetch": "generator.ingest.fetch", "check": "generator.check",
            "build": "generator.site.build", "serve": "generator.site.serve"}


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="fazhi", description="法治报告档案: build a searchable archive of rule-of-law reports.")
    sub = p.add_subparsers(dest="command", required=True)

    fetch = sub.add_parser("fetch", help="download report pages and their attachments into content/raw as WARC files")
    fetch.add_argument("urls", nargs="*", metavar="URL", help="a report page's address")
    fetch.add_argument("--from", dest="from_file", type=Path, default=None, help="a file of addresses, one a line")
    fetch.add_argument("--raw", type=Path, default=Path("content/raw"), help="folder of original files (default: content/raw)")
    fetch.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for an answer (default: 30)")

    ingest = sub.add_parser("ingest", help="turn content/raw/* into content/reports/*.md")
    ingest.add_argument("--raw", type=Path, default=Path("content/raw"), help="folder of original files (default: content/raw)")
    ingest.add_argument("--out", type=Path, default=Path("content/reports"), help="folder of Markdown reports (default: content/reports)")

    check = sub.add_parser("check", help="list reports with empty or suspicious fields; non-zero exit when something is wrong")
    check.add_argument("--content", type=Path, default=Path("content"), help="content folder (default: content)")
    check.add_argument("--strict", action="store_true", help="treat warnings as errors")

    build = sub.add_parser("build", help="render content/ into a static site")
    build.add_argument("--content", type=Path, default=Path("content"), help="content folder (default: content)")
    build.add_argument("--out", type=Path, default=Path("site"), help="output folder (default: site)")
    build.add_argument("--base-url", default=None, help="public address (https://…/) for the sitemap, feed, canonical links and "
                       "citations; default: the host's build variables, else base_url in content/site.yml (see README)")
    build.add_argument("--zip", type=Path, default=None, help="also write the site as a zip that works unpacked anywhere")
    build.add_argument("--strict", action="store_true", help="treat warnings as errors")

    serve = sub.add_parser("serve", help="serve the site on localhost and rebuild when content or templates change")
    serve.add_argument("--content", type=Path, default=Path("content"))
    serve.add_argument("--out", type=Path, default=Path("site"))
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--base-url", default=None, help="as for build")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    module = importlib.import_module(COMMANDS[args.command])
    try:
        return module.run(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
