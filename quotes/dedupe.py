"""The deduplicator: one cluster per utterance, with every place it appeared.

The API, for callers (the store, the CLI, notebooks)::

    dedupe(records, *, options=None) -> list[QuoteCluster]
        Batch: cluster quotes from anywhere. ``records`` are dicts or
        DedupeRecord objects with ``id`` and ``text``, and optional
        ``speaker``, ``outlet``, ``date`` (ISO 8601), ``article_id``, ``spans``.
        Clusters come largest first.

    index = ClusterIndex(options=None)
    index.add(records) -> list[str]
        Incremental: each record's cluster id, in input order. New records
        join existing clusters; nothing already indexed is compared again.
    ClusterIndex.from_assignments([(record, cluster_id), ...])
        Rebuild an index from what a store holds, keeping its cluster ids.
    index.clusters() / index.cluster(id) / index.cluster_of(record_id)
    index.renamed -> {old cluster id: surviving id}
        A new record that matches two clusters joins the one it fits best; they merge
        (the older keeps its id) only when their longest versions, the new one included,
        match each other: a whole statement joins two excerpts of it, a fragment quoted
        in two different quotes never bridges them.

    cluster_batch(records, store, *, rebuild=None, forget=(), options=None) -> BatchClusters
        Incremental against an index kept in a store (quotes.store.Store): only
        what the batch can touch is loaded, and the changes are handed back
        for the store to write with the batch (what ``quotes ingest`` does).
    index_assignments([(record, cluster_id), ...], store) -> IndexState
        The stored-index counterpart of ``from_assignments``.

    same_utterance(a, b, *, speaker_a=None, speaker_b=None, options=None) -> bool
        The pair decision the clusters are built from.

    speaker_key(name), same_speaker(a, b), unify_speakers(names)   (from quotes.text)

A cluster id is derived from the id of the record that founded the cluster
(:func:`cluster_id_for`), so it is stable: adding records never changes the id
of a cluster they join. ``dedupe`` adds records in publication-date order, so
the founder is the first appearance and a batch run gives the ids an
incremental one would.

How it scales: each quote's word trigrams are looked up in an inverted index
that maps a trigram to the clusters (not the quotes) holding it, so a line
quoted a thousand times costs one posting, and only the few clusters that
share trigrams with a new quote are compared with rapidfuzz. The work grows
linearly with the number of quotes (see ``benchmarks/dedupe_million.py``).
The index of an archive too large to hold in memory lives in the store, and
``cluster_batch`` reads per batch only what its quotes touch (the entries of
their texts, the postings of their trigrams, the clusters compared with):
what one index holding everything would consult.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import zlib
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date as Date
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Any, Protocol, Union

from rapidfuzz import fuzz

from quotes.errors import InputError
from quotes.read import json_lines
from quotes.records import Appearance, IndexedCluster, IndexState, QuoteCluster, Span, content_hash
from quotes.text import match_text, preferred_spelling, same_speaker, speaker_key, spellings_by_key, unify_speakers
from quotes.variants import variants

__all__ = [
    "BatchClusters",
    "ClusterIndex",
    "DedupeRecord",
    "IndexStore",
    "MatchOptions",
    "cluster_batch",
    "cluster_id_for",
    "dedupe",
    "index_assignments",
    "read_records",
    "same_speaker",
    "same_utterance",
    "speaker_key",
    "to_row",
    "unify_speakers",
]


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


# --- the pair decision ------------------------------------------------------------

# Days from a cluster's first date past which the same words are another occasion (README).
OCCASION_DAYS = 180


@dataclass(frozen=True, slots=True)
class MatchOptions:
    """Thresholds of the pair decision; the defaults were chosen on PolNeAR pairs (README).

    Attributes:
        near: rapidfuzz ``fuzz.ratio`` (0-100) on the two match keys at or above
            which two quotes are the same text re-punctuated, re-cased or
            slightly re-worded.
        near_min_words: the shorter quote needs this many words for ``near``
            to apply; shorter ones must be equal once normalised ("That would
            be good" / "That would be you?" score 86).
        containment: share (0-1) of the shorter quote's words that must be
            found, in order, in one place of the longer one for it to count
            as a fragment of it.
        min_fragment_words: a fragment needs at least this many words; shorter
            stock phrases ("boots on the ground") never merge by containment.
        speaker_fragment_words: the same, when both quotes have a resolved
            speaker and it is the same person: then a shorter fragment ("her
            mind is shot") is evidence enough.
        overlap_words: two excerpts cut at different places merge when the end
            of one and the start of the other share this many words.
        use_speakers: never merge quotes whose resolved speakers differ.
        occasion_days: the same words published more than this many days from a
            cluster's first date are another occasion: a new cluster, linked to
            that one as a repeat (``None``: dates are not used).
    """

    near: float = 90.0
    near_min_words: int = 5
    containment: float = 0.875
    min_fragment_words: int = 5
    speaker_fragment_words: int = 4
    overlap_words: int = 8
    use_speakers: bool = True
    occasion_days: int | None = OCCASION_DAYS

    def __post_init__(self) -> None:
        if self.occasion_days is not None and self.occasion_days < 0:
            raise ValueError(f"occasion_days={self.occasion_days} is negative")
        if not 0 <= self.near <= 100:
            raise ValueError(f"near={self.near} is not a rapidfuzz score between 0 and 100")
        if not 0 < self.containment <= 1:
            raise ValueError(f"containment={self.containment} is not a share between 0 and 1")


DEFAULT_OPTIONS = MatchOptions()


@lru_cache(maxsize=1 << 16)
def _cached_speaker_key(name: str) -> str | None:
    # the same few thousand speaker names recur across a million quotes
    return speaker_key(name)


@dataclass(slots=True)
class _Key:
    """What the matcher compares: the match text, its words, the speaker key."""

    norm: str
    tokens: list[str]
    speaker: str | None

    @classmethod
    def of(cls, text: str, speaker: str | None) -> _Key:
        norm = match_text(text)
        return cls(norm, norm.split(), _cached_speaker_key(speaker) if speaker else None)


def _word_window(norm: str, start: int, end: int) -> list[str]:
    """The words of ``norm`` touched by the character range, widened to whole words."""
    while start > 0 and norm[start - 1] != " ":
        start -= 1
    while end < len(norm) and norm[end] != " ":
        end += 1
    return norm[start:end].split()


def _contained(short: _Key, long: _Key, share: float) -> bool:
    """Whether ``share`` of the short quote's words appear, in order, in one place of the long one."""
    n = len(short.tokens)
    # most candidates share a phrase, not the quote: words missing from the long
    # quote altogether rule them out cheaply (each is at least one unmatched word)
    present = set(long.tokens)
    if sum(token not in present for token in short.tokens) > (1 - share) * n:
        return False
    # rapidfuzz finds where the short text fits best (character level, tolerant of
    # typos); the words around that place are then aligned word by word.
    # Below 60 no real fragment scored on the benchmark (its lowest was 68, a
    # fragment with a repeated phrase inside); the cutoff lets rapidfuzz stop early.
    where = fuzz.partial_ratio_alignment(short.norm, long.norm, score_cutoff=60)
    if where is None:
        return False
    # the long version may hold extra words inside the fragment (a repetition, an aside)
    margin = len(short.norm)
    window = _word_window(long.norm, max(0, where.dest_start - margin), where.dest_end + margin)
    if n == 1 or len(window) == 1:
        return short.tokens == window
    # Only runs of two or more words count: a lone common word is chance, so
    # "if you look at it" is not found in "if you look at Playbook, it ...".
    # difflib takes the longest run first; an arbitrary longest common
    # subsequence (rapidfuzz's Indel.opcodes) may split a run on a stray "i".
    blocks = SequenceMatcher(None, short.tokens, window, autojunk=False).get_matching_blocks()
    common = sum(block.size for block in blocks if block.size >= 2)
    return common >= share * n


def _edge_overlap(a: list[str], b: list[str], words: int) -> bool:
    """Whether the end of one excerpt is the start of the other, for at least ``words`` words."""
    for first, second in ((a, b), (b, a)):
        head = second[:words]
        if len(head) < words:
            return False
        start = 0
        while True:
            try:
                i = first.index(head[0], start)
            except ValueError:
                break
            tail = first[i:]
            if len(tail) >= words and tail == second[: len(tail)]:
                return True
            start = i + 1
    return False


def _match(a: _Key, b: _Key, options: MatchOptions) -> bool:
    if options.use_speakers and not same_speaker(a.speaker, b.speaker):
        return False
    if a.norm == b.norm:
        return bool(a.norm)
    short, long = (a, b) if len(a.tokens) <= len(b.tokens) else (b, a)
    if len(short.tokens) >= options.near_min_words and fuzz.ratio(a.norm, b.norm, score_cutoff=options.near):
        return True
    known = options.use_speakers and a.speaker is not None and b.speaker is not None
    if len(short.tokens) < (options.speaker_fragment_words if known else options.min_fragment_words):
        return False
    if _contained(short, long, options.containment):
        return True
    return _edge_overlap(a.tokens, b.tokens, options.overlap_words)


def same_utterance(
    a: str,
    b: str,
    *,
    speaker_a: str | None = None,
    speaker_b: str | None = None,
    options: MatchOptions | None = None,
) -> bool:
    """Whether two quotes are (parts of) the same utterance.

    True when, after :func:`~quotes.text.match_text`, they are near-identical,
    one is a fragment of the other, or they are excerpts that overlap end to
    start; and their speakers, when both are known, can be the same person.

    Example:
        >>> same_utterance("Her mind is shot — resign!", "“her mind is shot - resign”")
        True
    """
    options = options or DEFAULT_OPTIONS
    return _match(_Key.of(a, speaker_a), _Key.of(b, speaker_b), options)


# --- clusters ---------------------------------------------------------------------


def cluster_id_for(record_id: str) -> str:
    """The id of a cluster founded by the record ``record_id``."""
    return content_hash(f"cluster|{record_id}")


@dataclass(slots=True)
class _Cluster:
    id: str
    members: list[int]
    reps: list[_Key]  # the longest distinct versions, compared with new quotes
    speakers: set[str]
    date: str | None = None  # the occasion: its members' earliest date
    repeats: set[str] = dataclasses.field(default_factory=set)  # clusters of its words on other occasions


# A trigram held by more clusters than this is a stock phrase ("i dont think"):
# it is dropped from the index, since it would make every lookup slow and says
# little about which utterance a quote belongs to.
_MAX_POSTINGS = 48
_FREQUENT = -1
_MAX_REPS = 4
_MAX_CANDIDATES = 12


# Digests and shingles are the same in every process, unlike hash(), because the
# store keeps them between runs; both fit SQLite's signed 64-bit integers.
def _digest(norm: str) -> int:
    return int.from_bytes(hashlib.blake2b(norm.encode(), digest_size=8).digest(), "big") >> 1


def _shingles(tokens: list[str]) -> set[int]:
    """The word trigrams (or the whole text, if shorter), as numbers."""
    if not tokens:
        return set()
    words = [zlib.crc32(token.encode()) for token in tokens]
    if len(words) < 3:
        words = [0] * (3 - len(words)) + words
    return {(a << 31) ^ (b << 15) ^ c for a, b, c in zip(words, words[1:], words[2:])}


@dataclass(slots=True)
class _Entry:
    """A record's key with the numbers it is looked up by, computed once per record."""

    key: _Key
    digest: int
    shingles: set[int]
    date: str | None

    @classmethod
    def of(cls, record: DedupeRecord) -> _Entry:
        key = _Key.of(record.text, record.speaker)
        return cls(key, _digest(key.norm), _shingles(key.tokens), record.date[:10] if record.date else None)


class IndexStore(Protocol):
    """Where an index too large for memory is kept (:class:`quotes.store.Store`), read a batch at a time."""

    def index_state(
        self, *, texts: Collection[int] = (), shingles: Collection[int] = (), clusters: Collection[str] = ()
    ) -> IndexState:
        """The entries for these text digests and shingles, the merges their numbers went through, these clusters."""

    def indexed_clusters(self, numbers: Collection[int]) -> dict[int, IndexedCluster]:
        """The clusters with these numbers that exist."""


@dataclass(frozen=True, slots=True)
class BatchClusters:
    """What :func:`cluster_batch` decided, and what the store must write for it."""

    ids: dict[str, str]  # record id -> cluster id
    renamed: dict[str, str]  # stored cluster ids merged away -> the ids that absorbed them
    changes: IndexState


def cluster_batch(
    records: Iterable[RecordLike],
    store: IndexStore,
    *,
    rebuild: Mapping[str, Sequence[RecordLike]] | None = None,
    forget: Iterable[RecordLike] = (),
    options: MatchOptions | None = None,
) -> BatchClusters:
    """Cluster a batch of new records against an index kept in ``store``.

    Only the part of the index the batch touches is read: its records' text
    digests, then the postings of the records not matched exactly and the
    clusters compared with. Memory holds the batch, not the archive, and the
    decisions are those of one :class:`ClusterIndex` holding everything.
    Write ``changes`` to the store with the batch's quotes.

    Args:
        records: the batch, in arrival order.
        store: what the index is read from.
        rebuild: stored clusters (by id) that lose members before the batch
            is added (their articles are being replaced), each with the
            members it keeps; one that keeps none is deleted.
        forget: the records leaving those clusters.
        options: thresholds (:class:`MatchOptions`).
    """
    rebuild = rebuild or {}
    batch = [_as_record(item, i) for i, item in enumerate(records)]
    entries = [_Entry.of(record) for record in batch]
    kept = {cluster_id: [_Entry.of(_as_record(m, i)) for i, m in enumerate(members)] for cluster_id, members in rebuild.items()}
    leaving = [_Entry.of(_as_record(item, i)) for i, item in enumerate(forget)]
    looked_up = [*entries, *leaving, *(e for members in kept.values() for e in members)]
    # Founders' ids too: a replaced article's quote may come back and must not take a live cluster's id.
    state = store.index_state(
        texts={e.digest for e in looked_up}, clusters={*rebuild, *(cluster_id_for(r.id) for r in batch)}
    )
    index = ClusterIndex._from_state(state, store, options=options)
    for cluster_id, members in kept.items():
        index._refound(cluster_id, members)
    positions = [index._add(record, entry) for record, entry in zip(batch, entries, strict=True)]
    ids = {record.id: index._cluster_id_at(p) for record, p in zip(batch, positions, strict=True)}  # after every merge
    return BatchClusters(ids, index.renamed, index._changes())


def index_assignments(
    pairs: Iterable[tuple[RecordLike, str]], store: IndexStore, *, options: MatchOptions | None = None
) -> IndexState:
    """Index stored records in the clusters they are in, without matching; the changes to write.

    For a store whose quotes were clustered before it kept the index.
    """
    batch = [(_as_record(item, i), cluster_id) for i, (item, cluster_id) in enumerate(pairs)]
    entries = [_Entry.of(record) for record, _ in batch]
    state = store.index_state(texts={e.digest for e in entries}, clusters={cluster_id for _, cluster_id in batch})
    index = ClusterIndex._from_state(state, store, options=options)
    index._add_assigned((record, cluster_id, entry) for (record, cluster_id), entry in zip(batch, entries, strict=True))
    return index._changes()


class ClusterIndex:
    """Clusters of quotes that grow as records are added.

    Args:
        options: thresholds of the pair decision (:class:`MatchOptions`).

    Example:
        >>> index = ClusterIndex()
        >>> a, b = index.add([{"id": "1", "text": "We will win."}, {"id": "2", "text": "“we will win”"}])
        >>> a == b
        True
    """

    def __init__(self, *, options: MatchOptions | None = None) -> None:
        self.options = options or DEFAULT_OPTIONS
        self._records: list[DedupeRecord] = []
        self._words: list[int] = []  # words per record, for the canonical text
        self._digests: list[int] = []  # digest of each record's match text: its wording, for the variants
        self._record_cluster: list[int] = []  # cluster number per record (resolve with _find)
        self._by_id: dict[str, int] = {}
        # Cluster numbers are given in founding order; a number merged away points to its survivor.
        self._parent: dict[int, int] = {}
        self._next_number = 0
        self._clusters: dict[int, _Cluster] = {}
        self._by_cluster_id: dict[str, int] = {}
        self._postings: dict[int, int | list[int]] = {}
        self._exact: dict[int, int] = {}  # digest of a match text -> cluster number
        self._renamed: dict[str, str] = {}
        # Holding part of a stored index: the store, what was read from it, and what was
        # asked for (postings are read when a record is looked up, clusters when compared with).
        self._store: IndexStore | None = None
        self._read = IndexState()
        self._asked_clusters: set[int] = set()
        self._asked_shingles: set[int] = set()

    # -- public ----------------------------------------------------------------

    def add(self, records: Iterable[RecordLike]) -> list[str]:
        """Add records; return each one's cluster id, in order, after all merges.

        A record whose id is already indexed is not added again; its current
        cluster id is returned.
        """
        positions = [self._add(r, _Entry.of(r)) for r in (_as_record(item, i) for i, item in enumerate(records))]
        return [self._cluster_id_at(p) for p in positions]

    @classmethod
    def from_assignments(
        cls, pairs: Iterable[tuple[RecordLike, str]], *, options: MatchOptions | None = None
    ) -> ClusterIndex:
        """An index holding stored records in their stored clusters, without re-matching them."""
        index = cls(options=options)
        records = ((_as_record(item, i), cluster_id) for i, (item, cluster_id) in enumerate(pairs))
        index._add_assigned((record, cluster_id, _Entry.of(record)) for record, cluster_id in records)
        return index

    def cluster_of(self, record_id: str) -> str:
        """The current cluster id of an indexed record."""
        try:
            position = self._by_id[record_id]
        except KeyError:
            raise KeyError(f"no record with id {record_id!r} in this index") from None
        return self._cluster_id_at(position)

    def cluster(self, cluster_id: str) -> QuoteCluster:
        """One cluster by id (an id that was merged away resolves to its survivor)."""
        cluster_id = self._renamed.get(cluster_id, cluster_id)
        number = self._by_cluster_id.get(cluster_id)
        if number is None:
            raise KeyError(f"no cluster with id {cluster_id!r} in this index")
        return self._build(self._clusters[number])

    def clusters(self, *, min_size: int = 1) -> list[QuoteCluster]:
        """All clusters, largest first, then the most widespread, then the earliest."""
        built = [self._build(c) for c in self._clusters.values() if len(c.members) >= min_size]
        built.sort(key=lambda c: (-len(c.appearances), -len(c.outlets), c.first_date or "~", c.id))
        return built

    @property
    def renamed(self) -> dict[str, str]:
        """Cluster ids merged away, each mapped to the id that now holds its records."""
        return {old: self._clusters[self._by_cluster_id[new]].id for old, new in self._renamed.items()}

    def __len__(self) -> int:
        return len(self._clusters)

    def __contains__(self, record_id: object) -> bool:
        return record_id in self._by_id

    @property
    def record_count(self) -> int:
        return len(self._records)

    # -- a part of a stored index --------------------------------------------------

    @classmethod
    def _from_state(cls, state: IndexState, store: IndexStore, *, options: MatchOptions | None) -> ClusterIndex:
        """An index holding part of a stored one, which reads more of it as records need it."""
        index = cls(options=options)
        index._store = store
        index._next_number = state.next_number
        index._take(state)
        index._fetch({index._find(n) for n in index._exact.values()})  # what exact matches join
        return index

    def _take(self, state: IndexState) -> None:
        """Hold what was read from the store, and remember it as read."""
        read = self._read
        read.texts.update(state.texts)
        read.postings.update(state.postings)
        read.merged.update(state.merged)
        self._parent.update(state.merged)
        self._exact.update((d, n) for d, n in state.texts.items() if n is not None)
        referenced = {*self._exact.values(), *state.merged.values()}
        for shingle, numbers in state.postings.items():
            if numbers is None:
                self._postings[shingle] = _FREQUENT
            else:
                self._postings[shingle] = numbers[0] if len(numbers) == 1 else list(numbers)
                referenced.update(numbers)
        for number in referenced:
            self._parent.setdefault(number, number)
        self._hold(state.clusters)

    def _hold(self, clusters: Mapping[int, IndexedCluster | None]) -> None:
        self._read.clusters.update(clusters)
        for number, stored in clusters.items():
            self._asked_clusters.add(number)
            if stored is None:
                continue
            self._parent[number] = number
            reps = [_Key(norm, norm.split(), speaker) for norm, speaker in stored.reps]
            self._clusters[number] = _Cluster(stored.id, [], reps, set(stored.speakers), stored.date, set(stored.repeats))
            self._by_cluster_id[stored.id] = number

    def _fetch(self, numbers: Iterable[int]) -> None:
        """Read the stored clusters among ``numbers`` not read yet.

        A number without one is a cluster that is gone (all its members' articles
        were replaced): it stays a root without a cluster, which lookups skip.
        """
        if self._store is None:
            return
        wanted = [n for n in numbers if n not in self._asked_clusters]
        if wanted:
            found = self._store.indexed_clusters(wanted)
            self._asked_clusters.update(wanted)
            self._hold(found)

    def _fetch_postings(self, shingles: Iterable[int]) -> None:
        """Read the stored postings of ``shingles`` not read yet, before they are looked up or extended."""
        if self._store is None:
            return
        wanted = [s for s in shingles if s not in self._asked_shingles]
        if wanted:
            self._take(self._store.index_state(shingles=wanted))
            self._asked_shingles.update(wanted)

    def _refound(self, cluster_id: str, members: list[_Entry]) -> None:
        """Make a loaded cluster what ``members`` alone make it; with none, delete it."""
        number = self._by_cluster_id.get(cluster_id)
        if number is None:
            return
        for digest in [d for d, n in self._exact.items() if self._find(n) == number]:
            del self._exact[digest]
        if not members:
            del self._clusters[number], self._by_cluster_id[cluster_id]
            return
        cluster = self._clusters[number]
        cluster.reps.clear()
        cluster.speakers.clear()
        cluster.date = min((e.date for e in members if e.date), default=None)
        for entry in members:
            if entry.key.speaker:
                cluster.speakers.add(entry.key.speaker)
            self._exact.setdefault(entry.digest, number)
            self._add_rep(cluster, entry.key)

    def _changes(self) -> IndexState:
        """What differs from what this index read from its store: what the store must write."""
        since = self._read
        clusters: dict[int, IndexedCluster | None] = {}
        for number, cluster in self._clusters.items():
            now = IndexedCluster(
                number, cluster.id, tuple(sorted(cluster.speakers)), tuple((k.norm, k.speaker) for k in cluster.reps),
                cluster.date, tuple(sorted(cluster.repeats)),
            )
            if since.clusters.get(number) != now:
                clusters[number] = now
        for number in since.clusters:
            if number not in self._clusters:  # merged away or deleted
                clusters[number] = None
        merged = {n: p for n, p in self._parent.items() if n != p and since.merged.get(n) != p}
        texts: dict[int, int | None] = {d: n for d, n in self._exact.items() if since.texts.get(d) != n}
        texts.update((d, None) for d in since.texts if d not in self._exact)
        postings: dict[int, tuple[int, ...] | None] = {}
        for shingle, posted in self._postings.items():
            now_posted = None if posted == _FREQUENT else (posted,) if isinstance(posted, int) else tuple(posted)
            if shingle not in since.postings or since.postings[shingle] != now_posted:
                postings[shingle] = now_posted
        return IndexState(clusters, merged, texts, postings, self._next_number)

    # -- internals ---------------------------------------------------------------

    def _cluster_id_at(self, position: int) -> str:
        return self._clusters[self._find(self._record_cluster[position])].id

    def _find(self, number: int) -> int:
        parent = self._parent
        root = number
        while parent[root] != root:
            root = parent[root]
        while parent[number] != root:  # path compression
            parent[number], number = root, parent[number]
        return root

    def _new_cluster(self, cluster_id: str) -> int:
        number = self._next_number
        self._next_number += 1
        self._parent[number] = number
        self._clusters[number] = _Cluster(cluster_id, [], [], set())
        self._by_cluster_id[cluster_id] = number
        return number

    def _keep_record(self, record: DedupeRecord, entry: _Entry) -> int:
        position = len(self._records)
        self._records.append(record)
        self._words.append(len(entry.key.tokens))
        self._digests.append(entry.digest)
        self._record_cluster.append(-1)
        self._by_id[record.id] = position
        return position

    def _add_assigned(self, items: Iterable[tuple[DedupeRecord, str, _Entry]]) -> None:
        for record, cluster_id, entry in items:
            if record.id in self._by_id:
                continue
            number = self._by_cluster_id.get(cluster_id)
            if number is None:
                number = self._new_cluster(cluster_id)
            self._join(number, self._keep_record(record, entry), entry)

    def _add(self, record: DedupeRecord, entry: _Entry) -> int:
        known = self._by_id.get(record.id)
        if known is not None:
            return known
        position = self._keep_record(record, entry)
        matched, repeated = self._matches(entry)
        if not matched:
            cluster_id = cluster_id_for(record.id)
            if cluster_id in self._by_cluster_id:  # a replaced article's quote, back with another text
                cluster_id = cluster_id_for(f"{record.id}|{self._next_number}")
            number = self._new_cluster(cluster_id)
            self._link_repeats(number, repeated)
        else:
            # It joins the utterance it fits best. Another one it matches is the same utterance only
            # if their longest versions, this one included, match each other: the whole statement
            # joins two excerpts of it, a fragment found in two different quotes does not.
            number = matched[0] if len(matched) == 1 else max(matched, key=lambda n: (self._closeness(entry.key, n), -n))
            self._join(number, position, entry)
            for other in matched:
                if other != number and self._same_utterance(number, other):
                    number = self._merge(number, other)
            self._link_repeats(number, repeated)
            return position
        self._join(number, position, entry)
        return position

    def _closeness(self, key: _Key, number: int) -> tuple[float, float]:
        """How well a quote fits a cluster: the best place it fits in a version, then the closest version."""
        reps = self._clusters[number].reps
        return max(fuzz.partial_ratio(key.norm, rep.norm) for rep in reps), max(fuzz.ratio(key.norm, rep.norm) for rep in reps)

    def _same_utterance(self, a: int, b: int) -> bool:
        first, second = self._clusters[self._find(a)], self._clusters[self._find(b)]
        if not self._compatible(first.speakers, second.speakers):
            return False
        longest = lambda cluster: max(cluster.reps, key=lambda k: len(k.tokens))  # noqa: E731
        return _match(longest(first), longest(second), self.options)

    def _compatible(self, ours: set[str], theirs: Iterable[str | None]) -> bool:
        if not self.options.use_speakers:
            return True
        return all(same_speaker(a, b) for a in ours for b in theirs)

    def _matches(self, entry: _Entry) -> tuple[list[int], list[int]]:
        """Clusters the quote belongs to, best first; and those of its words on other occasions."""
        key = entry.key
        if not key.norm:
            return [], []  # nothing left to match on ("…", "[sic]"): a cluster of its own
        speakers = [key.speaker] if key.speaker else []
        exact = self._exact.get(entry.digest)
        if exact is not None:
            root = self._find(exact)
            self._fetch([root])
            cluster = self._clusters.get(root)
            if cluster is not None and self._compatible(cluster.speakers, speakers) and self._same_occasion(cluster, entry):
                return [root], []
        self._fetch_postings(entry.shingles)
        hits: dict[int, int] = {}
        find = self._find
        for shingle in entry.shingles:
            posted = self._postings.get(shingle)
            if posted is None or posted == _FREQUENT:
                continue
            if isinstance(posted, int):
                root = find(posted)
                hits[root] = hits.get(root, 0) + 1
            else:
                for number in {find(n) for n in posted}:
                    hits[number] = hits.get(number, 0) + 1
        if not hits:
            return [], []
        # Ties go to the older cluster, so the choice is the same however the index was loaded.
        ranked = sorted(hits, key=lambda n: (-hits[n], n))[:_MAX_CANDIDATES]
        self._fetch(ranked)
        found, repeated = [], []
        for number in ranked:
            cluster = self._clusters.get(number)
            if cluster is None or not self._compatible(cluster.speakers, speakers):
                continue
            if any(_match(key, rep, self.options) for rep in cluster.reps):
                (found if self._same_occasion(cluster, entry) else repeated).append(number)
        return found, repeated

    def _same_occasion(self, cluster: _Cluster, entry: _Entry) -> bool:
        """Whether a quote's date is near enough the cluster's first date (either unknown: it is)."""
        window = self.options.occasion_days
        if window is None or entry.date is None or cluster.date is None:
            return True
        return abs((_day(entry.date) - _day(cluster.date)).days) <= window

    def _link_repeats(self, number: int, repeated: list[int]) -> None:
        """The same words on other occasions: each cluster names the other as a repeat."""
        cluster = self._clusters[self._find(number)]
        for other in repeated:
            other_cluster = self._clusters[self._find(other)]
            if other_cluster is not cluster:
                cluster.repeats.add(other_cluster.id)
                other_cluster.repeats.add(cluster.id)

    def _join(self, number: int, position: int, entry: _Entry) -> None:
        number = self._find(number)
        cluster = self._clusters[number]
        cluster.members.append(position)
        self._record_cluster[position] = number
        if entry.date and (cluster.date is None or entry.date < cluster.date):
            cluster.date = entry.date
        key = entry.key
        if key.speaker:
            cluster.speakers.add(key.speaker)
        digest = entry.digest
        if self._exact.get(digest) is not None and self._find(self._exact[digest]) == number:
            return  # the same text is already indexed for this cluster
        self._exact.setdefault(digest, number)
        self._add_rep(cluster, key)
        self._fetch_postings(entry.shingles)
        postings = self._postings
        for shingle in entry.shingles:
            posted = postings.get(shingle)
            if posted is None:
                postings[shingle] = number
            elif posted == _FREQUENT:
                continue
            elif isinstance(posted, int):
                if self._find(posted) != number:
                    postings[shingle] = [posted, number]
            else:
                roots = {self._find(n) for n in posted}
                if number in roots:
                    continue
                if len(roots) >= _MAX_POSTINGS:
                    postings[shingle] = _FREQUENT
                else:
                    postings[shingle] = [*roots, number]

    @staticmethod
    def _add_rep(cluster: _Cluster, key: _Key) -> None:
        reps = cluster.reps
        if any(rep.norm == key.norm for rep in reps):
            return
        reps.append(key)
        if len(reps) > _MAX_REPS:
            # keep the longest: every fragment is compared with the whole utterance
            reps.sort(key=lambda k: -len(k.tokens))
            del reps[_MAX_REPS:]

    def _merge(self, a: int, b: int) -> int:
        a, b = self._find(a), self._find(b)
        if a == b:
            return a
        older, newer = min(a, b), max(a, b)  # numbers are given in founding order
        keep, gone = self._clusters[older], self._clusters.pop(newer)
        self._parent[newer] = older
        keep.members.extend(gone.members)
        keep.speakers |= gone.speakers
        keep.date = min((d for d in (keep.date, gone.date) if d), default=None)
        keep.repeats = (keep.repeats | gone.repeats) - {keep.id, gone.id}
        for rep in gone.reps:
            self._add_rep(keep, rep)
        del self._by_cluster_id[gone.id]
        self._renamed[gone.id] = keep.id
        for old, new in self._renamed.items():
            if new == gone.id:
                self._renamed[old] = keep.id
        return older

    def _build(self, cluster: _Cluster) -> QuoteCluster:
        records = self._records
        members = sorted(cluster.members, key=lambda p: (records[p].date is None, records[p].date or "", p))
        appearances = tuple(
            Appearance(
                quote_id=records[p].id,
                article_id=records[p].article_id,
                outlet=records[p].outlet,
                date=records[p].date,
                spans=records[p].spans,
                text=records[p].text,
                speaker=records[p].speaker,
            )
            for p in members
        )
        dates = [records[p].date for p in members if records[p].date]
        outlets: dict[str, None] = {}
        for p in members:
            if records[p].outlet:
                outlets.setdefault(records[p].outlet, None)  # type: ignore[arg-type]
        return QuoteCluster(
            id=cluster.id,
            text=self._canonical_text(members),
            speaker=_canonical_speaker(records[p].speaker for p in members),
            appearances=appearances,
            first=records[members[0]].id,
            outlets=tuple(outlets),
            first_date=dates[0] if dates else None,
            last_date=max(dates) if dates else None,
            variants=variants(appearances, wordings=[self._digests[p] for p in members]),
            repeats=tuple(sorted({self._renamed.get(r, r) for r in cluster.repeats} - {cluster.id})),
        )

    def _canonical_text(self, members: list[int]) -> str:
        # The longest complete version: a version with an ellipsis or a bracketed
        # insertion counts a tenth shorter, so a full sentence wins over an edited one.
        def weight(p: int) -> float:
            text = self._records[p].text
            edited = "..." in text or "…" in text or _BRACKET.search(text) is not None
            return self._words[p] * (0.9 if edited else 1.0)

        return self._records[max(members, key=weight)].text


_BRACKET = re.compile(r"\[[^\]]*\]")


@lru_cache(maxsize=1 << 12)
def _day(iso: str) -> Date:
    return Date.fromisoformat(iso)


def _canonical_speaker(names: Iterable[str | None]) -> str | None:
    """The fullest name among the members' speakers, in its preferred spelling."""
    counts, groups = spellings_by_key(names, _cached_speaker_key)
    if not groups:
        return None
    best = max(groups, key=lambda k: (len(k.split()), sum(counts[n] for n in groups[k])))
    return preferred_spelling(groups[best], counts)


def dedupe(records: Iterable[RecordLike], *, options: MatchOptions | None = None) -> list[QuoteCluster]:
    """Cluster quotes that are the same utterance; largest clusters first.

    Records are added in publication-date order (undated ones last, in input
    order), so each cluster is founded by, and its id derived from, its first
    appearance.

    Args:
        records: dicts or :class:`DedupeRecord` objects (``id``, ``text``, and
            optional ``speaker``, ``outlet``, ``date``, ``article_id``, ``spans``).
        options: thresholds (:class:`MatchOptions`); the defaults suit news quotes.

    Raises:
        InputError: a record has no id or text, or a malformed field; the
            message says which record (by position) and why.
    """
    items = [_as_record(item, i) for i, item in enumerate(records)]
    order = sorted(range(len(items)), key=lambda i: (items[i].date is None, items[i].date or "", i))
    index = ClusterIndex(options=options)
    index.add(items[i] for i in order)
    return index.clusters()


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


def to_row(cluster: QuoteCluster) -> dict[str, Any]:
    """The ``quotes dedupe`` JSON Lines row of a cluster."""
    return {
        "cluster": cluster.id,
        "ids": [a.quote_id for a in cluster.appearances],
        "text": cluster.text,
        "speaker": cluster.speaker,
        "first": cluster.first,
        "variants": [v.to_dict() for v in cluster.variants],
        "repeats": list(cluster.repeats),
    }


def replace_options(options: MatchOptions | None = None, **changes: Any) -> MatchOptions:
    """``options`` (or the defaults) with some thresholds changed."""
    return dataclasses.replace(options or DEFAULT_OPTIONS, **changes)
