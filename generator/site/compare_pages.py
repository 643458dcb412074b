"""The compare view (对比): compare/index.html puts two to six places side by side, for a year
or a span of years, from data files the build writes: compare/places.js (the places that have
reports of their own, the indicators and topics) and compare/d/<code>.js per place (its reports,
figures and each topic's sections). They are scripts, not JSON, since a page opened from disk
may not fetch (as the search page's files). The choice is in the page's address
(``compare/index.html?places=500105,330702&year=2021``), so it can be shared or bookmarked;
templates/assets/compare.js reads it and draws the tables.
"""

from __future__ import annotations

import json
from typing import Iterator

from generator.core.digests import key_of
from generator.site import figure_pages, urls
from generator.site import records as rec_mod
from generator.site.planned import Planned

MAX_PLACES = 6


def _script(call: str, value) -> str:
    return f"FAZHI_COMPARE.{call}({json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(',', ':'))});\n"


def place_data(a, node, own) -> dict:
    reports, figures, sections = [], [], []
    for record in sorted(own, key=lambda r: (r.report.year or 0, r.report.period, r.slug)):
        r = record.report
        reports.append({"slug": r.slug, "title": r.title, "year": r.year, "period": r.period,
                        "page": urls.report_page(r.slug), "parts": record.evaluation.parts_found})
        for f, anchor in zip(record.figures(), record.figure_anchors):
            figures.append({"i": f.indicator, "y": r.year, "p": f.period, "v": f.value,
                            "s": figure_pages.stated_text(f), "r": r.slug, "a": anchor or ""})
        for topic, packed in record.by_topic():
            for ref in rec_mod.unpack_sections(packed):
                sections.append({"t": topic, "y": r.year, "r": r.slug, "a": ref.anchor, "h": ref.heading,
                                 "e": ref.excerpt, "k": ref.kind})
    chain = a.chain_of(node.code)
    return {"code": node.code, "name": node.name, "full": "".join(n.name for n in chain), "page": node.page,
            "reports": reports, "figures": figures, "sections": sections}


def compare_pages(a, render) -> Iterator[Planned]:
    listed = []
    for code, node in a.places.items():
        own = a.own_records(node)
        if not own:
            continue
        years = sorted({r.report.year for r in own if r.report.year})
        listed.append({"code": code, "name": node.name, "full": "".join(n.name for n in a.chain_of(code)), "years": years})
        yield Planned(urls.compare_data(code),
                      key_of("compare-place", code, [(n.name, n.page) for n in a.chain_of(code)],
                             [(r.listed, r.figures_shown[:1], r.figure_anchors, r.topic_digests, r.evaluation.parts_found) for r in own]),
                      lambda node=node, own=own: _script("place", place_data(a, node, own)))
    archive = {"places": listed,
               "indicators": [{"key": i.key, "name": i.name, "unit": i.unit} for i in a.indicators],
               "topics": [{"slug": t.slug, "name": t.name} for t in a.topics],
               "max": MAX_PLACES}
    yield Planned(urls.COMPARE_PLACES, key_of("compare-places", archive), lambda: _script("archive", archive))
    yield Planned(urls.COMPARE, key_of("compare"), lambda: render.page("compare.html", urls.COMPARE, max_places=MAX_PLACES))
