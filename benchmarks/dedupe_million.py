"""Deduplicate a million generated quotes; print the time, the peak memory and the accuracy.

The quotes are real sentences with seeded, realistic variations, as outlets
quote them: other quotation marks and apostrophes, cut at either end, an
ellipsis for dropped words, a bracketed insertion, a typo, capitals,
re-punctuation, and the speaker spelt several ways or missing. The sentences
come from the public-domain articles in ../shared/corpora-candidates and
corpora/ (shipped), and from PolNeAR's train and dev texts when present (read
at run time, never shipped). Each sentence is one utterance; how often it is
quoted follows a Zipf law, so a few lines are quoted thousands of times and
most a handful.

Usage:
    .venv/bin/python benchmarks/dedupe_million.py [--quotes 1000000] [--seed 5]

Output: generation time, deduplication time, peak resident memory
(resource.getrusage), cluster counts, and pairwise precision/recall against
the generated truth (pairs counted from the contingency table, not enumerated).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import resource
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from quotes.dedupe import DedupeRecord, dedupe  # noqa: E402
from quotes.text import match_text  # noqa: E402

SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’']?\s+(?=[\"“‘']?[A-Z])")
OUTLETS = ["AP", "Reuters", "AFP", "Yonhap", "NHK", "KCNA", "VOA", "BBC", "CNN", "Fox News", "NYT",
           "Washington Post", "Politico", "USA Today", "Breitbart", "HuffPost", "Sputnik", "Xinhua",
           "The Guardian", "Asahi", "Yomiuri", "Nikkei", "Korea Herald", "Al Jazeera"]
# Public figures of the corpora, each with the spellings outlets use.
SPEAKERS = [
    ["Kim Jong Un", "Kim Jong-un", "KIM JONG UN", "North Korean leader Kim Jong Un", "Kim"],
    ["Donald Trump", "President Donald Trump", "Trump", "Donald J. Trump", "Mr. Trump"],
    ["Mike Pompeo", "Secretary of State Mike Pompeo", "Pompeo", "Secretary Pompeo"],
    ["Moon Jae-in", "Moon Jae In", "President Moon Jae-in", "Moon"],
    ["Shinzo Abe", "Prime Minister Shinzo Abe", "Abe", "PM Abe"],
    ["Jim Mattis", "Secretary Mattis", "Defense Secretary Jim Mattis", "Mattis"],
    ["Hillary Clinton", "Hillary Rodham Clinton", "Mrs. Clinton", "Clinton"],
    ["Bernie Sanders", "Sen. Bernie Sanders", "Sanders", "Mr. Sanders"],
    ["Itsunori Onodera", "Onodera", "Defense Minister Itsunori Onodera"],
    ["Marco Rubio", "Sen. Marco Rubio", "Rubio"],
    ["Ted Cruz", "Sen. Ted Cruz", "Cruz"],
    ["Mike Pence", "Gov. Mike Pence", "Pence"],
    ["Barack Obama", "President Barack Obama", "Obama", "Mr. Obama"],
    ["Song Young-moo", "Song Young Moo", "Minister Song"],
    ["Kang Kyung-wha", "Kang Kyung Wha", "Foreign Minister Kang"],
    ["John Bolton", "National Security Advisor John Bolton", "Bolton"],
]
QUOTE_MARKS = [("“", "”"), ('"', '"'), ("''", "''"), ("«", "»"), ("‘", "’"), ("", "")]
PRONOUNS = re.compile(r"\b(he|she|they|it|we|this)\b")


def sentences(polnear: Path | None) -> list[str]:
    """Distinct sentences of 6 to 60 words from the shipped articles and PolNeAR if present."""
    files = sorted((ROOT.parent / "shared" / "corpora-candidates").glob("*.txt"))
    files += sorted((ROOT / "corpora").glob("*.txt"))
    if polnear is not None:
        for split in ("train", "dev"):
            files += sorted((polnear / split / "text").glob("*.txt"))
    seen: set[str] = set()
    found = []
    for path in files:
        for paragraph in path.read_text(encoding="utf-8").split("\n"):
            for sentence in SENTENCE_END.split(paragraph.strip()):
                words = sentence.split()
                if not 6 <= len(words) <= 60:
                    continue
                key = match_text(sentence)
                if key not in seen:
                    seen.add(key)
                    found.append(sentence)
    return found


def typo(words: list[str], rng: random.Random) -> None:
    long_words = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
    if long_words:
        i = rng.choice(long_words)
        w = words[i]
        j = rng.randrange(1, len(w) - 2)
        words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2 :]  # swapped letters


def vary(sentence: str, rng: random.Random, speaker_name: str) -> str:
    """One outlet's rendering of a sentence."""
    words = sentence.split()
    n = len(words)
    if n >= 10 and rng.random() < 0.3:  # cut at one end or both, keeping most of it
        keep = rng.randint(max(6, int(n * 0.6)), n)
        start = rng.randint(0, n - keep)
        words = words[start : start + keep]
    if len(words) >= 14 and rng.random() < 0.12:  # an ellipsis for dropped words
        i = rng.randint(4, len(words) - 8)
        words = words[:i] + [rng.choice(["...", "…", ". . ."])] + words[i + rng.randint(1, 3) :]
    if rng.random() < 0.1:  # a bracketed insertion
        text = " ".join(words)
        surname = speaker_name.split()[-1]
        if PRONOUNS.search(text) and rng.random() < 0.7:
            text = PRONOUNS.sub(f"[{surname}]", text, count=1)
        else:
            text += " [sic]"
        words = text.split()
    if rng.random() < 0.12:
        typo(words, rng)
    text = " ".join(words)
    roll = rng.random()
    if roll < 0.02:
        text = text.upper()
    elif roll < 0.1:
        text = text.replace(",", " -").replace("'", "’")
    elif roll < 0.2:
        text = text.rstrip(".!?") + rng.choice([",", "", "."])
    left, right = rng.choice(QUOTE_MARKS)
    return f"{left}{text}{right}"


def generate(count: int, seed: int, polnear: Path | None) -> tuple[list[DedupeRecord], list[int]]:
    rng = random.Random(seed)
    pool = sentences(polnear)
    rng.shuffle(pool)
    speakers = [rng.randrange(len(SPEAKERS)) for _ in pool]
    base_day = [rng.randrange(0, 700) for _ in pool]
    # Zipf-like popularity: the k-th sentence is quoted about 1/k^0.9 as often as the first.
    weights = [1 / (k + 1) ** 0.9 for k in range(len(pool))]
    chosen = rng.choices(range(len(pool)), weights=weights, k=count)
    records, truth = [], []
    for i, u in enumerate(chosen):
        names = SPEAKERS[speakers[u]]
        name = rng.choice(names) if rng.random() < 0.7 else None
        day = base_day[u] + min(int(rng.expovariate(0.3)), 60)
        records.append(
            DedupeRecord(
                id=f"q{i}",
                text=vary(pool[u], rng, names[0]),
                speaker=name,
                outlet=rng.choice(OUTLETS),
                date=f"{2016 + day // 365}-{1 + (day % 365) // 31:02d}-{1 + (day % 365) % 31 % 28:02d}",
                article_id=f"a{i // 8}",
                spans=((0, 0),),
            )
        )
        truth.append(u)
    print(f"{len(pool):,} distinct source sentences, {len(set(chosen)):,} quoted")
    return records, truth


def pair_scores(predicted: list[str], truth: list[int]) -> tuple[float, float]:
    """Pairwise precision and recall from the contingency table (no pair enumeration)."""

    def pairs(counts: Counter) -> int:  # type: ignore[type-arg]
        return sum(c * (c - 1) // 2 for c in counts.values())

    both = pairs(Counter(zip(predicted, truth)))
    merged = pairs(Counter(predicted))
    same = pairs(Counter(truth))
    return (both / merged if merged else 1.0), (both / same if same else 1.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quotes", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--no-polnear", action="store_true", help="use only the shipped articles")
    args = parser.parse_args()
    polnear = None
    if not args.no_polnear:
        for candidate in (os.environ.get("QUOTES_POLNEAR"), ROOT.parent / "shared" / "polnear"):
            if candidate and Path(candidate, "train", "text").is_dir():
                polnear = Path(candidate)
                break
    print(f"sources: corpora-candidates + corpora/{' + PolNeAR train/dev' if polnear else ''}")

    started = time.perf_counter()
    records, truth = generate(args.quotes, args.seed, polnear)
    generated = time.perf_counter()
    print(f"generated {len(records):,} quotes in {generated - started:.1f} s")

    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    clusters = dedupe(records)
    done = time.perf_counter()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    peak = usage.ru_maxrss / 1024  # KiB on Linux
    # CPU time as well as wall time: on a shared machine the wall clock also counts other jobs
    cpu = (usage.ru_utime + usage.ru_stime) - (cpu_before.ru_utime + cpu_before.ru_stime)

    cluster_of = {}
    for cluster in clusters:
        for appearance in cluster.appearances:
            cluster_of[appearance.quote_id] = cluster.id
    predicted = [cluster_of[r.id] for r in records]
    precision, recall = pair_scores(predicted, truth)
    sizes = Counter(len(c.appearances) for c in clusters)
    print(f"dedupe: {done - generated:.1f} s for {len(records):,} quotes "
          f"({(done - generated) / len(records) * 1e6:.0f} µs per quote), {cpu:.1f} s of CPU")
    print(f"peak memory (ru_maxrss): {peak:,.0f} MiB")
    print(f"clusters: {len(clusters):,} (truth: {len(set(truth)):,}); singletons: {sizes[1]:,}; "
          f"largest: {len(clusters[0].appearances):,}")
    print(f"pairwise precision {precision:.4f}, recall {recall:.4f} against the generated truth")


if __name__ == "__main__":
    main()
