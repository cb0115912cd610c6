"""The attribution resolver through the pipeline: each quote's speaker mention, canonical speaker and outlet.

Each table row is ``(text, content, expected)``: the quote whose content starts with
``content``, and what the resolver should make of it. The sentences are written for these
tests in news style (no PolNeAR text); the expectations come from reading them. Rows that
must not resolve are as important as those that must: a pronoun, a description or a
quotation with nothing compatible before it stays without a speaker rather than guessed.
"""

from __future__ import annotations

from typing import NamedTuple

import pytest

from quotes.attribute.mentions import _speaker_beside_cue
from quotes.detect import Detection
from quotes.records import Quote


class R(NamedTuple):
    """What the resolver should give a quote. ``rule`` is the first step of ``resolution``, when checked."""

    mention: str | None
    speaker: str | None
    outlet: str | None = None
    rule: str | None = None


def resolved(nlp, text: str, content: str) -> Quote:
    quotes = [q for q in nlp(text)._.quotes if q.content.lstrip("\u201c\u2018\"'").startswith(content)]
    assert len(quotes) == 1, [q.content for q in nlp(text)._.quotes]
    return quotes[0]


def check(nlp, text: str, content: str, expected: R) -> None:
    quote = resolved(nlp, text, content)
    assert (quote.speaker_mention, quote.speaker, quote.outlet) == expected[:3], quote.resolution
    if expected.rule is not None:
        assert quote.resolution.split("+")[0] == expected.rule
    if quote.speaker_span is not None:
        assert text[slice(*quote.speaker_span)] == quote.speaker_mention


# --- the speaker mention: sources outside the cue's own clause ---------------------

MENTIONS = [
    pytest.param(
        "Asked whether the talks would resume, the minister said they would.",
        "the talks would resume",
        R(None, None, rule="addressee"),
        id="asked-participle-names-who-was-asked",
    ),
    pytest.param(
        "Reporters asked whether the talks would resume.",
        "the talks would resume",
        R("Reporters", None),
        id="asked-with-a-subject-keeps-it",
    ),
    pytest.param(
        "Jane Roe has asked the board to reconsider the plan.",
        "the board to reconsider",
        R("Jane Roe", "Jane Roe"),
        id="has-asked-is-active",
    ),
    pytest.param(
        "It is hard to imagine that the talks will resume this year.",
        "the talks will resume",
        R(None, None, rule="expletive"),
        id="expletive-it",
    ),
    pytest.param(
        "The agency said the minister would attend the summit, speculating that he wanted to meet the president.",
        "he wanted to meet",
        R("The agency", None, rule="reporting-adjunct"),
        id="participle-on-the-reported-clause-belongs-to-the-reporter",
    ),
    pytest.param(
        "Senator Jane Roe told reporters on Monday that she had the votes. "
        "\u201cThe bill will pass this week.\u201d The newspaper described the remark as confident.",
        "The bill will pass",
        R("Senator Jane Roe", "Jane Roe", rule="continuation"),
        id="quotation-continues-reported-speech-in-its-paragraph",
    ),
    pytest.param(
        "Senator Jane Roe spoke to reporters on Monday. \u201cWe have the votes to pass it,\u201d she said. "
        "\u201cI have counted them twice.\u201d  The newspaper described the remark as confident.",
        "We have the votes to pass it, ... I have counted them",  # one split quote: '"A," she said. "B."'
        R("she", "Jane Roe"),
        id="sentence-after-a-closed-quotation-is-not-its-attribution",
    ),
    pytest.param(
        "\u201cWhere is the money going?\u201d asked one resident at the meeting.",
        "Where is the money",
        R("one resident", None, rule="beside-cue"),
        id="inverted-subject-after-the-verb",
    ),
    pytest.param(
        "\u201cWhen will the bridge reopen?\u201d asked a commuter at the meeting.",
        "When will the bridge",
        R("a commuter", None, rule="beside-cue"),
        id="the-quoted-question-is-not-its-own-speaker",
    ),
    pytest.param(
        "\u201cThere is nothing left to negotiate with these people,\u201d Mendez scoffs.",
        "There is nothing",
        R("Mendez", None, rule="beside-cue"),
        id="name-before-the-verb-whatever-the-parse",
    ),
    pytest.param(
        "\u201cLook at the budget the council passed after the flood,\u201d Whitaker notes.",
        "Look at the budget",
        R("Whitaker", None, rule="trailing-attribution"),
        id="trailing-name-and-speech-verb",
    ),
    pytest.param(
        "The school board passed a motion condemning the plan to close the library.",
        "the plan to close",
        R("The school board", None, rule="issuer"),
        id="document-issued-by-the-subject",
    ),
    pytest.param(
        "Mayor John Smith issued a statement on Monday welcoming the decision.",
        "the decision",
        R("Mayor John Smith", "John Smith", rule="issuer"),
        id="statement-issued-by-a-person",
    ),
    pytest.param(
        "Ortiz continued:\n\n\u201cThe budget has no room for new spending this year, and that is the problem.\u201d",
        "The budget has no room",
        R("Ortiz", None, rule="colon-introducer"),
        id="colon-introducer-with-a-verb",
    ),
    pytest.param(
        "Trump: \u2018I Am the Best Candidate for the Job\u2019\n\nThe candidate spoke in Iowa on Monday.",
        "I Am the Best",
        R("Trump", "Donald Trump", rule="colon-introducer"),
        id="headline-name-and-colon",
    ),
    pytest.param(
        "\u201cWe will win this state,\u201d Kasich said, after Senator Jane Roe predicted that he would lose. "
        "\u201cNobody works harder than this team does.\u201d",
        "Nobody works harder",
        R("Kasich", "John Kasich", rule="continuation"),
        id="continuation-takes-the-last-quotation-not-a-report-inside-its-clause",
    ),
    pytest.param(
        "\u201cThe alliance has never been stronger,\u201d Mattis said.\n\n"
        "\u201cWe stand shoulder to shoulder with our allies in the face of these threats.\u201d",
        "We stand shoulder",
        R("Mattis", "Jim Mattis", rule="continuation"),
        id="quotation-opening-a-paragraph-continues-the-one-that-closed-the-last",
    ),
    pytest.param(
        "\u201cSchools come first,\u201d said Maria Ortiz. Her neighbor, Dan Reyes, said he agreed with the levy. "
        "\u201cI have two kids in the district.\u201d",
        "I have two kids",
        R("Her neighbor", "Dan Reyes", rule="continuation"),
        id="continuation-takes-a-report-in-a-sentence-of-its-own",
    ),
    pytest.param(
        "\u201cSchools come first,\u201d said Maria Ortiz. The levy is fair, her neighbor, Dan Reyes, said. "
        "\u201cI have two kids in the district.\u201d",
        "I have two kids",
        R("her neighbor", "Dan Reyes", rule="continuation"),
        id="continuation-takes-a-report-whose-content-opens-its-sentence",
    ),
    pytest.param(
        "The company's chief executive, Jane Doe, told analysts that sales would rise.",
        "sales would rise",
        R("The company's chief executive", "Jane Doe", rule="appositive-name"),
        id="name-in-apposition-to-a-description",
    ),
    pytest.param(
        "Senator Jane Roe is likely to say that the deal is dead.",
        "the deal is dead",
        R("Senator Jane Roe", "Jane Roe", rule="controller"),
        id="raising-likely-to-say",
    ),
    pytest.param(
        "Senator Jane Roe's refusal to condemn the attack angered voters.",
        "the attack",
        R("Senator Jane Roe's", "Jane Roe", rule="controller"),
        id="possessive-of-a-noun-with-an-infinitive",
    ),
    pytest.param(
        "Jones was quoted as saying that the plan was dead.",
        "the plan was dead",
        R("Jones", None, rule="name"),  # the detector takes who was quoted (quotes.detect.relays)
        id="passive-quoted-as-saying",
    ),
]


@pytest.mark.parametrize(("text", "content", "expected"), MENTIONS)
def test_resolver_speaker_mention(nlp, text: str, content: str, expected: R) -> None:
    quote = resolved(nlp, text, content)
    assert quote.speaker_mention == expected.mention, quote.resolution
    if expected.speaker is not None:
        assert quote.speaker == expected.speaker
    if expected.rule is not None:
        assert quote.resolution.split("+")[0] == expected.rule
    if quote.speaker_span is not None:
        assert text[slice(*quote.speaker_span)] == quote.speaker_mention


def test_resolver_name_before_a_verb_the_parser_took_for_a_compound(nlp) -> None:
    """'"...," Whitaker notes' with "Whitaker" parsed as part of the verb: the words before the cue are the speaker."""
    text = "\u201cLook at the numbers,\u201d Whitaker notes."
    doc = nlp.make_doc(text)  # tokens only; the tags below are the parse a tagger may give "Whitaker notes"
    for token in doc:
        token.pos_, token.dep_ = ("PUNCT", "punct") if token.is_punct else ("NOUN", "dep")
    name = next(t for t in doc if t.text == "Whitaker")
    name.pos_, name.dep_ = "PROPN", "compound"
    notes = next(t for t in doc if t.text == "notes")
    notes.pos_, notes.dep_ = "VERB", "ROOT"
    content = (1, text.index(",\u201d"))
    detection = Detection((content,), "direct", (notes.idx, notes.idx + 5), None, (content,), "direct:same-sentence-cue", 0.7)
    assert _speaker_beside_cue(doc, text, detection, notes) == (name.idx, name.idx + len("Whitaker"))


# --- mentions that must stay without a speaker ---------------------------------

NOT_RESOLVED = [
    pytest.param(
        "Despite claims that the rules were unfair, the committee adopted them.",
        "the rules were unfair",
        R(None, None),
        id="noun-cue-in-a-circumstance-has-no-speaker",
    ),
    pytest.param(
        "The minister said the talks were useful.\n\n\u201cThis is a turning point for the region and for the world.\u201d",
        "This is a turning point",
        R(None, None),
        id="quotation-after-reported-speech-in-another-paragraph",
    ),
    pytest.param(
        "The rules were clear:\n\n\u201cNo phones are allowed inside the chamber at any time.\u201d",
        "No phones",
        R(None, None),
        id="colon-after-a-sentence-that-names-no-one",
    ),
    pytest.param(
        "Mr. John Smith arrived late. She said the talks had failed.",
        "the talks had failed",
        R("She", None, rule="pronoun:unresolved"),
        id="she-with-only-a-man-before",
    ),
    pytest.param(
        "She said the talks had failed.",
        "the talks had failed",
        R("She", None, rule="pronoun:unresolved"),
        id="pronoun-with-nothing-before",
    ),
    pytest.param(
        "Both ministers pledged to keep working together, the statement said.",
        "Both ministers",
        R("the statement", None, rule="description:unresolved"),
        id="statement-with-no-author-before",
    ),
    pytest.param(
        "The agency said the talks had been postponed.",
        "the talks had been",
        R("The agency", None, rule="description:unresolved"),
        id="the-agency-with-no-agency-named",
    ),


    pytest.param(
        "The talks are expected to resume next week.",
        "to resume next week",
        R(None, None),
        id="agentless-passive-takes-no-subject-as-speaker",
    ),
    pytest.param(
        "\u201cWe will not back down,\u201d the mayor said.\n\nThe council voted against the plan on Tuesday.\n\n"
        "\u201cThis is a sad day for the city and for everyone who lives here.\u201d",
        "This is a sad day",
        R(None, None),
        id="no-continuation-across-a-paragraph-without-quotes",
    ),
]

@pytest.mark.parametrize(("text", "content", "expected"), NOT_RESOLVED)
def test_resolver_leaves_unresolved(nlp, text: str, content: str, expected: R) -> None:
    check(nlp, text, content, expected)


# --- canonical speakers and outlets ------------------------------------------------

ISSUED_DOCUMENTS = [
    pytest.param(
        "A statement from the ministry said the talks were useful.",
        "the talks were useful",
        R("A statement from the ministry", "ministry", rule="document"),
        id="a-document-speaks-for-whoever-issued-it",
    ),
]


NAMES = [
    pytest.param(
        "Reuters said the vote was delayed. NHK reported that the minister would resign. "
        "The network added that the minister denied it.",
        "the minister denied it",
        R("The network", "NHK", "NHK", "description:network"),
        id="description-nearest-outlet-of-its-kind",
    ),
    pytest.param(
        "NHK reported that the minister would resign. The network added that several papers are reporting "
        "the same, saying that CNN reported on Tuesday that the talks had failed. The network claimed that "
        "the minister denied it.",
        "the minister denied it",
        R("The network", "NHK", "NHK", "description:network"),
        id="description-used-again-keeps-its-outlet",
    ),
    pytest.param(
        "Yonhap reported that the talks had stalled, citing the Kyodo news agency. The agency said the next "
        "round was cancelled.",
        "the next round",
        R("The agency", "Kyodo", "Kyodo", "description:agency"),
        id="description-new-outlet-of-its-kind",
    ),
    pytest.param(
        "Spokesperson Jane Roe said in a statement that the ministers met on Monday.\n\n"
        "Both ministers pledged to keep working together, the statement said.",
        "Both ministers",
        R("the statement", "Jane Roe", None, "description:statement"),
        id="the-statement-is-its-author",
    ),
    pytest.param(
        "All newspapers except Asahi wrote that the summit was a success.",
        "the summit was",
        R("All newspapers except Asahi", "newspapers except Asahi", None, "description"),
        id="outlet-after-except-is-left-out",
    ),
    pytest.param(
        "Asahi and Yomiuri wrote that Prime Minister Shinzo Abe met the families on Monday. "
        "Abe told reporters that he would meet Kim.",
        "he would meet Kim",
        R("Abe", "Shinzo Abe", "Asahi Shimbun; Yomiuri Shimbun", "name"),
        id="paragraph-opened-by-two-outlets",
    ),
    pytest.param(
        "VOA Director Amanda Bennett says the interview made a huge difference for listeners. "
        "She said such interviews reach closed societies.",
        "such interviews",
        R("She", "Amanda Bennett", None, "pronoun:previous-speaker"),
        id="paragraph-opened-by-a-person-at-an-outlet-has-no-outlet",
    ),
    pytest.param(
        "Earlier, Kim Jong-un reached an accord with Donald Trump that stipulated North Korea would make "
        "efforts to denuclearize.",
        "North Korea would make",
        R("that", "Donald Trump; Kim Jong-un", None, "agreement-parties"),
        id="an-accord-speaks-for-its-parties",
    ),
    pytest.param(
        "The agreement says the plant will close in 2030.",
        "the plant will close",
        R("The agreement", "agreement", None, "description"),
        id="an-agreement-with-no-party-named-is-its-own-description",
    ),
    pytest.param(
        "\u201cWe have been waiting for this vote for a very long time,\u201d said Councilwoman Maria Lopez.",
        "We have been waiting",
        R("Councilwoman Maria Lopez", "Maria Lopez", None, "name"),
        id="local-title-is-a-role",
    ),
]


@pytest.mark.parametrize(("text", "content", "expected"), NAMES + ISSUED_DOCUMENTS)
def test_resolver_speaker_and_outlet(nlp, text: str, content: str, expected: R) -> None:
    check(nlp, text, content, expected)


def test_repaired_mentions_cost_confidence(nlp) -> None:
    text = (
        "\u201cWe will win this state,\u201d Kasich said, after Senator Jane Roe predicted that he would lose. "
        "\u201cNobody works harder than this team does.\u201d"
    )
    first = resolved(nlp, text, "We will win")
    continued = resolved(nlp, text, "Nobody works harder")
    assert continued.confidence < first.confidence


def test_a_continued_quotation_is_surer_than_a_bare_one(nlp) -> None:
    """The resolver alone carries a speaker over: the detector's rule stays ``direct:no-cue``."""
    text = (
        "\u201cThe alliance has never been stronger,\u201d Mattis said.\n\n"
        "\u201cWe stand shoulder to shoulder with our allies in the face of these threats.\u201d\n\n"
        "The council met on Tuesday.\n\n"
        "\u201cThis is a quotation with nobody named anywhere around it.\u201d"
    )
    continued = resolved(nlp, text, "We stand shoulder")
    bare = resolved(nlp, text, "This is a quotation")
    assert (continued.rule, continued.resolution) == ("direct:no-cue", "continuation+name")
    assert (bare.rule, bare.speaker_mention) == ("direct:no-cue", None)
    assert continued.confidence > bare.confidence
