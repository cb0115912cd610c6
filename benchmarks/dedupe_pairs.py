"""Pairwise precision and recall of the deduplicator on hand-judged PolNeAR pairs.

Two judged sets, both references into PolNeAR (file name and character offsets
of each quote, the judgement, its case, the speakers as resolved by hand); the
text is read from the corpus here, never shipped:
  tests/data/dedupe_pairs.tsv      train; 1 = the same utterance, 0 = a look-alike
  tests/data/dedupe_occasions.tsv  train and dev, with dates; same (one utterance,
                                   one occasion), repeat (the same words said
                                   again on another occasion), different

A pair is positive when it is the same utterance; a repeat and a different
utterance are both look-alikes that must not merge (a repeat should be linked
instead). Measures:
  pair      same_utterance(a, b) on each pair, text only (speakers and dates ignored)
  speakers  the same, with the hand-resolved speakers
  clusters  all quotes of the set deduplicated together with dedupe() (publisher
            as outlet, publication date, no speakers: `quotes dedupe` on text),
            then a pair counts as merged when both quotes land in one cluster,
            so transitive merges are counted too
  +speakers the same with the hand-resolved speakers
  pipeline  the same with the speakers `quotes extract` resolves (--pipeline)

Usage:
    .venv/bin/python benchmarks/dedupe_pairs.py [--occasions] [--pipeline] [--grid] [--errors]
"""

from __future__ import annotations

import argparse
import csv
import itertools
import os
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from quotes.dedupe import MatchOptions, dedupe, replace_options, same_utterance  # noqa: E402

PAIRS = ROOT / "tests" / "data" / "dedupe_pairs.tsv"
OCCASIONS = ROOT / "tests" / "data" / "dedupe_occasions.tsv"
KINDS = {"1": "same", "0": "different", "same": "same", "repeat": "repeat", "different": "different"}

Ref = tuple[str, int, int]  # split/name, start, end


@dataclass(frozen=True, slots=True)
class Pair:
    a: str
    b: str
    kind: str  # same, repeat or different
    case: str
    speaker_a: str | None
    speaker_b: str | None
    ref_a: Ref
    ref_b: Ref

    @property
    def label(self) -> bool:
        return self.kind == "same"


def find_polnear(explicit: str | None) -> Path:
    for candidate in (explicit, os.environ.get("QUOTES_POLNEAR"), ROOT.parent / "shared" / "polnear"):
        if candidate and Path(candidate, "train", "text").is_dir():
            return Path(candidate)
    sys.exit("PolNeAR not found: pass --polnear PATH or set QUOTES_POLNEAR")


def article_path(polnear: Path, ref: str) -> Path:
    """``train/NAME`` or ``dev/NAME`` (the older set names train files alone)."""
    split, name = ref.split("/", 1) if "/" in ref else ("train", ref)
    return polnear / split / "text" / f"{name}.txt"


def load_pairs(polnear: Path, path: Path = PAIRS) -> list[Pair]:
    """The judged pairs of ``path``, their text read from the corpus (pairs judged unsure are left out)."""
    texts: dict[str, str] = {}

    def quote(ref: str, start: str, end: str) -> str:
        if ref not in texts:
            with article_path(polnear, ref).open(encoding="utf-8", newline="") as handle:
                texts[ref] = handle.read()
        return texts[ref][int(start) : int(end)]

    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    pairs = []
    for row in csv.DictReader(lines, delimiter="\t"):
        kind = KINDS.get(row["label"])
        if kind is None:
            continue
        pairs.append(
            Pair(
                a=quote(row["file_a"], row["start_a"], row["end_a"]),
                b=quote(row["file_b"], row["start_b"], row["end_b"]),
                kind=kind,
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
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "negatives": negatives,
        "negatives_merged": fp,
    }


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


def publication_dates(polnear: Path) -> dict[str, str]:
    dates = {}
    metadata = polnear / "metadata.tsv"
    if metadata.exists():
        with metadata.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                dates[row["filename"]] = row["publication_date"]
    return dates


def cluster_predictions(
    pairs: list[Pair], polnear: Path, options: MatchOptions, speakers: dict[Ref, str | None] | None = None
) -> tuple[list[bool], list[bool]]:
    """Deduplicate every quote of the set at once; read off which pairs share a cluster and which are linked repeats.

    ``speakers`` gives each quote's speaker (none given: text only).
    """
    dates = publication_dates(polnear)
    records: dict[Ref, dict[str, object]] = {}
    for p in pairs:
        for ref, text in ((p.ref_a, p.a), (p.ref_b, p.b)):
            name = ref[0].rsplit("/", 1)[-1]
            records[ref] = {
                "id": f"{ref[0]}:{ref[1]}-{ref[2]}",
                "text": text,
                "speaker": speakers.get(ref) if speakers else None,
                "outlet": name.split("_")[0],
                "date": dates.get(name),
                "article_id": ref[0],
                "spans": [[ref[1], ref[2]]],
            }
    cluster_of, repeats_of = {}, {}
    for cluster in dedupe(records.values(), options=options):
        repeats_of[cluster.id] = set(cluster.repeats)
        for appearance in cluster.appearances:
            cluster_of[appearance.quote_id] = cluster.id
    merged, linked = [], []
    for p in pairs:
        a, b = cluster_of[records[p.ref_a]["id"]], cluster_of[records[p.ref_b]["id"]]
        merged.append(a == b)
        linked.append(b in repeats_of[a])
    return merged, linked


def hand_speakers(pairs: list[Pair]) -> dict[Ref, str | None]:
    return {ref: speaker for p in pairs for ref, speaker in ((p.ref_a, p.speaker_a), (p.ref_b, p.speaker_b))}


def pipeline_speakers(pairs: list[Pair], polnear: Path) -> dict[Ref, str | None]:
    """Each quote's speaker as `quotes extract` resolves it: that of the detected quote overlapping it most."""
    from quotes import Article, extract_articles

    refs = {ref for p in pairs for ref in (p.ref_a, p.ref_b)}
    names = sorted({ref[0] for ref in refs})
    articles = []
    for name in names:
        with article_path(polnear, name).open(encoding="utf-8", newline="") as handle:
            articles.append(Article(id=name, text=handle.read()))
    found = {article.id: quotes for article, quotes in extract_articles(articles)}
    speakers: dict[Ref, str | None] = {}
    for ref in refs:
        name, start, end = ref
        best, best_overlap = None, 0
        for quote in found.get(name, []):
            overlap = sum(max(0, min(end, e) - max(start, s)) for s, e in quote.content_spans)
            if overlap > best_overlap:
                best, best_overlap = quote, overlap
        speakers[ref] = best.speaker if best else None
    return speakers


def report(name: str, pairs: list[Pair], predicted: list[bool]) -> None:
    s = scores(pairs, predicted)
    negatives = s["negatives"]
    print(
        f"{name:<9} P={s['precision']:.3f} R={s['recall']:.3f} F1={s['f1']:.3f} "
        f"look-alikes merged={s['negatives_merged']} of {negatives} ({s['negatives_merged'] / max(negatives, 1):.1%})"
    )


def report_kinds(pairs: list[Pair], merged: list[bool], linked: list[bool]) -> None:
    """Per judged kind: how many pairs merged; and how many repeats were linked as such."""
    totals = Counter(p.kind for p in pairs)
    merges = Counter(p.kind for p, m in zip(pairs, merged) if m)
    cases = Counter((p.kind, p.case) for p in pairs)
    case_merges = Counter((p.kind, p.case) for p, m in zip(pairs, merged) if m)
    for kind in ("same", "repeat", "different"):
        detail = ", ".join(f"{case} {case_merges[(k, case)]}/{n}" for (k, case), n in sorted(cases.items()) if k == kind)
        print(f"          {kind:<9} merged {merges[kind]:>3} of {totals[kind]:>3}   ({detail})")
    repeats = [link for p, link in zip(pairs, linked) if p.kind == "repeat"]
    if repeats:
        print(f"          repeats linked as repeats: {sum(repeats)} of {len(repeats)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--polnear", help="PolNeAR root (default: $QUOTES_POLNEAR or ../shared/polnear)")
    parser.add_argument("--occasions", action="store_true", help=f"score {OCCASIONS.name} instead of {PAIRS.name}")
    parser.add_argument("--pipeline", action="store_true", help="also cluster with the speakers quotes extract resolves")
    parser.add_argument("--occasion-days", type=int, help="the occasion window to score (default: the library's)")
    parser.add_argument("--phrase-days", type=int, help="the occasion window of short phrases (default: the library's)")
    parser.add_argument("--exact-below", type=int, help="exact_below_words to score (default: the library's)")
    parser.add_argument("--grid", action="store_true", help="score a grid of thresholds (text only)")
    parser.add_argument("--errors", action="store_true", help="print the pairs the clusters (hand speakers) get wrong")
    args = parser.parse_args()
    polnear = find_polnear(args.polnear)
    pairs = load_pairs(polnear, OCCASIONS if args.occasions else PAIRS)
    counts = Counter(p.kind for p in pairs)
    print(f"{len(pairs)} pairs: " + ", ".join(f"{counts[k]} {k}" for k in ("same", "repeat", "different") if counts[k]))
    options = MatchOptions()
    if args.occasion_days is not None:
        options = replace_options(options, occasion_days=args.occasion_days)
    if args.exact_below is not None:
        options = replace_options(options, exact_below_words=args.exact_below)
    if args.phrase_days is not None:
        options = replace_options(options, phrase_occasion_days=args.phrase_days)
    print(f"options: {options}")
    report("pair", pairs, pair_predictions(pairs, options, speakers=False))
    report("speakers", pairs, pair_predictions(pairs, options, speakers=True))
    runs = [("clusters", None), ("+speakers", hand_speakers(pairs))]
    if args.pipeline:
        runs.append(("pipeline", pipeline_speakers(pairs, polnear)))
    for name, speakers in runs:
        merged, linked = cluster_predictions(pairs, polnear, options, speakers)
        report(name, pairs, merged)
        report_kinds(pairs, merged, linked)
        if args.errors and name == "clusters":
            wrong = [(p, m) for p, m in zip(pairs, merged) if m != p.label]
    if args.errors:
        for p, merged_pair in wrong:
            print(
                f"\n{'MERGED' if merged_pair else 'MISSED'} {p.kind} ({p.case}) {p.ref_a[0]} / {p.ref_b[0]}\n"
                f"   [{p.speaker_a}] {p.a!r}\n   [{p.speaker_b}] {p.b!r}"
            )
    if args.grid:
        print("\nnear exact_below containment min_fragment overlap | P R F1 look-alikes merged (text only)")
        grid = itertools.product((85, 88, 90, 92, 95), (8, 10, 12), (0.8, 0.85, 0.9, 1.0), (3, 4, 5, 6), (6, 8, 10))
        results = []
        for near, exact_below, share, fragment, overlap in grid:
            o = replace_options(
                near=near, exact_below_words=exact_below, containment=share, min_fragment_words=fragment, overlap_words=overlap
            )
            s = scores(pairs, pair_predictions(pairs, o, speakers=False))
            results.append((s["f1"], -s["negatives_merged"], (near, exact_below, share, fragment, overlap), s))
        results.sort(reverse=True)
        for _, _, values, s in results[:25]:
            print(
                " ".join(str(v) for v in values),
                f"| {s['precision']:.3f} {s['recall']:.3f} {s['f1']:.3f} {s['negatives_merged']}",
            )


if __name__ == "__main__":
    main()
