"""The clusters: an index of quotes by word trigrams that grows one record at a time."""

from __future__ import annotations

import dataclasses
import hashlib
import re
import zlib
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date as Date
from functools import lru_cache
from typing import Protocol

from rapidfuzz import fuzz

from quotes.dedupe.match import DEFAULT_OPTIONS, MatchOptions, _cached_speaker_key, _Key, _match
from quotes.dedupe.records import DedupeRecord, RecordLike, _as_record
from quotes.records import Appearance, IndexedCluster, IndexState, QuoteCluster, content_hash
from quotes.text import preferred_spelling, same_speaker, spellings_by_key
from quotes.variants import variants

__all__ = ["BatchClusters", "ClusterIndex", "IndexStore", "cluster_batch", "cluster_id_for", "index_assignments"]


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
    words: str  # what it is matched on: the speaker's own words

    @classmethod
    def of(cls, record: DedupeRecord) -> _Entry:
        words = record.own_words
        key = _Key.of(words, record.speaker)
        return cls(key, _digest(key.norm), _shingles(key.tokens), record.date[:10] if record.date else None, words)


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
        self._own_words: list[str] = []  # what each record is matched on (most often its text itself)
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
            reps = [_Key(norm, norm.split(), speaker, name) for norm, speaker, name in stored.reps]
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
                number, cluster.id, tuple(sorted(cluster.speakers)), tuple((k.norm, k.speaker, k.name) for k in cluster.reps),
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
        self._own_words.append(entry.words)
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
            if cluster is not None and self._compatible(cluster.speakers, speakers) and self._same_occasion(cluster, entry, len(key.tokens)):
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
            matching = [rep for rep in cluster.reps if _match(key, rep, self.options)]
            if matching:
                words = min(len(key.tokens), max(len(rep.tokens) for rep in matching))
                (found if self._same_occasion(cluster, entry, words) else repeated).append(number)
        return found, repeated

    def _same_occasion(self, cluster: _Cluster, entry: _Entry, words: int) -> bool:
        """Whether a quote's date is near enough the cluster's first date (either unknown: it is).

        ``words``: how many words the match rests on; a phrase shorter than ``min_fragment_words``
        (a slogan, a nickname, a chant) is what speakers say again and again, so its
        window is ``phrase_occasion_days``.
        """
        options = self.options
        window = options.occasion_days if words >= options.min_fragment_words else options.phrase_occasion_days
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
            variants=variants(
                appearances,
                wordings=[self._digests[p] for p in members],
                compared=[self._own_words[p] for p in members],
            ),
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
