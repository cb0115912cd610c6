"""Score extraction against annotated articles.

Two gold formats are read:

* brat standoff laid out like PolNeAR (``text/NAME.txt`` and
  ``attributions/NAME_ANNOTATOR.ann``): Attribution events with their
  Content, Source and Cue spans;
* JSON Lines, one article per line (``text``, or ``file``/``path`` relative to
  the gold file, or ``doc`` naming ``articles/DOC.txt`` beside it as in
  ``shared/news-dev``), with ``quotes``: content spans (``content_spans`` or
  ``content``), the speaker mention (``speaker_span`` or ``source``), speaker
  and outlet, and any other right answers in ``speaker_alts`` / ``outlet_alts``.

The matching rule is fixed so figures compare with other systems: per article
the first ``.ann`` in sorted order; a prediction and a gold item match
one-to-one, greedily by best ratio, when the characters they share are at
least half of the characters either covers (Jaccard >= 0.5); a match is exact
when both contents are equal after trimming whitespace, quotation marks,
punctuation and a leading "that", case-folded; an attribution is correct when
matched and the predicted speaker mention overlaps the gold source (or both
are absent). Precision is hits over predictions, recall hits over gold items.

Which mention counts as the source depends on the annotation convention.
In the relay convention (``shared/news-dev``, ``corpora/gold.jsonl``) a relay
is folded into one attribution whose source is the speaker ("Kim said C,
KCNA reported": Kim). PolNeAR keeps the outer attribution's source (KCNA), so
with ``convention="polnear"`` a quote's outermost relay mention is compared
instead. Speaker and outlet names (JSON Lines gold) are right when equal after
:func:`name_tokens`, or when their token-set ratio is at least
:data:`NAME_RATIO`, or when they equal one of the listed alternatives; no name
is right only against no name.

Gold items are typed the way the detector types its quotes, by the quotation
marks of :mod:`quotes.marks` (every typography, the archive ``''...''`` too): an
item whose content meets a quotation is direct when nothing but one
connective or article ("that", "the") stands outside the marks, mixed otherwise
(reported speech with a quoted part); an item holding a double mark that
could not be paired is direct. Recall is given for each.
"""

from __future__ import annotations

import dataclasses
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from quotes.errors import GoldError, InputError
from quotes.marks import QuoteRegion, find_regions, is_direct
from quotes.read import article_text
from quotes.records import Article, Quote, Span

MATCH_THRESHOLD = 0.5
#: Token-set similarity (0-100) at which two names count as one (shared/news-dev/score.py's rule).
NAME_RATIO = 90
CONVENTIONS = ("relay", "polnear")
_DOUBLE_MARK_RE = re.compile("[\"\u201c\u201d\u201e\u00ab\u00bb]|``|''")
_EDGE_CHARS = " \t\n\u00a0\"'`\u201c\u201d\u2018\u2019\u00ab\u00bb.,;:!?()[]-\u2013\u2014\u2026"

Extractor = Callable[[Iterable[Article]], Iterator[tuple[Article, list[Quote]]]]


@dataclass(frozen=True, slots=True)
class GoldQuote:
    """One annotated attribution."""

    content_spans: tuple[Span, ...]
    source_spans: tuple[Span, ...] = ()
    cue_spans: tuple[Span, ...] = ()
    speaker: str | None = None
    outlet: str | None = None
    speaker_alts: tuple[str | None, ...] = ()
    outlet_alts: tuple[str | None, ...] = ()

    def quotation_type(self, text: str, regions: Iterable[QuoteRegion]) -> str | None:
        """ "direct" or "mixed" when the content meets a quotation of ``regions``; None for reported speech only."""
        pieces = [
            piece
            for region in regions
            for piece in region.pieces
            if any(a < piece[1] and piece[0] < b for a, b in self.content_spans)
        ]
        if not pieces:
            # A mark the finder could not pair still shows a quotation: counted direct, so that
            # quotes with broken marks stay in the denominator rather than drop out of it.
            content = "".join(text[a:b] for a, b in self.content_spans)
            return "direct" if _DOUBLE_MARK_RE.search(content) else None
        return "direct" if is_direct(text, self.content_spans, pieces) else "mixed"


@dataclass(frozen=True, slots=True)
class GoldArticle:
    article: Article
    quotes: tuple[GoldQuote, ...]


@dataclass(slots=True)
class Score:
    """Counts over a corpus and the figures derived from them."""

    articles: int = 0
    gold: int = 0
    predicted: int = 0
    matched: int = 0
    exact: int = 0
    attributed: int = 0
    gold_direct: int = 0
    matched_direct: int = 0
    gold_mixed: int = 0
    matched_mixed: int = 0
    # Only for gold with speakers and outlets (JSON Lines).
    speaker_right: int = 0
    outlet_right: int = 0
    end_to_end: int = 0
    has_names: bool = False
    details: list[dict[str, Any]] = field(default_factory=list)

    @staticmethod
    def _prf(hits: int, predicted: int, gold: int) -> dict[str, float]:
        precision = hits / predicted if predicted else 0.0
        recall = hits / gold if gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}

    def figures(self) -> dict[str, Any]:
        figures: dict[str, Any] = {
            "articles": self.articles,
            "gold": self.gold,
            "predicted": self.predicted,
            "matched": self.matched,
            "content": self._prf(self.matched, self.predicted, self.gold),
            "exact": self._prf(self.exact, self.predicted, self.gold),
            "attribution": self._prf(self.attributed, self.predicted, self.gold),
            "source_accuracy": round(self.attributed / self.matched, 4) if self.matched else 0.0,
            "direct_recall": round(self.matched_direct / self.gold_direct, 4) if self.gold_direct else 0.0,
            "gold_direct": self.gold_direct,
            "mixed_recall": round(self.matched_mixed / self.gold_mixed, 4) if self.gold_mixed else 0.0,
            "gold_mixed": self.gold_mixed,
        }
        if self.has_names:
            figures["speaker_accuracy"] = round(self.speaker_right / self.matched, 4) if self.matched else 0.0
            figures["outlet_accuracy"] = round(self.outlet_right / self.matched, 4) if self.matched else 0.0
            figures["end_to_end"] = self._prf(self.end_to_end, self.predicted, self.gold)
        return figures


# --- reading gold -----------------------------------------------------------------


def _parse_offsets(field_text: str, where: str) -> tuple[Span, ...]:
    try:
        return tuple(
            (int(a), int(b)) for a, b in (piece.split() for piece in field_text.split(";"))
        )
    except ValueError:
        raise GoldError(f"{where}: cannot read offsets {field_text!r}") from None


def read_brat_file(text_path: Path, ann_path: Path) -> GoldArticle:
    """The attributions of one article in brat standoff."""
    try:
        text = article_text(text_path)
        lines = ann_path.read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError) as exc:
        raise GoldError(f"{ann_path}: cannot read ({exc})") from None
    except InputError as exc:
        raise GoldError(str(exc)) from None
    spans: dict[str, tuple[str, tuple[Span, ...]]] = {}
    events: list[list[tuple[str, str]]] = []
    for number, line in enumerate(lines, start=1):
        cells = line.split("\t")
        # A span's text may run over several lines; the offsets are what count.
        if len(cells) < 2:
            continue
        if re.fullmatch(r"T\d+", cells[0]):
            label, _, offsets = cells[1].partition(" ")
            spans[cells[0]] = (label, _parse_offsets(offsets, f"{ann_path}:{number}"))
        elif re.fullmatch(r"E\d+", cells[0]):
            events.append([tuple(arg.split(":", 1)) for arg in cells[1].split()])  # type: ignore[misc]
    quotes = []
    for event in events:
        kind = event[0][0]
        if not kind.startswith("Attribution"):
            continue
        roles: dict[str, list[Span]] = {"Content": [], "Source": [], "Cue": []}
        for role, ref in event[1:]:
            role = role.rstrip("0123456789")
            if role in roles and ref in spans:
                roles[role].extend(spans[ref][1])
        if not roles["Content"]:
            continue
        quotes.append(
            GoldQuote(
                content_spans=tuple(sorted(roles["Content"])),
                source_spans=tuple(roles["Source"]),
                cue_spans=tuple(roles["Cue"]),
            )
        )
    article = Article(id=text_path.stem, text=text, path=str(text_path))
    return GoldArticle(article=article, quotes=tuple(quotes))


def read_brat_corpus(root: Path) -> list[GoldArticle]:
    """Every article of a PolNeAR-style folder, with the first annotation file of each."""
    text_dir, ann_dir = root / "text", root / "attributions"
    if not text_dir.is_dir() or not ann_dir.is_dir():
        raise GoldError(
            f"{root}: not a brat corpus; expected the folders text/ and attributions/ "
            "(text/NAME.txt with attributions/NAME_ANNOTATOR.ann)"
        )
    first_ann: dict[str, Path] = {}
    for ann in sorted(ann_dir.glob("*.ann")):
        first_ann.setdefault(ann.stem.rsplit("_", 1)[0], ann)
    articles = []
    for text_path in sorted(text_dir.glob("*.txt")):
        ann = first_ann.get(text_path.stem)
        if ann is not None:
            articles.append(read_brat_file(text_path, ann))
    if not articles:
        raise GoldError(f"{root}: no article in text/ has an annotation file in attributions/")
    return articles


def _span_list(value: Any, where: str) -> tuple[Span, ...]:
    if value is None:
        return ()
    if isinstance(value, list) and len(value) == 2 and all(isinstance(x, int) for x in value):
        value = [value]
    try:
        return tuple((int(a), int(b)) for a, b in value)
    except (TypeError, ValueError):
        raise GoldError(f"{where}: spans must be [[start, end], ...], got {value!r}") from None


def read_jsonl_gold(path: Path) -> list[GoldArticle]:
    """Gold articles from JSON Lines: text (or a file beside the gold file) and quotes."""
    articles = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise GoldError(f"{path}: cannot read ({exc})") from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise GoldError(f"{where}: not JSON ({exc.msg})") from None
        name = record.get("file") or record.get("path") or (f"articles/{record['doc']}.txt" if record.get("doc") else None)
        if "text" in record:
            text = record["text"]
        elif name:
            try:
                text = article_text(path.parent / name)
            except InputError as exc:
                raise GoldError(f"{where}: cannot read article {name} ({exc.problem})") from None
        else:
            raise GoldError(f"{where}: a gold line needs `text`, `file` or `doc`")
        quotes = tuple(_gold_quote(q, where) for q in record.get("quotes", []))
        article_id = str(record.get("id") or record.get("doc") or name or f"{path.name}:{number}")
        path_value = str(path.parent / name) if name else None
        article = Article(
            id=article_id,
            text=text,
            path=path_value,
            outlet=record.get("outlet"),
            published=record.get("date") or record.get("published"),
            url=record.get("url"),
        )
        articles.append(GoldArticle(article, quotes))
    return articles


def _gold_quote(item: dict[str, Any], where: str) -> GoldQuote:
    """One gold item in either layout: this project's (``content_spans``) or news-dev's (``content``)."""
    cue = item.get("cue_span")
    if cue is None and isinstance(item.get("cue"), list):
        cue = item["cue"]  # news-dev gives the cue as spans and its words as cue_text
    return GoldQuote(
        content_spans=_span_list(item.get("content_spans", item.get("content")), where),
        source_spans=_span_list(item.get("speaker_span", item.get("source")), where),
        cue_spans=_span_list(cue, where),
        speaker=item.get("speaker"),
        outlet=item.get("outlet"),
        speaker_alts=tuple(item.get("speaker_alts") or ()),
        outlet_alts=tuple(item.get("outlet_alts") or ()),
    )


def read_gold(path: Path) -> list[GoldArticle]:
    """Gold articles from a brat folder or a JSON Lines file."""
    if path.is_dir():
        return read_brat_corpus(path)
    if path.is_file():
        return read_jsonl_gold(path)
    raise GoldError(f"{path}: no such file or folder")


# --- scoring ----------------------------------------------------------------------


def _chars(spans: Iterable[Span]) -> set[int]:
    return {i for a, b in spans for i in range(a, b)}


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", " ".join(text.split())).casefold()
    previous = None
    while previous != text:
        previous = text
        text = text.strip(_EDGE_CHARS)
        if text.startswith("that "):
            text = text[5:]
    return text


def _content_text(text: str, spans: Iterable[Span]) -> str:
    return " ".join(text[a:b] for a, b in spans)


def name_key(name: str | None) -> str:
    """A comparison key for canonical names: case, hyphens and spaces do not count."""
    if not name:
        return ""
    return re.sub(r"[\s\-\u2010\u2011.]+", "", unicodedata.normalize("NFKC", name)).casefold()


def name_tokens(name: str) -> str:
    """A name as words of letters and digits only, lower case: "Dong-A Ilbo" -> "dong a ilbo"."""
    folded = unicodedata.normalize("NFKC", name).lower()
    return " ".join("".join(ch if ch.isalnum() else " " for ch in folded).split())


def same_name(predicted: str | None, gold: str | None, alternatives: Iterable[str | None] = ()) -> bool:
    """Whether a predicted speaker or outlet is the gold one or one of its alternatives.

    No name is right only where the gold allows none; two names are one when
    their words are equal run together ("Dong-A Ilbo", "DongA Ilbo") or their
    token-set ratio reaches :data:`NAME_RATIO` ("officials" for "Turkish officials").
    """
    accepted = [gold, *alternatives]
    if not predicted or not predicted.strip():
        return any(not a or not a.strip() for a in accepted)
    mine = name_tokens(predicted)
    for answer in accepted:
        if not answer or not answer.strip():
            continue
        theirs = name_tokens(answer)
        if mine.replace(" ", "") == theirs.replace(" ", ""):
            return True
        if mine and theirs and fuzz.token_set_ratio(mine, theirs) >= NAME_RATIO:
            return True
    return False


def outer_attribution(quote: Quote) -> Quote:
    """A relayed quote as PolNeAR annotates it: the outer attribution, whose content holds the inner one.

    "NHK reported that Suga said C" is, for PolNeAR, source NHK and content
    "Suga said C". Only a relay that was an attribution of its own, with its own
    cue words ("KCNA reported", "according to Reuters"), is an outer source; a
    channel of the speaker's own clause ("told CNN", "on Facebook") is not.
    """
    relays = [
        link
        for link in quote.via
        if link.role == "relay" and link.span is not None and link.cue_span not in (None, quote.cue_span)
    ]
    if not relays:
        return quote
    inner = [span for span in (quote.speaker_span, quote.cue_span) if span is not None]
    start = min(a for a, _ in (*quote.content_spans, *inner))
    end = max(b for _, b in (*quote.content_spans, *inner))
    return dataclasses.replace(quote, content_spans=((start, end),), speaker_span=relays[-1].span)


def _overlaps(a: Iterable[Span], b: Iterable[Span]) -> bool:
    return any(x[0] < y[1] and y[0] < x[1] for x in a for y in b)


def match(predicted: list[Quote], gold: tuple[GoldQuote, ...]) -> list[tuple[int, int, float]]:
    """One-to-one pairs (prediction index, gold index, ratio), greedily by best ratio."""
    gold_chars = [_chars(g.content_spans) for g in gold]
    candidates = []
    for p_index, quote in enumerate(predicted):
        p_chars = _chars(quote.content_spans)
        for g_index, g_chars in enumerate(gold_chars):
            shared = len(p_chars & g_chars)
            if not shared:
                continue
            ratio = shared / len(p_chars | g_chars)
            if ratio >= MATCH_THRESHOLD:
                candidates.append((ratio, p_index, g_index))
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    used_p: set[int] = set()
    used_g: set[int] = set()
    pairs = []
    for ratio, p_index, g_index in candidates:
        if p_index in used_p or g_index in used_g:
            continue
        used_p.add(p_index)
        used_g.add(g_index)
        pairs.append((p_index, g_index, ratio))
    return pairs


def score_article(
    score: Score, gold_article: GoldArticle, predicted: list[Quote], *, details: bool = False, convention: str = "relay"
) -> None:
    """Add one article's counts to ``score``; ``convention`` says which mention is the source (see the module)."""
    text = gold_article.article.text
    gold = gold_article.quotes
    if convention == "polnear":
        predicted = [outer_attribution(quote) for quote in predicted]
    score.articles += 1
    score.gold += len(gold)
    score.predicted += len(predicted)
    regions = find_regions(text)
    types = [g.quotation_type(text, regions) for g in gold]
    score.gold_direct += types.count("direct")
    score.gold_mixed += types.count("mixed")
    has_names = any(g.speaker or g.outlet for g in gold)
    score.has_names = score.has_names or has_names
    pairs = match(predicted, gold)
    for p_index, g_index, ratio in pairs:
        quote, item = predicted[p_index], gold[g_index]
        score.matched += 1
        score.matched_direct += types[g_index] == "direct"
        score.matched_mixed += types[g_index] == "mixed"
        if _normalise(_content_text(text, quote.content_spans)) == _normalise(_content_text(text, item.content_spans)):
            score.exact += 1
        speaker_spans = (quote.speaker_span,) if quote.speaker_span else ()
        if (not speaker_spans and not item.source_spans) or _overlaps(speaker_spans, item.source_spans):
            score.attributed += 1
        if has_names:
            speaker_ok = same_name(quote.speaker, item.speaker, item.speaker_alts)
            outlet_ok = same_name(quote.outlet, item.outlet, item.outlet_alts)
            score.speaker_right += speaker_ok
            score.outlet_right += outlet_ok
            score.end_to_end += speaker_ok and outlet_ok
    if details:
        matched_p = {p for p, _, _ in pairs}
        matched_g = {g: p for p, g, _ in pairs}
        for g_index, item in enumerate(gold):
            entry: dict[str, Any] = {
                "article": gold_article.article.id,
                "kind": "matched" if g_index in matched_g else "missed",
                "gold": _content_text(text, item.content_spans),
                "gold_source": _content_text(text, item.source_spans),
                "gold_cue": _content_text(text, item.cue_spans),
                "gold_spans": [list(x) for x in item.content_spans],
                "gold_type": types[g_index],
            }
            if has_names:
                entry.update(gold_speaker=item.speaker, gold_outlet=item.outlet)
            if g_index in matched_g:
                quote = predicted[matched_g[g_index]]
                entry.update(
                    predicted=quote.content,
                    speaker_mention=quote.speaker_mention,
                    speaker=quote.speaker,
                    outlet=quote.outlet,
                    cue=quote.cue,
                    rule=quote.rule,
                )
            score.details.append(entry)
        for p_index, quote in enumerate(predicted):
            if p_index not in matched_p:
                score.details.append(
                    {
                        "article": gold_article.article.id,
                        "kind": "false",
                        "predicted": quote.content,
                        "speaker_mention": quote.speaker_mention,
                        "speaker": quote.speaker,
                        "outlet": quote.outlet,
                        "cue": quote.cue,
                        "rule": quote.rule,
                        "spans": [list(x) for x in quote.content_spans],
                    }
                )


def evaluate(
    gold_articles: list[GoldArticle], extractor: Extractor, *, details: bool = False, convention: str = "relay"
) -> Score:
    """Run ``extractor`` over the gold articles and score what it finds, in ``convention`` (relay or polnear)."""
    if convention not in CONVENTIONS:
        raise GoldError(f"unknown convention {convention!r}; the conventions are {', '.join(CONVENTIONS)}")
    score = Score()
    by_id = {g.article.id: g for g in gold_articles}
    for article, predicted in extractor(g.article for g in gold_articles):
        score_article(score, by_id[article.id], predicted, details=details, convention=convention)
    return score
