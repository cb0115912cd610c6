"""The quote store: one SQLite file of articles, quotes, speakers, outlets and clusters.

This is the only module that writes SQL. The schema is documented in
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
import re
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal

from quotes.errors import StoreError
from quotes.records import Article, Quote

DEFAULT_DB = "quotes.db"

ArticleState = Literal["new", "changed", "unchanged"]
KeyFunction = Callable[[str], str | None]

# The flat, documented row of `quotes export`: one quote with its article, speaker and cluster.
EXPORT_COLUMNS = (
    "quote_id",
    "article_id",
    "article_title",
    "article_outlet",
    "date",
    "url",
    "speaker",
    "speaker_role",
    "quote_outlet",
    "type",
    "cue",
    "quote",
    "cluster_id",
    "cluster_size",
    "first_appearance",
    "first_date",
    "first_outlet",
)

_SCHEMA_1 = """
CREATE TABLE outlets (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);

CREATE TABLE speakers (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    role TEXT
);

CREATE TABLE articles (
    id TEXT PRIMARY KEY,
    content_hash TEXT NOT NULL UNIQUE,
    title TEXT,
    outlet_id INTEGER REFERENCES outlets(id),
    published TEXT,
    url TEXT,
    path TEXT,
    author TEXT,
    text TEXT NOT NULL,
    ingested_at TEXT NOT NULL,
    seq INTEGER NOT NULL
);
CREATE INDEX articles_outlet ON articles(outlet_id);
CREATE INDEX articles_published ON articles(published);

CREATE TABLE clusters (
    id TEXT PRIMARY KEY,
    text TEXT NOT NULL,
    speaker_id INTEGER REFERENCES speakers(id),
    appearances INTEGER NOT NULL,
    articles INTEGER NOT NULL,
    outlets INTEGER NOT NULL,
    first_quote_id TEXT REFERENCES quotes(id) ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED,
    first_article_id TEXT REFERENCES articles(id) ON DELETE SET NULL,
    first_outlet_id INTEGER REFERENCES outlets(id),
    first_date TEXT,
    last_date TEXT
);

CREATE TABLE quotes (
    id TEXT PRIMARY KEY,
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    text TEXT NOT NULL,
    type TEXT NOT NULL CHECK (type IN ('direct', 'indirect', 'mixed')),
    cue TEXT,
    speaker TEXT,
    speaker_mention TEXT,
    speaker_role TEXT,
    speaker_id INTEGER REFERENCES speakers(id),
    outlet TEXT,
    outlet_id INTEGER REFERENCES outlets(id),
    confidence REAL NOT NULL,
    headline INTEGER NOT NULL DEFAULT 0,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    content_spans TEXT NOT NULL,
    quoted_spans TEXT NOT NULL,
    cue_span TEXT,
    speaker_span TEXT,
    rule TEXT NOT NULL,
    resolution TEXT NOT NULL,
    cluster_id TEXT REFERENCES clusters(id) DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX quotes_article ON quotes(article_id);
CREATE INDEX quotes_speaker ON quotes(speaker_id);
CREATE INDEX quotes_outlet ON quotes(outlet_id);
CREATE INDEX quotes_cluster ON quotes(cluster_id);

-- Full-text search over quote text. content="quotes" keeps one copy of the
-- text (in quotes) and lets Datasette find the index on its own.
CREATE VIRTUAL TABLE quotes_fts USING fts5(
    text, content="quotes", content_rowid="rowid", tokenize="unicode61 remove_diacritics 2"
);
CREATE TRIGGER quotes_fts_insert AFTER INSERT ON quotes BEGIN
    INSERT INTO quotes_fts(rowid, text) VALUES (new.rowid, new.text);
END;
CREATE TRIGGER quotes_fts_delete AFTER DELETE ON quotes BEGIN
    INSERT INTO quotes_fts(quotes_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
END;
CREATE TRIGGER quotes_fts_update AFTER UPDATE OF text ON quotes BEGIN
    INSERT INTO quotes_fts(quotes_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
    INSERT INTO quotes_fts(rowid, text) VALUES (new.rowid, new.text);
END;

-- One row per quote, flat: what `quotes export` writes and Datasette users browse.
CREATE VIEW quote_rows AS
SELECT
    q.id AS quote_id,
    q.rowid AS quote_rowid,
    a.id AS article_id,
    a.title AS article_title,
    ao.name AS article_outlet,
    a.published AS date,
    a.url AS url,
    COALESCE(s.name, q.speaker) AS speaker,
    q.speaker_role AS speaker_role,
    qo.name AS quote_outlet,
    q.type AS type,
    q.cue AS cue,
    q.text AS quote,
    q.cluster_id AS cluster_id,
    c.appearances AS cluster_size,
    CASE WHEN c.id IS NULL THEN NULL ELSE c.first_quote_id = q.id END AS first_appearance,
    c.first_date AS first_date,
    fo.name AS first_outlet,
    q.speaker_id AS speaker_id,
    q.speaker_mention AS speaker_mention,
    q.confidence AS confidence,
    q.headline AS headline,
    a.seq AS article_seq,
    q.start AS start
FROM quotes q
JOIN articles a ON a.id = q.article_id
LEFT JOIN outlets ao ON ao.id = a.outlet_id
LEFT JOIN speakers s ON s.id = q.speaker_id
LEFT JOIN outlets qo ON qo.id = q.outlet_id
LEFT JOIN clusters c ON c.id = q.cluster_id
LEFT JOIN outlets fo ON fo.id = c.first_outlet_id;
"""

# (version, name, script). Append only: a released migration never changes.
# Each article insert numbers it with max(seq) + 1: without an index that scans the whole
# table, and long ingests grow quadratic.
_SCHEMA_2 = """
CREATE INDEX articles_seq ON articles(seq);
"""

MIGRATIONS: tuple[tuple[int, str, str], ...] = (
    (1, "articles, quotes, speakers, outlets, clusters, fts", _SCHEMA_1),
    (2, "index on article numbers", _SCHEMA_2),
)
SCHEMA_VERSION = len(MIGRATIONS)


@dataclass(frozen=True, slots=True)
class Filters:
    """What `search`, `export` and `speakers` narrow quotes down by; ``None`` means any."""

    text: str | None = None  # full-text query over quote text
    speaker: str | None = None  # part of the speaker's name, any case
    outlet: str | None = None  # part of the article's or the quote's outlet name
    since: str | None = None  # ISO date, inclusive, on the article's date
    until: str | None = None  # ISO date, inclusive
    type: str | None = None  # direct, indirect or mixed
    cluster: str | None = None  # a cluster id


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


def fts_query(text: str) -> str:
    """A user's search words as a safe FTS5 query: every word must occur, "phrases" kept.

    FTS5 gives punctuation meaning (``-``, ``:``, ``*``), so "Jong-un" typed
    bare would be a syntax error; each word is quoted instead. A trailing
    ``*`` is kept as a prefix search.
    """
    terms = []
    for match in re.finditer(r'"([^"]*)"|(\S+)', text):
        phrase, word = match.group(1), match.group(2)
        if phrase is not None:
            if phrase.strip():
                terms.append('"' + phrase.replace('"', "") + '"')
            continue
        prefix = word.endswith("*") and len(word) > 1
        word = word.rstrip("*").replace('"', "")
        if word:
            terms.append(f'"{word}"' + ("*" if prefix else ""))
    return " ".join(terms)


def _utcnow() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def _spans(spans: Iterable[tuple[int, int]] | None) -> str:
    return json.dumps([list(s) for s in spans or ()])


class Store:
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
    ) -> BatchResult:
        """Store articles with their quotes in one transaction.

        An article whose content is stored already is skipped; one whose id is
        stored with other content replaces it, old quotes and all. ``clusters``
        maps quote ids to cluster ids, for the quotes of this batch;
        ``renamed`` maps stored cluster ids merged away to the ids that absorbed them.
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
            touched_clusters |= self._rename(renamed or {})
            if clusters:
                touched_clusters |= self._assign(clusters)
            self._refresh_speakers()
            self._refresh_clusters(touched_clusters)
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

    def set_clusters(self, clusters: dict[str, str], *, renamed: dict[str, str] | None = None) -> None:
        """Assign cluster ids to stored quotes (quote id -> cluster id), in one transaction."""
        try:
            self.db.execute("BEGIN IMMEDIATE")
            touched = self._rename(renamed or {})
            self._refresh_clusters(touched | self._assign(clusters))
            self.db.execute("COMMIT")
        except BaseException:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            raise

    def _assign(self, clusters: dict[str, str]) -> set[str]:
        touched = set(clusters.values())
        for quote_id, cluster_id in clusters.items():
            # A quote moving between clusters changes the one it leaves too.
            row = self.db.execute("SELECT cluster_id FROM quotes WHERE id = ?", (quote_id,)).fetchone()
            if row is None or row[0] == cluster_id:
                continue
            if row[0]:
                touched.add(row[0])
            self.db.execute("UPDATE quotes SET cluster_id = ? WHERE id = ?", (cluster_id, quote_id))
        return touched

    def _rename(self, renamed: dict[str, str]) -> set[str]:
        for old, new in renamed.items():
            self.db.execute("UPDATE quotes SET cluster_id = ? WHERE cluster_id = ?", (new, old))
        return set(renamed) | set(renamed.values())

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
                "SELECT speaker, count(*) AS n FROM quotes WHERE speaker_id = ? GROUP BY speaker"
                " ORDER BY n DESC, length(speaker), speaker",
                (speaker_id,),
            ).fetchall()
            if not names:
                continue
            name = min(names, key=lambda r: (r["speaker"].isupper(), -r["n"], len(r["speaker"])))["speaker"]
            role = self.db.execute(
                "SELECT speaker_role FROM quotes WHERE speaker_id = ? AND speaker_role IS NOT NULL"
                " GROUP BY speaker_role ORDER BY count(*) DESC, length(speaker_role) LIMIT 1",
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
            " speaker_span, rule, resolution)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
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
            ),
        )
        return cursor.rowcount

    def _refresh_clusters(self, cluster_ids: Iterable[str]) -> None:
        """Recompute the ``clusters`` rows of ``cluster_ids`` from their member quotes."""
        for cluster_id in sorted(set(cluster_ids)):
            members = self.db.execute(
                "SELECT q.id, q.text, q.speaker_id, q.article_id, a.outlet_id, a.published"
                " FROM quotes q JOIN articles a ON a.id = q.article_id WHERE q.cluster_id = ?"
                # Earliest first: dated before undated, then the order articles were stored in.
                " ORDER BY a.published IS NULL, a.published, a.seq, q.start",
                (cluster_id,),
            ).fetchall()
            self.db.execute("DELETE FROM clusters WHERE id = ?", (cluster_id,))
            if not members:
                continue
            first = members[0]
            speakers = Counter(m["speaker_id"] for m in members if m["speaker_id"] is not None)
            dates = sorted(m["published"] for m in members if m["published"])
            self.db.execute(
                "INSERT INTO clusters (id, text, speaker_id, appearances, articles, outlets, first_quote_id,"
                " first_article_id, first_outlet_id, first_date, last_date) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    cluster_id,
                    first["text"],
                    speakers.most_common(1)[0][0] if speakers else None,
                    len(members),
                    len({m["article_id"] for m in members}),
                    len({m["outlet_id"] for m in members if m["outlet_id"] is not None}),
                    first["id"],
                    first["article_id"],
                    first["outlet_id"],
                    dates[0] if dates else None,
                    dates[-1] if dates else None,
                ),
            )

    def rebuild_fts(self) -> None:
        """Rebuild the full-text index from the quotes table (after a VACUUM, say)."""
        self.db.execute("INSERT INTO quotes_fts(quotes_fts) VALUES ('rebuild')")

    # -- reading -----------------------------------------------------------

    def stored_quotes(self) -> Iterator[tuple[Quote, str | None, Article]]:
        """Every stored quote with its cluster id and article (without text), oldest first.

        What an incremental cluster index is rebuilt from.
        """
        rows = self.db.execute(
            "SELECT q.*, a.id AS a_id, '' AS a_text, a.title AS a_title, ao.name AS a_outlet,"
            " a.published AS a_published, a.url AS a_url, a.path AS a_path, a.author AS a_author"
            " FROM quotes q JOIN articles a ON a.id = q.article_id"
            " LEFT JOIN outlets ao ON ao.id = a.outlet_id ORDER BY a.seq, q.start"
        )
        for row in rows:
            yield _quote_from_row(row), row["cluster_id"], _article_from_row(row, prefix="a_")

    def article(self, article_id: str) -> Article | None:
        row = self.db.execute(
            "SELECT a.*, o.name AS outlet FROM articles a LEFT JOIN outlets o ON o.id = a.outlet_id WHERE a.id = ?",
            (article_id,),
        ).fetchone()
        if row is None:
            return None
        return _article_from_row(row)

    def quote(self, quote_id: str) -> tuple[Quote, dict[str, Any], Article]:
        """A quote by id (or a unique prefix of one), with its flat row and its article."""
        prefix = quote_id.strip().lower()
        rows = self.db.execute(
            "SELECT * FROM quotes WHERE id >= ? AND id < ? LIMIT 2", (prefix, prefix + "\uffff")
        ).fetchall()
        if not rows:
            raise StoreError(f"{self.path}: no quote with id {quote_id!r}; `quotes search` lists ids")
        if len(rows) > 1 and rows[0]["id"] != prefix:
            raise StoreError(f"{self.path}: more than one quote id starts with {quote_id!r}; give more of it")
        row = rows[0]
        flat = self.db.execute("SELECT * FROM quote_rows WHERE quote_id = ?", (row["id"],)).fetchone()
        article = self.article(row["article_id"])
        assert article is not None  # quotes.article_id is a foreign key
        return _quote_from_row(row), dict(flat), article

    def _where(self, filters: Filters) -> tuple[list[str], list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        if filters.speaker:
            clauses.append("(r.speaker LIKE ? OR r.quote_id IN (SELECT id FROM quotes WHERE speaker LIKE ?))")
            params += [f"%{filters.speaker}%"] * 2
        if filters.outlet:
            clauses.append("(r.article_outlet LIKE ? OR r.quote_outlet LIKE ?)")
            params += [f"%{filters.outlet}%"] * 2
        if filters.since:
            # Dates are ISO strings; comparing the date part keeps "2018-10-08T06:10" in 2018-10-08.
            clauses.append("substr(r.date, 1, 10) >= ?")
            params.append(filters.since)
        if filters.until:
            # Compared at the precision given: --until 2018 takes in all of 2018.
            clauses.append("substr(r.date, 1, length(?)) <= ?")
            params += [filters.until, filters.until]
        if filters.type:
            clauses.append("r.type = ?")
            params.append(filters.type)
        if filters.cluster:
            clauses.append("r.cluster_id = ?")
            params.append(filters.cluster)
        return clauses, params

    def rows(self, filters: Filters = Filters(), *, limit: int | None = None) -> Iterator[dict[str, Any]]:
        """Quotes as flat rows (the ``quote_rows`` view), best match first when searching text.

        Each row has the :data:`EXPORT_COLUMNS` plus ``highlighted`` (the quote
        with matched words between ``\\x01`` and ``\\x02``) and a few more.
        """
        clauses, params = self._where(filters)
        if filters.text:
            query = fts_query(filters.text)
            if not query:
                return
            sql = (
                "SELECT r.*, highlight(quotes_fts, 0, char(1), char(2)) AS highlighted FROM quote_rows r"
                " JOIN quotes_fts ON quotes_fts.rowid = r.quote_rowid WHERE quotes_fts MATCH ?"
            )
            params.insert(0, query)
            order = "quotes_fts.rank, r.article_seq, r.start"
            sql += "".join(f" AND {c}" for c in clauses)
        else:
            sql = "SELECT r.*, r.quote AS highlighted FROM quote_rows r"
            sql += (" WHERE " + " AND ".join(clauses)) if clauses else ""
            order = "r.date IS NULL, r.date, r.article_seq, r.start"
        sql += f" ORDER BY {order}"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        try:
            cursor = self.db.execute(sql, params)
        except sqlite3.OperationalError as exc:
            raise StoreError(f"cannot search for {filters.text!r} ({exc})") from None
        for row in cursor:
            data = dict(row)
            if data["first_appearance"] is not None:
                data["first_appearance"] = bool(data["first_appearance"])
            yield data

    def speakers(self, filters: Filters = Filters(), *, limit: int | None = 20) -> list[dict[str, Any]]:
        """Speakers by number of quotes, with the outlets that quoted them (most first)."""
        clauses, params = self._where(filters)
        where = " AND ".join(["r.speaker_id IS NOT NULL", *clauses])
        ranked = self.db.execute(
            f"SELECT r.speaker_id, r.speaker, count(*) AS quotes, count(DISTINCT r.article_id) AS articles,"
            f" sum(r.type = 'direct') AS direct, max(s.role) AS role FROM quote_rows r"
            f" LEFT JOIN speakers s ON s.id = r.speaker_id WHERE {where}"
            f" GROUP BY r.speaker_id ORDER BY quotes DESC, articles DESC, r.speaker"
            + (" LIMIT ?" if limit is not None else ""),
            [*params, *([limit] if limit is not None else [])],
        ).fetchall()
        result = []
        for row in ranked:
            outlets = self.db.execute(
                f"SELECT COALESCE(r.article_outlet, r.quote_outlet) AS outlet, count(*) AS n FROM quote_rows r"
                f" WHERE {where} AND r.speaker_id = ?"
                f" AND COALESCE(r.article_outlet, r.quote_outlet) IS NOT NULL GROUP BY 1 ORDER BY n DESC, 1",
                [*params, row["speaker_id"]],
            ).fetchall()
            result.append({**dict(row), "outlets": [(o["outlet"], o["n"]) for o in outlets]})
        return result

    def clusters(
        self,
        *,
        sort: Literal["size", "spread"] = "size",
        limit: int | None = 20,
        min_size: int = 1,
        speaker: str | None = None,
    ) -> list[dict[str, Any]]:
        """Clusters, largest (most appearances) or most widespread (most outlets) first."""
        order = {
            "size": "c.appearances DESC, c.outlets DESC, c.first_date",
            "spread": "c.outlets DESC, c.articles DESC, c.appearances DESC, c.first_date",
        }[sort]
        clauses, params = ["c.appearances >= ?"], [min_size]
        if speaker:
            clauses.append("s.name LIKE ?")
            params.append(f"%{speaker}%")
        sql = (
            "SELECT c.*, s.name AS speaker, o.name AS first_outlet FROM clusters c"
            " LEFT JOIN speakers s ON s.id = c.speaker_id LEFT JOIN outlets o ON o.id = c.first_outlet_id"
            f" WHERE {' AND '.join(clauses)} ORDER BY {order}" + (" LIMIT ?" if limit is not None else "")
        )
        return [dict(r) for r in self.db.execute(sql, [*params, *([limit] if limit is not None else [])])]

    def summary(self) -> dict[str, Any]:
        """Counts of everything stored, for the end of an ingest and `make demo`."""
        one = lambda sql: self.db.execute(sql).fetchone()[0]  # noqa: E731
        return {
            "articles": one("SELECT count(*) FROM articles"),
            "quotes": one("SELECT count(*) FROM quotes"),
            "direct": one("SELECT count(*) FROM quotes WHERE type = 'direct'"),
            "indirect": one("SELECT count(*) FROM quotes WHERE type = 'indirect'"),
            "mixed": one("SELECT count(*) FROM quotes WHERE type = 'mixed'"),
            "attributed": one("SELECT count(*) FROM quotes WHERE speaker_id IS NOT NULL"),
            "speakers": one("SELECT count(*) FROM speakers"),
            "outlets": one("SELECT count(*) FROM outlets"),
            "clusters": one("SELECT count(*) FROM clusters"),
            "repeated": one("SELECT count(*) FROM clusters WHERE appearances > 1"),
            "schema_version": self.version,
        }


def _article_from_row(row: sqlite3.Row, *, prefix: str = "") -> Article:
    """An Article from a row whose article columns carry ``prefix`` (a_title, a_url, ...)."""
    fields = ("id", "text", "title", "outlet", "published", "url", "path", "author")
    return Article(**{name: row[prefix + name] for name in fields})


def _quote_from_row(row: sqlite3.Row) -> Quote:
    def span(value: str | None) -> tuple[int, int] | None:
        return tuple(json.loads(value)) if value else None  # type: ignore[return-value]

    return Quote(
        article_id=row["article_id"],
        content=row["text"],
        content_spans=tuple(tuple(s) for s in json.loads(row["content_spans"])),  # type: ignore[misc]
        type=row["type"],
        cue=row["cue"],
        cue_span=span(row["cue_span"]),
        speaker_mention=row["speaker_mention"],
        speaker_span=span(row["speaker_span"]),
        speaker=row["speaker"],
        speaker_role=row["speaker_role"],
        outlet=row["outlet"],
        confidence=row["confidence"],
        quoted_spans=tuple(tuple(s) for s in json.loads(row["quoted_spans"])),  # type: ignore[misc]
        rule=row["rule"],
        resolution=row["resolution"],
        headline=bool(row["headline"]),
    )
