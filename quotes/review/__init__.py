"""Review quotes in a browser: Datasette over the store, with the review pages.

Datasette is an optional extra (``pip install 'quotes[review]'``); quotes
runs its command line with the pages of :mod:`quotes.review.pages` (a queue,
a page per quote, cluster and speaker, the decisions) and a metadata file that
labels the tables, facets quotes by speaker, outlet and type, and points
searches at the FTS index.
"""

from __future__ import annotations

import importlib.util
import json
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

from quotes.errors import QuotesError, StoreError
from quotes.store import Store

TEMPLATES = Path(__file__).parent / "templates"

INSTALL_HINT = "Datasette is not installed; install it with: pip install 'quotes[review]'  (or: pip install datasette)"


def datasette_metadata(db: str | Path) -> dict[str, Any]:
    """Datasette metadata for a quote store: titles, labels, facets, search."""
    name = Path(db).stem
    return {
        "title": "Quotes review",
        "description": "Quotes found in news articles, with speakers, outlets and clusters of repeated quotes.",
        "databases": {
            name: {
                "tables": {
                    "quotes": {
                        "description": "One row per quote. Search searches quote text.",
                        "facets": ["speaker_id", "outlet_id", "type", "headline"],
                        "sort_desc": "confidence",
                        "label_column": "text",
                    },
                    "quote_rows": {
                        "description": "One flat row per quote with its article, speaker and cluster (what `quotes export` writes).",
                        "facets": ["speaker", "article_outlet", "type", "quote_outlet"],
                        "fts_table": "quotes_fts",
                        "fts_pk": "quote_rowid",
                    },
                    "articles": {"facets": ["outlet_id"], "sort_desc": "published", "label_column": "title"},
                    "speakers": {"label_column": "name"},
                    "outlets": {"label_column": "name"},
                    "clusters": {
                        "description": "Quotes that appeared more than once, in one or more outlets.",
                        "facets": ["speaker_id", "first_outlet_id"],
                        "sort_desc": "appearances",
                        "label_column": "text",
                    },
                    "quotes_fts": {"hidden": True},
                    "migrations": {"hidden": True},
                    # Bookkeeping: the deduplicator's index and the speaker spelling counts.
                    **{
                        table: {"hidden": True}
                        for table in ("dedupe_clusters", "dedupe_merged", "dedupe_texts", "dedupe_postings",
                                      "speaker_spellings", "speaker_roles")
                    },
                }
            }
        },
    }


def datasette_installed() -> bool:
    return importlib.util.find_spec("datasette") is not None


def serve(db: str | Path, *, host: str = "127.0.0.1", port: int = 8001, get: str | None = None) -> int:
    """Run Datasette over the store until interrupted; with ``get``, fetch one path and exit.

    Returns Datasette's exit status.
    """
    if not datasette_installed():
        raise QuotesError(INSTALL_HINT)
    if not Path(db).is_file():
        raise StoreError(f"{db}: no quote store here; make one with `quotes ingest PATH --db {db}`")
    Store(db, create=False).close()  # a store written by an older quotes is upgraded first: the pages need its reviews
    with tempfile.TemporaryDirectory() as folder:
        metadata = Path(folder, "metadata.json")
        metadata.write_text(json.dumps(datasette_metadata(db)), encoding="utf-8")
        # quotes.review runs Datasette with the review pages (quotes.review.pages) registered
        command = [sys.executable, "-m", "quotes.review", "serve", str(db), "--metadata", str(metadata)]
        command += ["--template-dir", str(TEMPLATES)]
        command += ["--setting", "facet_time_limit_ms", "1000"]
        command += ["--get", get] if get else ["--host", host, "--port", str(port)]
        child = subprocess.Popen(command)
        # A SIGTERM to us (a service manager, `kill`) must not leave Datasette serving on its own.
        in_main_thread = threading.current_thread() is threading.main_thread()
        previous = signal.signal(signal.SIGTERM, lambda *_: child.terminate()) if in_main_thread else None
        try:
            return child.wait()
        except KeyboardInterrupt:
            # Ctrl-C at a terminal reaches Datasette too; a SIGINT sent to us alone does not.
            child.terminate()
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
            return 0
        finally:
            if in_main_thread:
                signal.signal(signal.SIGTERM, previous)
