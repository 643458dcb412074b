"""Which regular expressions could make Python's backtracking matcher run without bound.

content/indicators.yml holds regular expressions that ingest runs on every sentence of
every report, so a phrasing such as ``(a+)+b`` or ``(?:共|共计)*`` would hang ingest on
one unlucky sentence. A time limit would make the figures depend on the machine's speed
(the same content would no longer give the same reports), and linear-time engines (RE2
and its kin) lack the lookbehinds the table needs (``(?<!不予)受理``), so phrasings are
checked when the table is loaded, by two rules on the parsed expression:

- *Nothing ambiguous repeats.* The body of a repeat that can run more than once must
  have one way to match any text: it cannot match nothing, holds no repeat of variable
  length (``a+``, ``a?``, ``a{1,3}``; a fixed count such as ``\\d{3}`` is fine), and its
  alternatives can neither match nothing nor start with the same character. Without such
  ambiguity the number of ways to match grows with the text at most polynomially; with
  it, exponentially (``(a|aa)+`` on a run of a's).
- *A bounded number of ways at each character.* Outside ``{n}`` (the number, whose
  pattern is ours) every repeat is bounded (``.{0,20}``, never ``.*``: a phrasing names
  the indicator next to the number), and the ways to match from one place, counted over
  optional parts, alternatives and bounded repeats, are at most ``MAX_WAYS``; so a
  sentence costs at most a fixed multiple of its length.

Both rules are sufficient, not necessary: they refuse some harmless expressions
(``(?:ab|ac)+``), never a dangerous one.
"""

from __future__ import annotations

from re import _constants as sre
from re import _parser

MAX_WAYS = 10_000
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)
_ZERO_WIDTH = (sre.AT, sre.ASSERT, sre.ASSERT_NOT)
_SMALL_RANGE = 512  # a character range wider than this counts as "any character"


def ambiguous_repeat(pattern: str) -> str:
    """Why the expression repeats something ambiguous (first rule), or ''."""
    return _repeats(_parser.parse(pattern))


def too_many_ways(pattern: str) -> str:
    """Why the expression has an unbounded repeat or more than MAX_WAYS ways at one place (second rule), or ''."""
    ways = _ways(_parser.parse(pattern))
    if ways is None:
        return "it has an unbounded repeat (*, +, {m,}): bound it, as in .{0,20}"
    if ways > MAX_WAYS:
        return f"it can try {ways:,} ways at every character (at most {MAX_WAYS:,}): use fewer optional parts or shorter repeats"
    return ""


def _children(op, av) -> list:
    """The sub-expressions of one parsed item."""
    if op in _REPEATS:
        return [av[2]]
    if op is sre.SUBPATTERN:
        return [av[3]]
    if op is sre.BRANCH:
        return list(av[1])
    if op in (sre.ASSERT, sre.ASSERT_NOT):
        return [av[1]]
    if op is sre.ATOMIC_GROUP:
        return [av]
    if op is sre.GROUPREF_EXISTS:
        return [b for b in av[1:] if b is not None]
    return []


def _repeats(items) -> str:
    for op, av in items:
        if op in _REPEATS and av[1] > 1:
            why = _ambiguity(av[2])
            if why:
                return f"{why}, inside a repeat"
        for child in _children(op, av):
            why = _repeats(child)
            if why:
                return why
    return ""


def _ambiguity(body) -> str:
    """Why this repeated body can match some text in more than one way (or match nothing), or ''."""
    if body.getwidth()[0] == 0:
        return "a part that can match nothing"
    return _ambiguous_items(body)


def _ambiguous_items(items) -> str:
    for op, av in items:
        if op in _REPEATS and av[0] != av[1]:
            return "a repeat of variable length"
        if op in (sre.GROUPREF, sre.GROUPREF_EXISTS):
            return "a back-reference"
        if op is sre.BRANCH:
            seen: set[str] = set()
            for branch in av[1]:
                first = _first(branch)
                if branch.getwidth()[0] == 0:
                    return "an alternative that can match nothing"
                if first is None or first & seen:
                    return "alternatives that can start with the same character"
                seen |= first
        for child in _children(op, av):
            why = _ambiguous_items(child)
            if why:
                return why
    return ""


def _first(items) -> set[str] | None:
    """The characters a match of these items can start with; None for "any"."""
    for op, av in items:
        if op in _ZERO_WIDTH:
            continue
        if op is sre.LITERAL:
            return _cased(chr(av))
        if op is sre.IN:
            return _class(av)
        if op in _REPEATS:
            if av[1] == 0:
                continue
            return _first(av[2])
        if op in (sre.SUBPATTERN, sre.ATOMIC_GROUP):
            body = av[3] if op is sre.SUBPATTERN else av
            if body.getwidth()[1] == 0:
                continue
            return _first(body)  # a body that may match nothing is refused by the rule anyway
        if op is sre.BRANCH:
            union: set[str] = set()
            for branch in av[1]:
                found = _first(branch)
                if found is None:
                    return None
                union |= found
            return union
        return None  # any character, a negated literal, a category, a back-reference
    return set()


def _class(items) -> set[str] | None:
    found: set[str] = set()
    for op, av in items:
        if op is sre.LITERAL:
            found |= _cased(chr(av))
        elif op is sre.RANGE and av[1] - av[0] < _SMALL_RANGE:
            for code in range(av[0], av[1] + 1):
                found |= _cased(chr(code))
        else:
            return None  # a negated class, a category, a wide range
    return found


def _cased(c: str) -> set[str]:
    """Both cases, as (?i) would match them: the rule must not depend on the flags."""
    return {c, c.lower(), c.upper()}


def _ways(items) -> int | None:
    """An upper bound of the ways the items can match from one place; None when unbounded."""
    total = 1
    for op, av in items:
        if op in _REPEATS:
            low, high, body = av
            if high == sre.MAXREPEAT:
                return None
            inner = _ways(body)
            if inner is None:
                return None
            count = 0
            for k in range(low, high + 1):  # stops as soon as the bound is passed
                count += inner ** k
                if count > MAX_WAYS:
                    break
        elif op is sre.BRANCH:
            counts = [_ways(b) for b in av[1]]
            if None in counts:
                return None
            count = sum(counts)
        else:
            counts = [_ways(child) for child in _children(op, av)]
            if None in counts:
                return None
            count = 1
            for c in counts:
                count *= c
        total *= count
        if total > MAX_WAYS:
            return total
    return total
