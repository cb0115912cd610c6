"""Time and peak memory of one article against its size, for four shapes of text (issue 13).

Shapes, each cut to the size asked for:

- ``marks``: quotation marks only, ``"“”‘’«»`` over and over;
- ``giant``: the shipped articles of ``corpora/`` run together as one paragraph;
- ``lines``: the same words as many short paragraphs (a line of at most 60 characters each,
  a blank line between), as a forum dump or a hard-wrapped transcript comes;
- ``article``: the shipped articles one after another as one long article, paragraphs kept;
  it is also timed as the articles it is made of (``split``), so the two can be compared.

Each measurement runs in a fresh process: the time is the extraction's (after the pipeline is
loaded), the memory the process's peak resident size, model included. The slope is the
least-squares time per KB over the sizes; "per KB" at each size shows whether it stays flat
(linear) or climbs (worse than linear).

Usage:
    .venv/bin/python benchmarks/adversarial.py [--sizes 10,30,100,300,1000] [--shapes marks,giant,lines,article]
        [--code DIR] [--timeout 600]

--code DIR measures the quotes package of another checkout (a ``git worktree`` of an older
commit, for a before-and-after table); a run over --timeout seconds is shown as such.
"""

from __future__ import annotations

import argparse
import itertools
import json
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from quotes.read import Article, read_paths  # noqa: E402

KB = 1000
SHAPES = ("marks", "giant", "lines", "article")
MARKS = '"\u201c\u201d\u2018\u2019\u00ab\u00bb'

# Run in the child: extract the texts of a JSON file as articles, print seconds, quotes and peak memory.
CHILD = """
import inspect, json, os, resource, sys, time
import quotes
assert quotes.__file__.startswith(os.getcwd()), f"measuring {quotes.__file__}, not the code in {os.getcwd()}"
from quotes.api import extract_articles, load_pipeline
from quotes.read import Article
texts = json.load(open(sys.argv[1], encoding="utf-8"))
articles = [Article.from_text(t) for t in texts]
load_pipeline()
# A checkout from before the per-article limit has none to raise.
limit = {"max_chars": max(map(len, texts)) + 1} if "max_chars" in inspect.signature(extract_articles).parameters else {}
started = time.perf_counter()
found = sum(len(q) for _, q in extract_articles(articles, **limit))
seconds = time.perf_counter() - started
print(json.dumps({"seconds": seconds, "quotes": found, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def corpus_articles() -> list[str]:
    texts = [r.text for r in read_paths(sorted((ROOT / "corpora").glob("*.txt"))) if isinstance(r, Article)]
    if not texts:
        raise SystemExit("no articles under corpora/")
    return texts


def _filled(pieces: list[str], size: int, joiner: str) -> list[str]:
    """Pieces in turn, again and again, the last one cut so that joined they are ``size`` characters."""
    chosen, total = [], -len(joiner)
    for piece in itertools.cycle(pieces):
        room = size - total - len(joiner)
        if room <= 0:
            return chosen
        chosen.append(piece[:room])
        total += len(joiner) + len(chosen[-1])
    raise AssertionError("unreachable")


def shape_texts(shape: str, size: int, articles: list[str]) -> tuple[str, list[str]]:
    """The one long text of a shape and size, and for ``article`` the articles it is made of."""
    if shape == "marks":
        return (MARKS * (size // len(MARKS) + 1))[:size], []
    flat = [" ".join(a.split()) for a in articles]
    if shape == "giant":
        return " ".join(_filled(flat, size, " ")), []
    if shape == "lines":
        return "\n\n".join(_filled(textwrap.wrap(" ".join(flat), 60), size, "\n\n")), []
    parts = _filled(articles, size, "\n\n")
    return "\n\n".join(parts), parts


def measure(texts: list[str], code: Path, timeout: float) -> dict[str, float] | None:
    with tempfile.NamedTemporaryFile("w", suffix=".json", encoding="utf-8", delete=False) as handle:
        json.dump(texts, handle)
    try:
        done = subprocess.run(
            [sys.executable, "-c", CHILD, handle.name], cwd=code, capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return None
    finally:
        Path(handle.name).unlink()
    if done.returncode:
        raise SystemExit(f"the measuring process failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def slope(points: list[tuple[float, float]]) -> float:
    """Least-squares seconds per KB through (KB, seconds) points."""
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / spread if spread else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10,30,100,300,1000", help="sizes in KB (1 KB = 1,000 characters)")
    parser.add_argument("--shapes", default=",".join(SHAPES))
    parser.add_argument("--code", type=Path, default=ROOT, help="the checkout whose quotes package is measured")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds before a run is given up")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    shapes = args.shapes.split(",")
    unknown = set(shapes) - set(SHAPES)
    if unknown:
        raise SystemExit(f"unknown shapes: {', '.join(sorted(unknown))} (choose from {', '.join(SHAPES)})")
    articles = corpus_articles()
    print(f"code: {args.code.resolve()}")
    print(f"{'shape':<8} {'KB':>6} {'seconds':>9} {'s per KB':>9} {'peak MB':>8} {'quotes':>7} {'split s':>8} {'long/split':>10}")
    for shape in shapes:
        points = []
        for size in sizes:
            text, parts = shape_texts(shape, size * KB, articles)
            result = measure([text], args.code, args.timeout)
            if result is None:
                print(f"{shape:<8} {size:>6} {'>' + format(args.timeout, '.0f'):>9}   (given up)", flush=True)
                break  # a larger size takes longer still
            points.append((len(text) / KB, result["seconds"]))
            split = measure(parts, args.code, args.timeout) if parts else None
            columns = f"{shape:<8} {size:>6} {result['seconds']:>9.2f} {result['seconds'] / (len(text) / KB):>9.4f}"
            columns += f" {result['peak_mb']:>8.0f} {result['quotes']:>7}"
            if split is not None:
                columns += f" {split['seconds']:>8.2f} {result['seconds'] / split['seconds']:>10.2f}"
            print(columns, flush=True)
        if len(points) > 1:
            print(f"{shape:<8} slope {slope(points):.4f} s per KB over {len(points)} sizes", flush=True)


if __name__ == "__main__":
    main()
