"""The review pages (quotes.review.pages) served by Datasette in this process: content, escaping, decisions."""

from __future__ import annotations

import asyncio
import html
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from quotes.cli import cli
from quotes.store import Filters, Store

datasette = pytest.importorskip("datasette.app")
from datasette.plugins import pm  # noqa: E402

from quotes.review import TEMPLATES, datasette_metadata  # noqa: E402
from quotes.review import pages  # noqa: E402

CORPORA = Path(__file__).resolve().parent.parent / "corpora"
# Wire copy of the same readout twice: a cluster with two appearances.
SAMPLES = ("01_dod_readout-mattis-onodera-2017-08-31.txt", "02_dod-news_mattis-japanese-counterpart-missile-launch-2017-08-31.txt")
HOSTILE = (
    "Council <b>votes</b> on the bridge\n\n"
    "\"The bridge <script>alert('quote')</script> will reopen in May,\" Mayor Jane Smith told the \"Valley Courier\" "
    "onmouseover=\"alert(1)\" on Tuesday.\n\n"
    "Smith said the repairs cost less than planned, according to a statement <img src=x onerror=alert(2)>.\n"
)


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory, nlp) -> Path:
    folder = tmp_path_factory.mktemp("review")
    for name in SAMPLES:
        if not (CORPORA / name).is_file():
            pytest.skip(f"corpora/{name} not found")
        shutil.copy(CORPORA / name, folder / name)
    (folder / "hostile.txt").write_text(HOSTILE, encoding="utf-8")
    hostile_url = {"id": "hostile-url", "url": "javascript:alert(3)", "title": "<svg onload=alert(4)>", "text": HOSTILE + "\nThe vote is on Friday.\n"}
    (folder / "hostile.jsonl").write_text(json.dumps(hostile_url) + "\n", encoding="utf-8")
    db = folder / "q.db"
    result = CliRunner().invoke(cli, ["ingest", str(folder), "--db", str(db)])
    assert result.exit_code == 0, result.output
    return db


@pytest.fixture()
def site(store_path: Path, tmp_path: Path) -> Iterator[tuple[object, Path]]:
    db = tmp_path / "q.db"
    shutil.copy(store_path, db)  # each test decides on its own copy
    pm.register(pages, name="quotes_review_test")
    try:
        ds = datasette.Datasette([str(db)], template_dir=str(TEMPLATES), metadata=datasette_metadata(db))
        asyncio.run(ds.invoke_startup())
        yield ds, db
    finally:
        pm.unregister(pages)


def _get(ds, path: str, **kwargs):
    return asyncio.run(ds.client.get(path, **kwargs))


def _post(ds, path: str, data: dict[str, str], *, token: bool = True):
    async def go():
        page = await ds.client.get(path)
        fields = dict(data)
        if token:
            fields["csrftoken"] = re.search(r'name="csrftoken" value="([^"]+)"', page.text).group(1)
        return await ds.client.post(path, data=fields, cookies={"ds_csrftoken": page.cookies.get("ds_csrftoken", "")})

    return asyncio.run(go())


def _row(db: Path, **filters) -> dict:
    with Store(db) as store:
        return next(store.rows(Filters(**filters)))


def test_quote_page_escapes_hostile_article_text(site) -> None:
    ds, db = site
    quote = _row(db, text="bridge reopen")
    page = _get(ds, f"/quote/{quote['quote_id']}")
    assert page.status_code == 200
    source = page.text
    # not one tag of the article reaches the page as markup, in the text or in an attribute
    assert "<script>alert" not in source and "<img src=x" not in source and "<b>votes" not in source
    assert "&lt;script&gt;alert(&#39;quote&#39;)&lt;/script&gt;" in source
    assert "&lt;img src=x onerror=alert(2)&gt;" in source
    assert 'onmouseover="alert' not in source and "onmouseover=&#34;alert(1)&#34;" in source
    # the quote is highlighted in its article, the speaker mention and cue marked
    marked = dict((m, html.unescape(t)) for m, t in re.findall(r'<mark class="(quote|speaker|cue)"[^>]*>(.*?)</mark>', source, re.S))
    assert marked["quote"].startswith("The bridge <script>")
    assert marked["speaker"] == "Mayor Jane Smith" and marked["cue"] == "told"


def test_quote_page_links_only_web_addresses_and_escapes_metadata(site) -> None:
    ds, db = site
    with Store(db) as store:
        quote = next(r for r in store.rows(Filters(text="bridge reopen")) if r["article_id"] == "hostile-url")
    source = _get(ds, f"/quote/{quote['quote_id']}").text
    assert 'href="javascript:' not in source and "source: javascript:alert(3)" in source
    assert "<svg onload" not in source and "&lt;svg onload=alert(4)&gt;" in source


def test_queue_lists_least_sure_first_and_filters(site) -> None:
    ds, db = site
    page = _get(ds, "/review")
    assert page.status_code == 200
    shown = re.findall(r"<td>(\d\.\d\d)</td>", page.text)
    assert shown and shown == sorted(shown)
    smith = _get(ds, "/review?speaker=Jane+Smith&status=")
    assert "Jane Smith" in smith.text and "Mattis" not in smith.text
    assert "<script>alert" not in smith.text


def test_cluster_page_shows_appearances_in_date_order_with_the_first_marked(site) -> None:
    ds, db = site
    with Store(db) as store:
        [cluster] = store.clusters(min_size=2, limit=1)
    page = _get(ds, f"/cluster/{cluster['id']}")
    assert page.status_code == 200
    assert page.text.count('href="/quote/') == cluster["appearances"] >= 2
    assert "<strong>first</strong>" in page.text
    dates = re.findall(r'<td class="date">(\d{4}-\d\d-\d\d)', page.text)
    assert dates == sorted(dates)
    with Store(db) as store:
        mattis = next(r for r in store.rows(Filters(speaker="Mattis")) if r["speaker"] == "Jim Mattis")
        his = [r for r in store.rows(Filters(speaker_id=mattis["speaker_id"]))]
    speaker = _get(ds, f"/speaker/{mattis['speaker_id']}")
    assert speaker.status_code == 200 and "<h1>Jim Mattis</h1>" in speaker.text
    assert speaker.text.count('href="/quote/') == len(his) > 1


def test_decisions_are_posted_with_a_csrf_token_and_reach_the_store(site) -> None:
    ds, db = site
    quote = _row(db, text="bridge reopen")
    path = f"/quote/{quote['quote_id']}"
    refused = _post(ds, path, {"action": "verify"}, token=False)
    assert refused.status_code == 403
    done = _post(ds, path, {"action": "correct", "speaker": "Jane Q. Smith", "note": "<i>per the minutes</i>", "reviewer": "ana"})
    assert done.status_code == 303 and done.headers["location"].startswith(path)
    row = _row(db, text="bridge reopen")
    assert (row["review_status"], row["speaker"], row["speaker_detected"], row["reviewed_by"]) == (
        "corrected", "Jane Q. Smith", "Jane Smith", "ana",
    )
    page = _get(ds, path)
    assert "&lt;i&gt;per the minutes&lt;/i&gt;" in page.text and "<i>per the minutes" not in page.text
    # the speaker it was detected as still lists it, as given to someone else
    assert "(now: Jane Q. Smith)" in _get(ds, f"/speaker/{row['speaker_id']}").text
    bad = _post(ds, path, {"action": "correct"})
    assert bad.status_code == 400 and "needs a speaker" in bad.text
    assert _get(ds, "/quote/ffffffffffff").status_code == 404


def test_get_fetches_a_review_page_without_a_server(store_path: Path) -> None:
    quote = _row(store_path, text="bridge reopen")
    fetched = subprocess.run(
        [sys.executable, "-m", "quotes", "review", "--db", str(store_path), "--get", f"/quote/{quote['quote_id']}"],
        capture_output=True, text=True, timeout=120,
    )
    assert fetched.returncode == 0, fetched.stderr
    assert 'name="csrftoken"' in fetched.stdout and "&lt;script&gt;alert(&#39;quote&#39;)" in fetched.stdout


def test_a_speaker_page_lists_the_quotes_given_to_that_speaker(site) -> None:
    ds, db = site
    with Store(db) as store:
        mattis = next(r for r in store.rows(Filters(speaker="Mattis")) if r["speaker"] == "Jim Mattis")
        smith = _row(db, text="bridge reopen")
        store.review(smith["quote_id"], "corrected", speaker="Jim Mattis")
    page = _get(ds, f"/speaker/{mattis['speaker_id']}").text
    assert f'href="/quote/{smith["quote_id"]}"' in page and "(given to Jim Mattis; detected: Jane Smith)" in page


def test_the_queue_finds_decisions_to_review_again(site) -> None:
    ds, db = site
    quote = _row(db, text="bridge reopen")
    with Store(db) as store:
        store.review(quote["quote_id"], "verified")
        # the decision was made on another version of the article
        store.db.execute("UPDATE reviews SET content_hash = 'older' WHERE quote_id = ?", (quote["quote_id"],))
    again = _get(ds, "/review?outdated=1&status=unreviewed").text
    assert again.count('href="/quote/') == 1 and f'href="/quote/{quote["quote_id"]}"' in again
    assert 'class="outdated"' in again
