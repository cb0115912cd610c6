"""Where a reported content begins and ends: the reported clause and what the parser hung on the cue,
the writer's asides, reported objects, source phrases and tails cut off, spans trimmed and clipped to the cue."""

from __future__ import annotations

import re
from collections.abc import Iterator

from spacy.tokens import Doc, Token

from quotes.detect.detection import CLOSING_MARKS, OPENING_MARKS, SUBJECT_DEPS, citing_phrase, cue_class_of, is_citing, overlap
from quotes.lexicon import CueLexicon
from quotes.marks import QuoteRegion
from quotes.records import Span


_PUNCT_STRIP = set(",;:.!?-\u2013\u2014()[]") | {"\u00a0"}


def cut_source_phrases(text: str, content: list[Span], lexicon: CueLexicon) -> list[Span]:
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


_OBJECT_DEPS = {"dobj", "dative", "prep", "xcomp", "oprd", "attr", "acomp", "pcomp"}
MIN_OBJECT_TOKENS = 2
# Subordinate clauses on the cue that still belong to what was reported: its conditions and reasons
# ("said there remains a difference, when it comes to ..."). A contrast ("..., while critics ...") is the writer's.
_CONDITION_MARKS = {"when", "if", "because", "unless", "since", "as"}
_REASON_MARKS = {"because", "since"}


def complement_tokens(cue: Token, complement: Token, lexicon: CueLexicon) -> list[Token]:
    """The reported clause, with what the parser hung on the cue but belongs to the report.

    "said it was too early to tell, and there was no evidence": the second
    clause often attaches to "said" as a conjunct; "said there remains a
    difference, when it comes to ...": the condition attaches to "said".
    A conjunct headed by a speech verb of its own ("..., but he said that ...")
    is a second report, not more of this one.
    """
    tokens = _without_asides(complement)
    doc = cue.doc
    second = _second_report(complement, lexicon)
    if second:
        tokens = [t for t in tokens if t.i not in second]
    if complement.i < cue.i:
        # 'McCaskill scolded him: "...," she said': the parser hangs the first attribution on the quotation.
        colon = next((t for t in tokens if t.text == ":" and t.i + 1 < len(doc) and doc[t.i + 1].text in OPENING_MARKS), None)
        if colon is not None:
            tokens = [t for t in tokens if t.i > colon.i]
    for child in _conjuncts(complement):
        # "says he'd sit Putin down and tells the crowd ...": a speech verb in the cue's tense, not the
        # clause's, is coordinated with the cue, whatever the parser says; it reports on its own.
        if (
            child.tag_ == cue.tag_ != complement.tag_
            and cue_class_of(child, lexicon) == "speech"
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
        if child.dep_ == "conj" and full_clause and adjacent and cue_class_of(child, lexicon) != "speech":
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


def _second_report(complement: Token, lexicon: CueLexicon) -> set[int]:
    """A contrast that reports someone else: "..., while Ukraine said it would ..." is Ukraine's."""
    doc = complement.doc
    for token in complement.subtree:
        comma = token.left_edge.i - 1
        if (
            token.dep_ == "advcl"
            and comma > complement.left_edge.i
            and doc[comma].text == ","
            and any(c.dep_ == "mark" and c.lower_ in ("while", "whereas") for c in token.children)
            and any(cue_class_of(t, lexicon) == "speech" and any(c.dep_ in SUBJECT_DEPS for c in t.children) for t in token.subtree)
        ):
            return set(range(comma, token.right_edge.i + 1))
    return set()


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
        while before > head.i and doc[before].text in CLOSING_MARKS:
            before -= 1  # '"...maniacal," adding': the comma sits inside the closing mark
        if child.dep_ in ("advcl", "acl", "xcomp") and child.tag_ == "VBG" and before > head.i and doc[before].text == ",":
            dropped.update(t.i for t in child.subtree)
            dropped.update(range(before, child.left_edge.i))
    dropped.update(_trailing_identification(head))
    for child in head.lefts:
        # "reported, citing two people familiar with the matter, that C": whom the report rests on
        if is_citing(child):
            dropped.update(citing_phrase(child))
    subject = next((c for c in head.children if c.dep_ in SUBJECT_DEPS), None)
    for child in head.lefts:
        # "told supporters this weekend he would ...": when it was said, not what.
        leading_time = _time_or_occasion(child) or (
            child.dep_ == "prep" and any(c.dep_ == "pobj" and c.ent_type_ in ("DATE", "TIME") for c in child.children)
        )  # "said on Thursday it had ...": the parser hangs the day on the reported verb
        if subject is not None and child.i < subject.i and child.left_edge.i == head.left_edge.i and leading_time:
            dropped.update(t.i for t in child.subtree)
    return [t for t in head.subtree if t.i not in dropped]


def _trailing_identification(head: Token) -> set[int]:
    """The writer's note closing a reported clause: ", which forced her to leave early" on its last
    noun, or ", the presumed favorite" after a name. What the speaker said stops before it, unless
    it is in quotation marks (then they are the speaker's words)."""
    doc = head.doc
    last = head.right_edge.i
    for token in doc[head.i + 1 : last + 1]:
        comma = token.left_edge.i - 1
        if token.right_edge.i != last or comma <= head.i or doc[comma].text != ",":
            continue
        # a relative clause (which the parser may read as an adverbial one) on a noun of the clause
        relative = token.pos_ in ("VERB", "AUX") and token.left_edge.lower_ in ("which", "who", "whose")
        identifies = token.dep_ == "appos" and token.head.pos_ == "PROPN" and token.head.i == comma - 1
        if (relative or identifies) and not any(t.text in OPENING_MARKS or t.text in CLOSING_MARKS for t in token.subtree):
            return set(range(comma, last + 1))
    return set()


def reported_object(cue: Token) -> list[Span]:
    """What a cue reports through its objects: "called for an investigation", "urged Congress to act"."""
    if cue.tag_ == "VBN" and not any(c.dep_ in SUBJECT_DEPS for c in cue.children) and cue.dep_ in ("amod", "acl"):
        return []  # "the so-called plan", "a plan proposed last year": a modifier, not an attribution
    if _inverted_after_quote(cue):
        return []  # '"Where is the train?" asked the boy': the object is the speaker
    if cue.lemma_.lower() == "cite" and any(c.dep_ == "dobj" and _names_a_source(c) for c in cue.children):
        return []  # "citing the Kyodo news agency": where it came from, not what ("citing concerns" is)
    if _not_speech_object(cue):
        return []
    tokens: list[Token] = []
    for child in cue.rights:
        if child.is_punct and child.text in (",", ";", "\u2014", "\u2015", "--", "(") and tokens:
            break  # what follows a comma is the writer's, not the source's ("..., citing her work")
        if _circumstance(child):
            if tokens:
                break  # "... Wednesday on The Laura Ingraham Show": when and where, not what
            continue  # "affirmed in his X account": where it was said, before what
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
    closing = next((t for t in tokens[1:] if t.doc[t.i - 1].text in CLOSING_MARKS and _time_or_occasion(t)), None)
    if closing is not None:
        tokens = [t for t in tokens if t.i < closing.i]
    if len([t for t in tokens if not t.is_punct]) < MIN_OBJECT_TOKENS:
        return []
    return token_spans(cue.doc, tokens, exclude_leading_mark=True)


# "asked not to be named", "declined to be identified": the terms of anonymity, not what a source said.
_ANONYMITY_PARTICIPLES = {"name", "identify", "quote", "cite"}


def _not_speech_object(cue: Token) -> bool:
    """Objects of a cue verb that report no words: anonymity terms, "claimed responsibility", "agree to a fund"."""
    for child in cue.rights:
        if child.dep_ == "xcomp":
            passive = [t for t in child.subtree if t.lemma_.lower() in _ANONYMITY_PARTICIPLES and t.tag_ == "VBN"]
            if passive and any(t.dep_ == "auxpass" for t in passive[0].children):
                return True
        if child.dep_ == "dobj" and child.lemma_.lower() in ("responsibility", "credit") and cue.lemma_.lower() == "claim":
            return True
        if child.dep_ == "prep" and child.lower_ == "to" and not any(t.pos_ in ("VERB", "AUX") or t.is_quote for t in child.subtree):
            # "agree to new climate fund", "objected to the plan": a stance toward a thing, unless more is reported.
            if not any(c.dep_ in ("dobj", "xcomp", "ccomp") for c in cue.children):
                return True
    return False


# Verbs whose "to" phrase names the listener.
_ADDRESSING_VERBS = {"shout", "yell", "scream", "whisper", "mention", "declare", "announce", "explain", "tweet", "complain", "admit", "confess"}

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


_SOURCE_NOUNS = {
    "agency", "newspaper", "paper", "report", "official", "source", "spokesman", "spokeswoman",
    "spokesperson", "media", "outlet", "network", "broadcaster", "daily", "people", "person", "sources",
    "statement", "document", "documents", "witnesses", "residents", "officials", "analysts", "diplomats",
}


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
        and cue.doc[before].text in CLOSING_MARKS
        and not any(c.dep_ in SUBJECT_DEPS for c in cue.children)
    )


def _time_or_occasion(token: Token) -> bool:
    """ "Wednesday", "last week", "during a stop in Flint": when it was said (places are often part of what was said)."""
    return token.ent_type_ in ("DATE", "TIME") or token.dep_ == "npadvmod" or token.lower_ == "during"


def _infinitival(clause: Token) -> bool:
    """ "(called) for X to act", "(urged them) to act": a clause of what is asked for, not of when."""
    return any(c.dep_ in ("mark", "aux") and c.lower_ in ("for", "to") for c in clause.children)


def token_spans(doc: Doc, tokens: list[Token], *, exclude_leading_mark: bool = False) -> list[Span]:
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


# After a report's last quotation, a concession, a non-restrictive relative or a dash aside is the writer's.
# American style puts the comma inside the closing mark ('"about right," though').
_WRITER_TAIL_RE = re.compile(
    r"(?:,|(?<=,\")|(?<=,\u201d)|(?<=,''))\s*(though|although|whereas|while|which)\b|\s[\u2013\u2014\u2015]|\s--?\s"
)


def writer_tail(text: str, last_quote_end: int, end: int) -> int:
    """ 'said each position is "about right," though voters ...': the report ends before the writer goes on."""
    tails = list(_WRITER_TAIL_RE.finditer(text, last_quote_end, end))
    if not tails:
        return end
    if tails[0].group(1) is None and any(t.group(1) is None for t in tails[1:]):
        return end  # a pair of dashes sets off an aside inside the report ('"every candidate" - including Cruz - favored')
    return tails[0].start()


def clip_to_cue(
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
    return tuple(trim(text, p) for p in pieces if text[p[0] : p[1]].strip(" ,;:\u2014\u2013-"))


def trim(text: str, span: Span) -> Span:
    a, b = span
    while a < b and (text[a].isspace() or text[a] in ",;:\u2014\u2013"):
        a += 1
    while b > a and (text[b - 1].isspace() or text[b - 1] in ",;:\u2014\u2013"):
        b -= 1
    return a, b


def extend_to_marks(content: list[Span], region: QuoteRegion) -> list[Span]:
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
