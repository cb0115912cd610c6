"""Quotation marks: find the quoted regions of a text, paragraph by paragraph.

This works on characters, before and without any parse, so it is cheap and
never fails on a whole text: an unbalanced mark costs only its own paragraph.

Handled typographies: straight and curly double quotes, curly and straight
single quotes used as quotation marks (told apart from apostrophes by what
stands on either side), guillemets, low-high „...“, and the archive style
where two backticks or two apostrophes stand for a double quote. A quote
running over several paragraphs (an opening mark on each paragraph, the
closing mark only on the last) is one region with one piece per paragraph.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

from quotes.records import Span

DOUBLE = "double"
SINGLE = "single"

# Characters after which a mark is opening (and before which it is closing).
_OPEN_CONTEXT = set(" \t\n([{\u2014\u2013-/:;") | {"", "\u00a0"}
_CLOSE_CONTEXT = set(" \t\n)]}\u2014\u2013-/.,;:!?") | {"", "\u00a0"}

_SENTENCE_END = set(".,!?")
_SINGLES = {"\u2018", "'", "\u2019"}
_OPENING_FOLLOWERS = set('"\u201c$(')

_STRAIGHT = {'"', "''"}  # marks that look the same opening and closing
_MARK_RE = re.compile(r"``|''|[\"\u201c\u201d\u201e\u201f\u00ab\u00bb\u2018\u2019\u201a']")


@dataclass(frozen=True, slots=True)
class QuoteRegion:
    """A quotation: from its opening mark to its closing mark.

    ``pieces`` are the spans inside the marks, one per paragraph.
    """

    start: int
    end: int
    pieces: tuple[Span, ...]
    family: str

    @property
    def inner_start(self) -> int:
        return self.pieces[0][0]

    @property
    def inner_end(self) -> int:
        return self.pieces[-1][1]


@dataclass(frozen=True, slots=True)
class _Mark:
    pos: int
    end: int
    family: str
    role: str  # "open", "close" or "either"


def _classify(text: str, pos: int, mark: str) -> _Mark | None:
    before = text[pos - 1] if pos > 0 else ""
    after = text[pos + len(mark)] if pos + len(mark) < len(text) else ""
    end = pos + len(mark)
    if mark == "\u201c" and (before.isalnum() or before in _SENTENCE_END):
        return _Mark(pos, end, DOUBLE, "close")  # German „...“ closes with this mark
    if mark in ("\u201c", "\u201e", "\u201f", "\u00ab", "``"):
        return _Mark(pos, end, DOUBLE, "open")
    if mark in ("\u201d", "\u00bb"):
        if before in _OPEN_CONTEXT and (after.isalnum() or after in _SINGLES):
            return _Mark(pos, end, DOUBLE, "open")  # a right mark typed as an opener
        return _Mark(pos, end, DOUBLE, "close")
    if mark in ('"', "''"):
        opens = before in _OPEN_CONTEXT or before in _SINGLES
        closes = after in _CLOSE_CONTEXT or after in _SINGLES
        if opens and not closes:
            return _Mark(pos, end, DOUBLE, "open")
        if closes and not opens:
            return _Mark(pos, end, DOUBLE, "close")
        return _Mark(pos, end, DOUBLE, "either")
    # Single marks double as apostrophes: only word-initial ones open and
    # only word-final ones close ("don't", "Korea's" are neither).
    word_before = before.isalnum()
    word_after = after.isalnum()
    if mark == "'" and re.match(r"\d0s\b", text[pos + 1 : pos + 5]):
        return None  # "the '90s": an elided century, not a quotation
    if mark in ("\u2018", "\u201a", "'"):
        if not word_before and (word_after or after in _OPENING_FOLLOWERS) and before not in _SENTENCE_END:
            return _Mark(pos, end, SINGLE, "open")
        if mark == "'" and not word_after and (word_before or before in _SENTENCE_END):
            return _Mark(pos, end, SINGLE, "close")
        return None
    if mark == "\u2019":
        if word_before and word_after:
            return None
        if not word_after and (word_before or before in _SENTENCE_END | {"\u201d", '"'}):
            return _Mark(pos, end, SINGLE, "close")
        return None
    return None


def line_spans(text: str) -> Iterator[Span]:
    """(start, end) of each line of ``text``, without its newline."""
    start = 0
    for match in re.finditer(r"\n", text):
        yield start, match.start()
        start = match.end()
    yield start, len(text)


def _pair(text: str, marks: list[_Mark], family: str) -> tuple[list[tuple[_Mark, _Mark]], _Mark | None]:
    """Pair the marks of one family in one paragraph; return outermost pairs and a dangling opener.

    Typographic openers nest ('"... what he calls "hell" than ..."'); an
    opener that is never closed leaves the pairs inside it standing, so only
    that stretch of the paragraph is lost.
    """
    pairs = []
    openers: list[_Mark] = []
    for mark in marks:
        if mark.family != family:
            continue
        if not openers:
            if mark.role in ("open", "either"):
                openers.append(mark)
            continue
        if mark.role in ("close", "either"):
            pairs.append((openers.pop(), mark))
        elif family == DOUBLE and not _STRAIGHT & {text[mark.pos : mark.end], text[openers[-1].pos : openers[-1].end]}:
            openers.append(mark)
        elif family == DOUBLE:
            # Two openers in a row, one of them straight: the first was never closed; start over from the second.
            openers[-1] = mark
    return _outermost(pairs), openers[0] if openers else None


def _outermost(pairs: list[tuple[_Mark, _Mark]]) -> list[tuple[_Mark, _Mark]]:
    """The pairs no other pair encloses, in their order, by one sweep over opening positions (not n²)."""
    enclosed: set[int] = set()
    furthest = -1  # the latest closing position of the pairs opened so far
    for pair in sorted(pairs, key=lambda p: p[0].pos):
        if pair[1].pos < furthest:
            enclosed.add(id(pair))
        furthest = max(furthest, pair[1].pos)
    return [p for p in pairs if id(p) not in enclosed]


def _starts_with_opener(text: str, span: Span) -> bool:
    line = text[span[0] : span[1]].lstrip()
    return bool(line) and line[0] in "\u201c\u201e\u00ab\"" or line.startswith("``") or line.startswith("''")


def find_regions(text: str) -> list[QuoteRegion]:
    """Every quoted region of ``text`` in order; nested quotes are left inside their outer quote."""
    regions: list[QuoteRegion] = []
    lines = [span for span in line_spans(text)]
    pending: list[Span] = []  # pieces of a quote still open from earlier paragraphs
    pending_start = -1
    for index, (line_start, line_end) in enumerate(lines):
        line = text[line_start:line_end]
        if not line.strip():
            continue
        marks = [
            m
            for match in _MARK_RE.finditer(line)
            if (m := _classify(text, line_start + match.start(), match.group())) is not None
        ]
        if pending:
            # A continued paragraph opens with a mark that does not open a new quote.
            first = next((m for m in marks if m.family == DOUBLE), None)
            if first is not None and first.role in ("open", "either") and not text[line_start : first.pos].strip():
                marks = [m for m in marks if m is not first]
                content_from = first.end
            else:
                content_from = line_start
            closer = next((m for m in marks if m.family == DOUBLE and m.role in ("close", "either")), None)
            if closer is None:
                pending.append((content_from, line_end))
                if _continues(text, lines, index):
                    continue
                pending = []  # never closed: give up on this quote only
                continue
            pending.append((content_from, closer.pos))
            regions.append(QuoteRegion(pending_start, closer.end, tuple(pending), DOUBLE))
            pending = []
            marks = [m for m in marks if m.pos > closer.pos]
        pairs, dangling = _pair(text, marks, DOUBLE)
        for opener, closer in pairs:
            regions.append(QuoteRegion(opener.pos, closer.end, ((opener.end, closer.pos),), DOUBLE))
        if dangling is not None and _continues(text, lines, index):
            pending = [(dangling.end, line_end)]
            pending_start = dangling.pos
            pairs = [p for p in pairs if p[0].pos < dangling.pos]
        double_spans = [(o.pos, c.end) for o, c in pairs]
        if dangling is not None:
            double_spans.append((dangling.pos, line_end))
        outside = _outside(marks, double_spans)
        for opener, closer in _pair(text, outside, SINGLE)[0]:
            regions.append(QuoteRegion(opener.pos, closer.end, ((opener.end, closer.pos),), SINGLE))
    regions.sort(key=lambda r: r.start)
    trimmed = [replace(r, pieces=tuple(_strip_space(text, p) for p in r.pieces)) for r in regions]
    return [r for r in trimmed if r.inner_end > r.inner_start]


def _outside(marks: list[_Mark], spans: list[Span]) -> list[_Mark]:
    """The marks outside every span, by bisection (not a scan per mark)."""
    inside = SpanSet(spans)
    return [mark for mark in marks if mark.pos not in inside]


class SpanSet:
    """Spans merged and sorted, so that "is this offset inside one?" is a bisection, not a scan."""

    def __init__(self, spans: Iterable[Span]) -> None:
        merged: list[list[int]] = []
        for start, end in sorted(spans):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        self._starts = [m[0] for m in merged]
        self._ends = [m[1] for m in merged]

    def __contains__(self, offset: int) -> bool:
        at = bisect_right(self._starts, offset) - 1
        return at >= 0 and offset < self._ends[at]

    def meets(self, start: int, end: int) -> bool:
        """Whether some span shares a character with [start, end)."""
        at = bisect_left(self._starts, end) - 1  # the last span starting before the end
        return at >= 0 and self._ends[at] > start


def _strip_space(text: str, span: Span) -> Span:
    """A piece without the spaces typography puts inside marks ("« nous gagnerons »")."""
    start, end = span
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _continues(text: str, lines: list[Span], index: int) -> bool:
    """Whether the next non-blank paragraph opens with a quotation mark."""
    for span in lines[index + 1 :]:
        if text[span[0] : span[1]].strip():
            return _starts_with_opener(text, span)
    return False


# The one word that may stand outside the marks of a direct quote: a connective or an
# article ('that "we will win"', 'the "Gang of Eight"'). Any other word ('torture "works"',
# 'him "a liar"') makes the content a paraphrase with a quoted part: a mixed quote.
CONNECTIVES = frozenset({"that", "to", "and", "but", "or", "so", "then", "also", "yet", "because", "as", "the", "a", "an"})


def unquoted_words(text: str, content: Iterable[Span], quoted: Iterable[Span]) -> list[str]:
    """Words of the content that stand outside every quotation (``quoted`` are the insides of the marks)."""
    covered = {i for a, b in quoted for i in range(a - 1, b + 1)}
    outside = "".join(ch if i not in covered else " " for a, b in content for i, ch in enumerate(text[a:b], start=a))
    return re.findall(r"\w+", outside)


def is_direct(text: str, content: Iterable[Span], quoted: Iterable[Span]) -> bool:
    """Whether the content is a quotation: nothing outside its marks but one connective."""
    words = unquoted_words(text, content, quoted)
    return not words or (len(words) == 1 and words[0].lower() in CONNECTIVES)


def speaker_words(text: str) -> str:
    """The words of a quote that are the speaker's own: the quoted parts of a paraphrase, else all of it.

    In 'he called it "a disgrace" and left' the reporter chose every word but "a disgrace";
    two reports share the utterance only as far as they share those. A text that opens
    with a quotation mark, or has none (or only single ones), is returned as it is.

    Example:
        >>> speaker_words('that he found Trump to be "very charming," and left')
        'very charming,'
    """
    marks = [m.start() for m in _ANY_MARK_RE.finditer(text) if not _IN_WORD.match(text, max(0, m.start() - 1))]
    # No marks but apostrophes, or a text that opens with one (a quotation: marks inside
    # it quote someone else), is all the speaker's; the common cases, at no parse.
    if not marks or not _WORD_RE.search(text, 0, marks[0]):
        return text
    whole = [(0, len(text))]
    regions = find_regions(text)
    # Single marks alone are most often a quotation inside a direct quote whose own marks
    # are off ("Holding back the ‘war games’ was my request"): those words are not its part.
    pieces = [piece for region in regions if region.family == DOUBLE for piece in region.pieces]
    if not pieces or is_direct(text, whole, pieces):
        return text
    return " ".join(text[a:b] for a, b in pieces)


def without_inner_quotations(words: str) -> str:
    """A quote's words without the quotations inside it: those are someone else's words.

    In "Crooked Hillary and her team ‘were extremely careless.’ Not fit!" the tweet's
    author quotes another speaker; the tweet and that speaker's statement are two
    utterances. A quote wrapped in its own marks loses the quotations within them;
    one without (a direct quote's content) loses its single-quoted parts. A text
    of several quotations ("“A,” he said. “B.”"), or one that is all inner quotation,
    is returned as it is.

    Example:
        >>> " ".join(without_inner_quotations("“We call it ‘the wall’ and we build it”").split())
        '“We call it and we build it”'
    """
    # A cheap test first, most quotes hold no quotation: one opens after the quote's own opening
    # mark, with single marks (or, inside single marks, double ones).
    own = _OWN_OPENING_RE.match(words)
    maybe_inner = _MAYBE_INNER_IN_SINGLE_RE if own.group().strip() in _SINGLE_OPENINGS else _MAYBE_INNER_RE
    if not maybe_inner.search(words, own.end()):
        return words
    regions = find_regions(words)
    if not regions:
        return words
    first, last = _strip_space(words, (0, len(words)))
    outer = regions[0]
    if outer.start == first and outer.end == last:
        inner = [(r.start, r.end) for r in regions[1:] if r.end <= outer.end]
        if not inner and len(outer.pieces) == 1:
            start, end = outer.pieces[0]
            inner = [(start + r.start, start + r.end) for r in find_regions(words[start:end])]
    elif outer.start == first or any(r.family == DOUBLE for r in regions):
        return words
    else:
        inner = [(r.start, r.end) for r in regions]
    kept = list(words)
    for start, end in inner:
        kept[start:end] = " " * (end - start)
    text = "".join(kept)
    return text if _WORD_RE.search(text) else words


# A paragraph with this many quotation marks, and more marks than words, is no prose: pairing
# its marks is all the reading it gets (a parse of it would cost minutes and find nothing).
DENSE_MIN_MARKS = 50
_ANY_MARK_RE = re.compile("[\"\u201c\u201d\u201e\u201f\u00ab\u00bb\u2018\u2019\u201a'`]")
_WORD_RE = re.compile(r"\w+")
_IN_WORD = re.compile(r"\w['\u2019]\w")  # an apostrophe: don't, Clinton's
# A mark that may open a quotation: not an apostrophe inside or after a word, not a closing
# mark (an apostrophe after an apostrophe or a bracket closes: "''", "[sic]'").
_MAYBE_INNER_RE = re.compile("(?<![\\w.,!?\\])])[\u2018\u201a]|(?<![\\w.,!?'\\])])'")
_MAYBE_INNER_IN_SINGLE_RE = re.compile("(?<![\\w.,!?\\])])[\u2018\u201a\u201c\u201e]|(?<![\\w.,!?'\\])])['\"]")
_SINGLE_OPENINGS = frozenset("\u2018\u201a'")
_OWN_OPENING_RE = re.compile(r"\s*(?:''|.)?", re.DOTALL)


def dense_paragraphs(text: str) -> list[Span]:
    """The lines of ``text`` too thick with quotation marks to parse, in one pass."""
    dense = []
    for start, end in line_spans(text):
        marks = len(_ANY_MARK_RE.findall(text, start, end))
        if marks >= DENSE_MIN_MARKS and marks > len(_WORD_RE.findall(text, start, end)):
            dense.append((start, end))
    return dense
