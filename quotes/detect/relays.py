"""Relays: an attribution carried by another is one quote with a chain, not two quotes.

Wire copy reports what someone said through whoever carried it: "KCNA reported
that Kim said C", "Kim said C, KCNA reported", "according to Reuters, the
governor said C", "Kyodo quoted Ito as saying C", "Bernama, citing a police
source, said C". Each is one attribution: content C, spoken by the inner source,
carried by the outer one. The parse gives two attributions (or one with the
carrier as its subject); this stage folds them into one :class:`Detection` whose
``relays`` name the carriers, nearest the speaker first.

A nested attribution is folded only when it is what its parent reports: when its
content covers at least half of the parent's content less the nested
attribution's own words. "As the president said last week, ..." inside a long
quotation covers little of it and stays a quote of its own.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import replace

from spacy.tokens import Doc, Token

from quotes.detect.content import trim
from quotes.detect.cues import cue_span, mention_span
from quotes.detect.detection import CITING_VERBS, QUOTE_CHARS, Detection, Relay, cue_class_of, is_citing, overlap
from quotes.lexicon import CueLexicon
from quotes.marks import is_direct
from quotes.records import Span

# Detector rules whose content is a proposition a speaker put forward: what a relay carries.
# An object ("called for calm"), a noun ("her claim that") or an adverb ("reportedly") is
# part of what the carrier itself says, not a second speaker's words.
_FOLDABLE_RULES = {
    "ccomp", "parenthetical", "colon", "according-to", "adjacent-cue", "same-sentence-cue",
    "governing-cue", "dash-signature",
}
# A nested attribution must cover this share of what its parent reports to be folded into it.
MIN_FOLD_SHARE = 0.5
_RELATIVE_PRONOUNS = {"who", "which", "that"}
# A cited source that speaks ("citing a police source"), as opposed to a reason ("citing concerns").
_SOURCE_HEADS = {
    "source", "sources", "official", "officials", "spokesman", "spokeswoman", "spokesperson", "person",
    "people", "witness", "witnesses", "diplomat", "diplomats", "aide", "aides", "insider", "insiders",
    "analyst", "analysts", "resident", "residents",
}


def fold_relays(doc: Doc, text: str, detections: list[Detection], lexicon: CueLexicon) -> list[Detection]:
    """The detections with every relay folded into the attribution it carries, in text order.

    Nested attributions that are not relays stay in the list; the caller decides whether to keep them.
    Folds go in rounds, smallest inner attribution first, each detection in one fold per round; a
    round finds parents by bisection, so the work grows with the detections times the nesting depth.
    """
    alive = [_quoting_relay(doc, d, lexicon) for d in detections]
    while True:
        parents = _Parents(alive)
        pairs = [
            (inner, outer)
            for inner in sorted(alive, key=lambda d: _size(d.content_spans))
            if (outer := parents.of(inner)) is not None
            and _foldable(doc, text, inner, lexicon)
            and _share(inner, outer) >= MIN_FOLD_SHARE
        ]
        if not pairs:
            break
        used: set[int] = set()
        folded = []
        for inner, outer in pairs:
            if id(inner) in used or id(outer) in used:
                continue  # folded already this round: its new parent is found in the next
            used.update((id(inner), id(outer)))
            speaker, relay = _sides(inner, outer)
            folded.append(_merged(text, speaker, relay))
        alive = [d for d in alive if id(d) not in used] + folded
    return sorted(alive, key=lambda d: d.content_spans[0])


class _Parents:
    """For each attribution, the one with the smallest content holding its cue (its parent)."""

    def __init__(self, detections: list[Detection]) -> None:
        self._entries = sorted(
            ((d.content_spans[0][0], d.content_spans[-1][1], order, d) for order, d in enumerate(detections)),
            key=lambda e: e[0],
        )
        self._starts = [e[0] for e in self._entries]
        self._longest = max((end - start for start, end, _, _ in self._entries), default=0)

    def of(self, detection: Detection) -> Detection | None:
        if detection.cue_span is None:
            return None
        cue = detection.cue_span[0]
        lo = bisect_left(self._starts, cue - self._longest)
        hi = bisect_right(self._starts, cue)
        holders = [
            (_size(d.content_spans), order, d)
            for _, end, order, d in self._entries[lo:hi]
            if d is not detection and end > cue and any(a <= cue < b for a, b in d.content_spans)
        ]
        return min(holders, key=lambda h: (h[0], h[1]))[2] if holders else None


def _foldable(doc: Doc, text: str, detection: Detection, lexicon: CueLexicon) -> bool:
    if detection.rule.split(":")[-1] not in _FOLDABLE_RULES:
        return False
    if detection.speaker_span and text[slice(*detection.speaker_span)].lower() in _RELATIVE_PRONOUNS:
        return False  # "reports that said ...": the clause describes the reports, it does not relay them
    cue = _token_at(doc, detection.cue_span)
    if cue is not None and detection.rule.split(":")[-1] != "according-to":
        # "the paper said Moon believes ...": a belief is the paper's claim, unless in the speaker's own words.
        if cue_class_of(cue, lexicon) == "thought" and not detection.quoted_spans:
            return False
    return True


def _share(inner: Detection, outer: Detection) -> float:
    """How much of what ``outer`` reports ``inner``'s content is, leaving out ``inner``'s own attribution."""
    own = _attribution_extent(inner)
    rest = _size(outer.content_spans) - (_shared([own], outer.content_spans) if own else 0)
    return _shared(inner.content_spans, outer.content_spans) / rest if rest > 0 else 0.0


def _attribution_extent(detection: Detection) -> Span | None:
    """The words of an attribution outside its content: "Suga told a press conference that ", ", Xinhua reported"."""
    marks = _marks(detection)
    if not marks:
        return None
    start, end = detection.content_spans[0][0], detection.content_spans[-1][1]
    if all(b <= start for _, b in marks):
        return min(a for a, _ in marks), start
    if all(a >= end for a, _ in marks):
        return end, max(b for _, b in marks)
    return min(a for a, _ in marks), max(b for _, b in marks)


def _sides(inner: Detection, outer: Detection) -> tuple[Detection, Detection]:
    """(speaker's attribution, carrier's attribution) of a folded pair.

    The carrier is the "according to" that frames another attribution ("according
    to O, X said C"; "X said C, according to O"; not "P wrote that according to Q,
    C", where Q is the source), else the attribution that follows its content ("X
    said C, O reported", however the parser nests the two), else the outer one ("O
    reported that X said C").
    """
    # "P wrote that according to Q, C": Q's words, as P carried them, however the parser nests the two.
    if _according_to(outer) and _within_report(inner, outer) and not _trailing(outer):
        return outer, inner
    if _according_to(inner) and _within_report(outer, inner) and not _trailing(inner):
        return inner, outer
    inner_frames = _according_to(inner) and _holds_cue(inner, outer)
    if inner_frames != _according_to(outer):
        return (outer, inner) if inner_frames else (inner, outer)
    if _trailing(inner) != _trailing(outer):
        return (outer, inner) if _trailing(inner) else (inner, outer)
    return inner, outer


def _within_report(detection: Detection, other: Detection) -> bool:
    """Whether ``other``'s cue stands in what ``detection`` reports, between its cue and its content's end."""
    if detection.cue_span is None or other.cue_span is None:
        return False
    return detection.cue_span[1] <= other.cue_span[0] < detection.content_spans[-1][1]


def _holds_cue(detection: Detection, other: Detection) -> bool:
    return other.cue_span is not None and any(a <= other.cue_span[0] < b for a, b in detection.content_spans)


def _according_to(detection: Detection) -> bool:
    return detection.rule.endswith(":according-to")


def _trailing(detection: Detection) -> bool:
    end = detection.content_spans[-1][1]
    marks = _marks(detection)
    return bool(marks) and all(a >= end for a, _ in marks)


def _merged(text: str, speaker: Detection, carrier: Detection) -> Detection:
    """The speaker's attribution with the content both report and the carrier as its first relay."""
    content = _intersection(speaker.content_spans, carrier.content_spans)
    content = [trim(text, piece) for piece in _without(content, _marks(speaker) + _marks(carrier))]
    content = [(a + 5, b) if text[a:b].lower().startswith("that ") else (a, b) for a, b in content]
    content = [(a, b) for a, b in content if text[a:b].strip(" .,;:\"'\u201c\u201d\u2018\u2019")]
    if not content:
        content = list(speaker.content_spans)
    quoted = tuple(sorted({q for q in (*speaker.quoted_spans, *carrier.quoted_spans) if any(overlap(q, c) for c in content)}))
    content = _to_whole_quotations(text, content, quoted)
    relays = (*speaker.relays, Relay(carrier.speaker_span, carrier.cue_span), *carrier.relays)
    base = speaker.rule.split(":", 1)[-1]
    if quoted and is_direct(text, content, quoted):
        return replace(speaker, content_spans=quoted, quoted_spans=quoted, type="direct", rule=f"direct:{base}", relays=relays)
    kind = "mixed" if quoted else "indirect"
    return replace(speaker, content_spans=tuple(content), quoted_spans=quoted, type=kind, rule=f"{kind}:{base}", relays=relays)


def _to_whole_quotations(text: str, content: list[Span], quoted: tuple[Span, ...]) -> list[Span]:
    """Content that starts or ends inside a quotation takes in all of it, marks included."""
    if not quoted or not content:
        return content
    start, end = content[0][0], content[-1][1]
    for a, b in quoted:
        if a <= start < b:
            start = a
        if a < end <= b:
            end = b
    if any(a == start for a, _ in quoted):
        while start > 0 and text[start - 1] in QUOTE_CHARS:
            start -= 1
    if any(b == end for _, b in quoted):
        while end < len(text) and text[end] in QUOTE_CHARS:
            end += 1
    if len(content) == 1:
        return [(start, end)]
    return [(start, content[0][1]), *content[1:-1], (content[-1][0], end)]


def _quoting_relay(doc: Doc, detection: Detection, lexicon: CueLexicon) -> Detection:
    """ "Kyodo quoted Ito as saying C", "Ito was quoted by Kyodo as saying C", "Bernama, citing a police source, said C".

    The parse makes the carrier the subject of the speech verb; the speaker is
    who was quoted, or who was cited.
    """
    cue = _token_at(doc, detection.cue_span)
    if cue is None:
        return detection
    preposition = cue.head
    if cue.lemma_.lower() in CITING_VERBS:
        # "C, RIA quoted Peskov as saying": the parse hangs C on "quoted" itself.
        as_saying = next((c for c in cue.children if c.dep_ == "prep" and c.lower_ == "as"), None)
        saying = next((c for c in as_saying.children if c.dep_ == "pcomp" and c.tag_ == "VBG"), None) if as_saying is not None else None
        if saying is not None and cue_class_of(saying, lexicon) == "speech":
            cue, preposition = saying, as_saying
        elif cue.lemma_.lower() == "quote" and detection.content_spans[-1][1] <= cue.idx:
            # '"...," Hindustan Times quoted the minister.': who was quoted spoke.
            quoted = next((c for c in cue.children if c.dep_ == "dobj" and c.pos_ in ("NOUN", "PROPN")), None)
            if quoted is not None:
                relays = (Relay(detection.speaker_span, cue_span(cue)),) if detection.speaker_span else ()
                return replace(detection, speaker_span=mention_span(quoted), relays=relays + detection.relays)
    if cue.dep_ == "pcomp" and preposition.lower_ == "as" and preposition.head.lemma_.lower() in CITING_VERBS:
        quoting = preposition.head
        quoted = next((c for c in quoting.children if c.dep_ in ("dobj", "nsubjpass")), None)
        if quoted is None:
            return detection
        carrier = next((c for c in quoting.children if c.dep_ == "nsubj"), None)
        if carrier is None:
            agent = next((c for c in quoting.children if c.dep_ == "agent"), None)
            carrier = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent is not None else None
        relays = (Relay(mention_span(carrier), cue_span(quoting)),) if carrier is not None else ()
        # The cue as news writes it: "as saying".
        cue_words = (preposition.idx, cue.idx + len(cue.text))
        return replace(detection, speaker_span=mention_span(quoted), cue_span=cue_words, relays=relays + detection.relays)
    inside = _attribution_inside(doc, detection, cue, lexicon)
    if inside is not None:
        return inside
    if _according_to(detection):
        # "According to Yonhap, citing a government source, C": the source speaks, Yonhap carries.
        citing = next(
            (t for t in cue.sent if is_citing(t) and not any(a <= t.idx < b for a, b in detection.content_spans)),
            None,
        )
        cited = next((c for c in citing.children if c.dep_ == "dobj"), None) if citing is not None else None
        if cited is not None and _names_a_source(cited):
            carrier = (Relay(detection.speaker_span, detection.cue_span),) if detection.speaker_span else ()
            return replace(detection, speaker_span=mention_span(cited), cue_span=cue_span(citing), relays=carrier + detection.relays)
        return detection
    # "Bernama, citing a police source, said C": the source speaks. After the report ("O reported C,
    # citing people familiar with the matter") the citing gives the report's basis; O still speaks.
    citing = next(
        (
            c
            for c in cue.children
            if is_citing(c) and c.i < cue.i
        ),
        None,
    )
    cited = next((c for c in citing.children if c.dep_ == "dobj"), None) if citing is not None else None
    if cited is None or not _names_a_source(cited) or cue_class_of(cue, lexicon) not in ("speech", "report"):
        return detection
    carrier = (Relay(detection.speaker_span, cue_span(citing)),) if detection.speaker_span else ()
    return replace(detection, speaker_span=mention_span(cited), relays=carrier + detection.relays)


def _attribution_inside(doc: Doc, detection: Detection, cue: Token, lexicon: CueLexicon) -> Detection | None:
    """ '"C," he said, TASS reported.': a quotation's own attribution between it and the relay's cue.

    The parse makes TASS report the quotation; the words are his, and TASS carried them.
    """
    end = detection.content_spans[-1][1]
    if detection.type != "direct" or cue.idx < end:
        return None
    between = [t for t in doc[cue.sent.start : cue.i] if t.idx >= end]
    for verb in between:
        subject = next((c for c in verb.children if c.dep_ == "nsubj" and c.idx >= end), None)
        if subject is None or cue_class_of(verb, lexicon) != "speech":
            continue
        carrier = Relay(detection.speaker_span, detection.cue_span)
        return replace(detection, speaker_span=mention_span(subject), cue_span=cue_span(verb), relays=(carrier, *detection.relays))
    return None


def _names_a_source(noun: Token) -> bool:
    """ "citing a police source", "citing officials", "citing Ana Ruiz": someone whose words these are.

    A cited organisation or medium ("citing Kyodo", "citing the ministry") is where the
    subject got its facts; the subject still speaks.
    """
    return noun.lower_ in _SOURCE_HEADS or noun.ent_type_ == "PERSON"


def _token_at(doc: Doc, span: Span | None) -> Token | None:
    if span is None:
        return None
    found = doc.char_span(span[0], span[1], alignment_mode="expand")
    if found is None or not len(found):
        return None
    # "according to" and "as saying" span two tokens; the verb is the last word of a cue.
    return found[-1] if found[0].lower_ == "as" else found[0]


def _marks(detection: Detection) -> list[Span]:
    return [s for s in (detection.speaker_span, detection.cue_span) if s is not None]


def _size(spans: tuple[Span, ...] | list[Span]) -> int:
    return sum(b - a for a, b in spans)


def _shared(first: list[Span] | tuple[Span, ...], second: tuple[Span, ...]) -> int:
    return sum(overlap(a, b) for a in first for b in second)


def _intersection(first: tuple[Span, ...], second: tuple[Span, ...]) -> list[Span]:
    pieces = [(max(a[0], b[0]), min(a[1], b[1])) for a in first for b in second]
    return sorted(p for p in pieces if p[0] < p[1])


def _without(spans: list[Span], holes: list[Span]) -> list[Span]:
    for hole in holes:
        spans = [
            piece
            for a, b in spans
            for piece in (((a, hole[0]), (hole[1], b)) if overlap((a, b), hole) else ((a, b),))
            if piece[1] > piece[0]
        ]
    return spans
