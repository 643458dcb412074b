"""``fazhi serve``: build, serve site/ on localhost, rebuild when content or templates change."""

from __future__ import annotations

import functools
import http.server
import os
import sys
import threading

from watchfiles import watch

from generator.core.problems import report
from generator.site import build as builder
from generator.site import folders


def _build(args) -> None:
    problems, summary = builder.build(args.content, args.out, args.base_url, environ=os.environ)
    errors, _ = report(problems)
    if errors:
        print(f"build failed: {errors} error(s); still serving the previous site")
    else:
        print(f"built {summary['files']} files in {summary['seconds']} s ({summary['written']} written)")


def run(args) -> int:
    try:  # the folder served is the one the build may write (never content/, say)
        site = folders.claim(args.out, args.content).site
    except folders.Refused as exc:
        print(exc.problem, file=sys.stderr)
        return 1
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    try:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), handler)
    except OSError as exc:
        print(f"fazhi serve: cannot listen on 127.0.0.1:{args.port} ({exc.strerror or exc}): choose another --port", file=sys.stderr)
        return 1
    _build(args)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"serving http://127.0.0.1:{args.port}/ — watching {args.content} and {builder.TEMPLATES}; Ctrl-C stops")
    try:
        for _ in watch(args.content, builder.TEMPLATES):
            _build(args)
    finally:
        server.shutdown()
    return 0
