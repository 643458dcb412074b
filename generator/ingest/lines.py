"""What a line of a report is: a numbered heading, a sentence, a date; shared by chrome, title and metadata."""

from __future__ import annotations

import re
import unicodedata

DATE = r"(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})\s*日?"
CN_NUM = "一二三四五六七八九十百零〇两"
_H2 = re.compile(rf"^[{CN_NUM}]+\s*、")
_H3 = re.compile(rf"^[(（]\s*[{CN_NUM}]+\s*[)）]")
_H4 = re.compile(r"^(?:\d{1,2}\s*[、.．](?!\d)|[(（]\s*\d{1,2}\s*[)）])")
SENTENCE_END = "。；;！!？?"
# What a report calls itself, in simplified and traditional script.
KINDS = "报告|总结|汇报|情况|要点|计划|通报|纲要|述职|述法|報告|總結|匯報|情況|要點|計劃|綱要|述職"
TITLE_KIND = re.compile(rf"{KINDS}|法治政府建设|法治政府建設|依法行政")


def heading_level(line: str) -> int | None:
    norm = unicodedata.normalize("NFKC", line)
    if _H2.match(norm):
        return 2
    if _H3.match(norm):
        return 3
    if _H4.match(norm):
        return 4
    return None
