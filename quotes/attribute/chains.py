"""Relay chains: the speaker, then each medium or document that carried the words, then the wire and publisher.

The links come from three places:

* the relays the detector folded into the attribution (:mod:`quotes.detect.relays`):
  "the EFE news agency reported", "according to Reuters", "Kyodo quoted";
* channels named in the attribution's own clause: "told the BBC", "wrote on
  Facebook", "in a post on X", "in an interview with CNN", "in a statement
  carried by KCNA" (a statement is a document, KCNA an outlet), "tweeted";
* the article: a later quote of the same account keeps the chain of the one
  before ("Lavrov said ..., TASS reported. 'There is no alternative,' he added."),
  and the wire credit and publisher end every chain (:func:`with_publisher`).

Generic media ("state media", "the official news agency", "local media", "the
newspaper") become the outlet the article names nearby, or stay the description
when it names none. The outlet of a quote is the first outlet or platform after
the speaker; statements, readouts and letters are documents, never outlets.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable

from spacy.tokens import Doc

from quotes.attribute.index import ArticleIndex
from quotes.attribute.outlets import GENERIC_MEDIA_RE, generic_outlet, sentence_bounds
from quotes.attribute.speakers import DOCUMENT_NOUNS, OUTLET_DESCRIPTIONS, History, SpeakerNamer
from quotes.detect import DATELINE_RE, Detection, Relay, mention_span, overlap
from quotes.lexicon import OutletGazetteer
from quotes.records import Article, Link, LinkKind, Quote, Span

# The resolver's kinds of speaker, as link kinds.
LINK_KINDS: dict[str, LinkKind] = {"person": "person", "org": "organisation", "outlet": "outlet", "document": "document"}
# "in a post on X", "his X account": X the platform, which as a bare letter no gazetteer can list.
_X_PLATFORM_RE = re.compile(r"\b(?:on|via)\s+X\b(?![-\w])|\bX\s+(?:account|post|feed)s?\b")
X_PLATFORM = "X (Twitter)"
# Cue verbs that name the platform they were said on.
_PLATFORM_VERBS = {"tweet": X_PLATFORM, "retweet": X_PLATFORM}
# Documents that carry a speaker's words without being media ("in a statement", "in a post"):
# links of the chain, never its outlet.
_CARRYING_DOCUMENTS = DOCUMENT_NOUNS | {
    "post", "video", "dispatch", "report", "tweet", "transcript", "notice", "briefing", "commentary", "editorial",
}
# How far back a quote of the same speaker lends its chain to one that names none.
ACCOUNT_REACH = 2500


class ChainLinker:
    """Building a quote's relay chain. Part of :class:`quotes.attribute.Resolver`."""

    outlets: OutletGazetteer

    def _chain(
        self,
        doc: Doc,
        text: str,
        index: ArticleIndex,
        detection: Detection,
        speaker_link: Link,
        history: History,
        others: list[Span],
    ) -> tuple[Link, ...]:
        """The links from the speaker out: the detection's relays and the channels its clause names.

        ``others`` are the spans other attributions own (their contents, speakers and relays):
        an outlet named there is theirs, not a channel of this one.
        """
        links = [speaker_link]
        taken = [r.mention for r in detection.relays if r.mention] + ([detection.speaker_span] if detection.speaker_span else [])
        taken += others
        # "Keita, director of Radio Fanga, told AFP": the speaker's own medium is the channel only
        # when the clause names no other ("Villamizar, Al Jazeera's correspondent, said").
        channels = self._channels(doc, text, index, detection, taken + _speaker_phrase(doc, detection))
        if not any(link.kind in ("outlet", "platform") for link in channels):
            channels = self._channels(doc, text, index, detection, taken)
        links.extend(channels)
        for relay in detection.relays:
            link = self._relay_link(doc, text, index, relay, history)
            if link is not None:
                links.append(link)
        return _without_repeats(links)

    def _relay_link(self, doc: Doc, text: str, index: ArticleIndex, relay: Relay, history: History) -> Link | None:
        cue = text[slice(*relay.cue)] if relay.cue else None
        if relay.mention is None:
            return None
        start, end = relay.mention
        mention = text[start:end]
        named = self._named_medium(index, text, start, end)
        if named is not None:
            name, kind = named
            return Link(name, kind, "relay", mention, relay.mention, cue, relay.cue)
        head = _head_noun(doc, relay.mention)
        if head in _CARRYING_DOCUMENTS and head not in OUTLET_DESCRIPTIONS:
            return Link(_description(mention), "document", "relay", mention, relay.mention, cue, relay.cue)
        speaker, kind, _, _, _ = self._speaker(doc, text, index, relay.mention, history)
        if kind != "outlet" and head in OUTLET_DESCRIPTIONS:
            # "the papers wrote", "media reports": a kind of medium, but no medium named, so no outlet.
            return Link(_description(mention), "organisation", "relay", mention, relay.mention, cue, relay.cue)
        return Link(speaker or _description(mention), LINK_KINDS.get(kind, "person"), "relay", mention, relay.mention, cue, relay.cue)

    def _named_medium(self, index: ArticleIndex, text: str, start: int, end: int) -> tuple[str, LinkKind] | None:
        """The outlet or platform a stretch of text names: a masthead, "X", or a generic medium resolved."""
        for _, _, outlet in index.outlets_between(start, end):
            return outlet.name, "platform" if outlet.kind == "platform" else "outlet"
        if _X_PLATFORM_RE.search(text, start, end):
            return X_PLATFORM, "platform"
        generic = GENERIC_MEDIA_RE.search(text, start, end)
        if generic is not None:
            outlet = generic_outlet(index, generic.group(), generic.start())
            return (outlet.name, "outlet") if outlet is not None else (_description(generic.group()), "outlet")
        return None

    def _channels(
        self, doc: Doc, text: str, index: ArticleIndex, detection: Detection, taken: list[Span]
    ) -> list[Link]:
        """Media, platforms and documents named in the attribution's clause, outside its content and speaker, in text order."""
        if detection.cue_span is None:
            return []
        a, b = sentence_bounds(doc, detection)
        outside = _outside(a, b, [*detection.content_spans, *taken])
        found: list[Link] = []
        for start, end, outlet in index.outlets_between(a, b):
            if _inside(start, outside) and not _in_dateline(text, start):
                kind: LinkKind = "platform" if outlet.kind == "platform" else "outlet"
                found.append(Link(outlet.name, kind, "relay", text[start:end], (start, end), _channel_cue(text, start)))
        for piece in outside:
            for match in _X_PLATFORM_RE.finditer(text, *piece):
                found.append(Link(X_PLATFORM, "platform", "relay", "X", _x_span(match), _channel_cue(text, match.start())))
            for match in GENERIC_MEDIA_RE.finditer(text, *piece):
                outlet = generic_outlet(index, match.group(), match.start())
                name = outlet.name if outlet is not None else _description(match.group())
                found.append(Link(name, "outlet", "relay", match.group(), match.span(), _channel_cue(text, match.start())))
        cue = doc.char_span(*detection.cue_span, alignment_mode="expand")
        if cue is None or not len(cue):
            return found
        verb = cue[-1] if cue[0].lower_ == "as" else cue[0]
        # "said in a statement carried by KCNA", "wrote in a letter": the document that carried the words.
        for preposition in verb.children:
            if preposition.dep_ != "prep" or preposition.lower_ not in ("in", "through", "via"):
                continue
            document = next((c for c in preposition.children if c.dep_ == "pobj" and c.lemma_.lower() in _CARRYING_DOCUMENTS), None)
            if document is not None and _inside(document.idx, outside):
                span = mention_span(document)
                found.append(Link(_description(text[slice(*span)]), "document", "relay", text[slice(*span)], span, preposition.text))
        platform = _PLATFORM_VERBS.get(verb.lemma_.lower())
        if platform is not None and not any(link.kind == "platform" for link in found):
            found.append(Link(platform, "platform", "relay", None, None, verb.text, detection.cue_span))
        return sorted(found, key=lambda link: link.span[0] if link.span else b)

    def _account(self, quotes: list[Quote], speaker: str | None, at: int) -> tuple[Link, ...]:
        """The relays of the latest earlier quote of the same speaker that came through a medium."""
        if speaker is None:
            return ()
        for quote in reversed(quotes):
            if at - quote.start > ACCOUNT_REACH:
                break
            if quote.speaker == speaker and quote.outlet is not None and quote.outlet != speaker:
                # Named in another sentence: the link is inferred, not written here, so it has no span.
                return tuple(
                    dataclasses.replace(link, span=None, cue_span=None) for link in quote.via[1:] if link.role == "relay"
                )
        return ()


def _speaker_phrase(doc: Doc, detection: Detection) -> list[Span]:
    """The whole phrase naming the speaker, appositions included."""
    if detection.speaker_span is None or detection.cue_span is None:
        return []
    mention = doc.char_span(*detection.speaker_span, alignment_mode="expand")
    if mention is None or not len(mention):
        return []
    root = mention.root
    start, end = root.left_edge.idx, root.right_edge.idx + len(root.right_edge.text)
    if start <= detection.cue_span[0] < end:
        return []  # the parser hung the cue inside the speaker's phrase: nothing to learn from it
    return [(start, end)]


def chain_outlet(via: tuple[Link, ...]) -> str | None:
    """The medium nearest the speaker: the first outlet or platform after it, or the speaker if an outlet."""
    if via and via[0].kind == "outlet":
        return via[0].name
    return next((link.name for link in via[1:] if link.role == "relay" and link.kind in ("outlet", "platform")), None)


def with_publisher(article: Article, quotes: list[Quote], outlets: OutletGazetteer) -> list[Quote]:
    """Quotes whose chains end with the article's wire credit and publisher, when they are known.

    The publisher is the article's outlet ("China Daily (Xinhua)" is China Daily
    carrying Xinhua's copy); the wire is named by the dateline ("SEOUL, March 3
    (Reuters) -"), a closing credit ("-IANS") or the parenthesis of the outlet.
    """
    publisher, wire = _publisher_and_wire(article, outlets)
    ends = []
    if wire is not None:
        name, mention, span = wire
        ends.append(Link(name, "outlet", "wire", mention, span))
    if publisher is not None:
        ends.append(Link(publisher, "outlet", "publisher"))
    if not ends:
        return quotes
    return [dataclasses.replace(q, via=q.via + tuple(ends)) for q in quotes]


# "... the talks would resume. -IANS", "(AFP)" closing the last paragraph.
_CLOSING_CREDIT_RE = re.compile(r"(?:^|\s)(?:[-\u2013\u2014]{1,2}\s*([A-Z][A-Za-z&]{1,11})|\(([A-Z][A-Za-z&]{1,11})\))\s*$")
_OUTLET_WITH_WIRE_RE = re.compile(r"^(.+?)\s*\(([^()]+)\)\s*$")
_CREDIT_IN_DATELINE_RE = re.compile(r"\(([^)\n]{2,40})\)")


def _publisher_and_wire(
    article: Article, outlets: OutletGazetteer
) -> tuple[str | None, tuple[str, str | None, Span | None] | None]:
    """(publisher, (wire name, wire credit as written, its span)) of an article; either may be unknown."""
    publisher = article.outlet
    wire: tuple[str, str | None, Span | None] | None = None
    if publisher is not None:
        split = _OUTLET_WITH_WIRE_RE.match(publisher)
        credited = outlets.lookup(split.group(2)) if split is not None else None
        if split is not None and credited is not None:
            publisher, wire = split.group(1), (credited.name, None, None)
    credits: list[tuple[str, str, Span]] = []
    dateline = DATELINE_RE.search(article.text, 0, 3000)
    if dateline is not None and (credit := _CREDIT_IN_DATELINE_RE.search(dateline.group())) is not None:
        at = dateline.start() + credit.start(1)
        credits.append((credit.group(1), credit.group(1), (at, at + len(credit.group(1)))))
    tail_start = max(0, len(article.text.rstrip()) - 40)
    closing = _CLOSING_CREDIT_RE.search(article.text.rstrip(), tail_start)
    if closing is not None:
        group = 1 if closing.group(1) else 2
        credits.append((closing.group(group), closing.group(group), closing.span(group)))
    for written, mention, span in credits:
        outlet = outlets.lookup(written)
        if outlet is None:
            continue
        if publisher is None:
            publisher = outlet.name
        elif wire is None and outlets.lookup(publisher) is not outlet:
            wire = (outlet.name, mention, span)
    return publisher, wire


def _without_repeats(links: list[Link]) -> tuple[Link, ...]:
    """One link per name: a channel found twice ("told Reuters ..., Reuters reported") is one step."""
    seen: set[str] = set()
    kept = []
    for link in links:
        key = (link.name or link.mention or "").casefold()
        if key and key in seen:
            continue
        seen.add(key)
        kept.append(link)
    return tuple(kept)


def _outside(start: int, end: int, holes: list[Span]) -> list[Span]:
    pieces = [(start, end)]
    for hole in holes:
        pieces = [
            piece
            for a, b in pieces
            for piece in (((a, hole[0]), (hole[1], b)) if overlap((a, b), hole) else ((a, b),))
            if piece[1] > piece[0]
        ]
    return pieces


def _inside(offset: int, pieces: list[Span]) -> bool:
    return any(a <= offset < b for a, b in pieces)


def _in_dateline(text: str, offset: int) -> bool:
    line_start = text.rfind("\n", 0, offset) + 1
    match = DATELINE_RE.match(text, line_start)
    return match is not None and offset < match.end()


def _channel_cue(text: str, start: int) -> str | None:
    """The words that put a channel in the attribution: "told", "on", "in an interview with"."""
    before = text[max(0, start - 40) : start]
    match = re.search(r"(told|to|on|via|with|by|in|through|from)\s+(?:(?:the|a|an|his|her|its|their)\s+)?$", before, re.IGNORECASE)
    return match.group(1) if match is not None else None


def _x_span(match: re.Match[str]) -> Span:
    at = match.group().index("X")
    return match.start() + at, match.start() + at + 1


def _head_noun(doc: Doc, span: Span) -> str | None:
    found = doc.char_span(*span, alignment_mode="expand")
    return found.root.lemma_.lower() if found is not None and len(found) else None


def _description(mention: str) -> str:
    """A mention as a reader cites a description: "a statement from the club" -> "statement from the club"."""
    return re.sub(r"^(?:a|an|the|some|this|that|these|those)\s+", "", mention.strip(), flags=re.IGNORECASE)
