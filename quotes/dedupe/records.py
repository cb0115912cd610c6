"""What the deduplicator reads: one record per quote, from dicts, JSON Lines or extracted quotes."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date as Date
from typing import Any, Union

from quotes.errors import InputError
from quotes.marks import speaker_words
from quotes.read import json_lines
from quotes.records import Span

__all__ = ["DedupeRecord", "RecordLike", "read_records"]


@dataclass(frozen=True, slots=True)
class DedupeRecord:
    """One quote to deduplicate: where it came from and what it says, as stored."""

    id: str
    text: str
    speaker: str | None = None
    outlet: str | None = None
    date: str | None = None  # ISO 8601 date or date-time, as published
    article_id: str | None = None
    spans: tuple[Span, ...] = ()
    words: str | None = None  # the speaker's own words, when the source knows them (all of a direct quote)

    @property
    def own_words(self) -> str:
        """What the record is matched on: the speaker's words (:func:`quotes.marks.speaker_words`)."""
        return self.words if self.words is not None else speaker_words(self.text)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, source: str = "record") -> DedupeRecord:
        """A record from a JSON object; :class:`InputError` names ``source`` if it is unusable.

        Lines written by ``quotes extract --format jsonl`` and ``quotes export --format jsonl``
        are read as they are: their field names are taken for ours.
        """
        if not isinstance(data, Mapping):
            raise InputError(source, f"is a JSON {type(data).__name__}, not an object with 'id' and 'text'")
        data = dict(data)
        for theirs, ours in _FIELD_ALIASES:
            if data.get(ours) is None and data.get(theirs) is not None:
                data[ours] = data[theirs]
        for name in ("id", "text"):
            if data.get(name) in (None, ""):
                raise InputError(source, f"has no {name!r}; every quote needs an 'id' and a 'text'")
        if not isinstance(data["text"], str):
            raise InputError(source, f"'text' is a {type(data['text']).__name__}, not a string")
        values: dict[str, Any] = {"id": str(data["id"]), "text": data["text"]}
        for name in ("speaker", "outlet", "article_id"):
            value = data.get(name)
            if value is not None and not isinstance(value, str):
                raise InputError(source, f"{name!r} is a {type(value).__name__}, not a string")
            values[name] = value or None
        values["date"] = _check_date(data.get("date"), source)
        values["spans"] = _check_spans(data.get("spans"), source)
        if data.get("type") == "direct":  # a `quotes extract` line: its quotation marks are off already
            values["words"] = values["text"]
        return cls(**values)

    @classmethod
    def from_quote(cls, quote: Any, *, date: str | None = None, outlet: str | None = None) -> DedupeRecord:
        """A record for a :class:`~quotes.records.Quote` (its id, content, speaker and spans)."""
        return cls(
            id=quote.id,
            text=quote.content,
            speaker=quote.speaker,
            outlet=outlet or quote.outlet,
            date=date,
            article_id=quote.article_id,
            spans=tuple(quote.content_spans),
            # A direct quote's content is its words with the marks taken off, so a quotation
            # inside it is a quote within the quote, not the speaker's part of a paraphrase.
            words=quote.content if quote.type == "direct" else None,
        )


RecordLike = Union[DedupeRecord, Mapping[str, Any]]

# (their name, our name): the fields of `quotes extract` and `quotes export` lines, in order of preference.
_FIELD_ALIASES = (
    ("content", "text"),
    ("quote", "text"),
    ("quote_id", "id"),
    ("article", "article_id"),
    ("content_spans", "spans"),
    ("article_outlet", "outlet"),  # where the quote appeared, which is what clusters track
    ("quote_outlet", "outlet"),
)


def _check_date(value: Any, source: str) -> str | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise InputError(source, f"'date' is a {type(value).__name__}; give an ISO 8601 string like 2018-06-12")
    try:
        Date.fromisoformat(value[:10])
    except ValueError:
        raise InputError(source, f"'date' {value!r} is not an ISO 8601 date (YYYY-MM-DD...)") from None
    return value


def _check_spans(value: Any, source: str) -> tuple[Span, ...]:
    if not value:
        return ()
    try:
        spans = tuple((int(a), int(b)) for a, b in value)
    except (TypeError, ValueError):
        raise InputError(source, "'spans' must be a list of [start, end] character offsets") from None
    return spans


def _as_record(item: RecordLike, position: int) -> DedupeRecord:
    if isinstance(item, DedupeRecord):
        return item
    return DedupeRecord.from_dict(item, source=f"record {position}")


def read_records(lines: Iterable[str], *, source: str) -> Iterator[DedupeRecord | InputError]:
    """Records from JSON Lines; a bad line becomes an :class:`InputError` naming ``source:line``.

    Like the article readers, this never stops a batch: the caller decides
    what to do with each error and the next line is read. Blank lines are
    skipped; an id already seen is an error (the first line with it is kept).
    """
    seen: dict[str, int] = {}
    for number, where, data in json_lines(lines, source):
        if isinstance(data, InputError):
            yield data
            continue
        try:
            record = DedupeRecord.from_dict(data, source=where)
        except InputError as error:
            yield error
            continue
        if record.id in seen:
            yield InputError(where, f"id {record.id!r} was already used on line {seen[record.id]}; ids must be unique")
            continue
        seen[record.id] = number
        yield record
