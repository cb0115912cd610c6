"""Ingest a stream of generated articles; print peak memory at checkpoints (10k and 100k by default).

The stream is built from PolNeAR's train and dev texts (read at run time,
never shipped): article i is base text i mod N under a line of its own
("Edition 41207 - Yonhap, 2018-03-14"), so every article has its own content
hash and is stored, with an outlet and a date. The articles are written as
JSON Lines files of 1,000 articles (an archive export) in a temporary folder
and ingested with `quotes.ingest.ingest` into a fresh store: read, extracted,
stored in transactions of --batch-size articles and clustered.

Extraction: --extract replay (default) runs the real pipeline once on each
base text and replays its quotes, with offsets moved past the edition line,
for every article made from it: the ingest (reading, storing, clustering)
runs for real on 100,000 articles in minutes rather than the ~10 hours the
pipeline needs at ~5,000 tokens/s. --extract real runs the pipeline on every
article (use it with --articles 2000 or so); its memory per batch is what
`quotes bench` reports.

Printed at each checkpoint: articles ingested, seconds, peak resident memory
of this process (getrusage ru_maxrss; never goes down) and the current
resident memory (VmRSS), and quotes stored.

Usage:
    .venv/bin/python benchmarks/ingest_memory.py [--articles 100000] [--checkpoints 10000,100000]
        [--extract replay|real] [--workers 2] [--batch-size 16] [--seed 7]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import resource
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _polnear import polnear_root  # noqa: E402

from quotes.api import extract_articles  # noqa: E402
from quotes.ingest import ingest  # noqa: E402
from quotes.records import Article, Quote  # noqa: E402

OUTLETS = ["AP", "Reuters", "AFP", "Yonhap", "NHK", "VOA", "BBC", "CNN", "Fox News", "The New York Times", "Politico"]
SHARD = 1000


def rss_mb() -> tuple[float, float]:
    """(peak, current) resident memory of this process in MB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    current = 0.0
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            current = int(line.split()[1]) / 1024
    return peak, current


def base_texts(splits: tuple[str, ...] = ("train", "dev")) -> list[str]:
    root = polnear_root()
    return [p.read_text(encoding="utf-8") for split in splits for p in sorted((root / split / "text").glob("*"))]


def write_stream(folder: Path, bases: list[str], count: int, seed: int) -> list[Path]:
    rng = random.Random(seed)
    paths = []
    handle = None
    for i in range(count):
        if i % SHARD == 0:
            if handle:
                handle.close()
            paths.append(folder / f"stream-{i // SHARD:04d}.jsonl")
            handle = paths[-1].open("w", encoding="utf-8")
        outlet = rng.choice(OUTLETS)
        date = f"2018-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        base = i % len(bases)
        text = f"Edition {i} - {outlet}, {date}\n\n{bases[base]}"
        handle.write(json.dumps({"id": f"gen-{i}-b{base}", "text": text, "outlet": outlet, "published": date}) + "\n")  # type: ignore[union-attr]
    if handle:
        handle.close()
    return paths


def _shift(quote: Quote, by: int, article_id: str) -> Quote:
    def move(span: tuple[int, int] | None) -> tuple[int, int] | None:
        return None if span is None else (span[0] + by, span[1] + by)

    return dataclasses.replace(
        quote,
        article_id=article_id,
        content_spans=tuple(move(s) for s in quote.content_spans),  # type: ignore[misc]
        quoted_spans=tuple(move(s) for s in quote.quoted_spans),  # type: ignore[misc]
        cue_span=move(quote.cue_span),
        speaker_span=move(quote.speaker_span),
    )


class Replay:
    """An extractor that gives each generated article its base text's real quotes, moved into place."""

    def __init__(self, bases: list[str], workers: int, cache: Path | None = None) -> None:
        started = time.perf_counter()
        articles = [Article.from_text(text, id=str(n)) for n, text in enumerate(bases)]
        self.bases = bases
        if cache is not None and cache.is_file():
            self.quotes = [[Quote.from_dict(d) for d in found] for found in json.loads(cache.read_text())]
        else:
            self.quotes = [found for _, found in extract_articles(articles, workers=workers)]
            if cache is not None:  # quotes only (offsets and names), never the texts
                cache.write_text(json.dumps([[q.to_dict() for q in found] for found in self.quotes]))
        print(f"extracted the {len(bases)} base texts once: {sum(map(len, self.quotes))} quotes "
              f"in {time.perf_counter() - started:.0f} s", flush=True)

    def __call__(self, articles: Iterable[Article], **options: object) -> Iterator[tuple[Article, list[Quote]]]:
        for article in articles:
            base = int(article.id.rsplit("-b", 1)[1])
            by = len(article.text) - len(self.bases[base])
            yield article, [_shift(q, by, article.id) for q in self.quotes[base]]


class Probe:
    """Progress that prints memory at checkpoints."""

    def __init__(self, checkpoints: list[int], started: float, db: Path) -> None:
        self.checkpoints = sorted(checkpoints)
        self.started = started
        self.done = self.quotes = 0
        self.db = db
        self.rows: list[tuple[int, float, float, float, int]] = []

    def start(self, total: int) -> None:
        peak, current = rss_mb()
        print(f"{total} articles to ingest (counted in {time.perf_counter() - self.started:.0f} s); "
              f"peak {peak:.0f} MB, current {current:.0f} MB", flush=True)

    def advance(self, article: Article, quotes: int) -> None:
        self.done += 1
        self.quotes += quotes
        if self.checkpoints and self.done >= self.checkpoints[0]:
            self.checkpoints.pop(0)
            peak, current = rss_mb()
            row = (self.done, time.perf_counter() - self.started, peak, current, self.quotes)
            self.rows.append(row)
            print(f"{row[0]:>8,} articles {row[1]:8.0f} s   peak {row[2]:6.0f} MB   current {row[3]:6.0f} MB   "
                  f"{row[4]:>9,} quotes", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--checkpoints", default="10000,100000")
    parser.add_argument("--extract", choices=["replay", "real"], default="replay")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-cluster", action="store_true", help="Store quotes unclustered (ingest(cluster=False)).")
    parser.add_argument("--splits", default="train,dev", help="PolNeAR splits whose texts the stream is made of.")
    parser.add_argument("--base-cache", type=Path, help="Keep the base texts' quotes in this JSON file between runs.")
    args = parser.parse_args()
    checkpoints = [int(c) for c in args.checkpoints.split(",") if int(c) <= args.articles]
    bases = base_texts(tuple(args.splits.split(",")))
    with tempfile.TemporaryDirectory(prefix="quotes-stream-") as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        shards = write_stream(folder, bases, args.articles, args.seed)
        print(f"wrote {args.articles:,} articles from {len(bases)} PolNeAR texts in {len(shards)} files "
              f"({sum(p.stat().st_size for p in shards) / 1e6:.0f} MB) in {time.perf_counter() - started:.0f} s", flush=True)
        if args.extract == "replay":
            extract, workers = Replay(bases, args.workers, args.base_cache), 1
        else:
            extract, workers = extract_articles, args.workers
        peak, current = rss_mb()
        print(f"before ingest: peak {peak:.0f} MB, current {current:.0f} MB (pipeline loaded)", flush=True)
        db = folder / "quotes.db"
        probe = Probe(checkpoints, time.perf_counter(), db)
        report = ingest(shards, db=db, extract=extract, workers=workers, batch_size=args.batch_size, progress=probe,
                        cluster=not args.no_cluster)  # type: ignore[arg-type]
        print(f"ingested {report.added:,} articles, {report.quotes:,} quotes, {report.totals.get('clusters')} clusters, "
              f"{len(report.failures)} failures in {report.seconds:.0f} s; store {db.stat().st_size / 1e6:.0f} MB")


if __name__ == "__main__":
    main()
