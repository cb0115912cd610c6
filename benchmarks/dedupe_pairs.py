"""Pairwise precision and recall of the deduplicator on hand-labelled PolNeAR pairs.

The pairs (tests/data/dedupe_pairs.tsv) are references into PolNeAR train:
file name and character offsets of each quote, the label (1: the same
utterance, 0: a look-alike different utterance), the case, and the speakers
as resolved by hand. The text is read from the corpus here, never shipped.

Three measures:
  pair      same_utterance(a, b) on each pair, text only (speakers ignored)
  speakers  the same, with the hand-resolved speakers
  clusters  all quotes of the set deduplicated together with dedupe() (publisher
            as outlet, metadata date), then a pair counts as merged when both
            quotes land in one cluster, so transitive merges are counted too

Usage:
    .venv/bin/python benchmarks/dedupe_pairs.py [--polnear PATH] [--grid] [--errors]
"""

from __future__ import annotations

import argparse
import csv
import itertools
import os
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from quotes.dedupe import MatchOptions, dedupe, replace_options, same_utterance  # noqa: E402

PAIRS = ROOT / "tests" / "data" / "dedupe_pairs.tsv"


@dataclass(frozen=True, slots=True)
class Pair:
    a: str
    b: str
    label: bool
    case: str
    speaker_a: str | None
    speaker_b: str | None
    ref_a: tuple[str, int, int]
    ref_b: tuple[str, int, int]


def find_polnear(explicit: str | None) -> Path:
    for candidate in (explicit, os.environ.get("QUOTES_POLNEAR"), ROOT.parent / "shared" / "polnear"):
        if candidate and Path(candidate, "train", "text").is_dir():
            return Path(candidate)
    sys.exit("PolNeAR not found: pass --polnear PATH or set QUOTES_POLNEAR")


def load_pairs(polnear: Path, path: Path = PAIRS) -> list[Pair]:
    texts: dict[str, str] = {}

    def quote(name: str, start: str, end: str) -> str:
        if name not in texts:
            texts[name] = (polnear / "train" / "text" / f"{name}.txt").read_text(encoding="utf-8")
        return texts[name][int(start) : int(end)]

    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    pairs = []
    for row in csv.DictReader(lines, delimiter="\t"):
        pairs.append(
            Pair(
                a=quote(row["file_a"], row["start_a"], row["end_a"]),
                b=quote(row["file_b"], row["start_b"], row["end_b"]),
                label=row["label"] == "1",
                case=row["case"],
                speaker_a=row["speaker_a"] or None,
                speaker_b=row["speaker_b"] or None,
                ref_a=(row["file_a"], int(row["start_a"]), int(row["end_a"])),
                ref_b=(row["file_b"], int(row["start_b"]), int(row["end_b"])),
            )
        )
    return pairs


def scores(pairs: list[Pair], predicted: list[bool]) -> dict[str, float]:
    tp = sum(p.label and m for p, m in zip(pairs, predicted))
    fp = sum(not p.label and m for p, m in zip(pairs, predicted))
    fn = sum(p.label and not m for p, m in zip(pairs, predicted))
    negatives = sum(not p.label for p in pairs)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "negatives_merged": fp / negatives if negatives else 0.0}


def pair_predictions(pairs: list[Pair], options: MatchOptions, *, speakers: bool) -> list[bool]:
    return [
        same_utterance(
            p.a,
            p.b,
            speaker_a=p.speaker_a if speakers else None,
            speaker_b=p.speaker_b if speakers else None,
            options=options,
        )
        for p in pairs
    ]


def cluster_predictions(pairs: list[Pair], polnear: Path, options: MatchOptions) -> list[bool]:
    """Deduplicate every quote of the set at once and read the pairs off the clusters."""
    dates = {}
    metadata = polnear / "metadata.tsv"
    if metadata.exists():
        with metadata.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                dates[row["filename"]] = row["publication_date"]
    records: dict[tuple[str, int, int], dict[str, object]] = {}
    for p in pairs:
        for ref, text, speaker in ((p.ref_a, p.a, p.speaker_a), (p.ref_b, p.b, p.speaker_b)):
            name, start, end = ref
            records[ref] = {
                "id": f"{name}:{start}-{end}",
                "text": text,
                "speaker": speaker,
                "outlet": name.split("_")[0],
                "date": dates.get(name),
                "article_id": name,
                "spans": [[start, end]],
            }
    cluster_of = {}
    for cluster in dedupe(records.values(), options=options):
        for appearance in cluster.appearances:
            cluster_of[appearance.quote_id] = cluster.id
    return [cluster_of[records[p.ref_a]["id"]] == cluster_of[records[p.ref_b]["id"]] for p in pairs]


def report(name: str, pairs: list[Pair], predicted: list[bool]) -> None:
    s = scores(pairs, predicted)
    print(
        f"{name:<9} P={s['precision']:.3f} R={s['recall']:.3f} F1={s['f1']:.3f} "
        f"negatives merged={s['negatives_merged']:.1%}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--polnear", help="PolNeAR root (default: $QUOTES_POLNEAR or ../shared/polnear)")
    parser.add_argument("--grid", action="store_true", help="score a grid of thresholds (text only)")
    parser.add_argument("--errors", action="store_true", help="print the pairs the default options get wrong")
    args = parser.parse_args()
    polnear = find_polnear(args.polnear)
    pairs = load_pairs(polnear)
    positives = sum(p.label for p in pairs)
    print(f"{len(pairs)} pairs: {positives} same utterance, {len(pairs) - positives} look-alike different utterances")
    options = MatchOptions()
    print(f"options: {options}")
    report("pair", pairs, pair_predictions(pairs, options, speakers=False))
    report("speakers", pairs, pair_predictions(pairs, options, speakers=True))
    report("clusters", pairs, cluster_predictions(pairs, polnear, options))
    if args.errors:
        for p, merged in zip(pairs, pair_predictions(pairs, options, speakers=True)):
            if merged != p.label:
                print(f"\n{'MISSED' if p.label else 'MERGED'} ({p.case}) [{p.speaker_a}] {p.a!r}\n   [{p.speaker_b}] {p.b!r}")
    if args.grid:
        print("\nnear near_min containment min_fragment overlap | P R F1 neg-merged (text only)")
        grid = itertools.product((85, 88, 90, 92, 95), (3, 4, 5, 6), (0.8, 0.85, 0.9, 1.0), (3, 4, 5, 6), (6, 8, 10))
        results = []
        for near, near_min, share, fragment, overlap in grid:
            o = replace_options(
                near=near, near_min_words=near_min, containment=share, min_fragment_words=fragment, overlap_words=overlap
            )
            s = scores(pairs, pair_predictions(pairs, o, speakers=False))
            results.append((s["f1"], -s["negatives_merged"], (near, near_min, share, fragment, overlap), s))
        results.sort(reverse=True)
        for _, _, values, s in results[:25]:
            print(
                " ".join(str(v) for v in values),
                f"| {s['precision']:.3f} {s['recall']:.3f} {s['f1']:.3f} {s['negatives_merged']:.1%}",
            )


if __name__ == "__main__":
    main()
