"""Take the README's screenshots of the review pages: `make screenshots`.

Ingests corpora/ into a scratch store, serves it with `quotes review`, and photographs the
queue and the page of a quote from the largest cluster with headless Chromium (Debian's
`chromium`, driven by Playwright). Writes docs/images/review-queue.png and quote-page.png.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from quotes.store import Filters, Store

ROOT = Path(__file__).resolve().parent.parent
IMAGES = ROOT / "docs" / "images"


def main() -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        sys.exit("no chromium on PATH (Debian: apt-get install chromium)")
    IMAGES.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder, "demo.db")
        subprocess.run([sys.executable, "-m", "quotes", "ingest", "corpora/", "--db", str(db)], cwd=ROOT, check=True, capture_output=True)
        with Store(db) as store:
            [cluster] = store.clusters(min_size=2, limit=1)
            quote = next(store.rows(Filters(cluster=cluster["id"])))
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        server = subprocess.Popen([sys.executable, "-m", "quotes", "review", "--db", str(db), "--port", str(port)], stderr=subprocess.DEVNULL)
        try:
            for _ in range(100):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                    break
                except OSError:
                    time.sleep(0.2)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=chromium)
                page = browser.new_page(viewport={"width": 1280, "height": 800})
                page.goto(f"http://127.0.0.1:{port}/review")
                page.screenshot(path=str(IMAGES / "review-queue.png"))
                page.goto(f"http://127.0.0.1:{port}/quote/{quote['quote_id']}")
                page.screenshot(path=str(IMAGES / "quote-page.png"), full_page=True)
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)
    print(f"wrote {IMAGES / 'review-queue.png'} and {IMAGES / 'quote-page.png'}")


if __name__ == "__main__":
    main()
