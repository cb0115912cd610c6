"""Seconds per pipeline stage, selective path next to the full pipeline, on PolNeAR's dev texts.

Times each component as the selective path runs it (quotes.selective) and as
the full pipeline runs it (one component after the other over all articles,
in batches of --batch-size), after one untimed pass to warm caches. The
"quotes" stage is detection and attribution; everything before it is what raw
nlp.pipe also pays.

Usage:
    .venv/bin/python benchmarks/stages.py [--batch-size 16] [PATH ...]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _polnear import polnear_root  # noqa: E402

import quotes.selective as selective  # noqa: E402
from quotes.api import DEFAULT_MODEL, _selective, load_pipeline  # noqa: E402
from quotes.read import read_paths  # noqa: E402

SPENT: Counter[str] = Counter()


def timed(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    def run(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        result = function(*args, **kwargs)
        if hasattr(result, "__next__"):
            result = list(result)
        SPENT[name] += time.perf_counter() - started
        return result

    return run


class Timed:
    """A component whose pipe() and __call__ are timed."""

    def __init__(self, name: str, component: Any) -> None:
        self.name, self.component = name, component

    def pipe(self, docs: Any, **kwargs: Any) -> Any:
        return timed(self.name, self.component.pipe)(docs, **kwargs)

    def __call__(self, doc: Any) -> Any:
        return timed(self.name, self.component)(doc)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*")
    parser.add_argument("--batch-size", type=int, default=16)
    args = parser.parse_args()
    paths = args.paths or [str(polnear_root() / "dev" / "text")]
    texts = [a.text for a in read_paths(paths) if hasattr(a, "text")]
    nlp = load_pipeline(DEFAULT_MODEL)
    path = _selective(DEFAULT_MODEL)
    list(path.pipe(texts, batch_size=args.batch_size))  # warm-up
    for name in ("tok2vec", "tagger", "parser", "ner", "quotes_paragraphs", "quotes"):
        path.pipes[name] = Timed(name, path.pipes[name])
    path.ruler = timed("attribute_ruler", path.ruler)
    path.lemmatizer = timed("lemmatizer", path.lemmatizer)
    path.gate.paragraphs = timed("gate", path.gate.paragraphs)  # type: ignore[method-assign]
    selective._copy_parse = timed("copy arcs", selective._copy_parse)
    started = time.perf_counter()
    list(path.pipe(texts, batch_size=args.batch_size))
    rows = {"selective": (time.perf_counter() - started, dict(SPENT))}
    SPENT.clear()
    for name, component in nlp.pipeline:  # warm-up
        pass
    list(nlp.pipe(texts, batch_size=args.batch_size))
    started = time.perf_counter()
    docs = [timed("tokenizer", nlp.make_doc)(t) for t in texts]
    for name, component in nlp.pipeline:
        for start in range(0, len(docs), args.batch_size):
            batch = docs[start : start + args.batch_size]
            if hasattr(component, "pipe"):
                docs[start : start + args.batch_size] = timed(name, component.pipe)(batch, batch_size=len(batch))
            else:
                docs[start : start + args.batch_size] = [timed(name, component)(d) for d in batch]
    rows["full"] = (time.perf_counter() - started, dict(SPENT))
    names = ["tokenizer", "tok2vec", "tagger", "gate", "quotes_paragraphs", "parser", "copy arcs", "attribute_ruler", "lemmatizer", "ner", "quotes"]
    print(f"{len(texts)} articles, {sum(len(d) for d in docs):,} tokens; seconds per stage (batch size {args.batch_size})")
    print(f"{'stage':20s}{'selective':>12s}{'full':>12s}")
    for name in names:
        cells = [f"{rows[k][1][name]:.2f}" if name in rows[k][1] else "-" for k in ("selective", "full")]
        print(f"{name:20s}{cells[0]:>12s}{cells[1]:>12s}")
    for key in ("selective", "full"):
        spent = rows[key][1]
        before = sum(v for k, v in spent.items() if k not in ("quotes", "quotes_paragraphs", "gate", "copy arcs"))
        print(f"{key}: total {rows[key][0]:.2f} s; spaCy components {before:.2f} s; quotes component {spent.get('quotes', 0):.2f} s")


if __name__ == "__main__":
    main()
