"""How much NER could be skipped at best: the share of tokens in sentences with no entity at all.

Runs the full pipeline and counts, per folder, the tokens of the sentences in which the NER
tags no token. No gate can skip more NER than that without losing an entity, so it bounds
what selective NER could save (docs/performance.md).

Usage:
    .venv/bin/python benchmarks/entity_free.py ../shared/polnear/dev/text corpora
"""

from __future__ import annotations

import argparse
from pathlib import Path

import spacy

from quotes.api import DEFAULT_MODEL


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folders", nargs="+", help="folders of .txt articles")
    parser.add_argument("--model", default=DEFAULT_MODEL)
    args = parser.parse_args()
    nlp = spacy.load(args.model)
    for folder in args.folders:
        texts = [path.read_text(encoding="utf-8") for path in sorted(Path(folder).rglob("*.txt"))]
        total = without = 0
        for doc in nlp.pipe(texts, batch_size=16):
            for sentence in doc.sents:
                total += len(sentence)
                if not any(token.ent_type for token in sentence):
                    without += len(sentence)
        print(f"{folder}: {len(texts)} articles, {total:,} tokens, {without / max(total, 1):.1%} in sentences without an entity")


if __name__ == "__main__":
    main()
