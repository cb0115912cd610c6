"""The selective pipeline: parse only the paragraphs where an attribution can be.

:func:`quotes.api.extract_articles` runs this by default; ``full_parse=True``
runs every component on all the text instead, the reference this path must
match (``benchmarks/selective_accuracy.py`` compares both). Per batch:

1. tokenizer, ``tok2vec`` and ``tagger`` on whole articles: the tagger is
   cheap, and the parser reads the tok2vec output of the whole article, so a
   paragraph parsed alone sees the same context as in the full run;
2. each paragraph (a line, as ``quotes_paragraphs`` splits them) is kept for
   the parser when it holds part of a quotation (:func:`quotes.marks.find_regions`)
   or a word that could be a cue: a form whose lemma, by any of the
   lemmatizer's rules and exceptions, is a cue verb or noun of the lexicon,
   "according", one of the lexicon's cue phrases, or a short lead before a
   colon, a headline's "Speaker: words" (:class:`CueGate`);
3. ``quotes_paragraphs`` and the ``parser`` on runs of kept paragraphs, whose
   arcs are copied back into the article's Doc; a skipped paragraph is one
   sentence without arcs (the detector finds nothing there: it needs a cue
   or a quotation mark). An article with at least ``WHOLE_ARTICLE_SHARE`` of
   its tokens kept is parsed whole: slicing would cost more than it saves;
4. the attribute ruler and the lemmatizer (:class:`FastAttributeRuler` and
   :class:`FastLemmatizer`: the same rules, applied with array operations
   instead of a Python call per token) and ``ner`` on whole articles, so
   tags, lemmas and entities are there for the resolver everywhere; then any
   other component and ``quotes``.

The Doc's text is the article's text, token for token, so every offset in a
Quote indexes the article exactly as in the full run.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import numpy
from spacy.attrs import DEP, HEAD, IS_SPACE, LEMMA, LOWER, MORPH, ORTH, POS, SENT_START, TAG
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import minibatch

import quotes.detect as detect_module
from quotes.detect.headlines import colon_after_speaker
from quotes.errors import ModelError
from quotes.lexicon import CueLexicon
from quotes.marks import SpanSet, find_regions

# The components this path runs itself; any other component of a pipeline
# (a user's own) is run afterwards on whole articles, in pipeline order.
# Above this share of an article's tokens kept for the parser, the whole article is parsed.
WHOLE_ARTICLE_SHARE = 0.8
# Context parsed around a run of kept paragraphs and then dropped (see _window): at least this
# many tokens of whole paragraphs before it, and this many tokens after it.
LOOKBEHIND_TOKENS = 16
LOOKAHEAD_TOKENS = 8
# More separate windows than this in one article and it is parsed whole instead.
MAX_PIECES = 24

_HANDLED = ("tok2vec", "tagger", "quotes_paragraphs", "parser", "attribute_ruler", "lemmatizer", "ner", "quotes")


class CueGate:
    """Which words could be cues, decided from their form alone, before any tagging.

    A lemma depends on the tag, which is not known yet, so a form counts when
    *any* tag would give it a cue lemma: the form itself, every exception
    listed for it, every suffix rule that applies, and lemmas the attribute
    ruler assigns to it. That over-counts ("states" passes for "state") and
    never under-counts, which is the side a gate must err on.
    """

    def __init__(self, nlp: Language, lexicon: CueLexicon) -> None:
        # Words the detector reads by form: "according (to)", "reportedly" and other reporting adverbs.
        by_form = {"according", *getattr(detect_module, "REPORTING_ADVERBS", ())}
        self.cues = set(lexicon.verbs) | set(lexicon.nouns) | by_form
        self.phrases = tuple(sorted(lexicon.phrases))
        lookups = nlp.get_pipe("lemmatizer").lookups if "lemmatizer" in nlp.pipe_names else None
        self.rules: list[tuple[str, str]] = []
        self.exceptions: list[dict[str, list[str]]] = []
        if lookups is not None:
            rules = lookups.get_table("lemma_rules", {})
            self.rules = sorted({(old, new) for pos in rules for old, new in rules[pos]})
            exceptions = lookups.get_table("lemma_exc", {})
            self.exceptions = [exceptions[pos] for pos in exceptions]
        self.ruler_lemmas: dict[str, set[str]] = {}
        self.any_form = False  # a cue lemma the attribute ruler may give to any form
        if "attribute_ruler" in nlp.pipe_names:
            for group in nlp.get_pipe("attribute_ruler").patterns:
                lemma = str(group["attrs"].get("LEMMA", "")).lower()
                if lemma not in self.cues:
                    continue  # only a cue lemma can open a paragraph
                for pattern in group["patterns"]:
                    target = pattern[group.get("index", 0)]
                    form = target.get("LOWER", target.get("ORTH"))
                    forms = [form] if isinstance(form, str) else form.get("IN") if isinstance(form, dict) else None
                    if forms is None:
                        self.any_form = True
                    for one in forms or ():
                        self.ruler_lemmas.setdefault(str(one).lower(), set()).add(lemma)
        self._memo: dict[str, bool] = {}

    def could_be_cue(self, form: str) -> bool:
        """Whether some tag would give this lowercase form a cue lemma."""
        known = self._memo.get(form)
        if known is not None:
            return known
        lemmas = {form, *self.ruler_lemmas.get(form, ())}
        for table in self.exceptions:
            lemmas.update(table.get(form, ()))
        for old, new in self.rules:
            if form.endswith(old):
                lemmas.add(form[: len(form) - len(old)] + new)
        found = self.any_form or not lemmas.isdisjoint(self.cues)
        if len(self._memo) < 500_000:  # the vocabulary of a long stream must not grow it forever
            self._memo[form] = found
        return found

    def paragraphs(self, doc: Doc) -> list[tuple[int, int, bool]]:
        """``(first token, end token, parse it?)`` for each paragraph of ``doc``.

        Paragraphs start where ``quotes_paragraphs`` starts a sentence: at the
        first non-space token after a line break.
        """
        if not len(doc):
            return []
        text = detect_module.doc_text(doc)
        starts = [0]
        spaces = numpy.flatnonzero(doc.to_array(IS_SPACE)[:-1])
        for i in spaces:
            token = doc[int(i)]
            if "\n" in token.text and not doc[int(i) + 1].is_space:
                starts.append(int(i) + 1)
        bounds = list(zip(starts, [*starts[1:], len(doc)]))
        quoted = SpanSet((r.start, r.end) for r in find_regions(text))
        lowered = text.lower()
        result = []
        for first, end in bounds:
            start_char = doc[first].idx
            end_char = doc[end - 1].idx + len(doc[end - 1].text)
            keep = (
                quoted.meets(start_char, end_char)
                or any(self.could_be_cue(t.lower_) for t in doc[first:end])
                or any(p in lowered[start_char:end_char] for p in self.phrases)
                or colon_after_speaker(text, start_char, end_char) >= 0  # a headline's "Kim: ..."
            )
            result.append((first, end, keep))
        return result


def _kept_runs(paragraphs: Sequence[tuple[int, int, bool]]) -> list[tuple[int, int]]:
    """Runs of consecutive kept paragraphs, as token ranges: each is parsed as one piece."""
    runs: list[tuple[int, int]] = []
    for first, end, keep in paragraphs:
        if not keep:
            continue
        if runs and runs[-1][1] == first:
            runs[-1] = (runs[-1][0], end)
        else:
            runs.append((first, end))
    return runs


class FastAttributeRuler:
    """spaCy's ``attribute_ruler`` with its rules evaluated on token arrays.

    The stock component runs a :class:`~spacy.matcher.Matcher` whose ``IN`` and
    ``REGEX`` predicates are Python calls per token and per pattern; in
    ``en_core_web_sm`` that is a sixth of the pipeline's time for what is a
    table lookup. The same rules are applied here in the same order (a later
    rule overrides an earlier one), and :meth:`supports` refuses rule forms it
    does not handle, so a pipeline with other rules keeps the stock component.
    ``tests/test_bench.py`` checks both give the same attributes.
    """

    _KEYS = {"TAG": TAG, "LOWER": LOWER, "DEP": DEP, "IS_SPACE": IS_SPACE}
    _ATTRS = ("TAG", "POS", "MORPH", "LEMMA", "DEP")

    def __init__(self, ruler: Any) -> None:
        self.ruler = ruler
        self.vocab = ruler.vocab
        self._regex_memo: dict[tuple[str, int], bool] = {}
        # One rule per pattern, in the order of their groups: the stock component
        # sorts its matches by group, so a later group's attributes win.
        self.rules: list[tuple[list[list[tuple[int, str, Any]]], int, dict[int, int]]] = []
        for group, attrs, index in zip(ruler.patterns, ruler.attrs, ruler.indices, strict=True):
            for pattern in group["patterns"]:
                specs = [[self._spec(key, value) for key, value in token.items()] for token in pattern]
                self.rules.append((specs, index, dict(attrs)))

    @classmethod
    def supports(cls, ruler: Any) -> bool:
        """Whether every rule is of a form this class evaluates (else keep the stock component)."""
        for group in ruler.patterns:
            if set(group["attrs"]) - set(cls._ATTRS):
                return False
            for token in (t for pattern in group["patterns"] for t in pattern):
                for key, value in token.items():
                    if key not in cls._KEYS or not isinstance(value, (str, bool, dict)):
                        return False
                    if isinstance(value, dict):
                        op = next(iter(value)) if len(value) == 1 else None
                        if op not in ("IN", "NOT_IN", "REGEX") or op == "REGEX" and key != "LOWER":
                            return False
        return True

    def _spec(self, key: str, value: Any) -> tuple[int, str, Any]:
        attr = self._KEYS[key]
        if isinstance(value, bool):
            return attr, "eq", int(value)
        if isinstance(value, str):
            return attr, "eq", self.vocab.strings.add(value)
        (op, operand), = value.items()
        if op == "REGEX":
            return attr, "regex", re.compile(operand)
        return attr, op, numpy.array([self.vocab.strings.add(v) for v in operand], dtype=numpy.uint64)

    def _test(self, spec: tuple[int, str, Any], column: numpy.ndarray, doc: Doc, offset: int) -> numpy.ndarray:
        _, op, operand = spec
        if op == "eq":
            return column == numpy.uint64(operand)
        if op == "IN":
            return numpy.isin(column, operand)
        if op == "NOT_IN":
            return ~numpy.isin(column, operand)
        # REGEX: searched once per distinct form, as the Matcher searches the token's text for it.
        unique, first, inverse = numpy.unique(column, return_index=True, return_inverse=True)
        hits = numpy.array(
            [self._regex(operand, int(key), doc[int(i) + offset].lower_) for key, i in zip(unique, first)], dtype=bool
        )
        return hits[inverse]

    def _regex(self, pattern: re.Pattern[str], key: int, form: str) -> bool:
        memo_key = (pattern.pattern, key)
        found = self._regex_memo.get(memo_key)
        if found is None:
            found = bool(pattern.search(form))
            if len(self._regex_memo) < 200_000:
                self._regex_memo[memo_key] = found
        return found

    def __call__(self, doc: Doc) -> Doc:
        n = len(doc)
        if not n:
            return doc
        columns = dict(zip((TAG, LOWER, DEP, IS_SPACE), doc.to_array([TAG, LOWER, DEP, IS_SPACE]).T))
        targets = [TAG, POS, MORPH, LEMMA, DEP]
        values = doc.to_array(targets)
        written = numpy.zeros(len(targets), dtype=bool)
        for specs, index, attrs in self.rules:
            span = len(specs)
            if span > n:
                continue
            hit = numpy.ones(n - span + 1, dtype=bool)
            for offset, token_specs in enumerate(specs):
                for spec in token_specs:
                    hit &= self._test(spec, columns[spec[0]][offset : offset + n - span + 1], doc, offset)
            where = numpy.flatnonzero(hit) + (index if index >= 0 else span + index)
            if not len(where):
                continue
            for attr, value in attrs.items():
                column = targets.index(attr)
                values[where, column] = value
                written[column] = True
        if written.any():
            chosen = [t for t, w in zip(targets, written) if w]
            doc.from_array(chosen, values[:, written])
        return doc


class FastLemmatizer:
    """spaCy's rule ``lemmatizer``, called once per distinct (form, POS, morphology).

    A rule lemma is a function of those three (the stock component caches it
    under that key too), so computing it for one token of each kind and
    writing the result to all of them by array gives the same lemmas, without
    a Python call and a string write per token. Tokens that already have a
    lemma (from the attribute ruler) keep it, as with ``overwrite = False``.
    """

    def __init__(self, lemmatizer: Any) -> None:
        self.lemmatizer = lemmatizer
        self._memo: dict[tuple[int, int, int], int] = {}

    @staticmethod
    def supports(lemmatizer: Any) -> bool:
        return getattr(lemmatizer, "mode", None) == "rule" and not getattr(lemmatizer, "overwrite", True)

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        lemmatizer = self.lemmatizer
        if not lemmatizer._validated:
            lemmatizer._validate_tables()
        array = doc.to_array([ORTH, POS, MORPH, LEMMA])
        todo = numpy.flatnonzero(array[:, 3] == 0)
        if not len(todo):
            return doc
        keys, first, inverse = numpy.unique(array[todo, :3], axis=0, return_index=True, return_inverse=True)
        strings = doc.vocab.strings
        lemmas = numpy.empty(len(keys), dtype=numpy.uint64)
        for n, (key, i) in enumerate(zip(map(tuple, keys.tolist()), first.tolist())):
            lemma = self._memo.get(key)
            if lemma is None:
                lemma = strings.add(lemmatizer.lemmatize(doc[int(todo[i])])[0])
                if len(self._memo) < 500_000:
                    self._memo[key] = lemma
            lemmas[n] = lemma
        array[todo, 3] = lemmas[inverse.reshape(-1)]
        doc.from_array([LEMMA], array[:, 3:4])
        return doc


class SelectivePipeline:
    """Runs a quotes pipeline (from :func:`quotes.api.load_pipeline`) selectively; see the module docstring."""

    def __init__(self, nlp: Language) -> None:
        missing = [name for name in ("tok2vec", "tagger", "parser", "quotes") if name not in nlp.pipe_names]
        if missing:
            raise ModelError(
                f"the selective path needs the components {', '.join(missing)}, which this pipeline lacks; "
                "extract with full_parse=True (--full-parse) instead"
            )
        self.nlp = nlp
        self.pipes = dict(nlp.pipeline)
        quotes = self.pipes["quotes"]
        self.gate = CueGate(nlp, quotes.lexicon)
        ruler = self.pipes.get("attribute_ruler")
        self.ruler = FastAttributeRuler(ruler) if ruler is not None and FastAttributeRuler.supports(ruler) else ruler
        lemmatizer = self.pipes.get("lemmatizer")
        self.lemmatizer = FastLemmatizer(lemmatizer) if lemmatizer is not None and FastLemmatizer.supports(lemmatizer) else lemmatizer
        self.tokens = self.parsed = 0  # counts for `quotes bench`: tokens seen, tokens parsed
        self.others = [(name, pipe) for name, pipe in nlp.pipeline if name not in _HANDLED]

    def pipe(self, texts: Iterable[str], *, batch_size: int = 16) -> Iterator[Doc]:
        for batch in minibatch(texts, batch_size):
            yield from self._batch([_made_from(self.nlp.make_doc(text), text) for text in batch])

    def _batch(self, docs: list[Doc]) -> list[Doc]:
        pipes = self.pipes
        size = max(1, len(docs))
        for name in ("tok2vec", "tagger"):
            docs = list(pipes[name].pipe(docs, batch_size=size))
        # Pieces to parse: a whole article when nearly every paragraph is kept, else its kept runs.
        pieces: list[Doc] = []
        plans: list[tuple[list[tuple[int, int, bool]], list[tuple[int, int, int, int]], int] | None] = []
        for doc in docs:
            paragraphs = self.gate.paragraphs(doc)
            runs = _kept_runs(paragraphs)
            kept = sum(b - a for a, b in runs)
            self.tokens += len(doc)
            windows = _merged_windows(paragraphs, runs, len(doc)) if kept < WHOLE_ARTICLE_SHARE * len(doc) else None
            if windows is None or len({w for _, _, w in windows}) > MAX_PIECES:
                # Slicing and copying back would cost more than parsing the few paragraphs left,
                # or than parsing the gaps between many small runs (each slice copies the article's arrays).
                self.parsed += len(doc)
                plans.append(None)
                pieces.append(doc)
            else:
                self.parsed += kept
                spans = sorted({w for _, _, w in windows})
                number = {w: n for n, w in enumerate(spans)}
                plans.append((paragraphs, [(a, b, number[w], w[0]) for a, b, w in windows], len(spans)))
                pieces.extend(doc[start:end].as_doc() for start, end in spans)  # as_doc carries the tok2vec tensor
        splitter = pipes.get("quotes_paragraphs")
        if splitter is not None:
            pieces = [splitter(piece) for piece in pieces]
        pieces = list(pipes["parser"].pipe(pieces, batch_size=max(1, len(pieces))))
        position = 0
        for doc, plan in zip(docs, plans, strict=True):
            if plan is None:
                position += 1
                continue
            paragraphs, runs, count = plan
            _copy_parse(doc, paragraphs, [(a, b, pieces[position + n], a - start) for a, b, n, start in runs])
            position += count
        for doc in docs:
            if self.ruler is not None:
                self.ruler(doc)
            if self.lemmatizer is not None:
                self.lemmatizer(doc)
        if "ner" in pipes:
            docs = list(pipes["ner"].pipe(docs, batch_size=size))
        for _, pipe in self.others:
            docs = [pipe(doc) for doc in docs]
        return [pipes["quotes"](doc) for doc in docs]


def _made_from(doc: Doc, text: str) -> Doc:
    doc.user_data[detect_module.TEXT_KEY] = text
    return doc


def _merged_windows(
    paragraphs: Sequence[tuple[int, int, bool]], runs: Sequence[tuple[int, int]], length: int
) -> list[tuple[int, int, tuple[int, int]]]:
    """Each run with the window parsed for it; runs whose windows overlap share one window."""
    starts = [first for first, _, _ in paragraphs]
    groups: list[list[int]] = []  # [window start, window end, first run, end run]
    for number, (first, end) in enumerate(runs):
        start, stop = _window(starts, first, end, length)
        if groups and start < groups[-1][1]:
            groups[-1][1], groups[-1][3] = max(groups[-1][1], stop), number + 1
        else:
            groups.append([start, stop, number, number + 1])
    return [(*runs[n], (start, stop)) for start, stop, low, high in groups for n in range(low, high)]


def _window(starts: Sequence[int], first: int, end: int, length: int) -> tuple[int, int]:
    """The tokens to parse for the run ``first:end``: the run, whole paragraphs before it, a few tokens after.

    A transition parser's decisions depend on the state it enters a sentence
    with and on a few tokens ahead, so a run parsed alone can come out
    otherwise than in the whole article; with this much context around it, it
    comes out the same (``benchmarks/selective_accuracy.py --always-slice``).
    """
    # The last paragraph start at least LOOKBEHIND_TOKENS back, or the article's start when nearer.
    reach = max(0, first - LOOKBEHIND_TOKENS)
    start = starts[bisect_right(starts, reach) - 1] if starts and starts[0] <= reach else 0
    return start, min(length, end + LOOKAHEAD_TOKENS)


def _copy_parse(doc: Doc, paragraphs: Sequence[tuple[int, int, bool]], parsed: Sequence[tuple[int, int, Doc, int]]) -> None:
    """Arcs of the parsed runs into the article's Doc; a sentence per skipped paragraph."""
    arcs = numpy.zeros((len(doc), 2), dtype=numpy.uint64)
    for first, end, piece, offset in parsed:
        # Heads are relative, and no arc crosses a paragraph start: they stay valid.
        arcs[first:end] = piece.to_array([HEAD, DEP])[offset : offset + end - first]
    if not parsed and len(doc):
        # spaCy sets each token's edges only when some label is written, and the tokenizer's
        # special cases ("Let's") leave edges that point outside the token: reading children
        # then reads freed memory. One label makes it set them; it is cleared again below.
        arcs[0, 1] = doc.vocab.strings.add("dep")
    doc.from_array([HEAD, DEP], arcs)
    if not parsed and len(doc):
        doc.from_array([DEP], numpy.zeros((len(doc), 1), dtype=numpy.uint64))
    # from_array made each parsed sentence's first token a start and every other token not one;
    # without arcs, a skipped paragraph is one sentence, as quotes_paragraphs would begin it.
    starts = doc.to_array([SENT_START]).astype(numpy.int64)
    for first, end, keep in paragraphs:
        if not keep:
            starts[first] = 1
            starts[first + 1 : end] = -1
    doc.from_array([SENT_START], starts.astype(numpy.uint64))
