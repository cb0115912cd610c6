"""``quotes bench``: what extraction costs next to parsing everything, on the same texts.

Three runs over the same articles, each in a fresh process so one run's
memory and warm caches never count for another:

* **raw**: ``nlp.pipe`` of the spaCy pipeline as shipped (no quote
  components), at the batch size extraction uses: what "just parse it all"
  costs;
* **extract**: :func:`quotes.api.extract_articles` (the selective pipeline,
  detection and attribution), single process;
* **workers**: the same with ``workers=2``.

Each run first goes over the texts once untimed (loading lexemes and filling
the lemmatizer's caches, as a long ingest would have them), then once timed.
Throughput is tokens (as the pipeline's tokenizer counts them) per second of
wall-clock time; memory is the peak resident set of the run's process
(``getrusage``), and of the largest worker for the parallel run.
"""

from __future__ import annotations

import json
import multiprocessing
import resource
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

from quotes.errors import InputError, QuotesError

#: The keys of ``quotes bench --json``.
JSON_KEYS = ("raw_tokens_per_s", "extract_tokens_per_s", "ratio", "workers2_tokens_per_s", "peak_rss_mb")


class BenchError(QuotesError):
    """The benchmark has nothing to measure (no readable articles)."""


@dataclass(frozen=True, slots=True)
class Run:
    """One timed pass over the articles."""

    tokens: int
    seconds: float
    peak_rss_mb: float  # of the process that ran it
    worker_peak_rss_mb: float = 0.0  # of the largest worker process, for a parallel run
    parsed_share: float | None = None  # share of tokens the selective path parsed

    @property
    def tokens_per_s(self) -> float:
        return self.tokens / self.seconds if self.seconds else 0.0


@dataclass(frozen=True, slots=True)
class BenchResult:
    """The figures of one ``quotes bench``."""

    articles: int
    model: str
    batch_size: int
    raw: Run
    extract: Run
    workers2: Run

    @property
    def ratio(self) -> float:
        """Extraction throughput over raw ``nlp.pipe`` throughput (above 1: faster than parsing everything)."""
        return self.extract.tokens_per_s / self.raw.tokens_per_s if self.raw.tokens_per_s else 0.0

    @property
    def speedup(self) -> float:
        """Two workers over one process."""
        return self.workers2.tokens_per_s / self.extract.tokens_per_s if self.extract.tokens_per_s else 0.0

    def figures(self) -> dict[str, float]:
        """The ``--json`` object."""
        return {
            "raw_tokens_per_s": round(self.raw.tokens_per_s, 1),
            "extract_tokens_per_s": round(self.extract.tokens_per_s, 1),
            "ratio": round(self.ratio, 3),
            "workers2_tokens_per_s": round(self.workers2.tokens_per_s, 1),
            "peak_rss_mb": round(self.extract.peak_rss_mb, 1),
        }

    def to_json(self) -> str:
        return json.dumps(self.figures())

    def lines(self) -> list[str]:
        """The figures as the text report prints them."""
        parsed = f", parsed {self.extract.parsed_share:.0%} of tokens" if self.extract.parsed_share is not None else ""
        return [
            f"{self.articles} articles, {self.raw.tokens:,} tokens; model {self.model}, batch size {self.batch_size}",
            f"raw nlp.pipe (full pipeline)      {self.raw.tokens_per_s:8,.0f} tokens/s  {self.raw.seconds:6.1f} s",
            f"extraction (detect + attribute)   {self.extract.tokens_per_s:8,.0f} tokens/s  {self.extract.seconds:6.1f} s{parsed}",
            f"ratio extraction / raw            {self.ratio:8.2f}",
            f"extraction --workers 2            {self.workers2.tokens_per_s:8,.0f} tokens/s  {self.workers2.seconds:6.1f} s"
            f"  ({self.speedup:.2f}x one process)",
            f"peak memory                       {self.extract.peak_rss_mb:8,.0f} MB (extraction process); "
            f"{self.workers2.worker_peak_rss_mb:,.0f} MB per worker with --workers 2",
        ]

    def to_dict(self) -> dict[str, object]:
        return {**asdict(self), **self.figures(), "speedup": round(self.speedup, 3)}


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    """Peak resident memory in MB (Linux reports kilobytes, macOS bytes)."""
    peak = resource.getrusage(who).ru_maxrss
    return peak / (1024 * 1024) if _reports_bytes() else peak / 1024


def _reports_bytes() -> bool:
    import sys

    return sys.platform == "darwin"


def _texts(paths: Sequence[str]) -> list[str]:
    from quotes.read import read_paths

    return [a.text for a in read_paths(paths) if not isinstance(a, InputError)]


def _stage(stage: str, paths: Sequence[str], model: str, batch_size: int) -> Run:
    """One run, in its own process: a warm-up pass, then a timed one."""
    texts = _texts(paths)
    if stage == "raw":
        import spacy

        nlp = spacy.load(model)  # as shipped: no quote components
        list(nlp.pipe(texts, batch_size=batch_size))
        started = time.perf_counter()
        tokens = sum(len(doc) for doc in nlp.pipe(texts, batch_size=batch_size))
        return Run(tokens, time.perf_counter() - started, peak_rss_mb())
    from quotes.api import _selective, extract_articles, load_pipeline
    from quotes.records import Article

    articles = [Article.from_text(text, id=str(n)) for n, text in enumerate(texts)]
    nlp = load_pipeline(model)
    tokens = sum(len(nlp.make_doc(text)) for text in texts)
    list(extract_articles(articles, model=model, batch_size=batch_size))
    selective = _selective(model)
    seen, parsed = selective.tokens, selective.parsed
    workers = 2 if stage == "workers2" else 1
    started = time.perf_counter()
    list(extract_articles(articles, model=model, batch_size=batch_size, workers=workers))
    seconds = time.perf_counter() - started
    share = (selective.parsed - parsed) / max(1, selective.tokens - seen) if workers == 1 else None
    return Run(tokens, seconds, peak_rss_mb(), peak_rss_mb(resource.RUSAGE_CHILDREN), share)


def run_stage(stage: str, paths: Sequence[str], *, model: str, batch_size: int) -> Run:
    """:func:`_stage` in a fresh process (spawned: nothing inherited from this one)."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(1, mp_context=context) as pool:
        return pool.submit(_stage, stage, list(paths), model, batch_size).result()


def bench(paths: Sequence[str | Path], *, model: str | None = None, batch_size: int = 16) -> BenchResult:
    """Raw ``nlp.pipe``, extraction and two-worker extraction on the articles in ``paths``.

    Raises:
        BenchError: no readable article in ``paths``.
        ModelError: the pipeline cannot be loaded.
    """
    from quotes.api import DEFAULT_MODEL

    model = model or DEFAULT_MODEL
    names = [str(p) for p in paths]
    count = len(_texts(names))
    if not count:
        raise BenchError(f"no readable articles in {', '.join(names)}; give files or folders of articles")
    from quotes.api import load_pipeline

    load_pipeline(model)  # a missing model fails here, with the usual message, not in a child
    runs = {stage: run_stage(stage, names, model=model, batch_size=batch_size) for stage in ("raw", "extract", "workers2")}
    return BenchResult(count, model, batch_size, runs["raw"], runs["extract"], runs["workers2"])
