"""The review workflow in a real browser: headless Chromium against `quotes review`, as a fact-checker uses it.

Needs Debian's Chromium (`apt-get install chromium`; .ci/run installs it) and Playwright from
PyPI, which drives that executable: no browser is downloaded.
"""

from __future__ import annotations

import csv
import io
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from quotes.cli import cli
from quotes.store import Filters, Store

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install playwright)")
if not CHROMIUM:
    pytest.skip("no chromium executable on PATH (Debian: apt-get install chromium)", allow_module_level=True)

CORPORA = Path(__file__).resolve().parent.parent / "corpora"
SAMPLES = ("01_dod_readout-mattis-onodera-2017-08-31.txt", "02_dod-news_mattis-japanese-counterpart-missile-launch-2017-08-31.txt")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture()
def served(tmp_path: Path, nlp) -> Iterator[tuple[str, Path]]:
    for name in SAMPLES:
        shutil.copy(CORPORA / name, tmp_path / name)
    db = tmp_path / "q.db"
    assert CliRunner().invoke(cli, ["ingest", str(tmp_path), "--db", str(db)]).exit_code == 0
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "quotes", "review", "--db", str(db), "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail("quotes review did not start")
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}", db
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_verify_and_correct_in_the_browser_reach_the_store_and_the_export(served, tmp_path: Path) -> None:
    url, db = served
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        # the queue, least sure first; open its first quote
        page.goto(f"{url}/review")
        first = page.locator("table.quotes-list tbody a[href^='/quote/']").first
        first_id = first.get_attribute("href").rsplit("/", 1)[-1]
        first.click()
        page.wait_for_url(f"**/quote/{first_id}")
        assert page.locator("mark.quote").count() >= 1
        page.fill("#reviewer", "ana")
        page.fill("#note", "checked against the readout")
        page.click("#verify")
        page.wait_for_url(f"**/quote/{first_id}?done=*")
        assert "verified" in page.locator("#review-status").inner_text()

        # another quote: the speaker was someone else
        with Store(db) as store:
            other = next(r for r in store.rows(Filters(speaker="Mattis")) if r["quote_id"] != first_id)
        page.goto(f"{url}/quote/{other['quote_id']}")
        page.fill("#reviewer", "ben")
        page.fill("#correct-speaker", "Dana W. White")
        page.click("#correct")
        page.wait_for_url("**?done=*")
        assert "Dana W. White" in page.locator("#speaker").inner_text()
        page.screenshot(path=str(tmp_path / "quote.png"), full_page=True)
        browser.close()
    assert (tmp_path / "quote.png").stat().st_size > 10_000

    exported = CliRunner().invoke(cli, ["export", "--db", str(db), "-o", "-", "--format", "csv"])
    rows = {r["quote_id"]: r for r in csv.DictReader(io.StringIO(exported.stdout))}
    assert (rows[first_id]["review_status"], rows[first_id]["reviewed_by"]) == ("verified", "ana")
    assert rows[first_id]["review_note"] == "checked against the readout"
    corrected = rows[other["quote_id"]]
    assert (corrected["review_status"], corrected["speaker"], corrected["speaker_detected"]) == (
        "corrected", "Dana W. White", other["speaker"],
    )
