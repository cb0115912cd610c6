"""Outlets: generic media linked to a named outlet, outlets that open a paragraph, "– Reports"
headlines, and the publisher in a dateline. The channels of one attribution are :mod:`quotes.attribute.chains`'."""

from __future__ import annotations

import dataclasses
import re
from collections import Counter

from spacy.tokens import Doc

from quotes.attribute.index import ArticleIndex
from quotes.detect import Detection
from quotes.lexicon import Outlet, OutletGazetteer, default_outlets, demonyms
from quotes.records import Link, Quote, Span


# A medium named by a description, not a masthead: "state media", "state-run television",
# "the official news agency", "local media", "Russian news agencies".
GENERIC_MEDIA_RE = re.compile(
    r"\b(?:[A-Z][a-z]+(?:an|ese|ish|i)\s+)?"
    r"(?:state|state-run|state-owned|state-controlled|official|local|national|government|public|[A-Z][a-z]+(?:an|ese|ish|i))"
    r"(?:[\s-]+(?:run|owned|controlled))?\s+"
    r"(?:media|news\s+agency|news\s+agencies|television|TV|press|newspapers?|broadcaster|radio|outlets?)\b",
    re.IGNORECASE,
)

# How near a named outlet must be to give a generic "state media" its name.
GENERIC_OUTLET_REACH = 1500


def paragraph_openers(doc: Doc, text: str, index: ArticleIndex) -> dict[int, str]:
    """Paragraphs whose first sentence has an outlet as its subject ("NHK reported ...", "Fuji TV took up ...").

    Keyed like the resolver's paragraphs: the offset of the newline before it (-1 for the first).
    A fragment the parser cut off the front of the sentence ("Asahi" | "and Yomiuri took up ...")
    belongs to the subject of the sentence it was cut from.
    """
    openers: dict[int, str] = {}
    seen: set[int] = set()
    fragments: dict[int, int] = {}  # paragraph -> start of the verbless fragments that open it
    for sentence in doc.sents:
        paragraph = text.rfind("\n", 0, sentence.start_char)
        if paragraph in seen:
            continue
        if sentence.root.pos_ not in ("VERB", "AUX"):
            fragments.setdefault(paragraph, sentence.start_char)
            continue
        seen.add(paragraph)
        subjects = [t for t in sentence.root.children if t.dep_ in ("nsubj", "nsubjpass")]
        for subject in subjects:
            a, b = subject.left_edge.idx, subject.right_edge.idx + len(subject.right_edge.text)
            if paragraph in fragments and subject.left_edge.i <= sentence.start + 1:
                a = fragments[paragraph]
            outlets = [o for x, y, o in index.outlets_between(a, b) if y <= b]
            if subject.ent_type_ == "PERSON" and not any(x <= subject.idx < y for x, y, _ in index.outlets_between(a, b)):
                continue  # "VOA Director Amanda Bennett says": a person speaks, her employer carries nothing
            if outlets:
                # "Sankei focused on remarks made to ABC News": the medium nearest the speaker carried them.
                others = [o for x, y, o in index.outlets_between(sentence.start_char, sentence.end_char) if not a <= x < b]
                if others:
                    openers[paragraph] = others[0].name
                elif re.search(r"\s(and|&)\s", text[a:b]):
                    # "Asahi and Yomiuri wrote that ...": both carried it.
                    openers[paragraph] = "; ".join(sorted({o.name for o in outlets}))
                else:
                    openers[paragraph] = outlets[0].name
    return openers


def story_opener(doc: Doc, text: str, openers: dict[int, str]) -> str | None:
    """The outlet that opens the story: the opener of its first line, else of its lead.

    The lead is the first paragraph after the first line with a sentence built on a verb, so a
    photo caption ("FILE - Tsai Ing-wen delivers a speech ...") can be it, and a masthead's blurb
    at the foot ("The Voice of America provides news ...") never is.
    """
    if -1 in openers:
        return openers[-1]
    for sentence in doc.sents:
        paragraph = text.rfind("\n", 0, sentence.start_char)
        if paragraph >= 0 and sentence.root.pos_ in ("VERB", "AUX"):
            return openers.get(paragraph)
    return None


def generic_kinds(phrase: str) -> tuple[str, ...]:
    """Which outlets a generic phrase can stand for: "state media" only for state media."""
    if re.match(r"(state|official|government)", phrase, re.IGNORECASE):
        return ("state-media",)
    return ("agency", "state-media", "newspaper", "broadcaster")


def country_of(phrase: str) -> str | None:
    """The country a generic medium belongs to, by its demonym: "Ukrainian local media" -> "UA"."""
    words = phrase.lower().split()
    table = demonyms()
    return table.get(" ".join(words[:2])) or (table.get(words[0]) if words else None)


def generic_outlet(index: ArticleIndex, phrase: str, offset: int) -> Outlet | None:
    """The outlet a generic medium at ``offset`` stands for: "state media" -> the state agency named nearby."""
    return nearest_outlet(index, offset, generic_kinds(phrase), country=country_of(phrase))


def nearest_outlet(
    index: ArticleIndex, offset: int, kinds: tuple[str, ...], *, before_only: bool = False, country: str | None = None
) -> Outlet | None:
    """The named outlet of one of ``kinds`` nearest to ``offset`` (earlier ones first), of ``country`` if given."""
    # Kinds are in order of preference: "the paper" is a newspaper before it is a state organ.
    mentions = [m for m in index.outlet_mentions if country is None or m[2].country == country]
    earlier = [(kinds.index(o.kind), offset - a, o) for a, _, o in mentions if a < offset and o.kind in kinds]
    if earlier:
        _, distance, outlet = min(earlier, key=lambda m: (m[0], m[1]))
        if distance <= GENERIC_OUTLET_REACH or before_only:
            return outlet
    if before_only:
        return None
    later = [(a - offset, o) for a, _, o in mentions if a >= offset and o.kind in kinds]
    if later:
        distance, outlet = min(later, key=lambda m: m[0])
        if distance <= GENERIC_OUTLET_REACH:
            return outlet
    return None


def sentence_bounds(doc: Doc, detection: Detection) -> Span:
    start = detection.content_spans[0][0]
    end = detection.content_spans[-1][1]
    first = doc.char_span(start, min(end, start + 1), alignment_mode="expand")
    last = doc.char_span(max(start, end - 1), end, alignment_mode="expand")
    a = first[0].sent.start_char if first is not None and len(first) else start
    b = last[-1].sent.end_char if last is not None and len(last) else end
    if detection.cue_span is not None:
        cue = doc.char_span(*detection.cue_span, alignment_mode="expand")
        if cue is not None and len(cue):
            a, b = min(a, cue[0].sent.start_char), max(b, cue[-1].sent.end_char)
    return a, b


_REPORTS_SUFFIX_RE = re.compile(r"[\u2013\u2014-]\s*(reports?|media|report says)\s*$", re.IGNORECASE)


def name_reports(text: str, quotes: list[Quote]) -> list[Quote]:
    """A headline ending "– Reports" came through the outlet the body quotes most."""
    outlets = Counter(q.outlet for q in quotes if q.outlet and not q.headline)
    if not outlets:
        return quotes
    main = outlets.most_common(1)[0][0]
    named = []
    for quote in quotes:
        line_end = text.find("\n", quote.end)
        line = text[quote.end : len(text) if line_end < 0 else line_end]
        if quote.headline and quote.outlet is None and _REPORTS_SUFFIX_RE.search(line):
            quote = dataclasses.replace(
                quote, outlet=main, resolution=quote.resolution + "+reports", via=quote.via + (Link(main, "outlet", "relay"),)
            )
        named.append(quote)
    return named


def dateline_outlet(text: str, outlets: OutletGazetteer | None = None) -> str | None:
    """The publishing outlet named in a dateline: "MOSCOW (Sputnik) -", "SEOUL, Oct 8 (Reuters) -"."""
    outlets = outlets or default_outlets()
    match = re.search(r"^\s*[A-Z][A-Za-z .,'\-]{1,40}\(([^)]{2,40})\)\s*[-\u2013\u2014]", text[:2000], re.MULTILINE)
    if match is None:
        return None
    outlet = outlets.lookup(match.group(1))
    return outlet.name if outlet is not None else None
