"""The review pages: a Datasette plugin with a queue, a page per quote, cluster and speaker.

Datasette keeps the tables and SQL; these routes add what a fact-checker works through:

- ``/review``: the quotes to check, least sure first, filtered by speaker, outlet, article,
  date, type, confidence and review status;
- ``/quote/<id>``: the quote highlighted in its article, with its cue, speaker mention and
  relay chain marked, the resolver's rule and confidence, the appearances of its cluster
  and the forms to verify, reject or correct it (POST, with Datasette's CSRF token);
- ``/cluster/<id>``: the wordings of one utterance and its appearances in date order;
- ``/speaker/<id>``: a speaker's quotes.

Everything from an article reaches the page through Jinja's autoescaping (Datasette's
environment has it on): articles are untrusted input, and no value is marked safe here.
"""

from __future__ import annotations

import json
import urllib.parse
from typing import Any

from datasette import Response, hookimpl

from quotes.errors import QuotesError
from quotes.records import QUOTE_TYPES, REJECT_REASONS, REVIEW_STATUSES, Article, Change, Quote
from quotes.store import Filters, Store
from quotes.variants import changed_pieces

QUEUE_SIZE = 50
_QUEUE_FILTERS = ("speaker", "outlet", "article", "since", "until", "type", "confidence", "status", "outdated")


def _store(datasette: Any) -> Store:
    return Store(datasette.get_database().path, create=False)


async def _page(datasette: Any, request: Any, template: str, context: dict[str, Any], *, status: int = 200) -> Response:
    html = await datasette.render_template(template, {"database": datasette.get_database().name, **context}, request=request)
    return Response.html(html, status=status)


async def _not_found(datasette: Any, request: Any, error: QuotesError) -> Response:
    return await _page(datasette, request, "quotes_error.html", {"message": str(error)}, status=404)


def article_pieces(article: Article, quote: Quote) -> list[tuple[str, str | None]]:
    """The article cut into (text, mark) pieces: mark is quote, cue, speaker, via or None.

    Offsets index ``article.text``; where marks overlap the first one in the text wins, as
    in ``quotes show``. The pieces join back into the whole article.
    """
    marks = [(start, end, "quote") for start, end in quote.content_spans]
    if quote.speaker_span:
        marks.append((*quote.speaker_span, "speaker"))
    if quote.cue_span:
        marks.append((*quote.cue_span, "cue"))
    marks += [(*link.span, "via") for link in quote.via if link.role != "speaker" and link.span]
    text = article.text
    pieces: list[tuple[str, str | None]] = []
    at = 0
    for start, end, mark in sorted(marks):
        if start < at or not 0 <= start < end <= len(text):
            continue
        pieces += [(text[at:start], None), (text[start:end], mark)]
        at = end
    pieces.append((text[at:], None))
    return [piece for piece in pieces if piece[0]]


def _with_pieces(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows of a cluster, each with its wording cut into changed and unchanged words."""
    for row in rows:
        changes = [Change(**c) for c in json.loads(row["changes"])] if row.get("changes") else []
        row["pieces"] = changed_pieces(row["quote"], changes)
        row["change_list"] = changes
    return rows


async def queue_page(datasette: Any, request: Any) -> Response:
    args = {name: (request.args.get(name) or "").strip() for name in _QUEUE_FILTERS}
    if "status" not in request.args:
        args["status"] = "unreviewed"  # a queue is of what is left to check
    asked = request.args.get("page") or "1"
    page = int(asked) if asked.isdigit() and int(asked) > 0 else 1
    try:
        confidence = float(args["confidence"]) if args["confidence"] else None
    except ValueError:
        confidence = None
        args["confidence"] = ""
    outdated = args["outdated"] == "1"
    filters = Filters(
        speaker=args["speaker"] or None, outlet=args["outlet"] or None, article=args["article"] or None,
        since=args["since"] or None, until=args["until"] or None,
        type=args["type"] if args["type"] in QUOTE_TYPES else None,
        # decisions to review again were all made: "unreviewed" (the queue's default) cannot hold them
        status=args["status"] if args["status"] in REVIEW_STATUSES and not (outdated and args["status"] == "unreviewed") else None,
        max_confidence=confidence, outdated=outdated,
    )
    with _store(datasette) as store:
        rows = list(store.rows(filters, limit=QUEUE_SIZE + 1, offset=(page - 1) * QUEUE_SIZE, least_sure_first=True))
    more = len(rows) > QUEUE_SIZE
    kept = {k: v for k, v in args.items() if v}
    return await _page(datasette, request, "quotes_queue.html", {
        "rows": rows[:QUEUE_SIZE], "args": args, "statuses": REVIEW_STATUSES, "types": QUOTE_TYPES, "page": page,
        "next_url": "/review?" + urllib.parse.urlencode({**kept, "page": page + 1}) if more else None,
        "previous_url": "/review?" + urllib.parse.urlencode({**kept, "page": page - 1}) if page > 1 else None,
    })


async def quote_page(datasette: Any, request: Any) -> Response:
    quote_id = request.url_vars["quote_id"]
    message = None
    status = 200
    try:
        with _store(datasette) as store:
            if request.method == "POST":
                message, status = _decide(store, quote_id, await request.post_vars())
                if status == 303:
                    return Response.redirect(f"/quote/{quote_id}?done={urllib.parse.quote(message)}", status=303)
            quote, row, article = store.quote(quote_id)
            reviews = store.reviews(quote.id)
            cluster = _with_pieces(list(store.rows(Filters(cluster=row["cluster_id"])))) if row["cluster_id"] else []
    except QuotesError as error:
        return await _not_found(datasette, request, error)
    pieces = article_pieces(article, quote)
    return await _page(datasette, request, "quotes_quote.html", {
        "quote": quote, "row": row, "article": article, "pieces": pieces, "reviews": reviews, "types": QUOTE_TYPES,
        "first_quote_piece": next((n for n, (_, mark) in enumerate(pieces) if mark == "quote"), None),
        # a link only to the web: an article's metadata may hold "javascript:" or worse
        "source_url": article.url if urllib.parse.urlsplit(article.url or "").scheme in ("http", "https") else None,
        "appearances": cluster if len(cluster) > 1 else [], "current_id": quote.id,
        "message": message or request.args.get("done"), "failed": status != 200,
    }, status=status)


def _decide(store: Store, quote_id: str, form: dict[str, str]) -> tuple[str, int]:
    """Record the decision a form posted; the message to show and the status (303: done)."""
    action = form.get("action")
    decision = {"reviewer": form.get("reviewer"), "note": form.get("note")}
    if action == "verify":
        status = "verified"
    elif action == "reject":
        status = "rejected"
        decision["reason"] = form.get("reason") if form.get("reason") in REJECT_REASONS else REJECT_REASONS[0]
    elif action == "correct":
        status = "corrected"
        decision |= {field: form.get(field) for field in ("speaker", "outlet", "type")}
        if decision["type"] not in QUOTE_TYPES:
            decision["type"] = None
    else:
        return f"unknown action {action!r}", 400
    try:
        review = store.review(quote_id, status, **decision)  # type: ignore[arg-type]
    except QuotesError as error:
        return str(error), 400
    return f"{review.status} by {review.reviewer or 'someone'}", 303


async def cluster_page(datasette: Any, request: Any) -> Response:
    cluster_id = request.url_vars["cluster_id"]
    with _store(datasette) as store:
        rows = _with_pieces(list(store.rows(Filters(cluster=cluster_id))))
        wordings = store.variants(cluster_id) if rows else ()
    if not rows:
        return await _not_found(datasette, request, QuotesError(f"no cluster with id {cluster_id!r}"))
    by_id = {row["quote_id"]: row for row in rows}
    shown = [
        {"variant": v, "pieces": changed_pieces(v.text or "", v.changes), "first": by_id.get(v.first_id or "", {})}
        for v in wordings
    ]
    return await _page(
        datasette, request, "quotes_cluster.html", {"cluster_id": cluster_id, "rows": rows, "appearances": rows, "wordings": shown}
    )


async def speaker_page(datasette: Any, request: Any) -> Response:
    speaker_id = int(request.url_vars["speaker_id"])
    with _store(datasette) as store:
        detected = list(store.rows(Filters(speaker_id=speaker_id)))
        name = (detected[0]["speaker_detected"] or detected[0]["speaker"]) if detected else None
        # quotes a reviewer gave to this speaker, found under another one (or none)
        given = [
            r for r in store.rows(Filters(speaker=name)) if r["speaker"] == name and r["speaker_id"] != speaker_id
        ] if name else []
    if not detected:
        return await _not_found(datasette, request, QuotesError(f"no quotes of speaker {speaker_id}"))
    rows = sorted(detected + given, key=lambda r: (r["date"] is None, r["date"] or "", r["article_seq"], r["start"]))
    statuses = {s: sum(r["review_status"] == s for r in rows) for s in REVIEW_STATUSES}
    return await _page(datasette, request, "quotes_speaker.html", {"rows": rows, "name": name, "statuses": statuses})


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    return [
        (r"^/review$", queue_page),
        (r"^/quote/(?P<quote_id>[0-9a-f]{4,40})$", quote_page),
        (r"^/cluster/(?P<cluster_id>[0-9a-f]{4,40})$", cluster_page),
        (r"^/speaker/(?P<speaker_id>[0-9]{1,18})$", speaker_page),
    ]


@hookimpl
def menu_links() -> list[dict[str, str]]:
    return [{"href": "/review", "label": "Review queue"}]
