"""An original's bytes as text: UTF-16 with a BOM, UTF-8, GB18030, all strict; or why not."""

from __future__ import annotations

from generator.model.report import CONTROL


class Unusable(Exception):
    """A raw file that cannot be read as a report; the message is the reason."""


# Declared names of GB2312 and GBK, read as GB18030, their superset: many pages declare gb2312 and
# use characters only GBK has.
_GB = {"gb2312", "gbk", "gb_2312-80", "x-gbk", "cp936", "euc-cn", "gb18030"}


def decode(data: bytes, declared: tuple[str, ...] = ()) -> str:
    """Bytes → text with \\n line endings.

    UTF-16 with a BOM (Windows "Unicode" files), then the encodings the original ``declared``
    (a web page's HTTP header or <meta charset>) where the bytes fit them, then UTF-8 (with or
    without BOM), then GB18030 (the national standard, a superset of GB2312 and GBK), all strict; control
    characters are dropped (vertical tab and form feed become line breaks).
    No detector guesses: GB18030 decodes almost any byte string, so a detector's
    guess could only replace a wrong GB18030 reading with another guess.
    """
    if not data:
        raise Unusable("empty file")
    text = None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise Unusable("starts with a UTF-16 byte-order mark but is not valid UTF-16") from None
    elif b"\x00" in data:
        raise Unusable("binary file (contains NUL bytes), not a text report")
    else:
        # A byte-order mark wins over any declaration.
        stated = () if data.startswith(b"\xef\xbb\xbf") else tuple("gb18030" if n.lower() in _GB else n for n in declared if n)
        for encoding in (*stated, "utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except (LookupError, UnicodeDecodeError):  # a declaration the bytes do not fit, or no such codec
                continue
    if text is None:
        raise Unusable("cannot be decoded as UTF-8 or GB18030/GBK")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Vertical tab and form feed break lines in text exported from Word; other control characters
    # are invisible, never meant, and would make the feed invalid XML (model.CONTROL).
    text = CONTROL.sub(lambda m: "\n" if m.group() in "\x0b\x0c" else "", text)
    if not text.strip():
        raise Unusable("blank file (only whitespace)")
    return text
