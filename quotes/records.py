"""Records passed between the stages: plain, frozen, and free of spaCy objects.

Every span is a ``(start, end)`` pair of character offsets into
``Article.text`` exactly as read, so ``article.text[start:end]`` gives it back.
"""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import date as _date
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

Span = tuple[int, int]
QuoteType = Literal["direct", "indirect", "mixed"]
QUOTE_TYPES: tuple[QuoteType, ...] = get_args(QuoteType)
#: What a link of a relay chain is: who spoke, or what carried the words.
LinkKind = Literal["person", "organisation", "outlet", "platform", "document"]
#: Where a link stands in the chain: the speaker first, the publisher last.
LinkRole = Literal["speaker", "relay", "wire", "publisher"]


def content_hash(text: str) -> str:
    """A short, stable id for a piece of text."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class Article:
    """One news article as read from a file, a feed or an archive."""

    id: str
    text: str
    title: str | None = None
    outlet: str | None = None
    published: str | None = None  # ISO 8601 date (or date-time) as given
    url: str | None = None
    path: str | None = None
    author: str | None = None

    @classmethod
    def from_text(cls, text: str, **metadata: Any) -> Article:
        """An article whose id is the hash of its text unless one is given."""
        article_id = metadata.pop("id", None) or content_hash(text)
        return cls(id=str(article_id), text=text, **metadata)

    @property
    def content_hash(self) -> str:
        return content_hash(self.text)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True, slots=True)
class Link:
    """One step of the way a quote reached the article: "Ana Ruiz" -said-> "EFE" -reported->.

    ``name`` is canonical (``None`` when the step could not be named, as for a
    pronoun with no antecedent); ``mention`` and ``span`` are the words of the
    article that name it, absent for a publisher known only from metadata.
    ``cue`` is the word that passes the words on at this step ("said",
    "reported", "quoted ... as saying", "in a post on").
    """

    name: str | None
    kind: LinkKind
    role: LinkRole
    mention: str | None = None
    span: Span | None = None
    cue: str | None = None
    cue_span: Span | None = None

    def moved(self, by: int) -> Link:
        """The same link with its offsets ``by`` characters later (a part of a text placed back in it)."""
        return dataclasses.replace(self, span=_moved(self.span, by), cue_span=_moved(self.cue_span, by))

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        for key in ("span", "cue_span"):
            if data[key] is not None:
                data[key] = list(data[key])
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Link:
        values = dict(data)
        for key in ("span", "cue_span"):
            if values.get(key) is not None:
                values[key] = tuple(values[key])
        return cls(**values)


def _moved(span: Span | None, by: int) -> Span | None:
    return None if span is None else (span[0] + by, span[1] + by)


def chain_text(via: tuple[Link, ...]) -> str:
    """A chain as a reader writes it: "Ana Ruiz → EFE → The Guardian"."""
    return " \u2192 ".join(link.name or link.mention or "unknown" for link in via)


@dataclass(frozen=True, slots=True)
class Quote:
    """One attribution: who said what, through which outlet, and how sure we are.

    ``content_spans`` holds one piece, or several when the attribution splits
    the quote ("'We will win,' he said, 'and soon.'"). ``content`` is the text
    shown to a reader: the pieces joined, without a leading "that".
    ``quoted_spans`` are the parts inside quotation marks (all of a direct
    quote, the fragments of a mixed one). ``rule`` says which detector rule
    found it and ``resolution`` which resolver rule named the speaker.

    ``via`` is the relay chain from the speaker outward: the speaker, each
    medium or document that carried the words, then the wire service and the
    publisher when known. ``outlet`` is the medium nearest the speaker; the
    wire and the publisher are never it.
    """

    article_id: str
    content: str
    content_spans: tuple[Span, ...]
    type: QuoteType
    cue: str | None = None
    cue_span: Span | None = None
    speaker_mention: str | None = None
    speaker_span: Span | None = None
    speaker: str | None = None
    speaker_role: str | None = None
    outlet: str | None = None
    confidence: float = 0.5
    quoted_spans: tuple[Span, ...] = ()
    rule: str = ""
    resolution: str = ""
    headline: bool = False
    via: tuple[Link, ...] = ()

    @property
    def id(self) -> str:
        spans = ";".join(f"{a}-{b}" for a, b in self.content_spans)
        return content_hash(f"{self.article_id}|{spans}")

    @property
    def start(self) -> int:
        return self.content_spans[0][0]

    @property
    def end(self) -> int:
        return self.content_spans[-1][1]

    def moved(self, by: int) -> Quote:
        """The same quote with every offset ``by`` characters later (a part of a text placed back in it)."""
        return dataclasses.replace(
            self,
            content_spans=tuple((a + by, b + by) for a, b in self.content_spans),
            quoted_spans=tuple((a + by, b + by) for a, b in self.quoted_spans),
            cue_span=_moved(self.cue_span, by),
            speaker_span=_moved(self.speaker_span, by),
            via=tuple(link.moved(by) for link in self.via),
        )

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["content_spans"] = [list(s) for s in self.content_spans]
        data["quoted_spans"] = [list(s) for s in self.quoted_spans]
        for key in ("cue_span", "speaker_span"):
            if data[key] is not None:
                data[key] = list(data[key])
        data["via"] = [link.to_dict() for link in self.via]
        data["id"] = self.id
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Quote:
        names = {f.name for f in dataclasses.fields(cls)}
        values = {k: v for k, v in data.items() if k in names}
        values["content_spans"] = tuple(tuple(s) for s in values["content_spans"])
        values["quoted_spans"] = tuple(tuple(s) for s in values.get("quoted_spans", ()))
        for key in ("cue_span", "speaker_span"):
            if values.get(key) is not None:
                values[key] = tuple(values[key])
        values["via"] = tuple(Link.from_dict(link) for link in values.get("via", ()))
        return cls(**values)


@dataclass(frozen=True, slots=True)
class Appearance:
    """Where one member of a cluster appeared."""

    quote_id: str
    article_id: str | None = None
    outlet: str | None = None
    date: str | None = None
    spans: tuple[Span, ...] = ()
    text: str | None = None  # this appearance's own wording, as stored
    speaker: str | None = None  # the speaker as this article named them


@dataclass(frozen=True, slots=True)
class Change:
    """Words of a version that differ from the first appearance: ``first`` there, ``this`` here.

    An insertion has ``first == ""``, a dropped word ``this == ""``.
    """

    first: str
    this: str


@dataclass(frozen=True, slots=True)
class Variant:
    """One wording of a cluster: its appearances, the earliest of them, its changes against the first appearance."""

    ids: tuple[str, ...]
    text: str
    first_id: str
    changes: tuple[Change, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "ids": list(self.ids),
            "text": self.text,
            "first_id": self.first_id,
            "changes": [{"first": c.first, "this": c.this} for c in self.changes],
        }


@dataclass(frozen=True, slots=True)
class QuoteCluster:
    """One utterance and every place it appeared."""

    id: str
    text: str
    speaker: str | None
    appearances: tuple[Appearance, ...] = field(default_factory=tuple)
    first: str | None = None  # quote id of the earliest appearance
    outlets: tuple[str, ...] = ()  # distinct outlets, in order of first appearance
    first_date: str | None = None
    last_date: str | None = None
    variants: tuple[Variant, ...] = ()  # its wordings, the first appearance's first (quotes.variants)
    repeats: tuple[str, ...] = ()  # ids of clusters of the same words said on other occasions

    @property
    def size(self) -> int:
        return len(self.appearances)

    @property
    def days(self) -> int | None:
        """Days from the first dated appearance to the last (the spread in time)."""
        if not self.first_date or not self.last_date:
            return None
        return (_date.fromisoformat(self.last_date[:10]) - _date.fromisoformat(self.first_date[:10])).days

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True, slots=True)
class IndexedCluster:
    """A cluster as the deduplicator's index keeps it: what new quotes are compared with."""

    number: int  # founding order: when two clusters merge, the older keeps its id
    id: str
    speakers: tuple[str, ...] = ()  # speaker keys of its members
    # (match text, speaker key, whether it is only a name) of its longest versions
    reps: tuple[tuple[str, str | None, bool], ...] = ()
    date: str | None = None  # the occasion: the earliest publication date of its members (YYYY-MM-DD)
    repeats: tuple[str, ...] = ()  # ids of the clusters of the same words on other occasions


@dataclass(frozen=True, slots=True)
class IndexState:
    """Part of the deduplicator's index as plain data: what the store keeps between batches.

    Numbers stand for clusters. As the changes a batch makes
    (:attr:`quotes.dedupe.BatchClusters.changes`), a cluster or a text mapped
    to ``None`` is deleted; a posting of ``None`` always means a stock phrase.
    """

    clusters: dict[int, IndexedCluster | None] = field(default_factory=dict)
    merged: dict[int, int] = field(default_factory=dict)  # merged-away number -> the number it went into
    texts: dict[int, int | None] = field(default_factory=dict)  # digest of a match text -> first cluster holding it
    postings: dict[int, tuple[int, ...] | None] = field(default_factory=dict)  # shingle -> clusters; None: a stock phrase
    next_number: int = 0  # the number of the next cluster founded

    def __bool__(self) -> bool:
        return bool(self.clusters or self.merged or self.texts or self.postings)


ReviewStatus = Literal["verified", "rejected", "corrected"]
#: What exports and filters call a quote's review state: a decision's status, or none yet.
REVIEW_STATUSES: tuple[str, ...] = ("unreviewed", *get_args(ReviewStatus))
RejectReason = Literal["not-a-quote", "boundaries"]
REJECT_REASONS: tuple[RejectReason, ...] = get_args(RejectReason)


@dataclass(frozen=True, slots=True)
class Review:
    """One reviewer's decision on a quote, with the corrections in force after it.

    ``speaker``, ``outlet`` and ``type`` are the corrected values (``None``:
    the detected one stands); a later decision keeps the earlier corrections.
    ``outdated`` is true when the article changed after the decision.
    """

    quote_id: str
    status: ReviewStatus
    reviewed_at: str
    reviewer: str | None = None
    note: str | None = None
    reason: RejectReason | None = None
    speaker: str | None = None
    outlet: str | None = None
    type: QuoteType | None = None
    quote: str = ""  # the quote's words when it was reviewed
    outdated: bool = False
