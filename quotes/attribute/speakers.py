"""Naming the speaker from a mention: names, pronouns, descriptions, documents, agreement parties."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from spacy.tokens import Doc, Span as SpacySpan, Token

from quotes.attribute.index import MAX_OUTLET_NAME, NAME_TITLES, ArticleIndex, Person, strip_possessive, unlisted_masthead
from quotes.attribute.outlets import GENERIC_MEDIA_RE, generic_outlet, nearest_outlet
from quotes.detect import doc_text, mention_span
from quotes.lexicon import Outlet, OutletGazetteer, person_key
from quotes.records import Span


PERSON_PRONOUNS = {"he", "she", "him", "her", "his"}
GROUP_PRONOUNS = {"they", "them", "their"}
THING_PRONOUNS = {"it", "its"}
FIRST_PERSON = {"i", "we", "me", "us", "my", "our"}
# Descriptions that point back at an outlet, by the outlet kinds they fit.
OUTLET_DESCRIPTIONS = {
    "agency": ("agency", "state-media"),
    "paper": ("newspaper", "state-media"),
    "newspaper": ("newspaper", "state-media"),
    "daily": ("newspaper",),
    "broadcaster": ("broadcaster", "state-media"),
    "network": ("broadcaster",),
    "channel": ("broadcaster",),
    "outlet": ("agency", "newspaper", "broadcaster", "online", "magazine", "state-media"),
    "magazine": ("magazine",),
    "media": ("agency", "state-media", "newspaper", "broadcaster"),
    "report": ("agency", "state-media", "newspaper", "broadcaster", "online"),
    "reports": ("agency", "state-media", "newspaper", "broadcaster", "online"),
    "article": ("newspaper", "online", "magazine", "agency"),
}

# Descriptions that fit any medium, so the one that spoke last is meant.
_ANY_MEDIUM_DESCRIPTIONS = {"report", "reports", "article", "outlet", "media"}
# Descriptions that point back at a document, and so at whoever issued it ("the statement said").
DOCUMENT_NOUNS = {"statement", "readout", "release", "communique", "memo", "memorandum", "letter", "message"}
# Agreements speak for the parties that made them ("an accord ... that stipulated ...").
AGREEMENT_NOUNS = {"accord", "agreement", "deal", "pact", "treaty", "declaration", "communique", "pledge"}

# Heads of a description that name an organisation rather than people ("the presidential office").
ORGANISATION_NOUNS = {
    "office", "ministry", "government", "department", "agency", "commission", "committee", "council", "court",
    "army", "military", "police", "party", "embassy", "administration", "company", "firm", "group", "institute",
    "authority", "authorities", "service", "board", "union", "parliament", "legislature", "cabinet", "force", "forces",
}
# Heads of a subject that is not a source but evidence or an event: "The test confirmed ...",
# "reports said ...", "Footage from the scene showed ...". No speaker is named by them.
NOT_SOURCE_NOUNS = {
    "test", "report", "study", "survey", "data", "figure", "result", "poll", "footage", "video", "image",
    "photo", "picture", "evidence", "finding", "analysis", "record", "estimate", "statistic", "number",
    "move", "decision", "plan", "law", "rule", "bill", "measure", "incident", "attack", "event", "situation",
    "change", "development", "fact", "news", "information", "rumor", "rumour", "speculation", "case",
    "step", "way", "thing", "idea", "issue", "problem", "question", "answer", "reason", "sign", "signal",
}
# Words before a description that a reader drops when citing it: "some analysts" -> "analysts".
_DESCRIPTION_DETERMINERS = {"a", "an", "the", "some", "this", "these", "that", "those"}
# How near (in characters) an earlier mention must be for a pronoun to reach it.
PRONOUN_REACH = 1500
# How far ahead a title with no one named before it may find its holder.
FORWARD_REACH = 1000
# How far back "the official" looks for the person with that title: further than any news
# article, and a bound on the work in a 300 KB transcript.
DESCRIPTION_REACH = 30_000
_SPOKESPERSONS = {"spokesman", "spokeswoman", "spokesperson"}
# Titles that a country's possessive makes definite ("Taiwan's President").
_TITLE_HEADS = {
    "president", "premier", "minister", "chancellor", "king", "queen", "leader", "ruler", "monarch", "prince",
    "emir", "sultan", "governor", "mayor", "envoy", "ambassador", "spokesman", "spokeswoman", "spokesperson",
}


@dataclass(slots=True)
class History:
    """What the quotes resolved so far in an article said, for the mentions that point back."""

    speakers: list[tuple[int, str, str]] = field(default_factory=list)  # (offset, canonical, kind)
    # (sentence start, sentence end, content spans, canonical speaker, kind) of each attributed quote
    sentences: list[tuple[int, int, tuple[Span, ...], str, str]] = field(default_factory=list)
    # (offset, head noun, outlet) of each description that named an outlet ("the paper" -> Asahi Shimbun)
    descriptions: list[tuple[int, str, str]] = field(default_factory=list)
    # (offset, outlet) of each quote's outermost medium: the frame a story is told in ("NHK reported ...")
    frames: list[tuple[int, str]] = field(default_factory=list)


class SpeakerNamer:
    """Naming the speaker of a mention: a name, a pronoun, a description, an outlet, the parties to an agreement.

    Part of :class:`quotes.attribute.Resolver`.
    """

    outlets: OutletGazetteer

    def _speaker(
        self,
        doc: Doc,
        text: str,
        index: ArticleIndex,
        speaker_span: Span,
        history: History,
    ) -> tuple[str | None, str, str | None, str, str | None]:
        """(canonical speaker, kind, role, resolution, outlet) for a speaker mention."""
        start, end = speaker_span
        mention = text[start:end]
        span = doc.char_span(start, end, alignment_mode="expand")
        head = span.root if span is not None else None
        if head is not None and len(span) == 1 and head.tag_ in ("WP", "WDT") and head.head.dep_ == "relcl":
            # "the minister, who said ...": the mention stays "who", the speaker is the minister.
            antecedent = head.head.head
            if head.lower_ in ("that", "which"):
                # "an accord with Trump that stipulated ...": "that" is not said of a person; the
                # parse hung the clause on the nearest noun, the thing is further up.
                while antecedent.ent_type_ == "PERSON" and antecedent.dep_ == "pobj" and antecedent.head.dep_ == "prep":
                    antecedent = antecedent.head.head
            start, end = mention_span(antecedent)
            span = doc.char_span(start, end, alignment_mode="expand")
            head = span.root if span is not None else None
            mention = text[start:end]
        if head is not None and head.lemma_.lower() in AGREEMENT_NOUNS:
            parties = self._parties(index, head)
            if len(parties) > 1:
                return "; ".join(sorted(parties)), "person", None, "agreement-parties", None
        lowered = mention.strip().lower()
        # "VOA Director Amanda Bennett" is a person; "Aljazeera" tagged as one is still the outlet.
        names_a_person = (
            head is not None
            and head.ent_type_ == "PERSON"
            and not any(a <= head.idx < b for a, b, _ in index.outlets_between(head.idx - MAX_OUTLET_NAME, head.idx + 1))
        )
        # An outlet named in the mention speaks for itself (but "VOA Director Amanda Bennett" is a person).
        named_outlets = list(dict.fromkeys(o.name for a, b, o in index.outlets_between(start, end) if b <= end))
        if named_outlets and not names_a_person:
            name = "; ".join(sorted(named_outlets)) if _conjoined(span) else named_outlets[-1]
            return name, "outlet", None, "outlet", name
        if head is not None and head.lower_ in PERSON_PRONOUNS | GROUP_PRONOUNS | THING_PRONOUNS and len(span) <= 2:
            return self._pronoun(index, head.lower_, start, history.speakers)
        if lowered in FIRST_PERSON:
            return None, "", None, "first-person", None
        named = _appositive_person(index, head)
        if named is not None:
            return named.canonical, "person", None, "appositive-name", None
        issuer = _issuer_of_document(head)
        if issuer is not None:
            # "A statement from the ministry said ...": whoever issued the document.
            name, kind, role, resolution, outlet = self._speaker(doc, text, index, mention_span(issuer), history)
            if name is not None:
                return name, kind, role, f"document+{resolution}", outlet
        # Descriptions: "the agency", "the paper", "The Supreme Leader", "the official".
        described = self._description(index, span, start, history) if span is not None else None
        if described is not None:
            return described
        persons = [p for _, p in index.persons_between(start, end)]
        if persons and head is not None and head.ent_type_ != "PERSON" and head.pos_ == "NOUN" and head.lower_ not in NAME_TITLES:
            persons = []  # "the Trump administration", "Clinton's campaign": not the person
        if persons:
            unique = list(dict.fromkeys(p.canonical for p in persons))
            role = _role_in_mention(mention, persons[0]) if len(unique) == 1 else None
            resolution = "name" if len(unique) == 1 else "names"
            return "; ".join(sorted(unique)), "person", role, resolution, None
        person = index.person_for(strip_possessive(mention))
        if person is None and span is not None and head is not None and head.pos_ == "PROPN":
            # "North Korea's Kim": the name is the last proper noun, the rest describes it.
            for token in reversed(span):
                if token.pos_ == "PROPN" and (person := index.person_for(strip_possessive(token.text))):
                    break
        if person is not None:
            return person.canonical, "person", None, "partial-name", None
        generic = GENERIC_MEDIA_RE.search(mention)
        if generic is not None:
            outlet = generic_outlet(index, generic.group(), start)
            if outlet is not None:
                return outlet.name, "outlet", None, "generic-media", outlet.name
        masthead = unlisted_masthead(span) if span is not None else None
        if masthead is not None:
            # "national Haber Turk television station": a medium the gazetteer does not know, by its name.
            return masthead, "outlet", None, "masthead", masthead
        if generic is not None:
            # "Ukrainian local media claimed ...": no outlet of theirs is named; the description stands.
            name = generic.group()
            return name, "outlet", None, "generic-media:unnamed", name
        orgs = [(a, b, name) for a, b, name in index.org_mentions if start <= a < end]
        # "North Korea's National Defense Commission": the organisation the mention is about, not
        # the country it belongs to.
        holding = [name for a, b, name in orgs if head is not None and a <= head.idx < b]
        if holding:
            return holding[0], "org", None, "organisation", None
        if span is not None and head is not None and head.pos_ == "NOUN":
            # "Afghan officials", "a police source", "South Korea's presidential office": no name is
            # given, so the description is the speaker, as a reader would cite it.
            return self._described_speaker(span, start, history)
        if orgs:
            return orgs[0][2], "org", None, "organisation", None
        return None, "", None, "unnamed", None

    def _described_speaker(
        self, span: SpacySpan, start: int, history: History
    ) -> tuple[str | None, str, str | None, str, str | None]:
        """A source the article only describes; "the officials" is the officials described before, if any."""
        head = span.root
        lemma = head.lemma_.lower()
        if lemma in ORGANISATION_NOUNS:
            kind = "org"
        elif lemma in DOCUMENT_NOUNS | AGREEMENT_NOUNS:
            kind = "document"  # "the fake release said": a document with no issuer named speaks for itself
        elif lemma in NOT_SOURCE_NOUNS:
            return None, "", None, "unnamed", None  # "The test confirmed ...": not a source
        else:
            kind = "person"
        words = [t for t in span if not t.is_space]
        definite = bool(words) and words[0].lower_ in ("the", "this", "these", "that", "those")
        if definite:
            # "The unnamed officials said ..." after "Pakistani intelligence officials said ...".
            for offset, name, earlier_kind in reversed(history.speakers):
                if start - offset > PRONOUN_REACH:
                    break
                if earlier_kind in ("person", "org") and name.split()[-1].lower() in (head.lower_, head.lemma_.lower()) and " " in name:
                    return name, earlier_kind, None, "description:earlier", None
        while words and (words[0].lower_ in _DESCRIPTION_DETERMINERS or words[0].pos_ == "DET"):
            words = words[1:]
        if not words:
            return None, "", None, "unnamed", None
        name = span.doc[words[0].i : words[-1].i + 1].text  # not doc.text: spaCy rebuilds it per access
        return name, kind, None, "description", None

    def _pronoun(
        self, index: ArticleIndex, pronoun: str, start: int, previous: list[tuple[int, str, str]]
    ) -> tuple[str | None, str, str | None, str, str | None]:
        wanted = (
            {"person"} if pronoun in PERSON_PRONOUNS
            else {"org", "outlet", "document"} if pronoun in THING_PRONOUNS
            else {"org", "outlet", "person"}
        )
        excluded_gender = {"she": "m", "her": "m", "he": "f", "him": "f", "his": "f"}.get(pronoun)
        genders = {p.canonical: p.gender for p in index.persons}

        def compatible(name: str, kind: str) -> bool:
            return kind in wanted and not (kind == "person" and genders.get(name) == excluded_gender)

        for offset, name, kind in reversed(previous):
            if start - offset > PRONOUN_REACH:
                break
            if compatible(name, kind):
                return name, kind, None, "pronoun:previous-speaker", name if kind == "outlet" else None
        if "person" in wanted:
            earlier = [p for _, p in index.persons_between(start - PRONOUN_REACH, start) if compatible(p.canonical, "person")]
            if earlier:
                return earlier[-1].canonical, "person", None, "pronoun:nearest-person", None
        return None, "", None, "pronoun:unresolved", None

    def _description(
        self, index: ArticleIndex, span: SpacySpan, start: int, history: History
    ) -> tuple[str | None, str, str | None, str, str | None] | None:
        words = [t for t in span if not t.is_punct]
        if not words or any(t.ent_type_ == "PERSON" for t in span):
            return None
        head = span.root.lower_
        # "Taiwan's President", "Peru's Premier": a title owned by a country, as definite as "the president".
        owned = any(c.dep_ == "poss" and c.ent_type_ in ("GPE", "NORP", "ORG") for c in span.root.children)
        # "A Foreign Ministry spokesman said ... spokesman Hong Lei said": a ministry's spokesman is one person.
        indefinite = words[0].lower_ in ("a", "an") and head in _SPOKESPERSONS
        if words[0].lower_ not in ("the", "this", "that") and not (owned and head in _TITLE_HEADS) and not indefinite:
            return None
        if head in OUTLET_DESCRIPTIONS:
            outlet = self._described_outlet(index, start, head, history)
            if outlet is not None:
                history.descriptions.append((start, head, outlet.name))
                return outlet.name, "outlet", None, f"description:{head}", outlet.name
            return None, "", None, "description:unresolved", None
        if head in DOCUMENT_NOUNS:
            # "the statement said": whoever was said to have made the statement.
            author = _author_of(doc_text(span.doc), head, start, history)
            if author is not None:
                return author[0], author[1], None, f"description:{head}", author[0] if author[1] == "outlet" else None
            return None, "", None, "description:unresolved", None
        # "the official", "the U.S. president": the person named with the title sharing most words, latest first;
        # when none is named before, the first named after nearby (a headline's "Taiwan's President").
        described = set(person_key(span.text).split()) - {"the", "this", "that"}
        best: tuple[int, int, Person] | None = None
        following: Person | None = None
        for offset, person in index.persons_between(start - DESCRIPTION_REACH, start + FORWARD_REACH + 1):
            ahead = offset >= start
            if ahead and (best is not None or following is not None or offset - start > FORWARD_REACH or head not in _TITLE_HEADS):
                break
            for role in person.roles:
                words = _key_words(role)
                if indefinite and not words <= described:
                    continue  # "a White House spokesman" is not "State Department spokesman Ned Price"
                if head in words:
                    if ahead:
                        following = person
                        break
                    shared = len(described & words)
                    if best is None or (shared, offset) >= (best[0], best[1]):
                        best = (shared, offset, person)
        if best is not None:
            return best[2].canonical, "person", None, f"description:{head}", None
        if following is not None:
            return following.canonical, "person", None, f"description-ahead:{head}", None
        return None

    def _parties(self, index: ArticleIndex, agreement: Token) -> list[str]:
        """Who made an agreement: "Kim reached an accord with Trump that stipulated ..." -> Kim and Trump.

        The people named in the agreement's phrase ("with Trump", "between X and Y") and the
        subject of the verb it is the object of ("Kim reached").
        """
        tokens = list(agreement.subtree)
        if agreement.dep_ == "dobj":
            subject = next((c for c in agreement.head.children if c.dep_ == "nsubj"), None)
            if subject is not None:
                tokens += list(subject.subtree)
        relative = {t.i for c in agreement.children if c.dep_ in ("relcl", "acl") for t in c.subtree}
        offsets = [(t.idx, t.idx + len(t.text)) for t in tokens if t.i not in relative]
        nearby = index.persons_between(min(x for x, _ in offsets), max(y for _, y in offsets)) if offsets else []
        names = [p.canonical for a, p in nearby if any(x <= a < y for x, y in offsets)]
        return list(dict.fromkeys(names))

    def _described_outlet(
        self, index: ArticleIndex, start: int, head: str, history: History
    ) -> Outlet | None:
        """The outlet "the paper", "the network" points back at.

        A description used again keeps its referent until another outlet of its kind speaks:
        in "The network (NHK) added that ... CNN reported that ... The network claimed", the
        network is still NHK. Otherwise it is the nearest outlet of its kind named before it.
        """
        kinds = OUTLET_DESCRIPTIONS[head]
        for offset, described, name in reversed(history.descriptions):
            if described != head or offset >= start:
                continue
            # An outlet only quoted inside the described one's report ("The network added that CNN
            # reported ...") does not take the description over.
            spoke_since = any(
                said != name and offset < at < start
                and (outlet := index.outlet(said, self.outlets)) is not None and outlet.kind in kinds
                for at, said in history.frames
            )
            if not spoke_since:
                return index.outlet(name, self.outlets)
            break
        # "The Wall Street Journal reported ... the report said": the medium the story was last told
        # through. A specific description takes the kind it fits best ("the paper": a newspaper before
        # a state agency); "the report" whichever spoke last.
        framing = [
            (kinds.index(outlet.kind) if head not in _ANY_MEDIUM_DESCRIPTIONS else 0, start - offset, outlet)
            for offset, name in history.frames
            if 0 <= start - offset <= PRONOUN_REACH and (outlet := index.outlet(name, self.outlets)) is not None and outlet.kind in kinds
        ]
        if framing:
            return min(framing, key=lambda f: (f[0], f[1]))[2]
        return nearest_outlet(index, start, kinds, before_only=True)


# Heads of a description that make it a news medium: "the Haber Turk television station", "Canal 36 channel".
def _issuer_of_document(head: Token | None) -> Token | None:
    """Who issued a document named as a speaker: "a statement from the ministry", "the army's statement"."""
    if head is None or head.lemma_.lower() not in DOCUMENT_NOUNS:
        return None
    for child in head.children:
        if child.dep_ == "poss" and child.ent_type_ not in ("DATE", "TIME"):
            return child
        if child.dep_ == "prep" and child.lower_ in ("from", "by", "of"):
            issuer = next((c for c in child.children if c.dep_ == "pobj"), None)
            if issuer is not None and issuer.ent_type_ not in ("DATE", "TIME"):
                return issuer
    return None


@lru_cache(maxsize=50_000)
def _key_words(name: str) -> frozenset[str]:
    """The words of a name's or title's key: many descriptions compare the same titles."""
    return frozenset(person_key(name).split())


def _appositive_person(index: ArticleIndex, head: Token | None) -> Person | None:
    """ "Her neighbor, Dan Reyes, said": the name set beside a description."""
    if head is None:
        return None
    for child in head.rights:
        if child.dep_ == "appos" and child.ent_type_ == "PERSON":
            start, end = mention_span(child)
            return next((p for _, p in index.persons_between(start, end)), None)
    return None


def _author_of(text: str, noun: str, start: int, history: History) -> tuple[str, str] | None:
    """Who made the statement (letter, readout ...) a later "the statement" points back at.

    The speaker (and kind) of the latest earlier quote whose attribution names that document:
    "White said in a statement ...", "Pompeo issued a statement welcoming ...".
    """
    pattern = re.compile(rf"\b{re.escape(noun)}s?\b", re.IGNORECASE)
    for a, b, contents, speaker, kind in reversed(history.sentences):
        if a >= start or start - a > PRONOUN_REACH:
            continue
        chars = list(text[a:b])
        for x, y in contents:  # only the attribution around the content names the document
            for i in range(max(x, a), min(y, b)):
                chars[i - a] = " "
        if pattern.search("".join(chars)):
            return speaker, kind
    return None


def _conjoined(span: SpacySpan | None) -> bool:
    """ "Asahi and Yomiuri", "Mattis and Onodera": a mention naming several sources."""
    return span is not None and any(t.dep_ == "cc" and t.lower_ in ("and", "&") for t in span)


def _role_in_mention(mention: str, person: Person) -> str | None:
    """The part of a mention that is a title, not the name."""
    for form in sorted(person.forms, key=len, reverse=True):
        at = mention.find(form)
        if at > 0:
            role = mention[:at].strip(" ,")
            role = re.sub(r"^(the|a|an)\s+", "", role, flags=re.IGNORECASE)
            return role or None
    return person.roles[0] if person.roles else None
