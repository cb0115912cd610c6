"""The detector: every direct quote and every piece of reported speech in a Doc.

Two sources of evidence meet here:

* quotation marks (:mod:`quotes.marks`), found on the characters before any
  parse, so a quote is found even when the parse of its sentence is wrong;
* cues from the dependency parse: a reporting verb (from the lexicon) with a
  clausal complement ("X said that ..."), a parenthetical ("..., he said, ..."),
  "according to X", a colon introduction ("X said: ...") and headline forms
  ("X Says ...", "X: ...").

A cue whose complement lies inside a quotation gives a direct quote; one
whose complement holds a quotation gives a mixed quote; one with no
quotation gives an indirect quote. Quotations left over look for a cue in
their sentence, then in the sentence before a colon; a long one with no cue
is still reported (without a speaker) and a short one (a scare quote or a
title) is not.

The rules follow the structures catalogued for attribution relations by
Pareti (2015, "Attribution: A Computational Approach") and annotated in
PolNeAR (Newell, Margolin and Ruths, LREC 2018).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

from spacy.tokens import Doc, Span as SpacySpan, Token

from quotes.lexicon import CueLexicon, cue_lexicon
from quotes.marks import QuoteRegion, find_regions, is_direct, line_spans
from quotes.records import QuoteType, Span

SUBJECT_DEPS = ("nsubj", "nsubjpass", "csubj")
# Children of a speaker's head noun that belong to the mention as a reader would cut it.
_MENTION_RIGHT_DEPS = {"compound", "flat", "nummod", "prep", "pobj", "cc", "conj", "case", "poss"}
_PUNCT_STRIP = set(",;:.!?-\u2013\u2014()[]") | {"\u00a0"}
QUOTE_CHARS = set("\"'\u201c\u201d\u2018\u2019\u00ab\u00bb\u201e`")
# Lines that are page furniture, never speech.
_NAVIGATION_RE = re.compile(
    r"^\s*(read more|read also|see also|related|watch|listen|more|tags|share this|follow us)\b\s*:",
    re.IGNORECASE,
)
_CREDIT_RE = re.compile(r"\u00a9|\bphoto\s*(credit)?\s*[:/]|\bgetty images\b|\(photo\b", re.IGNORECASE)
_MARKUP_RE = re.compile(r"</?[a-zA-Z][\w-]*(\s+[\w:-]+\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>]*))*\s*/?>")
DATELINE_RE = re.compile(r"^[ \t]*[A-Z][A-Z .,'\-]{1,40}(?:,[^\n()]{1,30})?(?:\([^)\n]{2,40}\))?[ \t]*[-\u2013\u2014]+[ \t]*", re.MULTILINE)  # "MOSCOW (Sputnik) -", "SEOUL, Oct 8 (Reuters) -"
# A quotation this short with no cue near it is a scare quote or a title.
MIN_BARE_QUOTE_WORDS = 4
SHORT_RULE = "direct:short"


@dataclass(frozen=True, slots=True)
class Detection:
    """One attribution found in a Doc, before its speaker is resolved.

    ``rule`` names the detector rule that found it (the evidence a user sees).
    """

    content_spans: tuple[Span, ...]
    type: QuoteType
    cue_span: Span | None
    speaker_span: Span | None
    quoted_spans: tuple[Span, ...]
    rule: str
    confidence: float
    headline: bool = False


@dataclass(slots=True)
class _Candidate:
    """A cue from the parse with the content and speaker it governs."""

    cue: Token
    cue_span: Span
    speaker: Span | None
    content: list[Span]
    rule: str
    cue_class: str


# The text a Doc was made from, kept in its user_data: spaCy rebuilds ``Doc.text`` token by token on each access.
TEXT_KEY = "quotes.text"


def doc_text(doc: Doc) -> str:
    """``doc.text``, built at most once per Doc."""
    text = doc.user_data.get(TEXT_KEY)
    if text is None:
        text = doc.user_data[TEXT_KEY] = doc.text
    return text


def detect(
    doc: Doc, *, lexicon: CueLexicon | None = None, nested: bool = False, text: str | None = None
) -> list[Detection]:
    """Every attribution in ``doc``, in text order.

    Args:
        doc: a parsed Doc.
        lexicon: the cue lexicon; the packaged English one by default.
        nested: also report attributions inside the content of another
            ("The source said [Clinton told police that ...]"). Off by default:
            the outer attribution already carries that content, and annotated
            news corpora such as PolNeAR mostly leave the inner one out.
        text: ``doc.text``, when the caller already has it (spaCy rebuilds it
            on every access).
    """
    lexicon = lexicon or cue_lexicon(doc.lang_ if doc.lang_ in ("en",) else "en")
    text = doc_text(doc) if text is None else text
    furniture = furniture_spans(text)
    regions = [r for r in find_regions(text) if not _inside_any(r.start, furniture) and not _nickname(text, r)]
    candidates = [
        c
        for c in _cue_candidates(doc, lexicon)
        if not _inside_any(c.cue.idx, furniture)
        and not any(r.inner_start <= c.cue.idx < r.inner_end for r in regions)
    ]
    for candidate in candidates:
        candidate.content = _cut_source_phrases(text, candidate.content, lexicon)
    detections: list[Detection] = []
    used_regions: set[int] = set()
    for candidate in candidates:
        found = _combine(text, candidate, regions, used_regions)
        if found is not None:
            detections.append(found)
    for index, region in enumerate(regions):
        if index in used_regions:
            continue
        found = _attach_region(doc, text, region, lexicon, furniture)
        if found is None:
            continue
        used_regions.add(index)
        if found.type == "mixed":
            # A fragment's content may hold further quotations ('called him a "liar" and "sick"').
            extent = (found.content_spans[0][0], found.content_spans[-1][1])
            inner = [i for i, r in enumerate(regions) if i not in used_regions and extent[0] <= r.inner_start < extent[1]]
            used_regions.update(inner)
            found = replace(found, quoted_spans=found.quoted_spans + tuple(p for i in inner for p in regions[i].pieces))
        detections.append(found)
    detections.extend(_headlines(doc, text, lexicon, regions, furniture, detections))
    merged = _merge_split_quotes(doc, text, sorted(detections, key=lambda d: d.content_spans[0]))
    headline_lines = [span for span, title_case in _headline_lines(text, furniture) if title_case]
    kept = [
        replace(d, headline=True) if not d.headline and _inside_any(d.content_spans[0][0], headline_lines) else d
        for d in merged
        if d.rule != SHORT_RULE and d.content_spans
    ]
    if not nested:
        kept = [d for d in kept if not _nested_in_another(d, kept)]
    # Two cues for one quotation ('scolded him: "...," she said'): one quote, the one that took the marks.
    kept = [d for d in kept if not (d.type == "indirect" and _inside_quotation_of_another(d, kept))]
    return _with_transcript_turns(text, _continue_speakers(text, kept))


# "WALLACE: Let's start with ...": a speaker label opening a paragraph of a transcript.
_TRANSCRIPT_TURN_RE = re.compile(r"^[ \t]*[\"\u201c'`]*(?P<label>[A-Z][A-Z.'-]+(?: [A-Z][A-Z.'-]+){0,3})(?P<colon>:)[ \t]+(?P<rest>\S[^\n]*)", re.MULTILINE)
MIN_TRANSCRIPT_TURNS = 2


def _with_transcript_turns(text: str, detections: list[Detection]) -> list[Detection]:
    """Each turn of a transcript is one direct quote by its labelled speaker.

    A label is only trusted when the article has several: one capitalised
    word before a colon is as likely a headline ("TRUMP: ...") or a section title.
    """
    turns = list(_TRANSCRIPT_TURN_RE.finditer(text))
    if len(turns) < MIN_TRANSCRIPT_TURNS:
        return detections
    found = []
    for turn in turns:
        content = _trim_marks(text, (turn.start("rest"), turn.end("rest")))
        if content[1] > content[0]:
            found.append(
                Detection(
                    (content,), "direct", turn.span("colon"), turn.span("label"), (content,), "direct:transcript", 0.85
                )
            )
    taken = [(turn.start(), turn.end()) for turn in turns]
    others = [d for d in detections if not any(overlap(d.content_spans[0], line) for line in taken)]
    return sorted(others + found, key=lambda d: d.content_spans[0])


def _trim_marks(text: str, span: Span) -> Span:
    """A span without the spaces and quotation marks at its ends."""
    a, b = span
    while b > a and (text[b - 1].isspace() or text[b - 1] in QUOTE_CHARS):
        b -= 1
    return a, b


_NAME_WORD_BEFORE_RE = re.compile(r"\b[A-Z][\w.'-]*\s$")
_NAME_WORD_AFTER_RE = re.compile(r"\s[A-Z][\w'-]*")


def _nickname(text: str, region: QuoteRegion) -> bool:
    """ 'Marcia "Cia" Price': a quoted name inside a name, not a quotation."""
    inner = text[region.inner_start : region.inner_end].split()
    line_start = text.rfind("\n", 0, region.start) + 1
    line_end = text.find("\n", region.end)
    return (
        1 <= len(inner) <= 2
        and not _title_case(text[line_start : line_end if line_end >= 0 else len(text)].rstrip(" .!?"))
        and all(word[:1].isupper() for word in inner)
        and _NAME_WORD_BEFORE_RE.search(text, max(0, region.start - 30), region.start) is not None
        and _NAME_WORD_AFTER_RE.match(text, region.end) is not None
    )


def _inside_quotation_of_another(detection: Detection, detections: list[Detection]) -> bool:
    size = sum(b - a for a, b in detection.content_spans)
    return any(
        sum(overlap(piece, quoted) for piece in detection.content_spans for quoted in other.quoted_spans) >= 0.8 * size
        for other in detections
        if other is not detection
    )


def _nested_in_another(detection: Detection, detections: list[Detection]) -> bool:
    if detection.cue_span is None:
        return False
    cue = detection.cue_span[0]
    return any(
        other is not detection and any(a <= cue < b for a, b in other.content_spans) for other in detections
    )


# --- page furniture ---------------------------------------------------------------



def furniture_spans(text: str) -> list[Span]:
    """Navigation lines, photo credits and captions, tag lists: never quotes."""
    lines = [s for s in line_spans(text) if text[s[0] : s[1]].strip()]
    furniture = []
    for index, (start, end) in enumerate(lines):
        line = text[start:end]
        following = text[lines[index + 1][0] : lines[index + 1][1]] if index + 1 < len(lines) else ""
        if _NAVIGATION_RE.match(line) or _CREDIT_RE.search(line):
            furniture.append((start, end))
        elif _CREDIT_RE.search(following) and len(following.split()) <= 8 and not _title_case(line):
            furniture.append((start, end))  # a caption: the line right above its credit
        elif index > 0 and re.match(r"^\s*tags\s*:\s*$", text[lines[index - 1][0] : lines[index - 1][1]], re.I):
            furniture.append((start, end))
    # Markup left in the text (embedded tweets, HTML): its attribute values are not quotes.
    furniture.extend(m.span() for m in _MARKUP_RE.finditer(text))
    return furniture


def _title_case(line: str) -> bool:
    """A headline's look: short, mostly capitalised words, no final full stop."""
    words = line.split()
    capitalised = sum(1 for w in words if w[:1].isupper() or not w[:1].isalpha())
    return 3 <= len(words) <= 20 and capitalised >= 0.6 * len(words) and line.strip()[-1:] not in ".!?\"\u201d"


def _cut_source_phrases(text: str, content: list[Span], lexicon: CueLexicon) -> list[Span]:
    """End the content before a trailing source phrase: "..., in a message carried by state media"."""
    cut: list[Span] = []
    for start, end in content:
        piece = text[start:end].lower()
        at = min(
            (i for phrase in lexicon.phrases for i in [piece.find(", " + phrase)] if i > 0),
            default=-1,
        )
        if at > 0:
            cut.append((start, start + at))
            break  # what follows the source phrase is not the source's
        cut.append((start, end))
    return cut


def _inside_any(offset: int, spans: Iterable[Span]) -> bool:
    return any(start <= offset < end for start, end in spans)


# --- cues from the parse ----------------------------------------------------------


def _cue_class(token: Token, lexicon: CueLexicon) -> str | None:
    if token.pos_ not in ("VERB", "AUX") and token.tag_ not in ("VBD", "VBZ", "VBP", "VBG", "VBN", "VB"):
        return None
    return lexicon.verb_class(token.lemma_)


def _cue_candidates(doc: Doc, lexicon: CueLexicon) -> Iterator[_Candidate]:
    for token in doc:
        if token.pos_ == "NOUN" and token.lemma_.lower() in lexicon.nouns:
            found = _noun_cue(doc, token, lexicon.nouns[token.lemma_.lower()])
            if found is not None:
                yield found
            continue
        if (
            token.lower_ in REPORTING_ADVERBS
            and token.dep_ == "advmod"
            and token.head.pos_ in ("VERB", "AUX")
            and _cue_class(token.head, lexicon) is None  # "he reportedly said": the verb is the cue
        ):
            content = _clause_with_adverb(token)
            if content:
                yield _Candidate(token, cue_span(token), None, content, "adverb", "report")
            continue
        if token.lower_ == "according" and token.i + 1 < len(doc) and doc[token.i + 1].lower_ == "to":
            found = _according_to(doc, token)
            if found is not None:
                yield found
            continue
        cue_class = _cue_class(token, lexicon)
        if cue_class is None:
            continue
        complement = next(
            (
                c
                for c in token.children
                if c.dep_ == "ccomp" and not _coordinated_after(token, c) and not _attributes_a_quote(c, lexicon)
            ),
            None,
        )
        speaker = _speaker_of(token)
        if _imperative(token):
            continue  # "Ask yourself which state she will win": the writer addressing the reader
        if complement is not None:
            content = _token_spans(doc, _complement_tokens(token, complement, lexicon), exclude_leading_mark=True)
            if content:
                yield _Candidate(token, cue_span(token), speaker, content, "ccomp", cue_class)
            continue
        if (
            (token.dep_ in ("parataxis", "ccomp") or token.dep_ == "advcl" and _as_clause(token))
            and speaker is not None
            and cue_class == "speech"
            and token.head.i != token.i
        ):
            # "The economy, he said, is strong." / "It is strong, he said."
            head = token.head
            if (
                head.pos_ in ("VERB", "AUX")
                and _cue_class(head, lexicon) is None
                and not any(c.dep_ in ("dobj", "xcomp") for c in token.children)
                and _set_off(token)
            ):
                excluded = set(_subtree(token))
                tokens = [t for t in _subtree(head) if t.i not in {e.i for e in excluded}]
                content = _token_spans(doc, tokens, exclude_leading_mark=True)
                if content:
                    yield _Candidate(token, cue_span(token), speaker, content, "parenthetical", cue_class)
                continue
        colon = _colon_after(doc, token)
        if colon is not None and cue_class == "speech":
            sent_end = colon.sent.end
            tokens = [doc[i] for i in range(colon.i + 1, sent_end)]
            content = _token_spans(doc, tokens)
            if content:
                yield _Candidate(token, cue_span(token), speaker, content, "colon", cue_class)
            continue
        reported = (
            _reported_object(token)
            if token.lemma_.lower() in lexicon.object_verbs and not _circumstance_of_cue(token, lexicon)
            else []
        )
        if reported:
            yield _Candidate(token, cue_span(token), speaker, reported, "object", cue_class)


def _noun_cue(doc: Doc, noun: Token, cue_class: str) -> _Candidate | None:
    """ "Trump's claim that ...", "the warning by the agency that ...": a that-clause on a speech noun."""
    clause = next(
        (c for c in noun.children if c.dep_ in ("acl", "ccomp", "appos") and any(m.lower_ == "that" and m.dep_ == "mark" for m in c.children)),
        None,
    )
    owner = next((c for c in noun.children if c.dep_ == "poss"), None)
    if clause is None:
        # "Trump's criticism of the deal", "her call for an inquiry": what an owned speech noun is about.
        about = next((c for c in noun.rights if c.dep_ == "prep" and c.lower_ in ("of", "for")), None)
        if owner is None or about is None or owner.lower_ in ("its", "their") and cue_class != "speech":
            return None
        objects = [t for child in about.children if child.dep_ in ("pobj", "pcomp") for t in child.subtree]
        content = _token_spans(doc, objects)
        return _Candidate(noun, cue_span(noun), mention_span(owner), content, "noun", cue_class) if content else None
    content = _token_spans(doc, _subtree(clause), exclude_leading_mark=True)
    if not content:
        return None
    speaker = None
    agent = next((c for c in noun.children if c.dep_ == "prep" and c.lower_ == "by"), None)
    if owner is not None:
        speaker = mention_span(owner)
    elif agent is not None and any(c.dep_ == "pobj" for c in agent.children):
        speaker = mention_span(next(c for c in agent.children if c.dep_ == "pobj"))
    elif noun.dep_ in ("dobj", "nsubjpass") and noun.head.pos_ == "VERB":
        speaker = _speaker_of(noun.head)  # "He repeated the claim that ..."
    return _Candidate(noun, cue_span(noun), speaker, content, "noun", cue_class)


def _imperative(verb: Token) -> bool:
    """A bare verb opening its sentence with no subject: an instruction, not a report."""
    return (
        verb.tag_ == "VB"
        and verb.dep_ == "ROOT"
        and not any(c.dep_ in SUBJECT_DEPS or c.dep_ == "aux" for c in verb.children)
        and verb.i == next(t.i for t in verb.sent if not t.is_space and not t.is_punct)
    )


def _coordinated_after(cue: Token, clause: Token) -> bool:
    """ '"You winning?" she said, but Kevin was drifting off': a clause joined after the cue, not reported by it."""
    doc = cue.doc
    return clause.i > cue.i and any(
        doc[i].dep_ == "cc" or doc[i].lower_ in ("but", "and", "while") for i in range(cue.i + 1, clause.left_edge.i + 1)
    )


def _attributes_a_quote(clause: Token, lexicon: CueLexicon) -> bool:
    """ '"You winning?" she said, but ... Melanie said yes': a clause that is the attribution of the quote before it."""
    doc = clause.doc
    first = clause.left_edge.i
    return (
        _cue_class(clause, lexicon) == "speech"
        and any(c.dep_ == "nsubj" for c in clause.children)
        and first > 0
        and doc[first - 1].text in _CLOSING_MARKS
    )


def _as_clause(verb: Token) -> bool:
    """ "As Trump noted, ...": the one subordinate clause that attributes its main clause."""
    return any(c.dep_ == "mark" and c.lower_ == "as" for c in verb.children)


def _set_off(cue: Token) -> bool:
    """Whether a cue clause stands apart from its sentence, as parentheticals do."""
    doc = cue.doc
    words = [t for t in cue.subtree if not t.is_punct]
    first, last = words[0].i, words[-1].i
    # The parser often hangs the commas around "he said" on "said" itself.
    before = doc[first - 1].text if first > 0 else ""
    after = doc[last + 1].text if last + 1 < len(doc) else ""
    return before in (",", "\u2014", "(") or bool(before) and before in QUOTE_CHARS or after in (",", ".", "\u2014", ")", "")


def _clause_with_adverb(adverb: Token) -> list[Span]:
    """What "reportedly" qualifies: its clause, without a relative pronoun, to the clause's end."""
    verb = adverb.head
    doc = verb.doc
    relative = any(c.dep_ in SUBJECT_DEPS and c.tag_ in ("WDT", "WP") for c in verb.children)
    # In "which will reportedly take place", what is reported starts after the adverb.
    tokens = [t for t in verb.subtree if t.i != adverb.i and not (relative and t.i < adverb.i)]
    end = verb.right_edge.i
    # A quotation the parser hung elsewhere still ends the clause it closes.
    while end + 1 < verb.sent.end and doc[end + 1].text not in (",", ";", "\u2014") and not doc[end + 1].is_space:
        end += 1
        tokens.append(doc[end])
    return _token_spans(doc, tokens, exclude_leading_mark=True)


def _according_to(doc: Doc, according: Token) -> _Candidate | None:
    to = doc[according.i + 1]
    source = next((c for c in to.children if c.dep_ == "pobj"), None)
    if source is None:
        return None
    phrase = {t.i for t in _subtree(according)} | {according.i, to.i} | {t.i for t in _subtree(to)}
    sentence = according.sent
    if according.dep_ == "ROOT":
        # "According to X, the move reeks of ...", parsed with the report hanging under X:
        # the phrase is "according to" and the source's name only.
        source_end = doc.char_span(*mention_span(source), alignment_mode="expand")
        phrase = set(range(according.i, source_end.end if source_end is not None else to.i + 1))
    tokens = [t for t in sentence if t.i not in phrase]
    content = _token_spans(doc, tokens, exclude_leading_mark=True)
    if not content:
        return None
    cue_span = (according.idx, to.idx + len(to.text))
    return _Candidate(according, cue_span, mention_span(source), content, "according-to", "source")


_OBJECT_DEPS = {"dobj", "dative", "prep", "xcomp", "oprd", "attr", "acomp", "pcomp"}
MIN_OBJECT_TOKENS = 2
# Subordinate clauses on the cue that still belong to what was reported: its conditions and reasons
# ("said there remains a difference, when it comes to ..."). A contrast ("..., while critics ...") is the writer's.
_CONDITION_MARKS = {"when", "if", "because", "unless", "since", "as"}
_REASON_MARKS = {"because", "since"}


def _complement_tokens(cue: Token, complement: Token, lexicon: CueLexicon) -> list[Token]:
    """The reported clause, with what the parser hung on the cue but belongs to the report.

    "said it was too early to tell, and there was no evidence": the second
    clause often attaches to "said" as a conjunct; "said there remains a
    difference, when it comes to ...": the condition attaches to "said".
    A conjunct headed by a speech verb of its own ("..., but he said that ...")
    is a second report, not more of this one.
    """
    tokens = _without_asides(complement)
    doc = cue.doc
    if complement.i < cue.i:
        # 'McCaskill scolded him: "...," she said': the parser hangs the first attribution on the quotation.
        colon = next((t for t in tokens if t.text == ":" and t.i + 1 < len(doc) and doc[t.i + 1].text in _OPENING_MARKS), None)
        if colon is not None:
            tokens = [t for t in tokens if t.i > colon.i]
    for child in _conjuncts(complement):
        # "says he'd sit Putin down and tells the crowd ...": a speech verb in the cue's tense, not the
        # clause's, is coordinated with the cue, whatever the parser says; it reports on its own.
        if (
            child.tag_ == cue.tag_ != complement.tag_
            and _cue_class(child, lexicon) == "speech"
            and not any(c.dep_ in SUBJECT_DEPS for c in child.children)
        ):
            cut = {t.i for t in child.subtree} | {c.i for c in child.head.children if c.dep_ == "cc" and c.i < child.i}
            tokens = [t for t in tokens if t.i not in cut]
            break
    for child in cue.rights:
        if child.i < complement.i:
            continue
        full_clause = any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in child.children)
        # Only a conjunct that directly follows the reported clause continues it.
        adjacent = all(
            doc[i].is_punct or doc[i].is_space or doc[i].dep_ == "cc"
            for i in range(complement.right_edge.i + 1, child.left_edge.i)
        )
        if child.dep_ == "conj" and full_clause and adjacent and _cue_class(child, lexicon) != "speech":
            tokens.extend(doc[complement.right_edge.i + 1 : child.left_edge.i])  # the ", and" between
            tokens.extend(_without_asides(child))
        elif child.dep_ == "advcl" and any(
            c.dep_ == "mark" and c.lower_ in (_CONDITION_MARKS if complement.i > cue.i else _REASON_MARKS) for c in child.children
        ):
            # After a quotation and its cue, only a reason still belongs to the report; "while ..." is the
            # writer's ('"...," Trump responded, while acknowledging that ...').
            tokens.extend(_without_asides(child))
    if complement.i < cue.i:
        # '"The two had productive talks," the agency said, including on ...': the report resumes.
        for child in cue.rights:
            if child.dep_ in ("prep", "advcl") and child.lower_ in _RESUMING_WORDS:
                tokens.extend(child.subtree)
    return tokens


def _conjuncts(head: Token) -> Iterator[Token]:
    """The verbs coordinated with ``head``, following chains ("sit ... and tell ... and tells")."""
    for child in head.rights:
        if child.dep_ == "conj":
            yield child
            yield from _conjuncts(child)


# Words that take a report up again after a medial attribution.
_RESUMING_WORDS = {"including", "especially", "particularly", "notably", "mainly"}


def _without_asides(head: Token) -> list[Token]:
    """A subtree less the writer's asides: a participle clause after a comma ("..., engaging in ...")."""
    dropped: set[int] = set()
    doc = head.doc
    for child in head.rights:
        before = child.left_edge.i - 1
        while before > head.i and doc[before].text in _CLOSING_MARKS:
            before -= 1  # '"...maniacal," adding': the comma sits inside the closing mark
        if child.dep_ in ("advcl", "acl", "xcomp") and child.tag_ == "VBG" and before > head.i and doc[before].text == ",":
            dropped.update(t.i for t in child.subtree)
            dropped.update(range(before, child.left_edge.i))
    subject = next((c for c in head.children if c.dep_ in SUBJECT_DEPS), None)
    for child in head.lefts:
        # "told supporters this weekend he would ...": when it was said, not what.
        if subject is not None and child.i < subject.i and child.left_edge.i == head.left_edge.i and _time_or_occasion(child):
            dropped.update(t.i for t in child.subtree)
    return [t for t in head.subtree if t.i not in dropped]


def _reported_object(cue: Token) -> list[Span]:
    """What a cue reports through its objects: "called for an investigation", "urged Congress to act"."""
    if cue.tag_ == "VBN" and not any(c.dep_ in SUBJECT_DEPS for c in cue.children) and cue.dep_ in ("amod", "acl"):
        return []  # "the so-called plan", "a plan proposed last year": a modifier, not an attribution
    if _inverted_after_quote(cue):
        return []  # '"Where is the train?" asked the boy': the object is the speaker
    if cue.lemma_.lower() == "cite" and any(c.dep_ == "dobj" and _names_a_source(c) for c in cue.children):
        return []  # "citing the Kyodo news agency": where it came from, not what ("citing concerns" is)
    tokens: list[Token] = []
    for child in cue.rights:
        if child.is_punct and child.text in (",", ";", "\u2014", "\u2015", "--", "(") and tokens:
            break  # what follows a comma is the writer's, not the source's ("..., citing her work")
        if tokens and _circumstance(child):
            break  # "... Wednesday on The Laura Ingraham Show": when and where, not what
        if child.dep_ == "prep" and child.lower_ == "to" and cue.lemma_.lower() in _ADDRESSING_VERBS:
            continue  # "shouted to the crowd": whom it was said to, not what
        if child.dep_ in _OBJECT_DEPS or (child.dep_ == "advcl" and _infinitival(child)):
            tokens.extend(t for t in child.subtree if not (t.is_punct and t.text in ("\u2014", "\u2015")) or t.i < child.i)
            dashes = [t for t in child.sent if _is_dash(t) and t.i > child.i]
            # One dash sets off what follows; a pair sets off an aside inside the report.
            dash = dashes[0] if len(dashes) == 1 and dashes[0].i <= child.right_edge.i else None
            if dash is not None:
                tokens = [t for t in tokens if t.i < dash.i]
                break
    # The parser often hangs the time and place on the quoted word itself ('as a "disgrace" Wednesday on ...').
    closing = next((t for t in tokens[1:] if t.doc[t.i - 1].text in _CLOSING_MARKS and _time_or_occasion(t)), None)
    if closing is not None:
        tokens = [t for t in tokens if t.i < closing.i]
    if len([t for t in tokens if not t.is_punct]) < MIN_OBJECT_TOKENS:
        return []
    return _token_spans(cue.doc, tokens, exclude_leading_mark=True)


# Verbs whose "to" phrase names the listener.
_ADDRESSING_VERBS = {"shout", "yell", "scream", "whisper", "mention", "declare", "announce", "explain", "tweet", "complain", "admit", "confess"}
_OPENING_MARKS = {"\u201c", "\u2018", '"', "``", "\u00ab"}
_CLOSING_MARKS = {"\u201d", "\u2019", '"', "''"}


_CIRCUMSTANCE_ENTS = {"DATE", "TIME", "GPE", "LOC", "FAC", "EVENT"}
_CIRCUMSTANCE_PREPS = {"during", "at", "on", "in", "after", "before", "while", "amid", "since"}


def _circumstance(child: Token) -> bool:
    """A time or place modifier of the cue ("on Wednesday", "during a stop in Flint")."""
    if child.dep_ == "npadvmod" or (child.dep_ == "advmod" and child.ent_type_ in _CIRCUMSTANCE_ENTS):
        return True
    if child.dep_ == "prep" and child.lower_ in _CIRCUMSTANCE_PREPS:
        return True
    return child.ent_type_ in ("DATE", "TIME")


def _is_dash(token: Token) -> bool:
    """A dash setting off an aside, typed as an em dash or as a spaced hyphen (" - ")."""
    if token.text in ("\u2014", "\u2015", "--"):
        return True
    return token.text in ("-", "\u2013") and token.i > 0 and bool(token.doc[token.i - 1].whitespace_) and bool(token.whitespace_)


_SOURCE_NOUNS = {"agency", "newspaper", "paper", "report", "official", "source", "spokesman", "spokeswoman", "spokesperson", "media", "outlet", "network", "broadcaster", "daily"}


def _names_a_source(noun: Token) -> bool:
    parts = [noun, *(c for c in noun.children if c.dep_ == "compound")]
    return noun.lemma_.lower() in _SOURCE_NOUNS or any(t.ent_type_ in ("ORG", "PERSON", "NORP", "GPE") for t in parts)


def _inverted_after_quote(cue: Token) -> bool:
    """A subjectless cue right after a closing quotation mark ('"...?" asked the boy')."""
    before = cue.i - 1
    while before >= 0 and cue.doc[before].text == ",":
        before -= 1
    return (
        before >= 0
        and cue.doc[before].text in _CLOSING_MARKS
        and not any(c.dep_ in SUBJECT_DEPS for c in cue.children)
    )


def _time_or_occasion(token: Token) -> bool:
    """ "Wednesday", "last week", "during a stop in Flint": when it was said (places are often part of what was said)."""
    return token.ent_type_ in ("DATE", "TIME") or token.dep_ == "npadvmod" or token.lower_ == "during"


def _circumstance_of_cue(token: Token, lexicon: CueLexicon) -> bool:
    """ "In a statement summarizing the call, White said ...": a verb inside another cue's adverbial phrase."""
    for ancestor in token.ancestors:
        if _cue_class(ancestor, lexicon) is not None:
            link = next(a for a in [token, *token.ancestors] if a.head.i == ancestor.i)
            return link.dep_ in ("prep", "npadvmod", "advmod") and link.i < ancestor.i
    return False


def _infinitival(clause: Token) -> bool:
    """ "(called) for X to act", "(urged them) to act": a clause of what is asked for, not of when."""
    return any(c.dep_ in ("mark", "aux") and c.lower_ in ("for", "to") for c in clause.children)


def _colon_after(doc: Doc, token: Token) -> Token | None:
    """The colon right after a cue ("X said:"), allowing a short adverbial between."""
    for i in range(token.i + 1, min(token.i + 4, len(doc))):
        if doc[i].text == ":":
            return doc[i]
        if doc[i].is_punct or doc[i].is_space:
            return None
    return None


def _subtree(token: Token) -> list[Token]:
    return list(token.subtree)


def cue_span(token: Token) -> Span:
    parts = [token] + [c for c in token.children if c.dep_ == "prt"]
    start = min(t.idx for t in parts)
    end = max(t.idx + len(t.text) for t in parts)
    return start, end


def _speaker_of(verb: Token) -> Span | None:
    """The mention of who speaks: the verb's subject, an agent, or a governing verb's subject."""
    for child in verb.children:
        if child.dep_ in ("nsubj", "csubj"):
            return None if child.lower_ in ("it", "there") and verb.tag_ == "VBN" else mention_span(child)
        if child.dep_ == "agent":
            agent = next((c for c in child.children if c.dep_ == "pobj"), None)
            if agent is not None:
                return mention_span(agent)
    top = verb
    while top.dep_ == "conj" and top.head.i != top.i:
        top = top.head
    if top is not verb and top.dep_ == "ccomp" and verb.tag_ == top.head.tag_ != top.tag_:
        return _speaker_of(top.head)  # "says he'd sit Putin down and tells the crowd": Kasich tells
    # "..., adding that ...", "He stood and said ...", "wants to criticize", "by comparing":
    # the subject of a verb governing it, a few steps up.
    head = verb
    for _ in range(3):
        if head.dep_ not in ("advcl", "conj", "xcomp", "pcomp", "acl") or head.head.i == head.i:
            break
        governor = head.head
        if head.dep_ == "pcomp" and governor.head.i != governor.i:
            governor = governor.head  # "by comparing": preposition, then its verb
        if head.dep_ == "advcl" and head.tag_ == "VBG" and governor.dep_ == "ccomp":
            governor = governor.head  # 'told Newsmax that Romney "had ...," adding': the teller adds
        subject = next((c for c in governor.children if c.dep_ == "nsubj"), None)
        if subject is not None:
            return mention_span(subject)
        if head.dep_ == "acl" and governor.pos_ in ("NOUN", "PROPN", "PRON"):
            # "a statement announcing the pick": the statement speaks; "a plan proposed by": an agent, if any.
            return mention_span(governor) if head.tag_ == "VBG" else None
        head = governor
    return None


def mention_span(head: Token) -> Span:
    """A noun phrase as a reader would cut it: modifiers and name parts, no clauses."""
    tokens = [head]
    for child in head.lefts:
        if child.dep_ not in ("punct", "cc") or child.i > head.left_edge.i:
            tokens.extend(child.subtree)
    for child in head.rights:
        if child.dep_ in _MENTION_RIGHT_DEPS:
            tokens.extend(child.subtree)
        else:
            break
    tokens = sorted(tokens, key=lambda t: t.i)
    while len(tokens) > 1 and (tokens[-1].is_punct or tokens[-1].dep_ == "cc"):
        tokens.pop()
    while len(tokens) > 1 and tokens[0].is_punct:
        tokens.pop(0)
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)


def _token_spans(doc: Doc, tokens: list[Token], *, exclude_leading_mark: bool = False) -> list[Span]:
    """Contiguous character spans of ``tokens``, trimmed of punctuation and a leading "that"."""
    tokens = sorted(tokens, key=lambda t: t.i)
    if exclude_leading_mark:
        while tokens and (tokens[0].dep_ == "mark" and tokens[0].lower_ in ("that", "whether", "if")):
            tokens = tokens[1:]
    tokens = [t for t in tokens if not t.is_space]
    while tokens and _is_trimmable(tokens[0]):
        tokens = tokens[1:]
    while tokens and (_is_trimmable(tokens[-1]) or tokens[-1].dep_ == "cc"):
        tokens = tokens[:-1]  # a dangling "but" or "and" where the report was cut
    spans: list[list[int]] = []
    previous = -2
    for token in tokens:
        if token.i == previous + 1 or (spans and _only_space_between(doc, previous, token.i)):
            spans[-1][1] = token.idx + len(token.text)
        else:
            spans.append([token.idx, token.idx + len(token.text)])
        previous = token.i
    return [(a, b) for a, b in spans]


def _only_space_between(doc: Doc, left: int, right: int) -> bool:
    return all(doc[i].is_space for i in range(left + 1, right))


def _is_trimmable(token: Token) -> bool:
    return token.text in _PUNCT_STRIP or token.is_space


# --- quotations meet cues ---------------------------------------------------------


def same_sentence(doc: Doc, first: int, second: int) -> bool:
    """Whether two character offsets of ``doc`` fall in one sentence of the parse."""
    spans = [doc.char_span(offset, offset + 1, alignment_mode="expand") for offset in (first, second)]
    if any(span is None or not len(span) for span in spans):
        return False
    return spans[0][0].sent.start == spans[1][0].sent.start


def overlap(a: Span, b: Span) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _combine(text: str, candidate: _Candidate, regions: list[QuoteRegion], used: set[int]) -> Detection | None:
    """Turn a parse candidate into a detection, typed by the quotations it meets."""
    content = candidate.content
    if candidate.rule == "colon":
        # 'scolded him: "...," she said.': the quotation after the colon, not the second attribution.
        opening = next((r for r in regions if r.start <= content[0][0] <= r.inner_start and r.end <= content[-1][1]), None)
        if opening is not None:
            content = [(opening.inner_start, opening.inner_end)]
    extent = (content[0][0], content[-1][1])
    touching = [
        i
        for i, r in enumerate(regions)
        if i not in used and overlap((r.inner_start, r.inner_end), extent) > 0
    ]
    if touching:
        if is_direct(text, content, [p for i in touching for p in regions[i].pieces]) or _circumstance_after_quote(text, extent, regions[touching[0]], regions[touching[-1]]):
            # The complement is (mostly) inside the quotation: a direct quote, cut at its marks.
            pieces = tuple(p for i in touching for p in regions[i].pieces)
            used.update(touching)
            return Detection(
                content_spans=pieces,
                type="direct",
                cue_span=candidate.cue_span,
                speaker_span=candidate.speaker,
                quoted_spans=pieces,
                rule=f"direct:{candidate.rule}",
                confidence=0.9 if candidate.speaker else 0.6,
            )
        used.update(touching)
        start = min(extent[0], regions[touching[0]].start)
        end = max(extent[1], regions[touching[-1]].end)
        end = _writer_tail(text, regions[touching[-1]].end, end)
        spans = _clip_to_cue(text, (start, end), candidate.cue_span, candidate.speaker, content)
        return Detection(
            content_spans=spans,
            type="mixed",
            cue_span=candidate.cue_span,
            speaker_span=candidate.speaker,
            quoted_spans=tuple(p for i in touching for p in regions[i].pieces),
            rule=f"mixed:{candidate.rule}",
            confidence=0.85 if candidate.speaker else 0.55,
        )
    confidence = {"speech": 0.8, "source": 0.8, "report": 0.6}.get(candidate.cue_class, 0.5)
    if candidate.rule == "object":
        confidence -= 0.15  # an object is more often a topic than a report
    return Detection(
        content_spans=tuple(content),
        type="indirect",
        cue_span=candidate.cue_span,
        speaker_span=candidate.speaker,
        quoted_spans=(),
        rule=f"indirect:{candidate.rule}",
        confidence=confidence if candidate.speaker else confidence - 0.2,
    )


_SUBORDINATORS_RE = re.compile(r"[\s,]*(when|as|after|before|while|because|since|until|if)\b", re.IGNORECASE)


# A headline's or fragment's scene: when it was said. A reason ("because ...") may still be the speaker's.
_SCENE_AFTER_QUOTE_RE = re.compile(r"[\s,]*(when|after|before|while|until|amid|following|during)\b", re.IGNORECASE)


def _circumstance_after_quote(text: str, extent: Span, first: QuoteRegion, last: QuoteRegion) -> bool:
    """ '... saying, "That makes me smart," when Clinton blasted him': the quote, then the writer's scene."""
    opens_with_quote = not text[extent[0] : first.inner_start].strip(" \"'\u201c\u2018`")
    return opens_with_quote and last.end < extent[1] and bool(_SUBORDINATORS_RE.match(text, last.end))


# After a report's last quotation, a concession, a non-restrictive relative or a dash aside is the writer's.
# American style puts the comma inside the closing mark ('"about right," though').
_WRITER_TAIL_RE = re.compile(
    r"(?:,|(?<=,\")|(?<=,\u201d)|(?<=,''))\s*(though|although|whereas|while|which)\b|\s[\u2013\u2014\u2015]|\s--?\s"
)


def _writer_tail(text: str, last_quote_end: int, end: int) -> int:
    """ 'said each position is "about right," though voters ...': the report ends before the writer goes on."""
    tails = list(_WRITER_TAIL_RE.finditer(text, last_quote_end, end))
    if not tails:
        return end
    if tails[0].group(1) is None and any(t.group(1) is None for t in tails[1:]):
        return end  # a pair of dashes sets off an aside inside the report ('"every candidate" - including Cruz - favored')
    return tails[0].start()


def _clip_to_cue(
    text: str, extent: Span, cue: Span, speaker: Span | None, content: list[Span]
) -> tuple[Span, ...]:
    """The content extended to whole quotations, without the cue and speaker inside it."""
    holes = [cue] + ([speaker] if speaker else [])
    pieces = [extent]
    for hole in holes:
        next_pieces = []
        for a, b in pieces:
            if overlap((a, b), hole):
                next_pieces.extend(p for p in ((a, hole[0]), (hole[1], b)) if p[1] > p[0])
            else:
                next_pieces.append((a, b))
        pieces = next_pieces
    return tuple(_trim(text, p) for p in pieces if text[p[0] : p[1]].strip(" ,;:\u2014\u2013-"))


def _trim(text: str, span: Span) -> Span:
    a, b = span
    while a < b and (text[a].isspace() or text[a] in ",;:\u2014\u2013"):
        a += 1
    while b > a and (text[b - 1].isspace() or text[b - 1] in ",;:\u2014\u2013"):
        b -= 1
    return a, b


def _attach_region(
    doc: Doc, text: str, region: QuoteRegion, lexicon: CueLexicon, furniture: list[Span]
) -> Detection | None:
    """A quotation no parse candidate claimed: look for a cue near it."""
    pieces = region.pieces
    words = sum(len(text[a:b].split()) for a, b in pieces)
    span = doc.char_span(region.inner_start, region.inner_end, alignment_mode="expand")
    if span is None:
        return None
    governing = _governing_cue(span, lexicon)
    if governing is not None:
        cue, content = governing
        content = _extend_to_marks(content, region)
        if _SCENE_AFTER_QUOTE_RE.match(text, region.end):
            # "Cooper Speaks 'Directly To Flood Victims' After Second Storm": the scene, not the report.
            content = [(a, min(b, region.end)) for a, b in content if a < region.end]
        quoted = sum(b - a for a, b in pieces)
        extent = sum(b - a for a, b in content)
        direct = quoted >= 0.8 * extent
        return Detection(
            content_spans=pieces if direct else tuple(content),
            type="direct" if direct else "mixed",
            cue_span=cue_span(cue),
            speaker_span=_speaker_of(cue),
            quoted_spans=pieces,
            rule="direct:governing-cue" if direct else "mixed:governing-cue",
            confidence=0.8 if direct else 0.7,
        )
    adjacent = _adjacent_attribution(doc, text, region, lexicon)
    if adjacent is not None:
        return Detection(
            pieces, "direct", cue_span(adjacent), _speaker_of(adjacent), pieces, "direct:adjacent-cue", 0.8
        )
    signature = _dash_signature(text, region)
    if signature is not None:
        dash, name = signature
        return Detection(pieces, "direct", dash, name, pieces, "direct:dash-signature", 0.8)
    if words < MIN_BARE_QUOTE_WORDS:
        # A scare quote or a title, unless it continues a quote just attributed ('"I would," she said. "Yes."').
        return Detection(pieces, "direct", None, None, pieces, SHORT_RULE, 0.3)
    best: tuple[int, Token] | None = None
    for sentence in _sentences_of(span):
        for token in sentence:
            if region.start <= token.idx < region.end or _cue_class(token, lexicon) != "speech":
                continue
            distance = region.start - token.idx if token.idx < region.start else token.idx - region.end
            if best is None or distance < best[0]:
                best = (distance, token)
    if best is not None:
        return Detection(
            pieces, "direct", cue_span(best[1]), _speaker_of(best[1]), pieces, "direct:same-sentence-cue", 0.7
        )
    introducer = _colon_introducer(doc, span, lexicon)
    if introducer is not None:
        return Detection(
            pieces, "direct", cue_span(introducer), _speaker_of(introducer), pieces, "direct:colon", 0.8
        )
    return Detection(pieces, "direct", None, None, pieces, "direct:no-cue", 0.4)


MAX_ATTRIBUTION_CLAUSE_TOKENS = 8


def _adjacent_attribution(doc: Doc, text: str, region: QuoteRegion, lexicon: CueLexicon) -> Token | None:
    """The verb of a short clause right after a quotation: '"...," he continued.'

    News puts the attribution there so regularly that any verb with a
    subject counts, whether or not the lexicon knows it.
    """
    after = doc.char_span(region.end, min(len(text), region.end + 120), alignment_mode="expand")
    if after is None:
        return None
    if text[region.inner_end - 1 : region.inner_end] == "." and text[region.end : region.end + 40].lstrip(" \t\u00a0")[:1].isupper():
        return None  # '"... kidding." To which she said, "..."': the full stop ended the sentence; a new one begins
    clause = []
    for token in after:
        if token.is_space:
            if "\n" in token.text:
                break
            continue
        if token.text in (".", ",", ";", "!", "?", ":") or token.text in QUOTE_CHARS:
            break
        clause.append(token)
    head = clause[:MAX_ATTRIBUTION_CLAUSE_TOKENS]
    if not head or not _opens_sentence(text, region):
        return None  # 'the so-called "alt-right" gathered': a quotation inside a sentence, not before its attribution
    for token in head:
        subject = any(c.dep_ == "nsubj" and region.end <= c.idx and c.i < token.i or c.dep_ == "nsubj" and token.i < c.i <= head[-1].i for c in token.children)
        reports_something_else = any(c.dep_ in ("ccomp", "dobj") and c.i == token.i + 1 for c in token.children)
        if token.pos_ == "VERB" and subject and not reports_something_else:
            return token
    return _after_long_subject(clause[0], lexicon)


def _after_long_subject(first: Token, lexicon: CueLexicon) -> Token | None:
    """ '"...!" Scott's niece, state Del. Marcia Price (D-Newport News), shouted': a subject with its apposition, then the speech verb."""
    subject = first
    while subject.dep_ != "nsubj" and subject.head.i != subject.i and subject.head.i > first.i:
        subject = subject.head
    verb = subject.head
    if subject.dep_ != "nsubj" or verb.i < subject.i or _cue_class(verb, lexicon) != "speech":
        return None
    between = range(subject.right_edge.i + 1, verb.i)
    if subject.left_edge.i != first.i or not all(verb.doc[i].is_punct or verb.doc[i].dep_ == "advmod" for i in between):
        return None
    return verb


def _opens_sentence(text: str, region: QuoteRegion) -> bool:
    """Whether only a line break, a dash or the end of another sentence stands before a quotation."""
    before = text[max(0, region.start - 200) : region.start].rstrip(" \t\u00a0")
    return not before or before[-1] in "\n.!?:\u2014\u2013-\"\u201d"


# Dependents of a cue that never belong to what it reports.
_NOT_CONTENT_DEPS = {"punct", "cc", "conj", "parataxis", "mark", "nsubj", "nsubjpass", "aux", "auxpass", "neg", "prt"}


def _extend_to_marks(content: list[Span], region: QuoteRegion) -> list[Span]:
    """Content that starts or ends inside a quotation takes in its marks."""
    if not content:
        return content
    first, last = content[0], content[-1]
    if region.start < first[0] <= region.inner_start:
        first = (region.start, first[1])
    content = [first, *content[1:]] if len(content) > 1 else [first]
    last = content[-1]
    if region.inner_end <= last[1] < region.end:
        content[-1] = (last[0], region.end)
    return content


REPORTING_ADVERBS = {"reportedly", "allegedly", "purportedly", "supposedly", "ostensibly"}


def _reporting_adverb(verb: Token) -> Token | None:
    """ "will reportedly take place": an adverb that says someone else says so."""
    return next((c for c in verb.children if c.dep_ == "advmod" and c.lower_ in REPORTING_ADVERBS), None)


def _predicate_spans(verb: Token, adverb: Token) -> list[Span]:
    """What a reporting adverb qualifies: the verb and what follows it, not a relative pronoun subject."""
    tokens = [
        t
        for t in verb.subtree
        if t.i >= verb.i or (t.head.i == verb.i and t.dep_ in ("aux", "neg") and t.i > adverb.i)
    ]
    return _token_spans(verb.doc, [t for t in tokens if t.i != adverb.i])


def _governing_cue(span: SpacySpan, lexicon: CueLexicon) -> tuple[Token, list[Span]] | None:
    """The cue verb a quoted fragment depends on, and everything that verb reports.

    "blasted the media for being 'dishonest'" reports "the media for being
    'dishonest'": the verb's dependents to its right.
    """
    inside = {t.i for t in span}
    attachments = [t for t in span if t.head.i not in inside and t.head.i != t.i]
    for token in attachments:
        head = token.head
        for _ in range(4):
            if head.i in inside:
                break
            adverb = _reporting_adverb(head)
            if adverb is not None and _cue_class(head, lexicon) is None:
                return adverb, _predicate_spans(head, adverb)
            if _cue_class(head, lexicon) is not None:
                tokens = [
                    t
                    for child in head.rights
                    if child.dep_ not in _NOT_CONTENT_DEPS
                    for t in child.subtree
                ]
                if inside <= {t.i for t in tokens} | {t.i for t in span if t.is_punct or t.is_space}:
                    # "told one of his proteges on a regular basis that 'terrorism is the answer'":
                    # the report starts at its "that", whatever the parser hung it on.
                    opener = next(
                        (
                            t
                            for t in reversed(tokens)
                            if t.i < span.start and t.dep_ == "mark" and t.lower_ == "that" and t.head.left_edge.i <= span.start <= t.head.right_edge.i
                        ),
                        None,
                    )
                    if opener is not None:
                        tokens = [t for t in tokens if t.i >= opener.i]
                    content = _token_spans(span.doc, tokens, exclude_leading_mark=True)
                    if content:
                        return head, content
                return None
            if head.head.i == head.i:
                break
            head = head.head
    return None


_DASH_SIGNATURE_RE = re.compile(r"[\s\u201d\"']*[\u2015\u2014\u2013-]\s*([A-Z][^\n]{1,60}?)\s*$")


def _dash_signature(text: str, region: QuoteRegion) -> tuple[Span, Span] | None:
    """A quotation signed after a dash on its own line: '"..." — Sonya Herridge'."""
    line_end = text.find("\n", region.end)
    line_end = len(text) if line_end < 0 else line_end
    match = _DASH_SIGNATURE_RE.match(text, region.end, line_end)
    if match is None or len(match.group(1).split()) > 8:
        return None
    dash_at = region.end + len(match.group()) - len(match.group().lstrip("\u201d\"' \t"))
    dash = (dash_at, dash_at + 1)
    return dash, (match.start(1), match.end(1))


def _sentences_of(span: SpacySpan) -> list[SpacySpan]:
    doc = span.doc
    first = span[0].sent
    last = span[-1].sent
    sentences = [first] if first.start == last.start else [s for s in doc.sents if first.start <= s.start <= last.start]
    return sentences


def _colon_introducer(doc: Doc, span: SpacySpan, lexicon: CueLexicon) -> Token | None:
    """The cue of a sentence ending in a colon right before the quotation."""
    previous = span.start - 1
    while previous >= 0 and (doc[previous].is_space or doc[previous].text in QUOTE_CHARS):
        previous -= 1
    if previous < 0 or doc[previous].text not in (":", ","):
        return None
    sentence = doc[previous].sent
    if doc[previous].text == ",":
        # 'She continued, "..."': a short clause of subject and verb, then the quotation.
        clause = [t for t in doc[sentence.start : previous] if not t.is_space]
        verbs = [t for t in clause if t.pos_ == "VERB" and any(c.dep_ == "nsubj" for c in t.children)]
        return verbs[-1] if verbs and len(clause) <= MAX_ATTRIBUTION_CLAUSE_TOKENS else None
    for token in reversed(list(sentence)):
        if token.i < previous and _cue_class(token, lexicon) is not None:
            return token
    return None


# --- headlines --------------------------------------------------------------------

_HEADLINE_SUFFIX_RE = re.compile(r"\s+[\u2013\u2014-]\s+\w+(\s\w+)?\s*$")


def _headline_lines(text: str, furniture: list[Span]) -> Iterator[tuple[Span, bool]]:
    """Short lines that may be headlines or link titles, and whether each is in title case.

    The first line of an article is its headline even in sentence case; other
    lines must be in title case and lack a final full stop.
    """
    for start, end in line_spans(text):
        line = text[start:end].strip()
        words = line.split()
        if not (3 <= len(words) <= 20) or _inside_any(start + 1, furniture):
            continue
        capitalised = sum(1 for w in words if w[:1].isupper() or not w[:1].isalpha())
        title_case = capitalised >= 0.6 * len(words) and line[-1] not in ".!?\"\u201d"
        if title_case or not text[:start].strip():
            offset = text.index(line, start)
            yield (offset, offset + len(line)), title_case


def _headline_cue(words: list[re.Match[str]], lexicon: CueLexicon, quoted: bool) -> tuple[int, str] | None:
    """Index and lemma of the headline's cue word: a present-tense reporting verb ("Says", "Warns")."""
    for index, word in enumerate(words[1:], start=1):
        form = word.group().lower()
        for lemma in (form[:-2] if form.endswith("es") else None, form[:-1] if form.endswith("s") else None):
            cue_class = lexicon.verb_class(lemma) if lemma else None
            if cue_class == "speech" or (cue_class is not None and quoted):
                return index, lemma
    return None


# Verbs that take an audience ("Speaks to North Koreans", "Talks With Donors") and those words.
_AUDIENCE_VERBS = {"speak", "talk"}
_AUDIENCE_WORDS = {"to", "with", "before"}


def _addressee_after_cue(words: list[re.Match[str]], cue_index: int, lemma: str) -> bool:
    """ "Trump Speaks to North Koreans": the verb's audience follows it, not what was said."""
    following = words[cue_index + 1].group().lower() if cue_index + 1 < len(words) else ""
    return lemma in _AUDIENCE_VERBS and following in _AUDIENCE_WORDS


def _in_name(doc: Doc, offset: int) -> bool:
    token = next((t for t in doc if t.idx == offset), None)
    return token is not None and token.ent_type_ in ("GPE", "ORG", "LOC", "FAC", "NORP", "WORK_OF_ART", "LAW", "EVENT")


def _headlines(
    doc: Doc,
    text: str,
    lexicon: CueLexicon,
    regions: list[QuoteRegion],
    furniture: list[Span],
    found: list[Detection],
) -> Iterator[Detection]:
    covered = [s for d in found if d.rule != SHORT_RULE and not d.rule.endswith(":object") for s in d.content_spans]
    for (start, end), title_case in _headline_lines(text, furniture):
        if any(overlap((start, end), s) for s in covered):
            continue
        line = text[start:end]
        body_end = start + (_HEADLINE_SUFFIX_RE.search(line).start() if _HEADLINE_SUFFIX_RE.search(line) else len(line))
        line_regions = [r for r in regions if start <= r.start < end]
        words = list(re.finditer(r"\S+", text[start:body_end]))
        found_cue = _headline_cue(words, lexicon, bool(line_regions)) if title_case else None
        if found_cue is not None and (
            _in_name(doc, start + words[found_cue[0]].start())  # "United States", "Foreign Affairs": part of a name
            or _addressee_after_cue(words, *found_cue)  # "Trump Speaks to North Koreans": whom, not what
        ):
            found_cue = None
        cue_index = found_cue[0] if found_cue is not None else None
        colon = text.find(": ", start, body_end)
        if cue_index is not None and (colon < 0 or colon > start + words[cue_index].start()):
            cue = words[cue_index]
            speaker = (start, start + words[cue_index - 1].end())
            content = (start + cue.end() + 1, body_end)
            cue_span = (start + cue.start(), start + cue.end())
            rule = "headline:verb"
        elif 0 < colon - start <= 40 and len(text[start:colon].split()) <= 4:
            speaker = (start, colon)
            content = (colon + 2, body_end)
            cue_span = (colon, colon + 1)
            rule = "headline:colon"
        else:
            continue
        content = _trim(text, content)
        if content[1] <= content[0]:
            continue
        quoted = tuple(p for r in line_regions for p in r.pieces if content[0] <= p[0] < content[1])
        full_quote = len(quoted) == 1 and quoted[0][1] - quoted[0][0] >= content[1] - content[0] - 2
        yield Detection(
            content_spans=quoted if full_quote else (content,),
            type="direct" if full_quote else ("mixed" if quoted else "indirect"),
            cue_span=cue_span,
            speaker_span=speaker,
            quoted_spans=quoted,
            rule=rule,
            confidence=0.6,
            headline=True,
        )


def _continue_speakers(text: str, detections: list[Detection]) -> list[Detection]:
    """A quotation after an attributed quote, in its paragraph or opening the next, continues its speaker.

    '"...," he said.' followed by a quotation with no attribution of its own:
    news leaves the attribution implicit, and readers (and annotators) carry it over.
    """
    result: list[Detection] = []
    for detection in detections:
        previous = result[-1] if result else None
        if (
            detection.rule == "direct:no-cue"
            and previous is not None
            and previous.type in ("direct", "mixed")
            and previous.speaker_span is not None
            and text[previous.content_spans[-1][1] : detection.content_spans[0][0]].count("\n") <= 3
            and (
                _opens_paragraph(text, detection.content_spans[0][0])
                or "\n" not in text[previous.content_spans[-1][1] : detection.content_spans[0][0]]
            )
        ):
            detection = replace(
                detection,
                cue_span=previous.cue_span,
                speaker_span=previous.speaker_span,
                rule="direct:continuation",
                confidence=0.6,
            )
        result.append(detection)
    return result


def _opens_paragraph(text: str, offset: int) -> bool:
    line_start = text.rfind("\n", 0, offset) + 1
    return not text[line_start:offset].strip(" \t\u00a0\"'\u201c\u201d\u2018\u00ab`")


# --- quotes split by their attribution -------------------------------------------


def _merge_split_quotes(doc: Doc, text: str, detections: list[Detection]) -> list[Detection]:
    """Join a quotation split by its attribution into one quote with two pieces.

    "'We will win,' he said, 'and soon.'" and '"A," she said. "B."' are one
    attribution: the second quotation follows the first's cue in the same
    paragraph, with nothing but the attribution between them. A report inside
    that attribution's sentence ("said Mr. Trump, who is regarded as a
    germaphobe") stays a quote of its own and does not keep the two pieces
    apart, unless it brings in a speaker of its own.
    """
    merged: list[Detection] = []
    for detection in detections:
        first = len(merged) - 1
        while first >= 0 and merged[first].type == "indirect" and _same_or_no_speaker(text, merged[first]):
            first -= 1
        if first >= 0 and _continues_quote(text, merged[first], detection) and _inside_attribution(doc, merged[first], merged[first + 1 :]):
            previous = merged[first]
            merged[first] = replace(
                previous,
                content_spans=previous.content_spans + detection.content_spans,
                quoted_spans=previous.quoted_spans + detection.quoted_spans,
            )
            continue
        merged.append(detection)
    return merged


def _same_or_no_speaker(text: str, detection: Detection) -> bool:
    """No speaker, or a relative pronoun ("said X, who ...") standing for the one already named."""
    span = detection.speaker_span
    return span is None or text[span[0] : span[1]].lower() in ("who", "which", "that")


def _inside_attribution(doc: Doc, quote: Detection, between: list[Detection]) -> bool:
    """Whether the reports between two pieces all sit in the sentence of the first piece's cue."""
    cue = quote.cue_span
    return cue is not None and all(same_sentence(doc, cue[0], d.content_spans[0][0]) for d in between)


MAX_SPLIT_GAP = 200


def _continues_quote(text: str, first: Detection, second: Detection) -> bool:
    if first.type != "direct" or second.type != "direct" or first.cue_span is None:
        return False
    if second.cue_span not in (None, first.cue_span):
        return False
    gap_start, gap_end = first.content_spans[-1][1], second.content_spans[0][0]
    if second.cue_span is None and second.rule not in (SHORT_RULE, "direct:no-cue"):
        return False
    return (
        gap_start <= first.cue_span[0] < gap_end
        and gap_end - gap_start <= MAX_SPLIT_GAP
        and "\n" not in text[gap_start:gap_end]
        # '"You winning?" she said, but Kevin was drifting off ... "how ..."': a story goes on, not the quote.
        and not _NEW_CLAUSE_RE.search(text, gap_start, gap_end)
    )



_NEW_CLAUSE_RE = re.compile(r",\s*(but|while|whereas|and then)\b", re.IGNORECASE)
