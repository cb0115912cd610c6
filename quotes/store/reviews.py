"""Reviewers' decisions on stored quotes: verify, reject, correct; kept with their history.

A decision is a row of ``reviews`` and is never updated; the latest row of a
quote is its state, carrying the corrections made before it. The flat rows
(``quote_rows``) apply it: a corrected speaker, outlet or type replaces the
detected one, which is kept in ``*_detected``.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone

from quotes.errors import StoreError
from quotes.records import QUOTE_TYPES, Article, RejectReason, Review, ReviewStatus

_COLUMNS = "quote_id, article_id, content_hash, quote, status, reason, speaker, outlet, type, note, reviewer, reviewed_at"


def add_review(
    db: sqlite3.Connection,
    quote_id: str,
    status: ReviewStatus,
    *,
    reviewer: str | None = None,
    note: str | None = None,
    reason: RejectReason | None = None,
    speaker: str | None = None,
    outlet: str | None = None,
    type: str | None = None,
) -> Review:
    """Record one decision on a stored quote (its full id) and return the state it leaves."""
    row = db.execute(
        "SELECT q.id, q.text, a.id AS article_id, a.content_hash FROM quotes q JOIN articles a ON a.id = q.article_id"
        " WHERE q.id = ?",
        (quote_id,),
    ).fetchone()
    if row is None:
        raise StoreError(f"no quote with id {quote_id!r}")
    if status == "corrected" and not (speaker or outlet or type):
        raise StoreError(f"quote {quote_id}: a correction needs a speaker, an outlet or a type")
    if type is not None and type not in QUOTE_TYPES:
        raise StoreError(f"quote {quote_id}: type {type!r} is not one of {', '.join(QUOTE_TYPES)}")
    before = current_review(db, quote_id)
    # A decision keeps the corrections before it; a correction adds to them.
    kept = (before.speaker, before.outlet, before.type) if before else (None, None, None)
    fixed_speaker, fixed_outlet, fixed_type = (_clean(new) or old for new, old in zip((speaker, outlet, type), kept))
    review = Review(
        quote_id=row["id"], status=status, reviewed_at=datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        reviewer=_clean(reviewer), note=_clean(note), reason=reason if status == "rejected" else None,
        speaker=fixed_speaker, outlet=fixed_outlet, type=fixed_type, quote=row["text"],  # type: ignore[arg-type]
    )
    db.execute(
        f"INSERT INTO reviews ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            review.quote_id, row["article_id"], row["content_hash"], review.quote, review.status, review.reason,
            review.speaker, review.outlet, review.type, review.note, review.reviewer, review.reviewed_at,
        ),
    )
    return review


def current_review(db: sqlite3.Connection, quote_id: str) -> Review | None:
    history = review_history(db, quote_id, latest=True)
    return history[0] if history else None


def review_history(db: sqlite3.Connection, quote_id: str, *, latest: bool = False) -> list[Review]:
    """A quote's decisions, oldest first (or only the latest)."""
    rows = db.execute(
        "SELECT r.*, r.content_hash != COALESCE(a.content_hash, '') AS outdated FROM reviews r"
        " LEFT JOIN articles a ON a.id = r.article_id WHERE r.quote_id = ?"
        + (" ORDER BY r.id DESC LIMIT 1" if latest else " ORDER BY r.id"),
        (quote_id,),
    ).fetchall()
    return [
        Review(
            quote_id=row["quote_id"], status=row["status"], reviewed_at=row["reviewed_at"], reviewer=row["reviewer"],
            note=row["note"], reason=row["reason"], speaker=row["speaker"], outlet=row["outlet"], type=row["type"],
            quote=row["quote"], outdated=bool(row["outdated"]),
        )
        for row in rows
    ]


def reattach_reviews(db: sqlite3.Connection, article: Article) -> int:
    """Move the decisions on a replaced article's quotes onto its new quotes of the same words.

    A quote's id is made of its article and spans, so an edit before a quote
    gives it a new id; the decision follows the words. It stays flagged as
    outdated (made on another version of the article). Returns how many
    quotes' decisions were moved.
    """
    orphans = db.execute(
        "SELECT DISTINCT r.quote_id, (SELECT quote FROM reviews WHERE quote_id = r.quote_id ORDER BY id DESC LIMIT 1) AS quote"
        " FROM reviews r WHERE r.article_id = ? AND r.quote_id NOT IN (SELECT id FROM quotes WHERE article_id = ?)",
        (article.id, article.id),
    ).fetchall()
    moved = 0
    for orphan in orphans:
        # the first quote of the same words that has no decision of its own
        target = db.execute(
            "SELECT id FROM quotes WHERE article_id = ? AND text = ? AND id NOT IN (SELECT quote_id FROM reviews)"
            " ORDER BY start LIMIT 1",
            (article.id, orphan["quote"]),
        ).fetchone()
        if target:
            db.execute("UPDATE reviews SET quote_id = ? WHERE quote_id = ?", (target[0], orphan["quote_id"]))
            moved += 1
    return moved


def _clean(value: str | None) -> str | None:
    value = " ".join(value.split()) if value else None
    return value or None
