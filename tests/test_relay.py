"""Relay chains: who spoke the words, and through whom they reached the article.

Each table row is ``(text, content, expected)``: the one quote whose content starts with
``content`` and what a journalist reads from the sentence. The sentences are written for these
tests in wire style; none comes from an annotated set. Tables follow the patterns of the relay
convention (docs/relay-chains.md): nesting folded into one quote, channels in the attribution's
clause, platforms, generic media, documents, described speakers and headlines.
"""

from __future__ import annotations

from typing import NamedTuple

import pytest

from quotes.attribute.chains import chain_outlet, with_publisher
from quotes.records import Article, Link, Quote


class C(NamedTuple):
    """What a quote should carry: its speaker, its outlet, and the relay links' (name, kind) after the speaker."""

    speaker: str | None
    outlet: str | None
    relays: tuple[tuple[str, str], ...] = ()
    type: str | None = None


def only_quote(nlp, text: str, content: str) -> Quote:
    quotes = nlp(text)._.quotes
    matching = [q for q in quotes if q.content.lstrip("\u201c\u2018\"'").startswith(content)]
    assert len(matching) == 1, [q.content for q in quotes]
    return matching[0]


def check(nlp, text: str, content: str, expected: C) -> Quote:
    quote = only_quote(nlp, text, content)
    relays = tuple((link.name, link.kind) for link in quote.via if link.role == "relay")
    assert (quote.speaker, quote.outlet) == (expected.speaker, expected.outlet), (quote.via, quote.resolution)
    assert relays == expected.relays, quote.via
    if expected.type is not None:
        assert quote.type == expected.type
    assert quote.via[0].role == "speaker" and quote.via[0].name == quote.speaker
    for link in quote.via:
        if link.span is not None:
            assert text[slice(*link.span)] == link.mention
    return quote


# --- the issue's table: each row as a journalist reads it -----------------------------

ISSUE_ROWS = [
    pytest.param(
        "Finance Minister Ana Ruiz said the budget would be balanced, the EFE news agency reported.",
        "the budget would be balanced",
        C("Ana Ruiz", "EFE", (("EFE", "outlet"),), "indirect"),
        id="trailing-reported",
    ),
    pytest.param(
        "Chinese Premier Li Qiang said growth would pick up in the second half, Xinhua reported.",
        "growth would pick up in the second half",
        C("Li Qiang", "Xinhua", (("Xinhua", "outlet"),)),
        id="trailing-reported-leaves-the-tail-out",
    ),
    pytest.param(
        "Kyodo quoted Defense Minister Taro Ito as saying that the patrols would resume.",
        "the patrols would resume",
        C("Taro Ito", "Kyodo", (("Kyodo", "outlet"),)),
        id="quoted-as-saying",
    ),
    pytest.param(
        'The governor said "we are not leaving," according to Reuters.',
        "we are not leaving",
        C("governor", "Reuters", (("Reuters", "outlet"),), "direct"),
        id="trailing-according-to-an-outlet",
    ),
    pytest.param(
        # the parser hangs "respond" on "said" as no clause: the quotation is taken by its adjacent cue
        '"We will respond," Ortiz said, according to EFE.',
        "We will respond",
        C("Ortiz", "EFE", (("EFE", "outlet"),), "direct"),
        id="a-quotation-said-according-to-an-outlet",
    ),
    pytest.param(
        "According to the Yonhap news agency, citing a government source, the North fired two missiles.",
        "the North fired two missiles",
        C("government source", "Yonhap", (("Yonhap", "outlet"),)),
        id="according-to-an-outlet-citing-a-source",
    ),
    pytest.param(
        '"It is over," the coach said, according to a statement from the club.',
        "It is over",
        C("coach", None, (("statement from the club", "document"),), "direct"),
        id="a-statement-is-a-document-not-an-outlet",
    ),
    pytest.param(
        "The senator wrote on Facebook that the vote was rigged.",
        "the vote was rigged",
        C("senator", "Facebook", (("Facebook", "platform"),)),
        id="wrote-on-a-platform",
    ),
    pytest.param(
        "Saudi state TV quoted Crown Prince Mohammed as saying the kingdom would raise output.",
        "the kingdom would raise output",
        C("Crown Prince Mohammed", "Saudi state TV", (("Saudi state TV", "outlet"),)),
        id="generic-medium-kept-as-written",
    ),
    pytest.param(
        "An aide, who asked not to be named, told the BBC that the talks had stalled.",
        "the talks had stalled",
        C("aide", "BBC", (("BBC", "outlet"),)),
        id="told-an-outlet-and-anonymity-terms-are-no-quote",
    ),
    pytest.param(
        "Bernama, citing a police source, said two suspects were held.",
        "two suspects were held",
        C("police source", "Bernama", (("Bernama", "outlet"),)),
        id="citing-a-source",
    ),
]


@pytest.mark.parametrize(("text", "content", "expected"), ISSUE_ROWS)
def test_issue_rows(nlp, text: str, content: str, expected: C) -> None:
    check(nlp, text, content, expected)


def test_anonymity_terms_are_not_a_second_quote(nlp) -> None:
    quotes = nlp("An aide, who asked not to be named, told the BBC that the talks had stalled.")._.quotes
    assert [q.content for q in quotes] == ["the talks had stalled"]


@pytest.mark.parametrize(
    "headline",
    [
        "Lula, Macron agree to new climate fund",
        "Rebels claimed responsibility for the attack on the convoy",
        "North Korea Defense Body Vows Nuclear Test",
        "Militants Claim Responsibility for Market Bombing",
        "Leaders Agree to Summit in Geneva",
    ],
)
def test_a_stance_toward_a_thing_is_not_a_quote(nlp, headline: str) -> None:
    assert nlp(headline + "\n\nThe leaders met in Belem on Monday.")._.quotes == []


def test_a_headline_object_with_quoted_words_is_a_quote(nlp) -> None:
    quotes = nlp("Minister Vows \u2018Swift Justice\u2019 for Bombers\n\nThe minister spoke on Monday.")._.quotes
    assert [q.type for q in quotes] == ["mixed"]
    assert "Swift Justice" in quotes[0].content


def test_a_headline_found_by_two_rules_is_one_quote(nlp) -> None:
    # Both the parse ("calls for" a quoted object) and the headline's form find it.
    text = (
        "Ruritania's President Calls for \u2018Fresh Start\u2019 With Neighbours\n\n"
        "Ruritania's President Ana Varga said on Monday that the region needed a fresh start.\n"
    )
    headline = [q for q in nlp(text)._.quotes if "Fresh Start" in q.content]
    assert [q.speaker for q in headline] == ["Ana Varga"], [(q.content, q.rule) for q in headline]


def test_a_headline_verb_tagged_as_a_person_is_no_speaker(nlp) -> None:
    # The recogniser reads "Calls" in "Taiwan's Leader Calls for ..." as a person's name.
    text = (
        "Taiwan's Leader Calls for 'New Chapter' in Relations with Beijing\n\n"
        "Taiwan's President Lai Ching-te said on Monday that ties needed a new chapter.\n"
    )
    speakers = {q.speaker for q in nlp(text)._.quotes}
    assert "Calls" not in speakers and "Lai Ching-te" in speakers


def test_a_masthead_blurb_at_the_foot_does_not_carry_the_headline(nlp) -> None:
    # "The Voice of America provides news ...": the publisher describing itself after the story
    # opens none of it; a photo caption is the lead, and it names no outlet.
    text = (
        "Ruritania's President Calls for 'Fresh Start' With Neighbours\n\n"
        "FILE - Ruritania's President Ana Varga speaks in the capital, Oct. 10, 2017.\n\n"
        "Ruritania's President Ana Varga said on Monday that the region needed a fresh start.\n\n"
        "VOA News\n\n"
        "The Voice of America provides news and information in more than 40 languages.\n"
    )
    quotes = nlp(text)._.quotes
    assert quotes and all(q.outlet is None for q in quotes), [(q.content, q.outlet, q.resolution) for q in quotes]


# --- nesting folded, not dropped ------------------------------------------------------

FOLDS = [
    pytest.param(
        "Yonhap reported that Unification Minister Kwon Young-se said the office would reopen.",
        "the office would reopen",
        C("Kwon Young-se", "Yonhap", (("Yonhap", "outlet"),)),
        id="outlet-reported-that-x-said",
    ),
    pytest.param(
        "According to Interfax, the deputy minister said the convoy had crossed the border.",
        "the convoy had crossed the border",
        C("deputy minister", "Interfax", (("Interfax", "outlet"),)),
        id="leading-according-to",
    ),
    pytest.param(
        "The daily Hurriyet, citing two officials, said the base would close next year.",
        "the base would close next year",
        C("two officials", "H\u00fcrriyet", (("H\u00fcrriyet", "outlet"),)),
        id="outlet-citing-sources-said",
    ),
    pytest.param(
        "The papers wrote that according to the White House, the president will first hold a one-on-one meeting.",
        "the president will first hold",
        C("White House", None, (("papers", "organisation"),)),  # a kind of medium, none named
        id="according-to-inside-a-report-is-the-source",
    ),
    pytest.param(
        "Peskov said in an interview with RIA Novosti that no date had been set.",
        "no date had been set",
        C("Dmitry Peskov", "RIA Novosti", (("RIA Novosti", "outlet"),)),
        id="in-an-interview-with",
    ),
    pytest.param(
        '"We reported what everybody was saying," he said, in remarks reported by the Interfax news agency.',
        "We reported what everybody",
        C(None, "Interfax", (("Interfax", "outlet"),)),
        id="in-remarks-reported-by",
    ),
]


@pytest.mark.parametrize(("text", "content", "expected"), FOLDS)
def test_nesting_is_folded(nlp, text: str, content: str, expected: C) -> None:
    check(nlp, text, content, expected)


def test_a_short_nested_attribution_is_not_folded(nlp) -> None:
    # The minister's words are a small part of the agency's report: the agency's quote stays whole.
    text = (
        "The Kyodo news agency reported that the minister, who had said the tax was unfair, would resign "
        "next week after the budget vote in parliament."
    )
    quote = only_quote(nlp, text, "the minister, who had said the tax was unfair, would resign")
    assert (quote.speaker, quote.outlet) == ("Kyodo", "Kyodo")


def test_according_to_a_person_inside_a_report(nlp) -> None:
    quote = only_quote(nlp, "The governor said that, according to the police, the road was closed.", "the road was closed")
    assert [(link.name, link.role) for link in quote.via] == [("police", "speaker"), ("governor", "relay")]


# --- channels: platforms, outlets the article introduces, the speaker's own medium ---------

CHANNELS = [
    pytest.param(
        "The mayor said in a post on X that the bridge would stay shut.",
        "the bridge would stay shut",
        C("mayor", "X (Twitter)", (("post on X", "document"), ("X (Twitter)", "platform"))),
        id="post-on-x",
    ),
    pytest.param(
        "The minister tweeted that the border was open again.",
        "the border was open again",
        C("minister", "X (Twitter)", (("X (Twitter)", "platform"),)),
        id="tweeted",
    ),
    pytest.param(
        "The ministry said in a video posted on Telegram that the bridge had been hit.",
        "the bridge had been hit",
        C("ministry", "Telegram", (("video", "document"), ("Telegram", "platform"))),
        id="video-on-telegram",
    ),
    pytest.param(
        "The police spoke to the state news agency SABA on Monday. But according to SABA, a police "
        "source said the road was clear.",
        "the road was clear",
        C("police source", "SABA", (("SABA", "outlet"),)),
        id="a-medium-the-article-introduces-is-an-outlet-later",
    ),
    pytest.param(
        "\u201cI am here for dialogue,\u201d the former president told Honduras\u2019 Canal 36 television network on Monday.",
        "I am here for dialogue",
        C("former president", "Canal 36", (("Canal 36", "outlet"),)),
        id="told-an-unlisted-broadcaster",
    ),
    pytest.param(
        "Omar Diallo, director of one of the stations, Radio Kanka, told AFP the closure was unfair.",
        "the closure was unfair",
        C("Omar Diallo", "AFP", (("AFP", "outlet"),)),
        id="the-channel-named-beats-the-speakers-employer",
    ),
    pytest.param(
        "Maria Lopez, Al Jazeera\u2019s correspondent in Caracas, said the polls had closed.",
        "the polls had closed",
        C("Maria Lopez", "Al Jazeera", (("Al Jazeera", "outlet"),)),
        id="a-correspondent-speaks-through-her-outlet",
    ),
]


@pytest.mark.parametrize(("text", "content", "expected"), CHANNELS)
def test_channels(nlp, text: str, content: str, expected: C) -> None:
    check(nlp, text, content, expected)


def test_the_account_keeps_its_outlet_in_the_next_sentence(nlp) -> None:
    text = (
        "Foreign Minister Ana Ruiz told Reuters that the talks would resume in May. "
        "\u201cWe have waited long enough,\u201d Ruiz said."
    )
    quote = only_quote(nlp, text, "We have waited long enough")
    assert (quote.speaker, quote.outlet) == ("Ana Ruiz", "Reuters")
    carried = [link for link in quote.via if link.name == "Reuters"]
    assert carried and carried[0].span is None  # inferred from the sentence before, not written here


# --- described speakers and documents ----------------------------------------------------

DESCRIBED = [
    pytest.param(
        "A senior U.S. official told reporters that the sanctions would stay.",
        "the sanctions would stay",
        C("senior U.S. official", None),
        id="anonymous-official-keeps-the-description",
    ),
    pytest.param(
        "A Foreign Ministry spokesman on Friday expressed concern that the talks had stalled. "
        "\u201cWe want progress,\u201d spokesman Hong Lei said.",
        "concern that the talks had stalled",
        C("Hong Lei", None),
        id="a-ministry-spokesman-named-later",
    ),
    pytest.param(
        "A White House spokesman said the visit would go ahead. "
        "\u201cWe are ready,\u201d State Department spokesman Ned Price said.",
        "the visit would go ahead",
        C("White House spokesman", None),
        id="another-offices-spokesman-is-not-him",
    ),
    pytest.param(
        "Nauert read a statement by the Secretary on Tuesday saying: \u201cAmerica stands ready to engage.\u201d "
        "Secretary Mike Pompeo had cancelled the trip.",
        "America stands ready",
        C(None, None),
        id="the-statements-author-speaks-not-its-reader",
    ),
]


@pytest.mark.parametrize(("text", "content", "expected"), DESCRIBED)
def test_described_speakers(nlp, text: str, content: str, expected: C) -> None:
    quote = check(nlp, text, content, expected)
    if "Nauert" in text:
        assert quote.speaker_mention == "the Secretary"


def test_a_commentary_speaks_for_the_agency_that_ran_it(nlp) -> None:
    text = "KCNA on Tuesday ran a commentary criticizing the United States by claiming that Washington made unilateral demands."
    quote = only_quote(nlp, text, "Washington made unilateral demands")
    assert (quote.speaker, quote.outlet) == ("KCNA", "KCNA")


# --- page furniture -------------------------------------------------------------------------

@pytest.mark.parametrize(
    "line",
    [
        "Updated: 2012-07-27 20:18",
        "Reuters | Updated: 02-04-2022 23:24 IST | Created: 02-04-2022 23:23 IST",
        "Source: Anadolu Agency",
        "Credit: REUTERS/Peter Cziborra",
        "Written by Jane Doe for Reuters ->",
        "Posted: Apr 13, 2011 2:33 PM",
    ],
)
def test_metadata_lines_are_not_quotes(nlp, line: str) -> None:
    text = f"Minister Resigns After Budget Vote\n\n{line}\n\nThe minister resigned on Monday after the vote.\n"
    assert [q.content for q in nlp(text)._.quotes] == []


def test_a_wire_dateline_is_the_end_of_the_chain_not_a_channel(nlp) -> None:
    text = (
        "March 21 (Reuters) - Airline chiefs have requested a meeting with the board, the Wall Street Journal "
        "reported on Thursday.\n\nThe chiefs want a plan for fixing quality problems, the report said.\n"
    )
    for content in ("Airline chiefs have requested", "The chiefs want a plan"):
        quote = only_quote(nlp, text, content)
        assert (quote.speaker, quote.outlet) == ("Wall Street Journal", "Wall Street Journal")


# --- the chain's ends: the wire credit and the publisher ---------------------------------------

def _article(text: str, outlet: str | None) -> Article:
    return Article(id="a1", text=text, outlet=outlet)


def test_publisher_and_wire_close_every_chain(nlp) -> None:
    text = "SEOUL, Oct 8 (Yonhap) - The minister said the road would reopen.\n"
    quotes = nlp(text)._.quotes
    from quotes.lexicon import default_outlets

    chained = with_publisher(_article(text, "Korea Herald"), quotes, default_outlets())
    ends = [(link.name, link.role) for link in chained[0].via[-2:]]
    assert ends == [("Yonhap", "wire"), ("Korea Herald", "publisher")]
    assert chain_outlet(chained[0].via) is None  # neither end is the outlet nearest the speaker
    wire = chained[0].via[-2]
    assert text[slice(*wire.span)] == wire.mention


def test_chain_outlet_is_the_first_medium_after_the_speaker() -> None:
    via = (
        Link("Kim Jong-un", "person", "speaker"),
        Link("statement", "document", "relay"),
        Link("KCNA", "outlet", "relay"),
        Link("Yonhap", "outlet", "relay"),
    )
    assert chain_outlet(via) == "KCNA"
    assert chain_outlet((Link("KCNA", "outlet", "speaker"),)) == "KCNA"
