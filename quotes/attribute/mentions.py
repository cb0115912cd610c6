"""The speaker mention a reader would give a detection: the repairs of :func:`repair_mention`."""

from __future__ import annotations

import dataclasses
import re

from spacy.tokens import Doc, Span as SpacySpan, Token

from quotes.detect import QUOTE_CHARS, Detection, cue_span, mention_span, overlap, same_sentence
from quotes.lexicon import CueLexicon
from quotes.records import Span


# The clause of a verb with no subject of its own takes the subject of the clause that governs
# it (subject control and raising): "is likely to say", "refused to endorse", "wrote to say",
# "by citing", "after arguing", "has launched a campaign to repeal".
_CONTROL_DEPS = {"xcomp", "acomp", "advcl", "conj", "pcomp", "prep", "acl", "dobj", "pobj"}
_CONTROL_STEPS = 5
# A passive subject speaks when the verb reports how their words were heard: "was quoted as saying".
_PASSIVE_SOURCE_VERBS = {"quote", "hear", "overhear", "record", "catch", "film", "tape", "cite"}
# Prepositions that set a noun cue in the circumstances of a clause, not in what its subject does.
_CIRCUMSTANCE_PREPOSITIONS = {
    "amid", "amidst", "despite", "because", "of", "after", "before", "following", "over", "against", "without",
    "given", "among", "notwithstanding", "since", "than",
}
# Verbs that carry an expletive subject: "It is hard to imagine ...", "There is reason to believe ...".
_EXPLETIVE_VERBS = {"be", "seem", "appear", "remain"}
# Words a colon introducer can be, besides names: "He continued:", "They wrote:".
_INTRODUCER_PRONOUNS = {"he", "she", "they", "we", "i", "it"}
MAX_INTRODUCER_TOKENS = 8


def repair_mention(
    doc: Doc, text: str, detection: Detection, earlier: list[Detection], lexicon: CueLexicon
) -> tuple[Detection, str | None]:
    """The detection with the speaker mention a reader would give it, and the rule that changed it (or None).

    The detector takes the subject of the cue's own clause. These rules cover the sources news
    puts elsewhere; none was kept that cost accuracy on PolNeAR's train split or on dev.

    When the detector found a mention:

    * "Asked whether ..., X said": with "asked" as a participle and no "by" agent, the subject
      is who was asked, and who asked is unsaid (``addressee``);
    * "It is hard to imagine ...": an expletive subject names no one (``expletive``);
    * "X said Y would go, speculating that ...": a speech verb's participle that the parser hung
      on the reported clause belongs to X, not to Y (``reporting-adjunct``);
    * "Pompeo issued a statement welcoming ...", "the governor gave a speech outlining ...": a
      document that carries the cue speaks for whoever issued it (``issuer``);
    * '"When will it reopen?" asked a commuter', parsed with the question as the subject: the
      quoted words are not their own speaker (``outside-quotation``, or the rules below).

    When there is none:

    * '"...," Lindqvist answers.': a name and a speech verb right after a quotation with no cue
      attribute it, even when the parser took the verb for a noun (``trailing-attribution``);
    * "X:" or "X continued:" before a quotation with no cue introduces X's words
      (``colon-introducer``);
    * a quotation with no cue continues the attributed quote before it in its paragraph, or
      the quotation that closed the paragraph before (``continuation``; the detector leaves
      such a quotation ``direct:no-cue``, as it cannot know which quotes end up attributed);
    * '"...," added a union organiser', '"...," Whitaker notes': the noun phrase right after,
      or the name right before, a cue that follows its quotation (``beside-cue``);
    * a cue with no subject of its own takes the subject of the clause that governs it
      (``controller``), or the name right before its comma-set description
      (``name-before-apposition``).
    """
    cue = _cue_token(doc, detection)
    if detection.speaker_span is not None:
        if cue is not None and _addressee_only(cue):
            return dataclasses.replace(detection, speaker_span=None), "addressee"
        mention = doc.char_span(*detection.speaker_span, alignment_mode="expand")
        if mention is not None and _expletive(mention):
            return dataclasses.replace(detection, speaker_span=None), "expletive"
        document = _object_before_participle(cue) if cue is not None else None
        if document is not None:
            # "Nauert read a statement by the Secretary saying ...": the statement's author speaks.
            author = _author_of_document(document) or _agent_after(document)
            return (dataclasses.replace(detection, speaker_span=author), "issuer") if author else (detection, None)
        reporter = _reporter_of_adjunct(cue, lexicon) if cue is not None else None
        if reporter is not None:
            return dataclasses.replace(detection, speaker_span=reporter), "reporting-adjunct"
        issuer = _issuer(mention, cue) if mention is not None and cue is not None else None
        if issuer is not None:
            return dataclasses.replace(detection, speaker_span=issuer), "issuer"
        if not any(overlap(detection.speaker_span, quoted) for quoted in detection.quoted_spans):
            return detection, None
        # '"When will it reopen?" asked a commuter': the parse took the question for the subject.
        # What follows the quotation in the mention may still name the speaker ('..." Roe').
        after = max(b for a, b in detection.quoted_spans if overlap(detection.speaker_span, (a, b)))
        rest = text[after : detection.speaker_span[1]]
        start = after + len(rest) - len(rest.lstrip(" ,.!?\u00a0" + "".join(QUOTE_CHARS)))
        if start < detection.speaker_span[1] and text[start].isupper():
            return dataclasses.replace(detection, speaker_span=(start, detection.speaker_span[1])), "outside-quotation"
        detection = dataclasses.replace(detection, speaker_span=None)
    if detection.cue_span is None:
        if detection.type != "direct":
            return detection, None
        trailing = _trailing_attribution(text, detection, lexicon)
        if trailing is not None:
            found_cue, found_speaker = trailing
            return dataclasses.replace(detection, cue_span=found_cue, speaker_span=found_speaker), "trailing-attribution"
        introducer = _colon_introducer(doc, text, detection)
        if introducer is not None:
            found_cue, found_speaker = introducer
            return dataclasses.replace(detection, cue_span=found_cue, speaker_span=found_speaker), "colon-introducer"
        previous = _continued(doc, text, earlier, detection)
        if previous is not None:
            return (
                dataclasses.replace(
                    detection,
                    cue_span=previous.cue_span,
                    speaker_span=previous.speaker_span,
                    relays=previous.relays,
                    confidence=CONTINUATION_CONFIDENCE,
                ),
                "continuation",
            )
        return detection, None
    if cue is not None:
        beside = _speaker_beside_cue(doc, text, detection, cue)
        if beside is not None:
            return dataclasses.replace(detection, speaker_span=beside), "beside-cue"
        controller = _controller(cue)
        if controller is not None:
            return dataclasses.replace(detection, speaker_span=controller), "controller"
        named = _name_before_apposition(cue)
        if named is not None:
            return dataclasses.replace(detection, speaker_span=named), "name-before-apposition"
    return detection, None


def _name_before_apposition(cue: Token) -> Span | None:
    """ "Following the crisis, Svyatoslav Tsegolko, press secretary of the President, said ...".

    The parser hangs the name on the phrase before it and leaves the verb without a subject;
    a name, then its description set off by commas, then the verb, is who spoke.
    """
    doc = cue.doc
    at = cue.i - 1
    if at < 0 or doc[at].text != ",":
        return None
    at -= 1
    while at >= cue.sent.start and doc[at].text != "," and not doc[at].ent_type_ == "PERSON":
        at -= 1  # the description
    if at < cue.sent.start or doc[at].text != ",":
        return None
    end = at - 1
    if end < 0 or doc[end].ent_type_ != "PERSON":
        return None
    start = end
    while start - 1 >= cue.sent.start and doc[start - 1].ent_type_ == "PERSON":
        start -= 1
    return doc[start].idx, doc[end].idx + len(doc[end].text)


def _reporter_of_adjunct(cue: Token, lexicon: CueLexicon) -> Span | None:
    """The subject of the speech verb whose reported clause a speech participle hangs on, if so.

    "Sankei said the minister will be part of the delegation, speculating that ...": the parse
    hangs "speculating" on "be"; who speculates is who said it.
    """
    if cue.tag_ != "VBG" or cue.dep_ != "advcl" or any(c.dep_ in ("nsubj", "nsubjpass") for c in cue.children):
        return None
    clause = cue.head
    if clause.dep_ != "ccomp" or any(c.dep_ == "punct" and c.i < cue.i and c.text == ";" for c in clause.children):
        return None
    reporter = clause.head
    if lexicon.verb_class(reporter.lemma_) not in ("speech", "report"):
        return None
    subject = next((c for c in reporter.children if c.dep_ == "nsubj"), None)
    return mention_span(subject) if subject is not None else None


# Dependencies the parser gives an inverted subject ('"...," said Okafor'), besides nsubj.
_INVERTED_SUBJECT_DEPS = {"nsubj", "dobj", "attr", "ccomp", "advmod", "npadvmod", "dep", "oprd", "appos", "nmod"}
MAX_NAME_TOKENS = 4


def _speaker_beside_cue(doc: Doc, text: str, detection: Detection, cue: Token) -> Span | None:
    """The speaker of a cue that follows its quotation: '"...," said Okafor', '"...," Whitaker notes'.

    Only when nothing but the closing mark and punctuation stands between the quotation and the
    attribution clause, the layout where news puts the speaker next to the verb.
    """
    if detection.type == "indirect":
        return None
    end = detection.content_spans[-1][1]
    if cue.idx < end:
        return None
    between = text[end : cue.idx]
    # Any white space (a thin space too) and the punctuation that closes a quotation.
    gap = between.strip(",.!?;-\u2013\u2014" + "".join(QUOTE_CHARS) + "".join(c for c in set(between) if c.isspace()))
    if not gap:
        # '"...," added a union organiser': the noun phrase after the verb.
        for token in doc[cue.i + 1 : cue.i + 1 + 2 * MAX_NAME_TOKENS]:
            if token.is_punct or token.is_space:
                break
            if token.head.i == cue.i and token.dep_ in _INVERTED_SUBJECT_DEPS and token.pos_ in ("NOUN", "PROPN", "PRON"):
                return mention_span(token)
        return None
    # '"...," Whitaker notes': a name the parser took for part of the verb.
    words = gap.split()
    if len(words) > MAX_NAME_TOKENS or not all(w[:1].isupper() for w in words):
        return None
    first = end + between.index(gap)
    span = doc.char_span(first, first + len(gap), alignment_mode="expand")
    if span is None or any(t.pos_ not in ("PROPN", "NOUN") for t in span) or any(t.dep_.startswith("nsubj") for t in span):
        return None
    return first, first + len(gap)


def _issuer(mention: SpacySpan, cue: Token) -> Span | None:
    """Who issued the document a cue hangs on: "The board passed a motion condemning ...".

    The document is a common noun the cue modifies (acl), standing as an object; its author
    is its "by" agent or possessor ("a statement by the Secretary", "his speech"), else the
    subject of the clause it is the object of.
    """
    noun = mention.root
    # "ran a commentary criticizing ... by claiming that ...": the cue may hang a step or two below the modifier.
    modifier = cue
    for _ in range(3):
        if modifier.dep_ == "acl" or modifier.dep_ not in ("pcomp", "prep", "advcl", "xcomp"):
            break
        modifier = modifier.head
    if (
        noun.pos_ != "NOUN"
        or noun.ent_type_
        or modifier.dep_ != "acl"
        or modifier.head.i != noun.i
        or noun.dep_ not in ("dobj", "pobj")
    ):
        return None
    return _author_of_document(noun) or _controller(noun, document=True)


def _author_of_document(noun: Token) -> Span | None:
    """The "by" agent or possessor of a document ("a statement by the Secretary", "his speech")."""
    for child in noun.children:
        if child.dep_ == "poss" and child.ent_type_ not in ("DATE", "TIME"):  # not "Thursday's statement"
            return mention_span(child)
        if child.dep_ == "prep" and child.lower_ == "by":
            agent = next((c for c in child.children if c.dep_ == "pobj"), None)
            if agent is not None:
                return mention_span(agent)
    return None


def _agent_after(noun: Token) -> Span | None:
    """ "read a statement by the Secretary", with "by" hung on the verb right after the object."""
    following = noun.doc[noun.right_edge.i + 1] if noun.right_edge.i + 1 < len(noun.doc) else None
    if following is None or following.lower_ != "by" or following.head.i != noun.head.i:
        return None
    agent = next((c for c in following.children if c.dep_ == "pobj"), None)
    return mention_span(agent) if agent is not None else None


def _object_before_participle(cue: Token) -> Token | None:
    """The object a speech participle follows, when the parser hung the participle on the verb:
    "read a statement on Tuesday saying ..." (the statement says it, not the reader's clause)."""
    if cue.tag_ != "VBG" or cue.dep_ != "advcl" or any(c.dep_ in ("nsubj", "nsubjpass") for c in cue.children):
        return None
    obj = next((c for c in cue.head.children if c.dep_ == "dobj" and c.i < cue.i), None)
    if obj is None or obj.pos_ != "NOUN" or obj.ent_type_:
        return None
    between = cue.doc[obj.right_edge.i + 1 : cue.i]
    return obj if all(t.dep_ in ("prep", "pobj", "npadvmod", "advmod", "det", "compound") or t.ent_type_ for t in between) else None


# '"...," Lindqvist answers.', '"...," she adds.': a name (or a pronoun) and a verb after a quotation.
_TRAILING_RE = re.compile(
    r"[ \t\u00a0,]*((?:[A-Z][\w.\u2019'-]*)(?:[ \u00a0][A-Z][\w.\u2019'-]*){0,3}|he|she|they)[ \u00a0]+([a-z]+)[ \u00a0]*[.,;]"
)


_BETWEEN_QUOTE_AND_NAME = frozenset(QUOTE_CHARS) | {",", " ", "\u00a0"}
_TRAILING_GAP = 8
# Characters back from a colon that an introducer can span ("Ortiz continued:"), with room to spare.
_INTRODUCER_REACH = 400


def _trailing_attribution(text: str, detection: Detection, lexicon: CueLexicon) -> tuple[Span, Span] | None:
    """(cue, speaker) of '"...," Lindqvist answers.': a short name and a speech verb closing the quotation's sentence."""
    end = detection.content_spans[-1][1]
    at = end
    limit = min(len(text), end + _TRAILING_GAP)  # a run of marks is no attribution: stop looking
    while at < limit and text[at] in _BETWEEN_QUOTE_AND_NAME:
        at += 1
    if at == end or text[end:at].count("\n"):
        return None
    match = _TRAILING_RE.match(text, at)
    if match is None or match.start(1) - end > 4:
        return None
    verb = match.group(2)
    # "answers", "notes", "replies", "answered", "noted": the lemma is the form less its ending.
    lemmas = {verb[:-1], verb[:-2]} | ({verb[:-3] + "y"} if verb.endswith(("ies", "ied")) else set())
    if not verb.endswith(("s", "ed")) or not any(lexicon.verb_class(lemma) == "speech" for lemma in lemmas if lemma):
        return None
    return match.span(2), match.span(1)


def _cue_token(doc: Doc, detection: Detection) -> Token | None:
    if detection.cue_span is None:
        return None
    span = doc.char_span(*detection.cue_span, alignment_mode="expand")
    return span[0] if span is not None and len(span) else None


def _addressee_only(cue: Token) -> bool:
    """ "Asked about ..., she said", "He was asked whether ...": the subject was asked; the asker is unsaid."""
    if cue.lemma_.lower() != "ask" or cue.tag_ != "VBN":
        return False
    return not any(c.dep_ == "agent" or (c.dep_ == "aux" and c.lemma_ == "have") for c in cue.children)


def _expletive(mention: SpacySpan) -> bool:
    """ "It" in "It is hard to imagine ...", "There" in "There is reason to believe ..."."""
    words = [t for t in mention if not t.is_punct]
    if len(words) != 1 or words[0].lower_ not in ("it", "there"):
        return False
    token = words[0]
    head = token.head
    return (
        token.dep_ in ("nsubj", "expl")
        and head.lemma_.lower() in _EXPLETIVE_VERBS
        and any(c.dep_ in ("acomp", "attr") for c in head.children)
    )


def _is_expletive_token(token: Token) -> bool:
    return token.dep_ == "expl" or (token.lower_ in ("it", "there") and token.head.lemma_.lower() in _EXPLETIVE_VERBS)


def _controller(cue: Token, *, document: bool = False) -> Span | None:
    """The subject of the clause that governs a cue with none of its own, a few steps up the parse.

    A noun cue ("the mayor's refusal to condemn ...") takes its possessor; a noun in a verb's object
    ("has launched a campaign to repeal ...") the verb's subject. A passive subject speaks only
    when the verb says how the words were taken down ("was quoted as saying"). With
    ``document``, ``cue`` is a document noun (see :func:`_issuer`), whose author may stand
    beyond any preposition ("spoke during a rally attacking ...").
    """
    if cue.lemma_.lower() in _PASSIVE_SOURCE_VERBS:
        # '"...," Okafor is quoted as saying' with the parse taking "quoted" for the cue.
        quoted = next((c for c in cue.children if c.dep_ == "nsubjpass"), None)
        if quoted is not None:
            return mention_span(quoted)
    head = cue
    noun = cue.pos_ in ("NOUN", "PROPN") and not document
    for _ in range(_CONTROL_STEPS):
        if head.dep_ not in _CONTROL_DEPS or head.head.i == head.i:
            return None
        governor = head.head
        if noun and (head.dep_ == "conj" or (governor.dep_ == "prep" or governor.pos_ == "ADP") and governor.lower_ in _CIRCUMSTANCE_PREPOSITIONS):
            # "amid fears that ...", "despite claims that ...", "the budget and warnings that ...":
            # the clause around the noun is not who holds the view.
            return None
        for child in governor.children:
            if child.dep_ == "nsubj" and not _is_expletive_token(child):
                return mention_span(child)
            if child.dep_ == "nsubjpass" and governor.lemma_.lower() in _PASSIVE_SOURCE_VERBS:
                return mention_span(child)
        if governor.pos_ in ("NOUN", "PROPN"):
            possessor = next((c for c in governor.children if c.dep_ == "poss"), None)
            if possessor is not None:
                return mention_span(possessor)
        head = governor
    return None


def _colon_introducer(doc: Doc, text: str, detection: Detection) -> tuple[Span, Span] | None:
    """(cue, speaker) of a quotation after a short introducer ending in a colon: "Ortiz continued:", "Trump: '...'".

    The cue is the introducer's verb, or the colon when it has none.
    """
    at = detection.content_spans[0][0]
    floor = max(0, at - _TRAILING_GAP)  # the marks and spaces between a colon and its quotation are few
    while at > floor and (text[at - 1] in QUOTE_CHARS or text[at - 1] in " \t\u00a0"):
        at -= 1
    colon = at
    while colon > floor and text[colon - 1].isspace():
        colon -= 1
    if colon == 0 or text[colon - 1] != ":" or text[colon:at].count("\n") > 2:
        return None
    colon -= 1
    colon_span = doc.char_span(colon, colon + 1, alignment_mode="expand")
    if colon_span is None or not len(colon_span):
        return None
    sentence = colon_span[0].sent
    window = max(0, colon - _INTRODUCER_REACH)
    line_start = max(window, text.rfind("\n", window, colon) + 1)
    # The introducer's words back to the line or sentence start, and no further than one too many.
    clause = []
    for i in range(colon_span[0].i - 1, sentence.start - 1, -1):
        if doc[i].idx < line_start or len(clause) > MAX_INTRODUCER_TOKENS:
            break
        if not doc[i].is_space:
            clause.insert(0, doc[i])
    if not clause or len(clause) > MAX_INTRODUCER_TOKENS:
        return None
    inside = {t.i for t in clause}
    subject = next((t for t in clause if t.dep_ in ("nsubj", "nsubjpass") and t.head.i in inside), None)
    if subject is not None and (subject.pos_ == "PROPN" or subject.ent_type_ or subject.lower_ in _INTRODUCER_PRONOUNS):
        verb = subject.head
        start, end = mention_span(subject)
        cue = cue_span(verb) if verb.pos_ in ("VERB", "AUX") else (colon, colon + 1)
        return cue, (max(start, clause[0].idx), min(end, colon))
    if any(t.pos_ in ("VERB", "AUX") for t in clause):
        return None
    # "Trump: ...", "Sen. Jane Roe: ...": a name alone (a headline's capitals hide it from the
    # entity recogniser, so a few capitalised words count as one).
    words = [t for t in clause if not t.is_punct]
    names = [t for t in clause if t.ent_type_ in ("PERSON", "ORG", "GPE", "NORP") or t.pos_ == "PROPN"]
    if words and len(words) <= 4 and all(t.text[:1].isupper() for t in words):
        first, last = words[0], words[-1]
    elif names:
        first, last = names[0], names[-1]
    else:
        return None
    return (colon, colon + 1), (first.idx, last.idx + len(last.text))


MAX_CONTINUATION_LINES = 3
# A continued quotation is as sure as a headline: it has an attribution, the one before it,
# carried over (a quotation with no cue and no speaker has 0.4).
CONTINUATION_CONFIDENCE = 0.6


def _continued(doc: Doc, text: str, earlier: list[Detection], detection: Detection) -> Detection | None:
    """The attribution a quotation with no cue continues, if any.

    In its paragraph: the last quotation with a speaker, else the last attribution of any kind
    ('X said Y. "Z."'); an attribution nested in the last one's clause ('"A," said X, using a
    term Y coined. "B."') does not interrupt it. Opening the next paragraph: the quotation that
    closed the one before (the convention of news writing, and of PolNeAR's and our gold's
    annotators).
    """
    start = detection.content_spans[0][0]
    before = [d for d in earlier if _end(d) <= start]
    if not before:
        return None
    paragraph = [d for d in before if "\n" not in text[_end(d) : start]]
    if paragraph:
        quoted = [d for d in paragraph if d.type in ("direct", "mixed")]
        last = paragraph[-1]
        if quoted and quoted[-1] is not last and same_sentence(doc, _end(quoted[-1]) - 1, _start(last)):
            return quoted[-1]  # the later attribution sits in the quotation's own sentence
        return last
    last = before[-1]
    line_start = text.rfind("\n", 0, start) + 1
    opens_paragraph = not text[line_start:start].strip(" \t\u00a0" + "".join(QUOTE_CHARS))
    if opens_paragraph and text[_end(last) : start].count("\n") <= MAX_CONTINUATION_LINES and last.type in ("direct", "mixed"):
        return last
    return None


def _start(detection: Detection) -> int:
    """Where the attribution begins in the text: its content, cue or speaker, whichever is first."""
    return min(span[0] for span in (detection.content_spans[0], detection.cue_span, detection.speaker_span) if span is not None)


def _end(detection: Detection) -> int:
    ends = [b for _, b in detection.content_spans]
    ends += [span[1] for span in (detection.speaker_span, detection.cue_span) if span is not None]
    return max(ends)
