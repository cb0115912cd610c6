"""Cues from the dependency parse: each reporting verb, speech noun, "according to", reporting adverb,
parenthetical, colon introduction and reporting object, with the content and the speaker it governs."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from quotes.detect.content import complement_tokens, reported_object, token_spans
from quotes.detect.detection import CLOSING_MARKS, QUOTE_CHARS, SUBJECT_DEPS, citing_phrase, cue_class_of, is_citing
from quotes.lexicon import CueLexicon
from quotes.records import Span


# Children of a speaker's head noun that belong to the mention as a reader would cut it.
_MENTION_RIGHT_DEPS = {"compound", "flat", "nummod", "prep", "pobj", "cc", "conj", "case", "poss"}

REPORTING_ADVERBS = {"reportedly", "allegedly", "purportedly", "supposedly", "ostensibly"}


@dataclass(slots=True)
class Candidate:
    """A cue from the parse with the content and speaker it governs."""

    cue: Token
    cue_span: Span
    speaker: Span | None
    content: list[Span]
    rule: str
    cue_class: str


def cue_candidates(doc: Doc, lexicon: CueLexicon) -> Iterator[Candidate]:
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
            and cue_class_of(token.head, lexicon) is None  # "he reportedly said": the verb is the cue
        ):
            content = _clause_with_adverb(token)
            if content:
                yield Candidate(token, cue_span(token), None, content, "adverb", "report")
            continue
        if token.lower_ == "according" and token.i + 1 < len(doc) and doc[token.i + 1].lower_ == "to":
            found = _according_to(doc, token)
            if found is not None:
                yield found
            continue
        cue_class = cue_class_of(token, lexicon)
        if cue_class is None:
            continue
        complements = [
            c
            for c in token.children
            if c.dep_ == "ccomp" and not _coordinated_after(token, c) and not _attributes_a_quote(c, lexicon)
        ]
        complement = complements[0] if complements else (_clause_on_occasion(token) if cue_class == "speech" else None)
        speaker = speaker_of(token)
        if _imperative(token):
            continue  # "Ask yourself which state she will win": the writer addressing the reader
        if complement is not None:
            tokens = complement_tokens(token, complement, lexicon)
            for following in complements[1:]:
                # "told reporters that the missile North Korea fired | was new": the parser split one
                # reported clause in two; the second piece goes on where the first stops.
                if tokens and following.left_edge.i == max(t.i for t in tokens) + 1:
                    tokens = tokens + list(following.subtree)
            content = token_spans(doc, tokens, exclude_leading_mark=True)
            if content:
                yield Candidate(token, cue_span(token), speaker, content, "ccomp", cue_class)
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
                and cue_class_of(head, lexicon) is None
                and not any(c.dep_ in ("dobj", "xcomp") for c in token.children)
                and _set_off(token)
            ):
                excluded = set(_subtree(token))
                tokens = [t for t in _subtree(head) if t.i not in {e.i for e in excluded}]
                content = token_spans(doc, tokens, exclude_leading_mark=True)
                if content:
                    yield Candidate(token, cue_span(token), speaker, content, "parenthetical", cue_class)
                continue
        colon = _colon_after(doc, token)
        if colon is not None and cue_class == "speech":
            sent_end = colon.sent.end
            tokens = [doc[i] for i in range(colon.i + 1, sent_end)]
            content = token_spans(doc, tokens)
            if content:
                yield Candidate(token, cue_span(token), speaker, content, "colon", cue_class)
            continue
        reported = (
            reported_object(token)
            if token.lemma_.lower() in lexicon.object_verbs and not _circumstance_of_cue(token, lexicon)
            else []
        )
        if reported:
            yield Candidate(token, cue_span(token), speaker, reported, "object", cue_class)


def _clause_on_occasion(cue: Token) -> Token | None:
    """ "told CNN in an interview that C": the parser hangs the that-clause on the occasion's noun."""
    for prep in cue.children:
        if prep.dep_ != "prep" or prep.lower_ not in ("in", "at", "on", "during"):
            continue
        for noun in (c for c in prep.children if c.dep_ == "pobj"):
            for clause in noun.children:
                if clause.dep_ in ("acl", "relcl", "ccomp") and any(m.dep_ == "mark" and m.lower_ == "that" for m in clause.children):
                    return clause
    return None


def _noun_cue(doc: Doc, noun: Token, cue_class: str) -> Candidate | None:
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
        content = token_spans(doc, objects)
        return Candidate(noun, cue_span(noun), mention_span(owner), content, "noun", cue_class) if content else None
    content = token_spans(doc, _subtree(clause), exclude_leading_mark=True)
    if not content:
        return None
    speaker = None
    agent = next((c for c in noun.children if c.dep_ == "prep" and c.lower_ == "by"), None)
    if owner is not None:
        speaker = mention_span(owner)
    elif agent is not None and any(c.dep_ == "pobj" for c in agent.children):
        speaker = mention_span(next(c for c in agent.children if c.dep_ == "pobj"))
    elif noun.dep_ in ("dobj", "nsubjpass") and noun.head.pos_ == "VERB":
        speaker = speaker_of(noun.head)  # "He repeated the claim that ..."
    return Candidate(noun, cue_span(noun), speaker, content, "noun", cue_class)


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
        cue_class_of(clause, lexicon) == "speech"
        and any(c.dep_ == "nsubj" for c in clause.children)
        and first > 0
        and doc[first - 1].text in CLOSING_MARKS
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
    return token_spans(doc, tokens, exclude_leading_mark=True)


def _according_to(doc: Doc, according: Token) -> Candidate | None:
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
    # "According to Yonhap, citing a government source, C": who was cited is part of the attribution.
    citing = next((t for t in tokens if is_citing(t)), None)
    if citing is not None:
        cut = citing_phrase(citing)
        tokens = [t for t in tokens if t.i not in cut]
    content = token_spans(doc, tokens, exclude_leading_mark=True)
    if not content:
        return None
    cue_span = (according.idx, to.idx + len(to.text))
    return Candidate(according, cue_span, mention_span(source), content, "according-to", "source")


def _circumstance_of_cue(token: Token, lexicon: CueLexicon) -> bool:
    """ "In a statement summarizing the call, White said ...": a verb inside another cue's adverbial phrase."""
    for ancestor in token.ancestors:
        if cue_class_of(ancestor, lexicon) is not None:
            link = next(a for a in [token, *token.ancestors] if a.head.i == ancestor.i)
            return link.dep_ in ("prep", "npadvmod", "advmod") and link.i < ancestor.i
    return False


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


def speaker_of(verb: Token) -> Span | None:
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
        return speaker_of(top.head)  # "says he'd sit Putin down and tells the crowd": Kasich tells
    # "..., adding that ...", "He stood and said ...", "wants to criticize", "by comparing":
    # the subject of a verb governing it, a few steps up.
    head = verb
    for _ in range(3):
        if head.dep_ not in ("advcl", "conj", "xcomp", "pcomp", "acl") or head.head.i == head.i:
            break
        governor = head.head
        if head.dep_ == "pcomp" and governor.head.i != governor.i:
            governor = governor.head  # "by comparing": preposition, then its verb
        if head.dep_ == "advcl" and head.tag_ == "VBG" and governor.dep_ == "ccomp" and not _object_before(governor, head):
            governor = governor.head  # 'told Newsmax that Romney "had ...," adding': the teller adds
        subject = next((c for c in governor.children if c.dep_ == "nsubj"), None)
        if subject is not None:
            return mention_span(subject)
        if head.dep_ == "acl" and governor.pos_ in ("NOUN", "PROPN", "PRON"):
            # "a statement announcing the pick": the statement speaks; "a plan proposed by": an agent, if any.
            return mention_span(governor) if head.tag_ == "VBG" else None
        head = governor
    return None


def _object_before(verb: Token, participle: Token) -> bool:
    """ "read a statement ... saying": the participle follows the verb's object, and goes with it."""
    return any(c.dep_ == "dobj" and c.pos_ == "NOUN" and c.i < participle.i for c in verb.children)


def mention_span(head: Token) -> Span:
    """A noun phrase as a reader would cut it: modifiers and name parts, no clauses."""
    tokens = [head]
    for child in head.lefts:
        if child.dep_ not in ("punct", "cc") or child.i > head.left_edge.i:
            tokens.extend(child.subtree)
    for child in head.rights:
        if child.dep_ == "prep" and child.lower_ == "to" and head.lemma_.lower() not in _TO_RELATIONAL_NOUNS:
            break  # "an unnamed official to the Reuters news agency": whom it was said to
        if child.dep_ in _MENTION_RIGHT_DEPS:
            tokens.extend(t for t in child.subtree if not _inside_clause(t, child))
        else:
            break
    tokens = sorted(tokens, key=lambda t: t.i)
    while len(tokens) > 1 and (tokens[-1].is_punct or tokens[-1].dep_ == "cc"):
        tokens.pop()
    while len(tokens) > 1 and tokens[0].is_punct:
        tokens.pop(0)
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)


# Nouns whose "to" phrase belongs to the description: "adviser to the minister", "ambassador to Japan".
_TO_RELATIONAL_NOUNS = {
    "adviser", "advisor", "ambassador", "envoy", "aide", "counsellor", "counselor", "consultant", "secretary",
    "assistant", "successor", "heir", "deputy", "representative", "delegate", "delegation", "attache", "liaison",
    "spokesman", "spokeswoman", "spokesperson", "mission", "embassy", "minister",
}


def _inside_clause(token: Token, top: Token) -> bool:
    """Whether ``token`` sits in a clause below ``top`` ("in Nicaragua, where Zelaya had been exiled")."""
    while token.i != top.i:
        if token.dep_ in ("relcl", "acl", "advcl") or (token.dep_ == "appos" and token.head.i != top.i):
            return True
        token = token.head
    return False
