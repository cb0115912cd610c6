"""The quote store: one SQLite file of articles, quotes, speakers, outlets and clusters.

The store package holds all of quotes' SQL: this module writes, :mod:`quotes.store.queries`
reads and :mod:`quotes.store.reviews` records reviewers' decisions. The schema is documented in
``docs/schema.md``; it is built by numbered migrations (``MIGRATIONS``), so a
store written by an older quotes is upgraded when it is opened, and one
written by a newer quotes is refused rather than damaged.

Articles are keyed twice: by ``id`` (the file path, URL or JSONL ``id``: what
names the article) and by ``content_hash`` (what it says). Storing an article
whose content is already stored does nothing; storing one whose id is stored
with other content replaces the old article and its quotes.

Writes happen in one transaction per batch of articles, so a process killed
mid-batch leaves every earlier batch intact and none of the unfinished one.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal

from quotes.errors import StoreError
from quotes.records import Article, IndexedCluster, IndexState, Quote, Review, ReviewStatus, chain_text
from quotes.store.queries import Filters, QuoteQueries, _article_from_row, _quote_from_row, fts_query
from quotes.store.reviews import add_review, reattach_reviews, review_history
from quotes.store.schema import EXPORT_COLUMNS, MIGRATIONS, SCHEMA_VERSION

__all__ = [
    "DEFAULT_DB",
    "EXPORT_COLUMNS",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "BatchResult",
    "Filters",
    "Store",
    "default_key",
    "fts_query",
    "outlet_key",
]

DEFAULT_DB = "quotes.db"

ArticleState = Literal["new", "changed", "unchanged"]
KeyFunction = Callable[[str], str | None]

@dataclass(frozen=True, slots=True)
class BatchResult:
    """What one :meth:`Store.add_batch` call changed."""

    added: int = 0
    replaced: int = 0
    unchanged: int = 0
    quotes: int = 0


def default_key(name: str) -> str:
    """A case- and spacing-blind key: the fallback for unifying names."""
    return " ".join(name.replace("\u2019", "'").split()).casefold()


def outlet_key(name: str) -> str:
    """Outlet names match ignoring case and a leading "the" ("The Guardian" = "guardian")."""
    key = default_key(name)
    return key[4:] if key.startswith("the ") else key


def _utcnow() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def _spans(spans: Iterable[tuple[int, int]] | None) -> str:
    return json.dumps([list(s) for s in spans or ()])


class Store(QuoteQueries):
    """A quote store in one SQLite file (or ``":memory:"``).

    Args:
        path: the database file; created with the current schema if missing.
        create: when false, a missing file is an error instead (for queries).
        speaker_key: how speaker names are unified into one ``speakers`` row;
            ingest passes :func:`quotes.dedupe.speaker_key`.
    """

    def __init__(
        self, path: str | Path = DEFAULT_DB, *, create: bool = True, speaker_key: KeyFunction = default_key
    ) -> None:
        self.path = str(path)
        self.speaker_key = speaker_key
        self._touched_speakers: set[int] = set()
        if self.path != ":memory:":
            file = Path(self.path)
            if not file.exists() and not create:
                raise StoreError(f"{self.path}: no quote store here; make one with `quotes ingest PATH --db {self.path}`")
            if file.is_dir():
                raise StoreError(f"{self.path}: is a folder; give a file name for the store, e.g. {file / DEFAULT_DB}")
        try:
            # Autocommit mode: transactions are opened explicitly, one per batch.
            self.db = sqlite3.connect(self.path, isolation_level=None, timeout=30)
            self.db.row_factory = sqlite3.Row
            self.db.execute("PRAGMA foreign_keys = ON")
            if self.path != ":memory:":
                # WAL: readers (datasette, a search) never block a running ingest.
                self.db.execute("PRAGMA journal_mode = WAL")
                self.db.execute("PRAGMA synchronous = NORMAL")  # safe against a killed process
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: cannot be opened as a quote store ({exc})") from None

    # -- lifecycle ---------------------------------------------------------

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    @property
    def version(self) -> int:
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        current = self.version
        if current > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: store schema version {current} is newer than this quotes understands "
                f"({SCHEMA_VERSION}); upgrade quotes to read it"
            )
        if current == 0 and self.db.execute("SELECT count(*) FROM sqlite_master WHERE name != 'migrations'").fetchone()[0]:
            raise StoreError(f"{self.path}: is an SQLite database but not a quote store; give another --db")
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        for version, name, script in MIGRATIONS:
            if version <= current:
                continue
            # executescript commits first, so the transaction is part of the script;
            # a failure rolls the whole migration back.
            try:
                self.db.executescript(
                    f"BEGIN IMMEDIATE;\n{script}\n"
                    f"INSERT INTO migrations VALUES ({version}, '{name}', '{_utcnow()}');\n"
                    f"PRAGMA user_version = {version};\nCOMMIT;"
                )
            except sqlite3.Error:
                if self.db.in_transaction:
                    self.db.execute("ROLLBACK")
                raise

    # -- writing -----------------------------------------------------------

    def article_state(self, article: Article) -> ArticleState:
        """Whether storing ``article`` would add it, replace an older version, or do nothing."""
        if self.db.execute("SELECT 1 FROM articles WHERE content_hash = ?", (article.content_hash,)).fetchone():
            return "unchanged"
        if self.db.execute("SELECT 1 FROM articles WHERE id = ?", (article.id,)).fetchone():
            return "changed"
        return "new"

    def add_batch(
        self,
        pairs: Sequence[tuple[Article, Sequence[Quote]]],
        *,
        clusters: dict[str, str] | None = None,
        renamed: dict[str, str] | None = None,
        index: IndexState | None = None,
    ) -> BatchResult:
        """Store articles with their quotes in one transaction.

        An article whose content is stored already is skipped; one whose id is
        stored with other content replaces it, old quotes and all. ``clusters``
        maps quote ids to cluster ids, for the quotes of this batch;
        ``renamed`` maps stored cluster ids merged away to the ids that absorbed them;
        ``index`` holds the changes to the deduplicator's index that go with them.
        """
        added = replaced = unchanged = quotes = 0
        self._touched_speakers.clear()
        try:
            self.db.execute("BEGIN IMMEDIATE")
            touched_clusters: set[str] = set()
            for article, found in pairs:
                state = self.article_state(article)
                if state == "unchanged":
                    unchanged += 1
                    continue
                if state == "changed":
                    touched_clusters |= self._delete_article(article.id)
                    replaced += 1
                else:
                    added += 1
                self._insert_article(article)
                for quote in found:
                    quotes += self._insert_quote(quote, article)
                if state == "changed":
                    reattach_reviews(self.db, article)
            touched_clusters |= self._rename(renamed or {})
            grown = self._assign(clusters or {}, touched_clusters)
            if index:
                self._save_index(index)
            self._refresh_speakers()
            self._refresh_clusters(touched_clusters, grown=grown)
            if replaced:
                self._drop_orphans()
            self.db.execute("COMMIT")
        except sqlite3.Error as exc:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            raise StoreError(f"{self.path}: could not store a batch of {len(pairs)} articles ({exc})") from None
        except BaseException:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            raise
        return BatchResult(added=added, replaced=replaced, unchanged=unchanged, quotes=quotes)

    def set_clusters(
        self, clusters: dict[str, str], *, renamed: dict[str, str] | None = None, index: IndexState | None = None
    ) -> None:
        """Assign cluster ids to stored quotes (quote id -> cluster id), in one transaction.

        ``renamed`` and ``index`` are as for :meth:`add_batch`.
        """
        try:
            self.db.execute("BEGIN IMMEDIATE")
            touched = self._rename(renamed or {})
            grown = self._assign(clusters, touched)
            if index:
                self._save_index(index)
            self._refresh_clusters(touched, grown=grown)
            self.db.execute("COMMIT")
        except BaseException:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            raise

    def review(self, quote_id: str, status: ReviewStatus, **decision: str | None) -> Review:
        """Record a reviewer's decision on a quote (an id or a unique prefix of one), in its own transaction.

        ``decision`` holds ``reviewer``, ``note``, ``reason`` (of a rejection) and the
        corrected ``speaker``, ``outlet`` and ``type``; see :mod:`quotes.store.reviews`.
        """
        quote, _, _ = self.quote(quote_id)
        try:
            self.db.execute("BEGIN IMMEDIATE")
            found = add_review(self.db, quote.id, status, **decision)
            self.db.execute("COMMIT")
        except BaseException:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            raise
        return found

    def reviews(self, quote_id: str) -> list[Review]:
        """A quote's review decisions, oldest first."""
        return review_history(self.db, quote_id)

    def save_index(self, changes: Iterable[IndexState]) -> None:
        """Write successive changes to the deduplicator's index in one transaction.

        Each is written before the next is drawn, so one computed from
        :meth:`index_state` sees those before it; an index built from scratch
        is stored whole or not at all.
        """
        try:
            self.db.execute("BEGIN IMMEDIATE")
            for change in changes:
                self._save_index(change)
            self.db.execute("COMMIT")
        except BaseException:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            raise

    def _assign(self, clusters: dict[str, str], changed: set[str]) -> dict[str, list[str]]:
        """Set the quotes' clusters; return the quotes each cluster gained that had none.

        Clusters changed otherwise (a quote moved to or from them) are added to ``changed``.
        """
        grown: dict[str, list[str]] = {}
        for quote_id, cluster_id in clusters.items():
            row = self.db.execute("SELECT cluster_id FROM quotes WHERE id = ?", (quote_id,)).fetchone()
            if row is None or row[0] == cluster_id:
                continue
            if row[0]:  # a quote moving between clusters changes the one it leaves too
                changed |= {row[0], cluster_id}
            else:
                grown.setdefault(cluster_id, []).append(quote_id)
            self.db.execute("UPDATE quotes SET cluster_id = ? WHERE id = ?", (cluster_id, quote_id))
        return grown

    def _rename(self, renamed: dict[str, str]) -> set[str]:
        for old, new in renamed.items():
            self.db.execute("UPDATE quotes SET cluster_id = ? WHERE cluster_id = ?", (new, old))
        return set(renamed) | set(renamed.values())

    def _save_index(self, changes: IndexState) -> None:
        """Write changes to the deduplicator's index; deletions first, since a freed cluster id may be reused."""
        gone = [(n,) for n, c in changes.clusters.items() if c is None]
        self.db.executemany("DELETE FROM dedupe_clusters WHERE number = ?", gone)
        self.db.executemany(
            "INSERT INTO dedupe_clusters (number, cluster_id, speakers, reps, date, repeats) VALUES (?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(number) DO UPDATE SET cluster_id = excluded.cluster_id, speakers = excluded.speakers,"
            " reps = excluded.reps, date = excluded.date, repeats = excluded.repeats",
            [
                (
                    n, c.id, json.dumps(c.speakers, ensure_ascii=False), json.dumps(c.reps, ensure_ascii=False),
                    c.date, json.dumps(c.repeats),
                )
                for n, c in changes.clusters.items()
                if c is not None
            ],
        )
        self.db.executemany("INSERT OR REPLACE INTO dedupe_merged VALUES (?, ?)", changes.merged.items())
        self.db.executemany("DELETE FROM dedupe_texts WHERE digest = ?", [(d,) for d, n in changes.texts.items() if n is None])
        self.db.executemany(
            "INSERT OR REPLACE INTO dedupe_texts VALUES (?, ?)", [(d, n) for d, n in changes.texts.items() if n is not None]
        )
        self.db.executemany(
            "INSERT OR REPLACE INTO dedupe_postings VALUES (?, ?)",
            [(s, None if ns is None else " ".join(map(str, ns))) for s, ns in changes.postings.items()],
        )

    def _delete_article(self, article_id: str) -> set[str]:
        touched = {
            row[0]
            for row in self.db.execute(
                "SELECT DISTINCT cluster_id FROM quotes WHERE article_id = ? AND cluster_id IS NOT NULL", (article_id,)
            )
        }
        self.db.execute("DELETE FROM quotes WHERE article_id = ?", (article_id,))
        self.db.execute("DELETE FROM articles WHERE id = ?", (article_id,))
        return touched

    def _drop_orphans(self) -> None:
        """Speakers and outlets nothing refers to any more, after a replacement."""
        self.db.execute(
            "DELETE FROM speakers WHERE id NOT IN (SELECT speaker_id FROM quotes WHERE speaker_id IS NOT NULL)"
            " AND id NOT IN (SELECT speaker_id FROM clusters WHERE speaker_id IS NOT NULL)"
        )
        self.db.execute(
            "DELETE FROM outlets WHERE id NOT IN (SELECT outlet_id FROM quotes WHERE outlet_id IS NOT NULL)"
            " AND id NOT IN (SELECT outlet_id FROM articles WHERE outlet_id IS NOT NULL)"
            " AND id NOT IN (SELECT first_outlet_id FROM clusters WHERE first_outlet_id IS NOT NULL)"
        )

    def _outlet_id(self, name: str | None) -> int | None:
        if not name or not name.strip():
            return None
        key = outlet_key(name)
        row = self.db.execute(
            "INSERT INTO outlets (key, name) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET key = key RETURNING id",
            (key, " ".join(name.split())),
        ).fetchone()
        return int(row[0])

    def _speaker_id(self, name: str | None, role: str | None) -> int | None:
        if not name or not name.strip():
            return None
        key = self.speaker_key(name)
        if not key:  # "he", "officials": a mention, not a resolved speaker
            return None
        row = self.db.execute(
            "INSERT INTO speakers (key, name, role) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET key = key RETURNING id",
            (key, " ".join(name.split()), role),
        ).fetchone()
        self._touched_speakers.add(int(row[0]))
        return int(row[0])

    def _refresh_speakers(self) -> None:
        """Label each speaker touched by the batch with its most frequent spelling and role.

        Most frequent, not longest: a key can gather a stray description
        ("a document on the Trump campaign's website"), which must not become
        the name shown. All-capital spellings (headlines) come last.
        """
        for speaker_id in sorted(self._touched_speakers):
            names = self.db.execute(
                "SELECT spelling, quotes FROM speaker_spellings WHERE speaker_id = ?"
                " ORDER BY quotes DESC, length(spelling), spelling",
                (speaker_id,),
            ).fetchall()
            if not names:
                continue
            name = min(names, key=lambda r: (r["spelling"].isupper(), -r["quotes"], len(r["spelling"])))["spelling"]
            role = self.db.execute(
                "SELECT role FROM speaker_roles WHERE speaker_id = ? ORDER BY quotes DESC, length(role), role LIMIT 1",
                (speaker_id,),
            ).fetchone()
            self.db.execute(
                "UPDATE speakers SET name = ?, role = ? WHERE id = ?",
                (" ".join(name.split()), role[0] if role else None, speaker_id),
            )
        self._touched_speakers.clear()

    def _insert_article(self, article: Article) -> None:
        seq = self.db.execute("SELECT COALESCE(max(seq), 0) + 1 FROM articles").fetchone()[0]
        self.db.execute(
            "INSERT INTO articles (id, content_hash, title, outlet_id, published, url, path, author, text, ingested_at, seq)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                article.id,
                article.content_hash,
                article.title,
                self._outlet_id(article.outlet),
                article.published,
                article.url,
                article.path,
                article.author,
                article.text,
                _utcnow(),
                seq,
            ),
        )

    def _insert_quote(self, quote: Quote, article: Article) -> int:
        cursor = self.db.execute(
            "INSERT INTO quotes (id, article_id, text, type, cue, speaker, speaker_mention, speaker_role, speaker_id,"
            " outlet, outlet_id, confidence, headline, start, end, content_spans, quoted_spans, cue_span,"
            " speaker_span, rule, resolution, via)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            # The same spans found twice in one article are one quote.
            " ON CONFLICT(id) DO NOTHING",
            (
                quote.id,
                article.id,
                quote.content,
                quote.type,
                quote.cue,
                quote.speaker,
                quote.speaker_mention,
                quote.speaker_role,
                self._speaker_id(quote.speaker, quote.speaker_role),
                quote.outlet,
                self._outlet_id(quote.outlet),
                quote.confidence,
                int(quote.headline),
                quote.start,
                quote.end,
                _spans(quote.content_spans),
                _spans(quote.quoted_spans),
                json.dumps(list(quote.cue_span)) if quote.cue_span else None,
                json.dumps(list(quote.speaker_span)) if quote.speaker_span else None,
                quote.rule,
                quote.resolution,
                chain_text(quote.via) if quote.via else None,
            ),
        )
        if cursor.rowcount:
            self.db.executemany(
                "INSERT INTO via (quote_id, position, role, kind, name, mention, start, end, cue, cue_start, cue_end)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (quote.id, position, link.role, link.kind, link.name, link.mention, *(link.span or (None, None)),
                     link.cue, *(link.cue_span or (None, None)))
                    for position, link in enumerate(quote.via)
                ],
            )
        return cursor.rowcount

    def _refresh_clusters(self, changed: Iterable[str], *, grown: dict[str, list[str]]) -> None:
        """Bring the ``clusters`` rows up to date.

        A cluster that only gained quotes (``grown``: cluster id -> quote ids) is
        updated from those, so a batch costs the same however many appearances
        its clusters already have; one ``changed`` otherwise is recomputed from
        all its members.
        """
        changed = set(changed)
        for cluster_id in sorted(changed | grown.keys()):
            current = self.db.execute("SELECT * FROM clusters WHERE id = ?", (cluster_id,)).fetchone()
            if cluster_id in changed or current is None or current["first_quote_id"] is None:
                self._recompute_cluster(cluster_id)
            else:
                self._grow_cluster(current, grown[cluster_id])

    def _recompute_cluster(self, cluster_id: str) -> None:
        members = self.db.execute(f"{_MEMBERS} WHERE q.cluster_id = ? ORDER BY {_FIRST}", (cluster_id,)).fetchall()
        if not members:
            self.db.execute("DELETE FROM clusters WHERE id = ?", (cluster_id,))
            return
        first = members[0]
        dates = sorted(m["published"] for m in members if m["published"])
        self._write_cluster(
            cluster_id,
            first,
            speaker_id=self._cluster_speaker(cluster_id),
            appearances=len(members),
            articles=len({m["article_id"] for m in members}),
            outlets=len({m["outlet_id"] for m in members if m["outlet_id"] is not None}),
            dates=(dates[0], dates[-1]) if dates else (None, None),
        )

    def _grow_cluster(self, current: sqlite3.Row, added: list[str]) -> None:
        """Update a cluster's row for quotes that joined it, reading only them and what they touch."""
        cluster_id = current["id"]
        new = self.db.execute(
            f"{_MEMBERS} WHERE q.id IN (SELECT value FROM json_each(?)) ORDER BY {_FIRST}", (json.dumps(added),)
        ).fetchall()
        old_first = self.db.execute(f"{_MEMBERS} WHERE q.id = ?", (current["first_quote_id"],)).fetchone()
        first = min(old_first, new[0], key=_first_key)

        def already(column: str, value: Any, added: int) -> bool:
            # More members than the added ones have it: the search stops there, mostly early.
            return self.db.execute(
                "SELECT count(*) FROM (SELECT 1 FROM quotes q JOIN articles a INDEXED BY articles_dating"
                f" ON a.id = q.article_id WHERE q.cluster_id = ? AND {column} = ? LIMIT ?)",
                (cluster_id, value, added + 1),
            ).fetchone()[0] > added

        articles = Counter(m["article_id"] for m in new)
        outlets = Counter(m["outlet_id"] for m in new if m["outlet_id"] is not None)
        dates = [d for d in (current["first_date"], current["last_date"], *(m["published"] for m in new)) if d]
        # Quotes by the cluster's speaker (or by nobody) only confirm it; others may outnumber it now.
        keeps_speaker = all(m["speaker_id"] in (None, current["speaker_id"]) for m in new)
        self._write_cluster(
            cluster_id,
            first,
            speaker_id=current["speaker_id"] if keeps_speaker else self._cluster_speaker(cluster_id),
            appearances=current["appearances"] + len(new),
            articles=current["articles"] + sum(not already("q.article_id", a, n) for a, n in articles.items()),
            outlets=current["outlets"] + sum(not already("a.outlet_id", o, n) for o, n in outlets.items()),
            dates=(min(dates), max(dates)) if dates else (None, None),
        )

    def _cluster_speaker(self, cluster_id: str) -> int | None:
        """The speaker of most members; on a tie, the one who appeared first."""
        counts = self.db.execute(
            "SELECT speaker_id, count(*) AS n FROM quotes WHERE cluster_id = ? AND speaker_id IS NOT NULL"
            " GROUP BY speaker_id ORDER BY n DESC",
            (cluster_id,),
        ).fetchall()
        tied = [r["speaker_id"] for r in counts if r["n"] == counts[0]["n"]]
        if len(tied) < 2:
            return tied[0] if tied else None
        return self.db.execute(
            f"{_MEMBERS} WHERE q.cluster_id = ? AND q.speaker_id IN (SELECT value FROM json_each(?)) ORDER BY {_FIRST} LIMIT 1",
            (cluster_id, json.dumps(tied)),
        ).fetchone()["speaker_id"]

    def _write_cluster(
        self, cluster_id: str, first: sqlite3.Row, *, speaker_id: int | None, appearances: int, articles: int,
        outlets: int, dates: tuple[str | None, str | None],
    ) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO clusters (id, text, speaker_id, appearances, articles, outlets, first_quote_id,"
            " first_article_id, first_outlet_id, first_date, last_date) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (cluster_id, first["text"], speaker_id, appearances, articles, outlets, first["id"], first["article_id"],
             first["outlet_id"], *dates),
        )

    def rebuild_fts(self) -> None:
        """Rebuild the full-text index from the quotes table (after a VACUUM, say)."""
        self.db.execute("INSERT INTO quotes_fts(quotes_fts) VALUES ('rebuild')")

    # -- reading -----------------------------------------------------------

    def stored_quotes(
        self, *, clustered: bool | None = None, page: int = 256
    ) -> Iterator[tuple[Quote, str | None, Article]]:
        """Stored quotes with their cluster ids and articles (without text), oldest first; chains are not read.

        Read ``page`` articles at a time, so the caller may write between pages
        and memory holds one page. ``clustered`` keeps only the quotes with
        (True) or without (False) a cluster.
        """
        # "+": SQLite must go through the page's articles, not scan every quote with(out) a cluster.
        only = {None: "", True: " AND +q.cluster_id IS NOT NULL", False: " AND +q.cluster_id IS NULL"}[clustered]
        after = 0
        while True:
            seqs = [r[0] for r in self.db.execute("SELECT seq FROM articles WHERE seq > ? ORDER BY seq LIMIT ?", (after, page))]
            if not seqs:
                return
            rows = self.db.execute(
                f"{_QUOTE_WITH_ARTICLE} WHERE a.seq > ? AND a.seq <= ?{only} ORDER BY a.seq, q.start", (after, seqs[-1])
            ).fetchall()
            after = seqs[-1]
            for row in rows:
                yield _quote_from_row(row), row["cluster_id"], _article_from_row(row, prefix="a_")

    def cluster_quotes(self, cluster_ids: Iterable[str]) -> Iterator[tuple[Quote, str, Article]]:
        """The member quotes of these clusters, with their articles (without text), oldest first; chains are not read."""
        rows = self.db.execute(
            f"{_QUOTE_WITH_ARTICLE} WHERE q.cluster_id IN (SELECT value FROM json_each(?)) ORDER BY a.seq, q.start",
            (json.dumps(sorted(set(cluster_ids))),),
        )
        for row in rows:
            yield _quote_from_row(row), row["cluster_id"], _article_from_row(row, prefix="a_")

    def article_clusters(self, article_ids: Iterable[str]) -> set[str]:
        """The clusters the quotes of these articles are in."""
        rows = self.db.execute(
            "SELECT DISTINCT cluster_id FROM quotes WHERE article_id IN (SELECT value FROM json_each(?))"
            " AND cluster_id IS NOT NULL",
            (json.dumps(list(article_ids)),),
        )
        return {r[0] for r in rows}

    def index_state(
        self, *, texts: Collection[int] = (), shingles: Collection[int] = (), clusters: Collection[str] = ()
    ) -> IndexState:
        """The part of the deduplicator's index that these text digests, shingles and cluster ids lead to.

        Numbers merged away are followed to the numbers that absorbed them, and
        the clusters named by id are read (the others when :meth:`indexed_clusters`
        is asked); the state also tells the next cluster number (see :mod:`quotes.dedupe`).
        """

        def rows(sql: str, keys: Iterable[Any]) -> list[sqlite3.Row]:
            # One JSON array parameter however many keys (SQLite caps the number of parameters).
            return self.db.execute(f"{sql} IN (SELECT value FROM json_each(?))", (json.dumps(list(keys)),)).fetchall()

        found_texts = {d: n for d, n in rows("SELECT digest, number FROM dedupe_texts WHERE digest", texts)}
        postings = {
            shingle: None if numbers is None else tuple(map(int, numbers.split()))
            for shingle, numbers in rows("SELECT shingle, numbers FROM dedupe_postings WHERE shingle", shingles)
        }
        merged: dict[int, int] = {}
        wanted = {*found_texts.values(), *(n for numbers in postings.values() if numbers for n in numbers)}
        while wanted := wanted - merged.keys():
            links = dict(rows("SELECT number, merged_into FROM dedupe_merged WHERE number", wanted))
            merged.update(links)
            wanted = set(links.values())
        live: dict[int, IndexedCluster | None] = {
            r["number"]: _indexed_cluster(r) for r in rows(f"{_SELECT_INDEXED} WHERE cluster_id", clusters)
        }
        next_number = self.db.execute(
            "SELECT max(COALESCE((SELECT max(number) FROM dedupe_clusters), -1),"
            " COALESCE((SELECT max(number) FROM dedupe_merged), -1)) + 1"
        ).fetchone()[0]
        return IndexState(live, merged, found_texts, postings, next_number)

    def indexed_clusters(self, numbers: Collection[int]) -> dict[int, IndexedCluster]:
        """The clusters of the deduplicator's index with these numbers (those merged away or gone have none)."""
        rows = self.db.execute(f"{_SELECT_INDEXED} WHERE number IN (SELECT value FROM json_each(?))", (json.dumps(list(numbers)),))
        return {r["number"]: _indexed_cluster(r) for r in rows}

    def index_missing(self) -> bool:
        """Whether quotes are clustered but the deduplicator's index is not kept (a store from before schema 3)."""
        return (
            self.db.execute("SELECT 1 FROM dedupe_clusters LIMIT 1").fetchone() is None
            and self.db.execute("SELECT 1 FROM quotes WHERE cluster_id IS NOT NULL LIMIT 1").fetchone() is not None
        )

# A cluster's members, dated by their articles: from the articles_dating index, since the
# planner would otherwise take the primary key and read article rows, text and all.
_MEMBERS = (
    "SELECT q.id, q.text, q.speaker_id, q.article_id, q.start, a.outlet_id, a.published, a.seq"
    " FROM quotes q JOIN articles a INDEXED BY articles_dating ON a.id = q.article_id"
)
# Earliest first: dated before undated, then the order articles were stored in.
_FIRST = "a.published IS NULL, a.published, a.seq, q.start"


def _first_key(member: sqlite3.Row) -> tuple[bool, str, int, int]:
    """_FIRST as a Python sort key."""
    return (member["published"] is None, member["published"] or "", member["seq"], member["start"])


# A quote with its article's fields as a_*, for _quote_from_row and _article_from_row(prefix="a_").
_QUOTE_WITH_ARTICLE = (
    "SELECT q.*, a.id AS a_id, '' AS a_text, a.title AS a_title, ao.name AS a_outlet,"
    " a.published AS a_published, a.url AS a_url, a.path AS a_path, a.author AS a_author"
    " FROM quotes q JOIN articles a ON a.id = q.article_id LEFT JOIN outlets ao ON ao.id = a.outlet_id"
)


_SELECT_INDEXED = "SELECT number, cluster_id, speakers, reps, date, repeats FROM dedupe_clusters"


def _indexed_cluster(row: sqlite3.Row) -> IndexedCluster:
    speakers, reps = json.loads(row["speakers"]), json.loads(row["reps"])
    return IndexedCluster(
        row["number"], row["cluster_id"], tuple(speakers), tuple(_indexed_rep(*rep) for rep in reps),
        row["date"], tuple(json.loads(row["repeats"])),
    )


def _indexed_rep(norm: str, speaker: str | None, name: bool = False) -> tuple[str, str | None, bool]:
    # a store written before names were told apart holds (match text, speaker key)
    return norm, speaker, bool(name)
