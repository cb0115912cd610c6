"""The article index: the people an article names (each spelling and title grouped under one
canonical name, with a gender), the outlets and the organisations, and where each is named."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span as SpacySpan, Token

from quotes.detect import DATELINE_RE, furniture_spans
from quotes.lexicon import CueLexicon, Outlet, OutletGazetteer, PeopleGazetteer, person_key


# "All papers except Asahi": a name after these is left out of the source.
_EXCLUSION_RE = re.compile(r"\b(except|excluding|other than|apart from|but not|save for)\s+(the\s+)?$", re.IGNORECASE)
TITLE_WORDS = {"mr", "mrs", "ms", "miss", "dr", "sir", "dame", "gen", "sen", "rep", "gov", "lt", "col", "capt", "prof"}


def strip_possessive(text: str) -> str:
    return re.sub(r"[\u2019']s?$", "", text.strip())


@dataclass(slots=True)
class Person:
    """One person of the article, with every spelling and title seen."""

    canonical: str
    forms: Counter[str] = field(default_factory=Counter)
    roles: list[str] = field(default_factory=list)
    gender: str = "-"
    known: bool = False  # found in the gazetteer of public figures


@dataclass(slots=True)
class ArticleIndex:
    """People, outlets and organisations one article names, with where."""

    persons: list[Person]
    by_token: dict[str, list[Person]]
    person_mentions: list[tuple[int, Person]]
    outlet_mentions: list[tuple[int, int, Outlet]]
    org_mentions: list[tuple[int, int, str]]  # (start, end, name) of organisations, countries, nationalities
    # Media the gazetteer lacks that the article introduces ("Yemeni state news agency SABA"), by name.
    introduced: dict[str, Outlet] = field(default_factory=dict)
    _outlet_starts: list[int] = field(default_factory=list)
    _person_starts: list[int] = field(default_factory=list)
    _person_by_form: dict[str, Person] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._outlet_starts = [start for start, _, _ in self.outlet_mentions]
        self._person_starts = [start for start, _ in self.person_mentions]
        for person in self.persons:  # the first person with a form keeps it, as a scan in order would
            for form in person.forms:
                self._person_by_form.setdefault(person_key(form), person)

    def persons_between(self, start: int, end: int) -> list[tuple[int, Person]]:
        """The person mentions that start in [start, end), by bisection (mentions are in text order)."""
        return self.person_mentions[bisect_left(self._person_starts, start) : bisect_left(self._person_starts, end)]

    def outlets_between(self, start: int, end: int) -> list[tuple[int, int, Outlet]]:
        """The outlet mentions that start in [start, end), by bisection (mentions are in text order)."""
        return self.outlet_mentions[bisect_left(self._outlet_starts, start) : bisect_left(self._outlet_starts, end)]

    def outlet(self, name: str, gazetteer: OutletGazetteer) -> Outlet | None:
        """The outlet a canonical name stands for: the gazetteer's, else one this article introduced."""
        return gazetteer.lookup(name) or self.introduced.get(name)

    def person_for(self, name: str) -> Person | None:
        key = person_key(name)
        if key in self._person_by_form:
            return self._person_by_form[key]
        tokens = [t for t in key.split() if t not in TITLE_WORDS]
        if not tokens:
            return None
        # A part of a name ("Kim", "Pompeo") points at the one person who has it.
        candidates = {id(p): p for t in tokens for p in self.by_token.get(t, [])}
        matching = [p for p in candidates.values() if all(t in person_key(p.canonical).split() for t in tokens)]
        return _most_mentioned(matching)


# Titles written before a name that are not part of it ("Spokesperson Dana W. White", "PM Abe").
NAME_TITLES = {
    "president", "vice", "secretary", "minister", "prime", "pm", "spokesperson", "spokesman", "spokeswoman",
    "chairman", "chairwoman", "chair", "director", "senator", "sen", "rep", "representative", "gov", "governor",
    "general", "gen", "admiral", "adm", "ambassador", "chief", "leader", "king", "queen", "pope", "judge",
    "justice", "mayor", "mr", "mrs", "ms", "dr", "sir", "lord", "lady", "premier", "chancellor", "deputy",
    "foreign", "defense", "defence", "state", "press", "envoy", "commander", "lt", "col", "capt", "prof",
    "councilman", "councilwoman", "councilmember", "congressman", "congresswoman", "assemblyman", "assemblywoman",
    "commissioner", "sheriff", "rev", "reverend",
}
_FEMALE_HONORIFICS = {"mrs", "ms", "miss", "madam", "lady", "dame"}
_MALE_HONORIFICS = {"mr", "sir", "lord"}


def _split_title(name: str) -> tuple[str, str]:
    """("Dana W. White", "Spokesperson") from "Spokesperson Dana W. White"."""
    words = name.split()
    cut = 0
    while cut < len(words) - 1 and words[cut].strip(".").lower() in NAME_TITLES:
        cut += 1
    return " ".join(words[cut:]), " ".join(words[:cut])


def _honorific_gender(person: Person) -> str | None:
    for role in person.roles:
        first = role.split()[0].strip(".").lower() if role.split() else ""
        if first in _FEMALE_HONORIFICS:
            return "f"
        if first in _MALE_HONORIFICS:
            return "m"
    return None


def _most_mentioned(persons: list[Person]) -> Person | None:
    """The one person a partial name points at: the only candidate, or the one named clearly most often."""
    if len(persons) <= 1:
        return persons[0] if persons else None
    ranked = sorted(persons, key=lambda p: -sum(p.forms.values()))
    return ranked[0] if sum(ranked[0].forms.values()) > sum(ranked[1].forms.values()) else None


class ArticleIndexer:
    """The resolver's index of one article: who is named, which outlets and organisations, and where.

    Part of :class:`quotes.attribute.Resolver`, which sets the gazetteers and the outlet matchers.
    """

    lexicon: CueLexicon
    outlets: OutletGazetteer
    people: PeopleGazetteer
    people_re: re.Pattern[str]
    _exact: PhraseMatcher
    _folded: PhraseMatcher

    def _has_cue_word(self, ent: SpacySpan) -> bool:
        lexicon = self.lexicon
        # after the first word of a name ("Kim Hopes"), or as the whole of it ("President Calls for ...")
        for token in ent[1:] if len(ent) > 1 else ent:
            form = token.lower_
            if any(lexicon.verb_class(stem) for stem in (form[:-1], form[:-2]) if form.endswith("s") and stem):
                return True
        return False

    def _outlet_mentions(self, doc: Doc) -> list[tuple[int, int, Outlet]]:
        found = []
        for matcher, folded in ((self._exact, False), (self._folded, True)):
            for match_id, start, end in matcher(doc):
                span = doc[start:end]
                if folded and not span.text[:1].isupper() and not span.text.lower().startswith("the "):
                    continue  # "the hill", "time": common words, not mastheads
                outlet = self.outlets.lookup(doc.vocab.strings[match_id]) or self.outlets.lookup(span.text)
                if outlet is not None:
                    found.append((span.start_char, span.end_char, outlet))
        found.sort(key=lambda m: (m[0], -(m[1] - m[0])))
        kept: list[tuple[int, int, Outlet]] = []
        for mention in found:
            if kept and mention[0] < kept[-1][1]:
                continue  # keep the longest of overlapping matches
            kept.append(mention)
        return kept

    def _index(self, doc: Doc, text: str) -> ArticleIndex:
        # The publisher in a dateline ("MOSCOW (Sputnik) -") carries the whole article, not one quote.
        # Nor does a photo credit ("© AP Photo / Evan Vucci") or a navigation link.
        skipped = [m.span() for m in DATELINE_RE.finditer(text)] + furniture_spans(text)
        outlet_mentions = [m for m in self._outlet_mentions(doc) if not any(a <= m[0] < b for a, b in skipped)]
        outlet_chars = {i for a, b, _ in outlet_mentions for i in range(a, b)}
        # "All papers except Asahi wrote ...": Asahi is named to be left out.
        outlet_mentions = [m for m in outlet_mentions if not _excluded(text, m[0])]
        introduced = self._introduced_mastheads(doc, text, outlet_mentions, skipped)
        if introduced:
            outlet_mentions = sorted(outlet_mentions + _mentions_of(text, introduced, outlet_mentions, skipped))
        groups: dict[str, Person] = {}
        mentions: list[tuple[int, str, SpacySpan]] = []
        for ent in doc.ents:
            if ent.label_ != "PERSON" or ent.start_char in outlet_chars:
                continue
            name, title = _split_title(strip_possessive(ent.text))
            if not name or not name[0].isupper() or self._has_cue_word(ent):
                continue  # "Kim Hopes" in a headline: a name and a verb, not a name
            mentions.append((ent.start_char + ent.text.find(name), name, ent))
        # Full names first, so that a later "Kim" joins "Kim Jong-un".
        persons: list[Person] = []
        by_token: dict[str, list[Person]] = {}
        for start, name, ent in sorted(mentions, key=lambda m: (-len(person_key(m[1]).split()), m[0])):
            key = person_key(name)
            person = groups.get(key)
            if person is None:
                tokens = [t for t in key.split() if t not in TITLE_WORDS]
                containing = {id(p): p for t in tokens for p in by_token.get(t, [])}
                matching = [p for p in containing.values() if all(t in person_key(p.canonical).split() for t in tokens)]
                person = _most_mentioned(matching) if matching else None
            if person is None:
                person = Person(canonical=name)
                persons.append(person)
                for token in key.split():
                    if token not in TITLE_WORDS:
                        by_token.setdefault(token, []).append(person)
            groups[key] = person
            person.forms[name] += 1
            role = _title_before(ent)
            if role:
                person.roles.append(role)
        for person in persons:
            words = len(person_key(person.canonical).split())
            full = [(count, form) for form, count in person.forms.items() if len(person_key(form).split()) >= words]
            if full:
                person.canonical = max(full)[1]  # the most frequent full spelling
            figure = next((f for form in person.forms if (f := self.people.lookup(form))), None)
            if figure is not None:
                person.canonical, person.gender, person.known = figure.name, figure.gender, True
                person.roles.extend(figure.roles)
            person.gender = _honorific_gender(person) or person.gender
        person_mentions = [(start, groups[person_key(name)]) for start, name, _ in mentions]
        # Public figures the entity recogniser missed ("Secretary of State Pompeo" tagged as an organisation).
        taken = {i for start, name, _ in mentions for i in range(start, start + len(name))}
        for match in self.people_re.finditer(text):
            if match.start() in taken:
                continue
            figure = self.people.lookup(match.group())
            if figure is None:
                continue
            person = next((p for p in persons if p.canonical == figure.name), None)
            if person is None:
                person = Person(canonical=figure.name, gender=figure.gender, known=True)
                person.roles.extend(figure.roles)
                persons.append(person)
            person.forms[match.group()] += 1
            person_mentions.append((match.start(), person))
        person_mentions.sort(key=lambda m: m[0])
        org_mentions = [
            (ent.start_char, ent.end_char, re.sub(r"^the\s+", "", strip_possessive(ent.text), flags=re.I))
            for ent in doc.ents
            if ent.label_ in ("ORG", "NORP", "GPE") and ent.start_char not in outlet_chars and not _excluded(text, ent.start_char)
        ]
        return ArticleIndex(persons, by_token, person_mentions, outlet_mentions, org_mentions, introduced)

    def _introduced_mastheads(
        self, doc: Doc, text: str, known: list[tuple[int, int, Outlet]], skipped: list[tuple[int, int]]
    ) -> dict[str, Outlet]:
        """Media the article names by description ("Honduras' Canal 36 television network"), so that
        a later bare "according to SABA" is known as an outlet too."""
        introduced: dict[str, Outlet] = {}
        for token in doc:
            lemma = token.lemma_.lower()
            if lemma not in MEDIUM_HEADS or token.pos_ not in ("NOUN", "PROPN"):
                continue
            if len(introduced) >= _MAX_INTRODUCED or any(a <= token.idx < b for a, b in skipped):
                continue
            root = token
            while root.dep_ == "compound" and root.head.i != root.i:
                root = root.head  # "news agency SABA": the name heads the phrase
            phrase = [t for t in root.subtree if t.i == root.i or _in_name_phrase(t, root)]
            span = doc[min(t.i for t in phrase) : max(t.i for t in phrase) + 1]
            name = unlisted_masthead(span)
            if name is None or len(name) < 2 or name in introduced or self.outlets.lookup(name) is not None:
                continue
            at = span.start_char + text[span.start_char : span.end_char].find(name)
            if any(a <= at < b for a, b, _ in known):
                continue
            introduced[name] = Outlet(name, _MEDIUM_KINDS.get(lemma, "online"), "", (name,))
        return introduced


# The longest outlet name a mention can have, in characters ("Korean Central News Agency" and more).
MAX_OUTLET_NAME = 80
# An article introduces a handful of media at most; a cap keeps a pathological text linear.
_MAX_INTRODUCED = 20
_MEDIUM_KINDS = {
    "agency": "agency", "newspaper": "newspaper", "daily": "newspaper", "paper": "newspaper", "tabloid": "newspaper",
    "broadsheet": "newspaper", "weekly": "magazine", "magazine": "magazine", "station": "broadcaster",
    "television": "broadcaster", "tv": "broadcaster", "channel": "broadcaster", "broadcaster": "broadcaster",
    "network": "broadcaster", "radio": "broadcaster",
}


def _in_name_phrase(token: Token, head: Token) -> bool:
    """Whether a word belongs to the noun phrase that names a medium (not a clause or a prepositional phrase on it)."""
    while token.i != head.i:
        if token.dep_ not in ("compound", "amod", "appos", "nmod", "poss", "nummod", "det", "case", "punct", "flat"):
            return False
        token = token.head
    return True


def _mentions_of(
    text: str, introduced: dict[str, Outlet], known: list[tuple[int, int, Outlet]], skipped: list[tuple[int, int]]
) -> list[tuple[int, int, Outlet]]:
    """Every place the article names an introduced medium, in one pass over the text."""
    pattern = re.compile(r"(?<!\w)(" + "|".join(re.escape(n) for n in sorted(introduced, key=len, reverse=True)) + r")(?!\w)")
    taken = [(a, b) for a, b, _ in known] + skipped
    return [
        (m.start(), m.end(), introduced[m.group()])
        for m in pattern.finditer(text)
        if not any(a <= m.start() < b for a, b in taken)
    ]


def _excluded(text: str, offset: int) -> bool:
    """Whether a name at ``offset`` is named to be left out: "All papers except Asahi"."""
    return _EXCLUSION_RE.search(text, max(0, offset - 30), offset) is not None


def _title_before(ent: SpacySpan) -> str | None:
    """The title written before a name: "US Secretary of State" in "US Secretary of State Mike Pompeo"."""
    doc = ent.doc
    tokens: list[Token] = []
    i = ent.start - 1
    while i >= 0:
        token = doc[i]
        if token.is_space or token.text in (",", ";", ":", "(", ")", "\u2013", "\u2014", "-") or token.lower_ in ("said", "told", "and", "by", "with", "to", "that"):
            break
        if token.pos_ in ("VERB", "AUX", "PRON", "DET", "SCONJ", "CCONJ", "PUNCT") and token.lower_ != "of":
            break
        if token.ent_type_ in ("DATE", "TIME", "CARDINAL") or token.text.endswith(("\u2019s", "'s")):
            break
        tokens.insert(0, token)
        i -= 1
    while tokens and tokens[0].lower_ in ("of", "the"):
        tokens.pop(0)
    if not tokens or not any(t.text[:1].isupper() or t.pos_ == "NOUN" for t in tokens):
        return None
    return doc[tokens[0].i : tokens[-1].i + 1].text


MEDIUM_HEADS = {
    "station", "television", "tv", "channel", "newspaper", "daily", "paper", "agency", "broadcaster", "network",
    "radio", "website", "outlet", "magazine", "weekly", "portal", "tabloid", "broadsheet", "site",
}


def unlisted_masthead(span: SpacySpan) -> str | None:
    """The name in a description of a medium the gazetteer lacks.

    "national Haber Turk television station" -> "Haber Turk"; "Yemen's state news agency
    SABA" -> "SABA"; "Canal 36 television" -> "Canal 36".
    """
    if not any(t.lemma_.lower() in MEDIUM_HEADS for t in span):
        return None
    names = [t for t in span if ((t.pos_ == "PROPN" and t.text[:1].isupper()) or (t.like_num and t.i > span.start and span.doc[t.i - 1].pos_ == "PROPN"))
             and t.ent_type_ not in ("GPE", "NORP") and t.lemma_.lower() not in MEDIUM_HEADS
             and not _under_preposition(t, span)]
    if not names:
        return None
    # The name is one run of words: the last run, which follows the description ("agency SABA") or ends it.
    run = [names[-1]]
    for token in reversed(names[:-1]):
        if token.i != run[0].i - 1:
            break
        run.insert(0, token)
    return span.doc[run[0].i : run[-1].i + 1].text


def _under_preposition(token: Token, span: SpacySpan) -> bool:
    """Whether a word hangs from a preposition inside the span ("newspapers except Asahi")."""
    while token.i != span.root.i and span.start <= token.head.i < span.end and token.head.i != token.i:
        if token.dep_ == "pobj":
            return True
        token = token.head
    return False
