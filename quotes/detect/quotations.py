"""Quotation marks meeting cues: a parse candidate typed by the quotations it meets, and a quotation no
candidate claimed attached to a cue near it (governing verb, adjacent attribution, dash signature,
same-sentence cue, colon introducer)."""

from __future__ import annotations

import re
from bisect import bisect_left

from spacy.tokens import Doc, Span as SpacySpan, Token

from quotes.detect.content import clip_to_cue, extend_to_marks, token_spans, writer_tail
from quotes.detect.cues import REPORTING_ADVERBS, Candidate, cue_span, speaker_of
from quotes.detect.detection import QUOTE_CHARS, SHORT_RULE, Detection, RegionIndex, cue_class_of
from quotes.detect.furniture import title_case
from quotes.lexicon import CueLexicon
from quotes.marks import QuoteRegion, is_direct
from quotes.records import Span


# A quotation this short with no cue near it is a scare quote or a title.
MIN_BARE_QUOTE_WORDS = 4

# The longest quotation mark ("``", "''"), for finding the quotation that opens where content starts.
_MAX_MARK_LENGTH = 2
_NAME_WORD_BEFORE_RE = re.compile(r"\b[A-Z][\w.'-]*\s$")
_NAME_WORD_AFTER_RE = re.compile(r"\s[A-Z][\w'-]*")


def nickname(text: str, region: QuoteRegion) -> bool:
    """ 'Marcia "Cia" Price': a quoted name inside a name, not a quotation."""
    if region.inner_end - region.inner_start > 60:
        return False
    inner = text[region.inner_start : region.inner_end].split()
    if not (
        1 <= len(inner) <= 2
        and all(word[:1].isupper() for word in inner)
        and _NAME_WORD_BEFORE_RE.search(text, max(0, region.start - 30), region.start) is not None
        and _NAME_WORD_AFTER_RE.match(text, region.end) is not None
    ):
        return False
    line_start = text.rfind("\n", 0, region.start) + 1
    line_end = text.find("\n", region.end)
    return not title_case(text[line_start : line_end if line_end >= 0 else len(text)].rstrip(" .!?"))


def combine(text: str, candidate: Candidate, index: RegionIndex, used: set[int]) -> Detection | None:
    """Turn a parse candidate into a detection, typed by the quotations it meets."""
    regions = index.regions
    content = candidate.content
    if candidate.rule == "colon":
        # 'scolded him: "...," she said.': the quotation after the colon, not the second attribution.
        at = content[0][0]
        opening = next(
            (regions[i] for i in index.starting_in(at, at + _MAX_MARK_LENGTH + 1)
             if regions[i].start <= at <= regions[i].inner_start and regions[i].end <= content[-1][1]),
            None,
        )
        if opening is not None:
            content = [(opening.inner_start, opening.inner_end)]
    extent = (content[0][0], content[-1][1])
    touching = [i for i in index.meeting(*extent) if i not in used]
    if touching:
        if is_direct(text, content, [p for i in touching for p in regions[i].pieces]) or _circumstance_after_quote(text, extent, regions[touching[0]], regions[touching[-1]]):
            # The complement is (mostly) inside the quotation: a direct quote, cut at its marks.
            pieces = tuple(p for i in touching for p in regions[i].pieces)
            used.update(touching)
            return Detection(
                content_spans=pieces,
                type="direct",
                cue_span=candidate.cue_span,
                speaker_span=candidate.speaker,
                quoted_spans=pieces,
                rule=f"direct:{candidate.rule}",
                confidence=0.9 if candidate.speaker else 0.6,
            )
        used.update(touching)
        start = min(extent[0], regions[touching[0]].start)
        end = max(extent[1], regions[touching[-1]].end)
        end = writer_tail(text, regions[touching[-1]].end, end)
        spans = clip_to_cue(text, (start, end), candidate.cue_span, candidate.speaker, content)
        return Detection(
            content_spans=spans,
            type="mixed",
            cue_span=candidate.cue_span,
            speaker_span=candidate.speaker,
            quoted_spans=tuple(p for i in touching for p in regions[i].pieces),
            rule=f"mixed:{candidate.rule}",
            confidence=0.85 if candidate.speaker else 0.55,
        )
    confidence = {"speech": 0.8, "source": 0.8, "report": 0.6}.get(candidate.cue_class, 0.5)
    if candidate.rule == "object":
        confidence -= 0.15  # an object is more often a topic than a report
    return Detection(
        content_spans=tuple(content),
        type="indirect",
        cue_span=candidate.cue_span,
        speaker_span=candidate.speaker,
        quoted_spans=(),
        rule=f"indirect:{candidate.rule}",
        confidence=confidence if candidate.speaker else confidence - 0.2,
    )


_SUBORDINATORS_RE = re.compile(r"[\s,]*(when|as|after|before|while|because|since|until|if)\b", re.IGNORECASE)


# A headline's or fragment's scene: when it was said. A reason ("because ...") may still be the speaker's.
_SCENE_AFTER_QUOTE_RE = re.compile(r"[\s,]*(when|after|before|while|until|amid|following|during)\b", re.IGNORECASE)


def _circumstance_after_quote(text: str, extent: Span, first: QuoteRegion, last: QuoteRegion) -> bool:
    """ '... saying, "That makes me smart," when Clinton blasted him': the quote, then the writer's scene."""
    opens_with_quote = not text[extent[0] : first.inner_start].strip(" \"'\u201c\u2018`")
    return opens_with_quote and last.end < extent[1] and bool(_SUBORDINATORS_RE.match(text, last.end))


def attach_region(
    doc: Doc, text: str, region: QuoteRegion, lexicon: CueLexicon, speech_cues: SpeechCues
) -> Detection | None:
    """A quotation no parse candidate claimed: look for a cue near it."""
    pieces = region.pieces
    words = sum(len(text[a:b].split()) for a, b in pieces)
    span = doc.char_span(region.inner_start, region.inner_end, alignment_mode="expand")
    if span is None:
        return None
    governing = _governing_cue(span, lexicon)
    if governing is not None:
        cue, content = governing
        content = extend_to_marks(content, region)
        if _SCENE_AFTER_QUOTE_RE.match(text, region.end):
            # "Cooper Speaks 'Directly To Flood Victims' After Second Storm": the scene, not the report.
            content = [(a, min(b, region.end)) for a, b in content if a < region.end]
        quoted = sum(b - a for a, b in pieces)
        extent = sum(b - a for a, b in content)
        direct = quoted >= 0.8 * extent
        return Detection(
            content_spans=pieces if direct else tuple(content),
            type="direct" if direct else "mixed",
            cue_span=cue_span(cue),
            speaker_span=speaker_of(cue),
            quoted_spans=pieces,
            rule="direct:governing-cue" if direct else "mixed:governing-cue",
            confidence=0.8 if direct else 0.7,
        )
    adjacent = _adjacent_attribution(doc, text, region, lexicon)
    if adjacent is not None:
        return Detection(
            pieces, "direct", cue_span(adjacent), speaker_of(adjacent), pieces, "direct:adjacent-cue", 0.8
        )
    signature = _dash_signature(text, region)
    if signature is not None:
        dash, name = signature
        return Detection(pieces, "direct", dash, name, pieces, "direct:dash-signature", 0.8)
    if words < MIN_BARE_QUOTE_WORDS:
        # A scare quote or a title, unless it continues a quote just attributed ('"I would," she said. "Yes."').
        return Detection(pieces, "direct", None, None, pieces, SHORT_RULE, 0.3)
    nearest = _nearest_speech_cue(span, region, speech_cues)
    if nearest is not None:
        return Detection(
            pieces, "direct", cue_span(nearest), speaker_of(nearest), pieces, "direct:same-sentence-cue", 0.7
        )
    introducer = _colon_introducer(doc, span, lexicon)
    if introducer is not None:
        return Detection(
            pieces, "direct", cue_span(introducer), speaker_of(introducer), pieces, "direct:colon", 0.8
        )
    return Detection(pieces, "direct", None, None, pieces, "direct:no-cue", 0.4)


MAX_ATTRIBUTION_CLAUSE_TOKENS = 8


def _adjacent_attribution(doc: Doc, text: str, region: QuoteRegion, lexicon: CueLexicon) -> Token | None:
    """The verb of a short clause right after a quotation: '"...," he continued.'

    News puts the attribution there so regularly that any verb with a
    subject counts, whether or not the lexicon knows it.
    """
    after = doc.char_span(region.end, min(len(text), region.end + 120), alignment_mode="expand")
    if after is None:
        return None
    if text[region.inner_end - 1 : region.inner_end] == "." and text[region.end : region.end + 40].lstrip(" \t\u00a0")[:1].isupper():
        return None  # '"... kidding." To which she said, "..."': the full stop ended the sentence; a new one begins
    clause = []
    for token in after:
        if token.is_space:
            if "\n" in token.text:
                break
            continue
        if token.text in (".", ",", ";", "!", "?", ":") or token.text in QUOTE_CHARS:
            break
        clause.append(token)
    head = clause[:MAX_ATTRIBUTION_CLAUSE_TOKENS]
    if not head or not _opens_sentence(text, region):
        return None  # 'the so-called "alt-right" gathered': a quotation inside a sentence, not before its attribution
    for token in head:
        subject = any(c.dep_ == "nsubj" and region.end <= c.idx and c.i < token.i or c.dep_ == "nsubj" and token.i < c.i <= head[-1].i for c in token.children)
        reports_something_else = any(c.dep_ in ("ccomp", "dobj") and c.i == token.i + 1 for c in token.children)
        if token.pos_ == "VERB" and subject and not reports_something_else:
            return token
    return _after_long_subject(clause[0], lexicon)


def _after_long_subject(first: Token, lexicon: CueLexicon) -> Token | None:
    """ '"...!" Scott's niece, state Del. Marcia Price (D-Newport News), shouted': a subject with its apposition, then the speech verb."""
    subject = first
    while subject.dep_ != "nsubj" and subject.head.i != subject.i and subject.head.i > first.i:
        subject = subject.head
    verb = subject.head
    if subject.dep_ != "nsubj" or verb.i < subject.i or cue_class_of(verb, lexicon) != "speech":
        return None
    between = range(subject.right_edge.i + 1, verb.i)
    if subject.left_edge.i != first.i or not all(verb.doc[i].is_punct or verb.doc[i].dep_ == "advmod" for i in between):
        return None
    return verb


def _opens_sentence(text: str, region: QuoteRegion) -> bool:
    """Whether only a line break, a dash or the end of another sentence stands before a quotation."""
    before = text[max(0, region.start - 200) : region.start].rstrip(" \t\u00a0")
    return not before or before[-1] in "\n.!?:\u2014\u2013-\"\u201d"


# Dependents of a cue that never belong to what it reports.
_NOT_CONTENT_DEPS = {"punct", "cc", "conj", "parataxis", "mark", "nsubj", "nsubjpass", "aux", "auxpass", "neg", "prt"}


def _reporting_adverb(verb: Token) -> Token | None:
    """ "will reportedly take place": an adverb that says someone else says so."""
    at = _reporting_adverbs(verb.doc).get(verb.i)
    return verb.doc[at] if at is not None else None


_ADVERBS_KEY = "quotes.reporting_adverbs"


def _reporting_adverbs(doc: Doc) -> dict[int, int]:
    """Each verb's reporting adverb by token index, found in one pass over the doc (a verb may
    have thousands of children); kept with the doc, as plain numbers, like its text."""
    found = doc.user_data.get(_ADVERBS_KEY)
    if found is None:
        found = {}
        for token in doc:
            if token.dep_ == "advmod" and token.lower_ in REPORTING_ADVERBS and token.head.i not in found:
                found[token.head.i] = token.i
        doc.user_data[_ADVERBS_KEY] = found
    return found


def _predicate_spans(verb: Token, adverb: Token) -> list[Span]:
    """What a reporting adverb qualifies: the verb and what follows it, not a relative pronoun subject."""
    tokens = [
        t
        for t in verb.subtree
        if t.i >= verb.i or (t.head.i == verb.i and t.dep_ in ("aux", "neg") and t.i > adverb.i)
    ]
    return token_spans(verb.doc, [t for t in tokens if t.i != adverb.i])


def _governing_cue(span: SpacySpan, lexicon: CueLexicon) -> tuple[Token, list[Span]] | None:
    """The cue verb a quoted fragment depends on, and everything that verb reports.

    "blasted the media for being 'dishonest'" reports "the media for being
    'dishonest'": the verb's dependents to its right.
    """
    inside = {t.i for t in span}
    attachments = [t for t in span if t.head.i not in inside and t.head.i != t.i]
    for token in attachments:
        head = token.head
        for _ in range(4):
            if head.i in inside:
                break
            adverb = _reporting_adverb(head)
            if adverb is not None and cue_class_of(head, lexicon) is None:
                return adverb, _predicate_spans(head, adverb)
            if cue_class_of(head, lexicon) is not None:
                tokens = [
                    t
                    for child in head.rights
                    if child.dep_ not in _NOT_CONTENT_DEPS
                    for t in child.subtree
                ]
                if inside <= {t.i for t in tokens} | {t.i for t in span if t.is_punct or t.is_space}:
                    # "told one of his proteges on a regular basis that 'terrorism is the answer'":
                    # the report starts at its "that", whatever the parser hung it on.
                    opener = next(
                        (
                            t
                            for t in reversed(tokens)
                            if t.i < span.start and t.dep_ == "mark" and t.lower_ == "that" and t.head.left_edge.i <= span.start <= t.head.right_edge.i
                        ),
                        None,
                    )
                    if opener is not None:
                        tokens = [t for t in tokens if t.i >= opener.i]
                    content = token_spans(span.doc, tokens, exclude_leading_mark=True)
                    if content:
                        return head, content
                return None
            if head.head.i == head.i:
                break
            head = head.head
    return None


_DASH_SIGNATURE_RE = re.compile(r"[\s\u201d\"']*([\u2015\u2014\u2013-])\s*([A-Z][^\n]{1,60}?)\s*$")


def _dash_signature(text: str, region: QuoteRegion) -> tuple[Span, Span] | None:
    """A quotation signed after a dash on its own line: '"..." — Sonya Herridge'."""
    line_end = text.find("\n", region.end)
    line_end = len(text) if line_end < 0 else line_end
    match = _DASH_SIGNATURE_RE.match(text, region.end, line_end)
    if match is None or len(match.group(2).split()) > 8:
        return None
    return match.span(1), match.span(2)


class SpeechCues:
    """The speech verbs of a doc in text order, found on first use, for nearest-cue lookups by bisection."""

    def __init__(self, doc: Doc, lexicon: CueLexicon) -> None:
        self._doc, self._lexicon = doc, lexicon
        self._tokens: list[int] | None = None
        self._offsets: list[int] = []

    @property
    def tokens(self) -> list[int]:
        if self._tokens is None:
            self._tokens = [t.i for t in self._doc if cue_class_of(t, self._lexicon) == "speech"]
            self._offsets = [self._doc[i].idx for i in self._tokens]
        return self._tokens

    @property
    def offsets(self) -> list[int]:
        self.tokens  # noqa: B018 -- fills both lists
        return self._offsets


def _nearest_speech_cue(span: SpacySpan, region: QuoteRegion, cues: SpeechCues) -> Token | None:
    """The speech verb nearest a quotation in the sentences it spans, outside it (the earlier on a tie)."""
    doc = span.doc
    lo = bisect_left(cues.tokens, span[0].sent.start)
    hi = bisect_left(cues.tokens, span[-1].sent.end)
    before = bisect_left(cues.offsets, region.start, lo, hi) - 1
    after = bisect_left(cues.offsets, region.end, lo, hi)
    found = []
    if before >= lo:
        found.append((region.start - cues.offsets[before], cues.tokens[before]))
    if after < hi:
        found.append((cues.offsets[after] - region.end, cues.tokens[after]))
    return doc[min(found)[1]] if found else None


def _colon_introducer(doc: Doc, span: SpacySpan, lexicon: CueLexicon) -> Token | None:
    """The cue of a sentence ending in a colon right before the quotation."""
    previous = span.start - 1
    while previous >= 0 and (doc[previous].is_space or doc[previous].text in QUOTE_CHARS):
        previous -= 1
    if previous < 0 or doc[previous].text not in (":", ","):
        return None
    sentence = doc[previous].sent
    if doc[previous].text == ",":
        # 'She continued, "..."': a short clause of subject and verb, then the quotation.
        clause = [t for t in doc[sentence.start : previous] if not t.is_space]
        verbs = [t for t in clause if t.pos_ == "VERB" and any(c.dep_ == "nsubj" for c in t.children)]
        return verbs[-1] if verbs and len(clause) <= MAX_ATTRIBUTION_CLAUSE_TOKENS else None
    for token in reversed(list(sentence)):
        if token.i < previous and cue_class_of(token, lexicon) is not None:
            return token
    return None
