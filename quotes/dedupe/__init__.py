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

from collections.abc import Iterable
from typing import Any

from quotes.dedupe.index import (
    BatchClusters,
    ClusterIndex,
    IndexStore,
    cluster_batch,
    cluster_id_for,
    index_assignments,
)
from quotes.dedupe.match import DEFAULT_OPTIONS, MatchOptions, replace_options, same_utterance
from quotes.dedupe.records import DedupeRecord, RecordLike, _as_record, read_records
from quotes.records import QuoteCluster
from quotes.text import same_speaker, speaker_key, unify_speakers

__all__ = [
    "DEFAULT_OPTIONS",
    "BatchClusters",
    "ClusterIndex",
    "DedupeRecord",
    "IndexStore",
    "MatchOptions",
    "RecordLike",
    "cluster_batch",
    "cluster_id_for",
    "dedupe",
    "index_assignments",
    "read_records",
    "replace_options",
    "same_speaker",
    "same_utterance",
    "speaker_key",
    "to_row",
    "unify_speakers",
]


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
