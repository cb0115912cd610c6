"""The store's read side: flat quote rows, filters, speakers, clusters, one quote in its article.

:class:`quotes.store.Store` takes these methods from :class:`QuoteQueries`; they
read the connection ``self.db`` only.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from quotes.errors import StoreError
from quotes.records import Appearance, Article, Link, Quote, Variant
from quotes.variants import variants


@dataclass(frozen=True, slots=True)
class Filters:
    """What `search`, `export` and `speakers` narrow quotes down by; ``None`` means any."""

    text: str | None = None  # full-text query over quote text
    speaker: str | None = None  # part of the speaker's name, any case
    outlet: str | None = None  # part of the article's or the quote's outlet name
    via: str | None = None  # part of the name of any link of the quote's relay chain
    since: str | None = None  # ISO date, inclusive, on the article's date
    until: str | None = None  # ISO date, inclusive
    type: str | None = None  # direct, indirect or mixed
    cluster: str | None = None  # a cluster id
    status: str | None = None  # review status: unreviewed, verified, rejected or corrected
    article: str | None = None  # an article id
    speaker_id: int | None = None  # a speaker row (as detected)
    max_confidence: float | None = None  # only quotes the resolver is at most this sure of
    outdated: bool = False  # only quotes whose decision was made on an earlier version of the article


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


class QuoteQueries:
    """Reading quotes back: what search, show, export, speakers, clusters and the review pages ask."""

    db: sqlite3.Connection
    path: str

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
        via = self.db.execute("SELECT * FROM via WHERE quote_id = ? ORDER BY position", (row["id"],)).fetchall()
        return _quote_from_row(row, via), self._with_changes(dict(flat), {}), article

    def _where(self, filters: Filters) -> tuple[list[str], list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        if filters.speaker:
            clauses.append("(r.speaker LIKE ? OR r.quote_id IN (SELECT id FROM quotes WHERE speaker LIKE ?))")
            params += [f"%{filters.speaker}%"] * 2
        if filters.outlet:
            clauses.append("(r.article_outlet LIKE ? OR r.quote_outlet LIKE ?)")
            params += [f"%{filters.outlet}%"] * 2
        if filters.via:
            clauses.append("r.quote_id IN (SELECT quote_id FROM via WHERE name LIKE ? OR mention LIKE ?)")
            params += [f"%{filters.via}%"] * 2
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
        for column, value in (("review_status", filters.status), ("article_id", filters.article), ("speaker_id", filters.speaker_id)):
            if value is not None:
                clauses.append(f"r.{column} = ?")
                params.append(value)
        if filters.max_confidence is not None:
            clauses.append("r.confidence <= ?")
            params.append(filters.max_confidence)
        if filters.outdated:
            clauses.append("r.review_outdated = 1")
        return clauses, params

    def rows(
        self, filters: Filters = Filters(), *, limit: int | None = None, offset: int = 0, least_sure_first: bool = False
    ) -> Iterator[dict[str, Any]]:
        """Quotes as flat rows (the ``quote_rows`` view), best match first when searching text.

        In date order otherwise, or with ``least_sure_first`` by the resolver's confidence,
        lowest first (a review queue).

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
        if least_sure_first:
            order = f"r.confidence, {order}"
        sql += f" ORDER BY {order}"
        if limit is not None or offset:
            sql += " LIMIT ? OFFSET ?"
            params += [-1 if limit is None else limit, offset]
        try:
            cursor = self.db.execute(sql, params)
        except sqlite3.OperationalError as exc:
            raise StoreError(f"cannot search for {filters.text!r} ({exc})") from None
        changes_by_cluster: dict[str, dict[str, list[dict[str, str]]]] = {}
        for row in cursor:
            data = dict(row)
            for flag in ("first_appearance", "review_outdated"):
                if data[flag] is not None:
                    data[flag] = bool(data[flag])
            yield self._with_changes(data, changes_by_cluster)

    def _with_changes(self, row: dict[str, Any], known: dict[str, dict[str, list[dict[str, str]]]]) -> dict[str, Any]:
        changes = self._changes_in(row, known)
        row["differs_from_first"] = bool(changes)
        row["changes"] = json.dumps(changes, ensure_ascii=False) if changes else None
        return row

    def variants(self, cluster_id: str) -> tuple[Variant, ...]:
        """The wordings of a stored cluster, the first appearance's first (see :mod:`quotes.variants`)."""
        members = self.db.execute(
            "SELECT quote_id, article_id, article_outlet, date, quote, first_appearance FROM quote_rows"
            " WHERE cluster_id = ? ORDER BY first_appearance DESC, date IS NULL, date, article_seq, start",
            [cluster_id],
        ).fetchall()
        return variants(
            [Appearance(m["quote_id"], article_id=m["article_id"], outlet=m["article_outlet"], date=m["date"], text=m["quote"]) for m in members]
        )

    def _changes_in(self, row: dict[str, Any], known: dict[str, dict[str, list[dict[str, str]]]]) -> list[dict[str, str]]:
        """A row's word changes against its cluster's first appearance, each cluster worked out once."""
        cluster_id = row.get("cluster_id")
        if not cluster_id or (row.get("cluster_size") or 0) < 2:
            return []
        if cluster_id not in known:
            if len(known) > 10_000:  # rows come in date order, not by cluster: keep the memory bounded
                known.clear()
            known[cluster_id] = {
                quote_id: [{"first": c.first, "this": c.this} for c in v.changes] for v in self.variants(cluster_id) for quote_id in v.ids
            }
        return known[cluster_id].get(row["quote_id"], [])

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
            "SELECT c.*, s.name AS speaker, o.name AS first_outlet,"
            " (SELECT d.repeats FROM dedupe_clusters d WHERE d.cluster_id = c.id) AS repeats FROM clusters c"
            " LEFT JOIN speakers s ON s.id = c.speaker_id LEFT JOIN outlets o ON o.id = c.first_outlet_id"
            f" WHERE {' AND '.join(clauses)} ORDER BY {order}" + (" LIMIT ?" if limit is not None else "")
        )
        found = [dict(r) for r in self.db.execute(sql, [*params, *([limit] if limit is not None else [])])]
        for cluster in found:  # the clusters of the same words on other occasions (quotes.dedupe)
            cluster["repeats"] = json.loads(cluster["repeats"] or "[]")
        return found

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


def _quote_from_row(row: sqlite3.Row, via: Sequence[sqlite3.Row] = ()) -> Quote:
    def span(value: str | None) -> tuple[int, int] | None:
        return tuple(json.loads(value)) if value else None  # type: ignore[return-value]

    def pair(start: int | None, end: int | None) -> tuple[int, int] | None:
        return None if start is None or end is None else (start, end)

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
        via=tuple(
            Link(
                name=link["name"],
                kind=link["kind"],
                role=link["role"],
                mention=link["mention"],
                span=pair(link["start"], link["end"]),
                cue=link["cue"],
                cue_span=pair(link["cue_start"], link["cue_end"]),
            )
            for link in via
        ),
    )
