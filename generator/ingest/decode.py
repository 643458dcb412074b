"""An original's bytes as text: UTF-16 with a BOM, UTF-8, GB18030, all strict; or why not."""

from __future__ import annotations

from generator.model.report import CONTROL


class Unusable(Exception):
    """A raw file that cannot be read as a report; the message is the reason."""


def decode(data: bytes) -> str:
    """Bytes → text with \\n line endings.

    UTF-16 with a BOM (Windows "Unicode" files), then UTF-8 (with or without BOM),
    then GB18030 (the national standard, a superset of GB2312 and GBK), all strict; control
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
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
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
