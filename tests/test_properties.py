"""Property-based tests: whatever the text, extraction keeps its promises about spans and records.

The texts mix quotation marks, cues, names and ordinary words (so that quotes are found)
with what news text drags in: line breaks, no-break spaces, combining marks, emoji,
markup and control characters.

Profiles: ``ci`` (the default, a quick run in ``make test``), ``deep`` (about 1,500 examples)
and ``fuzz`` (10,000, ``make fuzz``); pick one with ``HYPOTHESIS_PROFILE``.
"""

from __future__ import annotations

import itertools
import json
import os
import pickle
import signal
import traceback
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from hypothesis.database import DirectoryBasedExampleDatabase

from quotes.api import extract_articles
from quotes.cli import JSONL_FIELDS, quote_row
from quotes.dedupe import DedupeRecord
from quotes.records import Article, Quote

# Failing examples are kept for replay under .pytest_cache, which git already ignores.
_DATABASE = DirectoryBasedExampleDatabase(str(Path(__file__).resolve().parent.parent / ".pytest_cache" / "hypothesis"))
# Parsing takes milliseconds but varies with the machine: no per-example deadline.
# `nlp` is session-scoped, so sharing it between examples is safe.
_COMMON = dict(
    deadline=None,
    database=_DATABASE,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.register_profile("ci", max_examples=60, **_COMMON)
# The long runs look for new failures: known ones (the @example inputs, and those saved in the
# database, which `ci` replays) would fail first and stop the search before it starts.
_SEARCH = dict(_COMMON, phases=[p for p in Phase if p not in (Phase.explicit, Phase.reuse)])
settings.register_profile("deep", max_examples=1500, **_SEARCH)
settings.register_profile("fuzz", max_examples=10_000, **_SEARCH)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

MAX_CHARS = 400  # short texts keep each example to a few milliseconds of parsing

MARKS = ['"', "\u201c", "\u201d", "\u2018", "\u2019", "\u00ab", "\u00bb", "\u201e", "'", "``", "''"]
# Pairs as writers use them, so that whole quotations (not only stray marks) are generated.
PAIRS = [('"', '"'), ("\u201c", "\u201d"), ("\u2018", "\u2019"), ("\u00ab", "\u00bb"), ("\u201e", "\u201c"), ("'", "'"), ("``", "''")]
CUES = ["said", "says", "told", "told reporters", "according to", "reported", "added", "stressed", "noted"]
NAMES = ["Kim", "Kim Jong Un", "Donald Trump", "Ana Ruiz", "Mattis", "Reuters", "EFE", "Sputnik", "The Guardian", "Yonhap",
         "He", "She", "They", "The ministry", "A spokesman", "Xi"]
WORDS = ["we", "will", "win", "and", "soon", "the", "talks", "are", "not", "over", "that", "a", "summit", "on", "Tuesday",
         "is", "very", "good", "it", "was", "peace", "in", "Seoul", ",", ".", ":", ";", "?", "!", "-", "\u2014", "(", ")", "..."]
SEPARATORS = [" ", " ", " ", "", "\n", "\n\n", "\u00a0", "\t", "\r\n", " \n ", "\u2028", "\u2029", "\u200b", "\u3000"]
ODDITIES = ["e\u0301", "n\u0303", "\u0301", "\u0308", "\U0001f600", "\U0001f44d\U0001f3fd", "\U0001f1f0\U0001f1f7",
            "\u200d", "\ufeff", "\u00ad", "<b>", "</b>", '<a href="x">', "</a>", "<br/>", "&amp;", "&quot;", "<p>"]
CONTROLS = st.characters(min_codepoint=0x00, max_codepoint=0x1F).map(str)

words = st.lists(st.sampled_from(WORDS + NAMES[:4] + ODDITIES[:3]), min_size=1, max_size=8).map(" ".join)
names = st.sampled_from(NAMES)
cues = st.sampled_from(CUES)
separators = st.sampled_from(SEPARATORS)


@st.composite
def attributions(draw: st.DrawFn) -> str:
    """One sentence shaped like an attribution, with marks, names and cues drawn at random."""
    opening, closing = draw(st.sampled_from(PAIRS) | st.tuples(st.sampled_from(MARKS), st.sampled_from(MARKS)))
    quoted = opening + draw(words) + draw(st.sampled_from(["", ",", ".", "?"])) + closing
    name, cue, more = draw(names), draw(cues), draw(words)
    shape = draw(st.sampled_from(range(7)))
    if shape == 0:
        return f"{quoted} {name} {cue}."
    if shape == 1:
        return f"{name} {cue}: {quoted}"
    if shape == 2:  # split by the attribution
        return f"{quoted} {name} {cue}, {opening}{more}.{closing}"
    if shape == 3:
        return f"{name} {cue} that {more}."
    if shape == 4:
        return f"According to {name}, {more} {quoted}."
    if shape == 5:  # a relay
        return f"{draw(names)} quoted {name} as saying {quoted}"
    return f"{name} {cue} {draw(names)} {quoted}, {draw(names)} reported."


fragments = st.one_of(
    attributions(),
    st.sampled_from(MARKS),
    cues,
    names,
    words,
    st.sampled_from(ODDITIES),
    CONTROLS,
    st.text(max_size=4),  # anything at all, now and then
)


@st.composite
def texts(draw: st.DrawFn) -> str:
    pieces = draw(st.lists(st.tuples(fragments, separators), max_size=12))
    return "".join(piece + sep for piece, sep in pieces)[:MAX_CHARS]


# --- the properties ---------------------------------------------------------------------


def _check_span(text: str, span: tuple[int, int] | None, what: str, quote: Quote) -> None:
    assert span is not None, (what, quote)
    start, end = span
    assert isinstance(start, int) and isinstance(end, int), (what, span)
    assert 0 <= start < end <= len(text), (what, span, len(text))
    assert text[start:end].strip(), (what, span, text[start:end])


def _check_quote(text: str, quote: Quote) -> None:
    """The invariants the project's own tests hold (test_detect's test_offsets_index_the_text)."""
    spans = quote.content_spans
    assert spans, quote
    for span in spans:
        _check_span(text, span, "content span", quote)
        piece = text[slice(*span)]
        assert piece == piece.strip(), ("content span with edge whitespace", span, piece)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans)), ("pieces out of order or overlapping", spans)
    assert quote.content == " ... ".join(text[a:b] for a, b in spans), quote
    for span in quote.quoted_spans:
        _check_span(text, span, "quoted span", quote)
        assert quote.start <= span[0] and span[1] <= quote.end, ("quoted span outside the content", span)
    if quote.cue_span is not None:
        _check_span(text, quote.cue_span, "cue span", quote)
        assert text[slice(*quote.cue_span)] == quote.cue, quote
    if quote.speaker_span is not None:
        _check_span(text, quote.speaker_span, "speaker span", quote)
        assert text[slice(*quote.speaker_span)] == quote.speaker_mention, quote
    for link in quote.via:
        if link.span is not None:
            _check_span(text, link.span, "via span", quote)
        if link.cue_span is not None:
            _check_span(text, link.cue_span, "via cue span", quote)
    assert quote.type in ("direct", "indirect", "mixed"), quote
    assert quote.rule, quote
    assert 0.0 <= quote.confidence <= 1.0, quote


def _extract(article: Article, **options: object) -> tuple[Article, list[Quote]]:
    """extract_articles on one article, in a forked child where the platform can fork.

    A crash in spaCy's C code kills the process: in a child it fails one example, which
    Hypothesis then shrinks, instead of ending the whole run without a report.
    """
    if not hasattr(os, "fork"):
        [found] = list(extract_articles([article], **options))
        return found
    readable, writable = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: no pytest clean-up, only the answer down the pipe
        try:
            [found] = list(extract_articles([article], **options))
            payload = pickle.dumps(("ok", found))
        except BaseException as exc:  # noqa: BLE001 (sent to the parent, which raises it)
            exc.add_note("".join(traceback.format_exception(exc)))
            try:
                payload = pickle.dumps(("raised", exc))
            except Exception:
                payload = pickle.dumps(("raised", RuntimeError(f"{type(exc).__name__}: {exc}")))
        with os.fdopen(writable, "wb") as out:
            out.write(payload)
        os._exit(0)
    os.close(writable)
    with os.fdopen(readable, "rb") as answer:
        data = answer.read()
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        raise AssertionError(f"extraction killed the process: {signal.Signals(os.WTERMSIG(status)).name}")
    kind, value = pickle.loads(data)
    if kind == "raised":
        raise value
    return value


@pytest.fixture(scope="module")
def warm(nlp):
    """Both extraction paths built in this process, so that each forked child inherits them."""
    for full_parse in (False, True):
        list(extract_articles([Article.from_text("Kim said the talks went well.")], full_parse=full_parse))
    return nlp


# Minimal inputs Hypothesis found, kept so that `make test` checks them every time.
@example(text='"\n\n"We will win," Kim said.')  # a content piece (1, 1): empty (direct:ccomp)
@example(text='"according to\u3000p hm \u201e.\u201c')  # a content piece (14, 14): empty (mixed:according-to)
@example(text="Kim: ``We will win.''\u2009said")  # IndexError in quotes.attribute.mentions._speaker_beside_cue
@example(text='"\xa0Kim said: "are we we" said ')  # ValueError: max() of no tokens in quotes.detect.cues (make fuzz)
@given(text=texts())
def test_every_span_indexes_non_blank_text(nlp, text: str) -> None:
    quotes = nlp(text)._.quotes
    for quote in quotes:
        _check_quote(text, quote)
    again = nlp(text)._.quotes
    assert [q.id for q in again] == [q.id for q in quotes]
    assert again == quotes


@example(text='"we" Kim Jong Un says, "we."\u2028- Tuesday ')  # a dash signature's cue on the line separator before the dash
@given(text=texts())
def test_jsonl_rows_round_trip(warm, text: str) -> None:
    article = Article.from_text(text)
    read, quotes = _extract(article)
    for quote in quotes:
        _check_quote(text, quote)
        row = quote_row(read, quote)
        assert tuple(row) == JSONL_FIELDS
        line = json.dumps(row, ensure_ascii=False)  # as `quotes extract --format jsonl` writes it
        assert "\n" not in line  # one record per line, whatever the text holds
        back = json.loads(line)
        assert back == row
        assert back["id"] == quote.id
        assert back["content_spans"] == [list(s) for s in quote.content_spans]
        assert back["quoted_spans"] == [list(s) for s in quote.quoted_spans]
        assert back["cue_span"] == (list(quote.cue_span) if quote.cue_span else None)
        assert back["speaker_span"] == (list(quote.speaker_span) if quote.speaker_span else None)
        # The readers of these lines: Quote.from_dict (the row names the article "article")
        # and the deduplicator's, which takes extract's field names for its own.
        assert Quote.from_dict({**back, "article_id": back["article"]}) == quote
        record = DedupeRecord.from_dict(back)
        assert (record.id, record.text, record.spans) == (quote.id, quote.content, quote.content_spans)


@example(text="Rain fell on Seoul.\n\nLet's go.")  # SIGSEGV on the selective path, not with full_parse
@example(text="The summit: a success")  # a line the gate skips is left unparsed: speaker None, not "summit"
@example(text="\U000951c1\n\u00absummit\u00bb K said.")  # the selective path finds the speaker "K", the full parse none
@given(text=texts())
def test_selective_path_finds_what_the_full_parse_finds(warm, text: str) -> None:
    # quotes.selective promises the same quotes as running every component on all the text.
    article = Article.from_text(text)
    _, full = _extract(article, full_parse=True)
    _, fast = _extract(article)
    assert fast == full
