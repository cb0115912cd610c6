"""Accuracy of the selective path next to the full pipeline, on the same code, in one run.

Scores `extract_articles(full_parse=True)` (every component on all the text)
and the default selective path against PolNeAR's dev annotations, exactly as
`quotes evaluate` does, prints both sets of figures side by side, the share of
tokens the selective path parsed, and how many articles got different quotes
(none, if the selective path is sound). Running both in one process means a
detector change in the working tree cannot make one side differ from the other.

Usage:
    .venv/bin/python benchmarks/selective_accuracy.py [--split dev] [--always-slice]

--always-slice parses only the kept paragraphs even in articles where almost
every paragraph is kept (normally such an article is parsed whole), so the
slicing path is checked on every article.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _polnear import polnear_root  # noqa: E402

import quotes.selective as selective  # noqa: E402
from quotes.api import DEFAULT_MODEL, _selective, extract_articles  # noqa: E402
from quotes.evaluate import evaluate, read_gold  # noqa: E402

MEASURES = ("content", "exact", "attribution", "end_to_end")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", default="dev")
    parser.add_argument("--always-slice", action="store_true")
    args = parser.parse_args()
    if args.always_slice:
        selective.WHOLE_ARTICLE_SHARE = 1.01
    gold = read_gold(polnear_root() / args.split)
    found: dict[str, dict[str, list[object]]] = {"full": {}, "selective": {}}
    figures = {}
    for name, full_parse in (("full", True), ("selective", False)):
        def extractor(articles, full_parse=full_parse, name=name):  # type: ignore[no-untyped-def]
            for article, quotes in extract_articles(articles, full_parse=full_parse):
                found[name][article.id] = quotes
                yield article, quotes

        started = time.perf_counter()
        figures[name] = evaluate(gold, extractor).figures()
        print(f"{name:9s} path: {time.perf_counter() - started:6.1f} s (extraction and scoring)", flush=True)
    pipeline = _selective(DEFAULT_MODEL)
    print(f"selective path parsed {pipeline.parsed / max(1, pipeline.tokens):.1%} of {pipeline.tokens:,} tokens")
    print(f"\n{args.split}: {figures['full']['articles']} articles, {figures['full']['gold']} gold quotes")
    print(f"{'':24s}{'full pipeline':>22s}{'selective':>22s}")
    for measure in MEASURES:
        if measure not in figures["full"]:
            continue
        cells = [" ".join(f"{figures[n][measure][k]:.3f}" for k in ("precision", "recall", "f1")) for n in ("full", "selective")]
        print(f"{measure + ' P/R/F1':24s}{cells[0]:>22s}{cells[1]:>22s}")
    for key in ("predicted", "matched", "source_accuracy", "direct_recall", "mixed_recall", "speaker_accuracy", "outlet_accuracy"):
        if key in figures["full"]:
            a, b = figures["full"][key], figures["selective"][key]
            print(f"{key:24s}{a:>22.3f}{b:>22.3f}" if isinstance(a, float) else f"{key:24s}{a:>22}{b:>22}")
    differing = [i for i in found["full"] if found["full"][i] != found["selective"].get(i)]
    print(f"\narticles whose quotes differ between the paths: {len(differing)} of {len(found['full'])}")
    for article_id in differing[:10]:
        print("  ", article_id)
    sys.exit(1 if differing else 0)


if __name__ == "__main__":
    main()
