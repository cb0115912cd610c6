"""The attribution resolver: a canonical speaker and an outlet for each detection.

Speakers are resolved inside one article:

* names: every PERSON mention is grouped with the others that spell the same
  name ("Kim Jong Un", "Kim Jong-un") or a part of it ("Kim", "Mr. Pompeo");
  the group's canonical name is its most frequent full form;
* pronouns (he, she, they, it) go to the nearest earlier speaker or entity of a
  compatible kind, and stay unresolved when there is none;
* descriptions go to what they describe: "the agency", "the paper" to the
  outlet last named of that kind; "the official", "the North Korean leader",
  "The Supreme Leader" to the person whose title has that head noun;
* an outlet that speaks ("KCNA reported", "the paper stressed") is both the
  speaker and the outlet.

Outlets come from the outlet gazetteer (``quotes/data/outlets.tsv``): an outlet
named in the attribution ("told Reuters", "in an interview with CNN", "in a
message carried by KCNA", "according to Yonhap"); a generic one ("state
media", "local media") is linked to the outlet the article names nearby.

Before any of this, the mention itself is checked (:func:`_repair_mention`): the
detector takes the subject of the cue's own clause, and news often puts the source
elsewhere: a quotation with no cue continues the attributed quote before it in its
paragraph; "X continued:" introduces X's words; "is likely to say", "refused to
endorse" take the governing clause's subject; "issued a statement welcoming ..." is
the issuer's; "Asked whether ..., X said" names who was asked, not who asked.

Each quote keeps the mention as written beside the canonical name, a role when
the text gives one, a confidence and ``resolution``: the rules that found the
mention and named the speaker ("continuation+pronoun:previous-speaker"), for a
fact-checker who asks why.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from dataclasses import dataclass, field

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span as SpacySpan, Token
from spacy.vocab import Vocab

from quotes.detect import DATELINE_RE, QUOTE_CHARS, Detection, cue_span, furniture_spans, mention_span, overlap, same_sentence
from quotes.lexicon import CueLexicon, Outlet, OutletGazetteer, cue_lexicon, default_outlets, default_people, person_key
from quotes.records import Quote, Span

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
}
# Words that make a media mention generic ("state media", "local media") rather than named.
GENERIC_MEDIA_RE = re.compile(
    r"\b(state|state-run|state-controlled|official|local|national|government|[A-Z][a-z]+(?:an|ese|ish|i))\s+"
    r"(media|news agency|television|TV|press|newspapers?|broadcaster)\b",
    re.IGNORECASE,
)
# Descriptions that point back at a document, and so at whoever issued it ("the statement said").
DOCUMENT_NOUNS = {"statement", "readout", "release", "communique", "memo", "memorandum", "letter", "message"}
# Agreements speak for the parties that made them ("an accord ... that stipulated ...").
AGREEMENT_NOUNS = {"accord", "agreement", "deal", "pact", "treaty", "declaration", "communique", "pledge"}
# "All papers except Asahi": a name after these is left out of the source.
_EXCLUSION_RE = re.compile(r"\b(except|excluding|other than|apart from|but not|save for)\s+(the\s+)?$", re.IGNORECASE)
TITLE_WORDS = {"mr", "mrs", "ms", "miss", "dr", "sir", "dame", "gen", "sen", "rep", "gov", "lt", "col", "capt", "prof"}
# How near (in characters) an earlier mention must be for a pronoun to reach it.
PRONOUN_REACH = 1500
# How near a named outlet must be to give a generic "state media" its name.
GENERIC_OUTLET_REACH = 1500


def _strip_possessive(text: str) -> str:
    return re.sub(r"[\u2019']s?$", "", text.strip())


@dataclass(slots=True)
class _Person:
    """One person of the article, with every spelling and title seen."""

    canonical: str
    forms: Counter[str] = field(default_factory=Counter)
    roles: list[str] = field(default_factory=list)
    gender: str = "-"
    known: bool = False  # found in the gazetteer of public figures


@dataclass(slots=True)
class _ArticleIndex:
    """People, outlets and organisations one article names, with where."""

    persons: list[_Person]
    by_token: dict[str, list[_Person]]
    person_mentions: list[tuple[int, _Person]]
    outlet_mentions: list[tuple[int, int, Outlet]]
    org_mentions: list[tuple[int, str]]

    def person_for(self, name: str) -> _Person | None:
        key = person_key(name)
        for person in self.persons:
            if key in {person_key(f) for f in person.forms}:
                return person
        tokens = [t for t in key.split() if t not in TITLE_WORDS]
        if not tokens:
            return None
        # A part of a name ("Kim", "Pompeo") points at the one person who has it.
        candidates = {id(p): p for t in tokens for p in self.by_token.get(t, [])}
        matching = [p for p in candidates.values() if all(t in person_key(p.canonical).split() for t in tokens)]
        return _most_mentioned(matching)


@dataclass(slots=True)
class _History:
    """What the quotes resolved so far in an article said, for the mentions that point back."""

    speakers: list[tuple[int, str, str]] = field(default_factory=list)  # (offset, canonical, kind)
    # (sentence start, sentence end, content spans, canonical speaker, kind) of each attributed quote
    sentences: list[tuple[int, int, tuple[Span, ...], str, str]] = field(default_factory=list)
    # (offset, head noun, outlet) of each description that named an outlet ("the paper" -> Asahi Shimbun)
    descriptions: list[tuple[int, str, str]] = field(default_factory=list)


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


def _honorific_gender(person: _Person) -> str | None:
    for role in person.roles:
        first = role.split()[0].strip(".").lower() if role.split() else ""
        if first in _FEMALE_HONORIFICS:
            return "f"
        if first in _MALE_HONORIFICS:
            return "m"
    return None


def _most_mentioned(persons: list[_Person]) -> _Person | None:
    """The one person a partial name points at: the only candidate, or the one named clearly most often."""
    if len(persons) <= 1:
        return persons[0] if persons else None
    ranked = sorted(persons, key=lambda p: -sum(p.forms.values()))
    return ranked[0] if sum(ranked[0].forms.values()) > sum(ranked[1].forms.values()) else None


class Resolver:
    """Resolves the speakers and outlets of one article's detections."""

    def __init__(self, vocab: Vocab, outlets: OutletGazetteer | None = None, *, make_doc=None) -> None:
        self.outlets = outlets or default_outlets()
        self.lexicon = cue_lexicon()
        self.people = default_people()
        aliases = sorted({a for f in self.people.people for a in (f.name, *f.aliases)}, key=len, reverse=True)
        self.people_re = re.compile(r"\b(" + "|".join(re.escape(a) for a in aliases) + r")\b")
        self._exact = PhraseMatcher(vocab, attr="ORTH")
        self._folded = PhraseMatcher(vocab, attr="LOWER")
        make = make_doc or (lambda text: Doc(vocab, words=text.split()))
        for outlet in self.outlets.outlets:
            for alias in {outlet.name, *outlet.aliases}:
                if "(" in alias:
                    continue  # a disambiguated label ("Time (magazine)"), not a form found in text
                pattern = make(alias)
                if alias.isupper():
                    self._exact.add(outlet.name, [pattern])
                else:
                    self._folded.add(outlet.name, [pattern])

    # --- the article index ------------------------------------------------------

    def _has_cue_word(self, ent: SpacySpan) -> bool:
        lexicon = self.lexicon
        for token in ent[1:]:
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

    def _index(self, doc: Doc, text: str) -> _ArticleIndex:
        # The publisher in a dateline ("MOSCOW (Sputnik) -") carries the whole article, not one quote.
        # Nor does a photo credit ("© AP Photo / Evan Vucci") or a navigation link.
        skipped = [m.span() for m in DATELINE_RE.finditer(text)] + furniture_spans(text)
        outlet_mentions = [m for m in self._outlet_mentions(doc) if not any(a <= m[0] < b for a, b in skipped)]
        outlet_chars = {i for a, b, _ in outlet_mentions for i in range(a, b)}
        # "All papers except Asahi wrote ...": Asahi is named to be left out.
        outlet_mentions = [m for m in outlet_mentions if not _excluded(text, m[0])]
        groups: dict[str, _Person] = {}
        mentions: list[tuple[int, str, SpacySpan]] = []
        for ent in doc.ents:
            if ent.label_ != "PERSON" or ent.start_char in outlet_chars:
                continue
            name, title = _split_title(_strip_possessive(ent.text))
            if not name or not name[0].isupper() or self._has_cue_word(ent):
                continue  # "Kim Hopes" in a headline: a name and a verb, not a name
            mentions.append((ent.start_char + ent.text.find(name), name, ent))
        # Full names first, so that a later "Kim" joins "Kim Jong-un".
        persons: list[_Person] = []
        by_token: dict[str, list[_Person]] = {}
        for start, name, ent in sorted(mentions, key=lambda m: (-len(person_key(m[1]).split()), m[0])):
            key = person_key(name)
            person = groups.get(key)
            if person is None:
                tokens = [t for t in key.split() if t not in TITLE_WORDS]
                containing = {id(p): p for t in tokens for p in by_token.get(t, [])}
                matching = [p for p in containing.values() if all(t in person_key(p.canonical).split() for t in tokens)]
                person = _most_mentioned(matching) if matching else None
            if person is None:
                person = _Person(canonical=name)
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
                person = _Person(canonical=figure.name, gender=figure.gender, known=True)
                person.roles.extend(figure.roles)
                persons.append(person)
            person.forms[match.group()] += 1
            person_mentions.append((match.start(), person))
        person_mentions.sort(key=lambda m: m[0])
        org_mentions = [
            (ent.start_char, re.sub(r"^the\s+", "", _strip_possessive(ent.text), flags=re.I))
            for ent in doc.ents
            if ent.label_ in ("ORG", "NORP", "GPE") and ent.start_char not in outlet_chars and not _excluded(text, ent.start_char)
        ]
        return _ArticleIndex(persons, by_token, person_mentions, outlet_mentions, org_mentions)

    # --- resolution -------------------------------------------------------------

    def __call__(
        self, doc: Doc, detections: list[Detection], *, article_id: str = "", text: str | None = None
    ) -> list[Quote]:
        """Quotes for ``detections``; ``text`` is ``doc.text`` when the caller has it (spaCy rebuilds it on each access)."""
        text = doc.text if text is None else text
        index = self._index(doc, text)
        quotes: list[Quote] = []
        history = _History()
        paragraph_outlet = _paragraph_openers(doc, text, index)
        first_opener = next((paragraph_outlet[p] for p in sorted(paragraph_outlet)), None)
        attributed: list[Detection] = []  # detections with a speaker mention, after repair
        for detection in detections:
            detection, repaired = _repair_mention(doc, text, detection, attributed, self.lexicon)
            if detection.speaker_span is not None:
                attributed.append(detection)
            mention = text[slice(*detection.speaker_span)] if detection.speaker_span else None
            speaker, kind, role, resolution, outlet = None, "", None, repaired or "no-speaker", None
            if detection.speaker_span is not None:
                speaker, kind, role, resolution, outlet = self._speaker(doc, text, index, detection, history)
                if repaired:
                    resolution = f"{repaired}+{resolution}"
            channel = _channel_outlet(doc, text, index, detection)
            if outlet is None and channel is not None:
                outlet = channel
            paragraph = text.rfind("\n", 0, detection.content_spans[0][0])
            # "NHK reported that Secretary Pompeo testified ... he responded: ...": what is quoted
            # in a paragraph an outlet opens came through that outlet; a headline, through the
            # outlet that opens the story.
            if outlet is None and kind == "person":
                carrier = first_opener if paragraph < 0 else paragraph_outlet.get(paragraph)
                if carrier is not None:
                    outlet, resolution = carrier, resolution + "+report-opener"
            if speaker is not None:
                history.speakers.append((detection.content_spans[0][0], speaker, kind))
                history.sentences.append((*_sentence_bounds(doc, detection), detection.content_spans, speaker, kind))
            confidence = detection.confidence
            if detection.speaker_span is not None and speaker is None:
                confidence -= 0.1
            elif repaired or resolution.startswith(("pronoun", "description")):
                confidence -= 0.05  # an inference: a pronoun, a description, a mention found outside the cue's clause
            quotes.append(
                Quote(
                    article_id=article_id,
                    content=" ... ".join(text[a:b] for a, b in detection.content_spans),
                    content_spans=detection.content_spans,
                    type=detection.type,
                    cue=text[slice(*detection.cue_span)] if detection.cue_span else None,
                    cue_span=detection.cue_span,
                    speaker_mention=mention,
                    speaker_span=detection.speaker_span,
                    speaker=speaker,
                    speaker_role=role,
                    outlet=outlet,
                    confidence=round(max(0.05, min(confidence, 0.99)), 2),
                    quoted_spans=detection.quoted_spans,
                    rule=detection.rule,
                    resolution=resolution,
                    headline=detection.headline,
                )
            )
        return _name_reports(text, quotes)

    def _speaker(
        self,
        doc: Doc,
        text: str,
        index: _ArticleIndex,
        detection: Detection,
        history: _History,
    ) -> tuple[str | None, str, str | None, str, str | None]:
        """(canonical speaker, kind, role, resolution, outlet) for a detection's speaker mention."""
        start, end = detection.speaker_span  # type: ignore[misc]
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
        names_a_person = head is not None and head.ent_type_ == "PERSON"
        # An outlet named in the mention speaks for itself (but "VOA Director Amanda Bennett" is a person).
        named_outlets = list(dict.fromkeys(o.name for a, b, o in index.outlet_mentions if a >= start and b <= end))
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
        # Descriptions: "the agency", "the paper", "The Supreme Leader", "the official".
        described = self._description(index, span, start, history) if span is not None else None
        if described is not None:
            return described
        persons = [p for a, p in index.person_mentions if start <= a < end]
        if persons and head is not None and head.ent_type_ != "PERSON" and head.pos_ == "NOUN" and head.lower_ not in NAME_TITLES:
            persons = []  # "the Trump administration", "Clinton's campaign": not the person
        if persons:
            unique = list(dict.fromkeys(p.canonical for p in persons))
            role = _role_in_mention(mention, persons[0]) if len(unique) == 1 else None
            resolution = "name" if len(unique) == 1 else "names"
            return "; ".join(sorted(unique)), "person", role, resolution, None
        person = index.person_for(_strip_possessive(mention))
        if person is None and span is not None and head is not None and head.pos_ == "PROPN":
            # "North Korea's Kim": the name is the last proper noun, the rest describes it.
            for token in reversed(span):
                if token.pos_ == "PROPN" and (person := index.person_for(_strip_possessive(token.text))):
                    break
        if person is not None:
            return person.canonical, "person", None, "partial-name", None
        orgs = [name for a, name in index.org_mentions if start <= a < end]
        if orgs:
            return orgs[0], "org", None, "organisation", None
        generic = GENERIC_MEDIA_RE.search(mention)
        if generic is not None:
            outlet = _nearest_outlet(index, start, _generic_kinds(generic.group()))
            if outlet is not None:
                return outlet.name, "outlet", None, "generic-media", outlet.name
        return None, "", None, "unnamed", None

    def _pronoun(
        self, index: _ArticleIndex, pronoun: str, start: int, previous: list[tuple[int, str, str]]
    ) -> tuple[str | None, str, str | None, str, str | None]:
        wanted = {"person"} if pronoun in PERSON_PRONOUNS else ({"org", "outlet"} if pronoun in THING_PRONOUNS else {"org", "outlet", "person"})
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
            earlier = [
                p for a, p in index.person_mentions
                if a < start and start - a <= PRONOUN_REACH and compatible(p.canonical, "person")
            ]
            if earlier:
                return earlier[-1].canonical, "person", None, "pronoun:nearest-person", None
        return None, "", None, "pronoun:unresolved", None

    def _description(
        self, index: _ArticleIndex, span: SpacySpan, start: int, history: _History
    ) -> tuple[str | None, str, str | None, str, str | None] | None:
        words = [t for t in span if not t.is_punct]
        if not words or words[0].lower_ not in ("the", "this", "that") or any(t.ent_type_ == "PERSON" for t in span):
            return None
        head = span.root.lower_
        if head in OUTLET_DESCRIPTIONS:
            outlet = self._described_outlet(index, start, head, history)
            if outlet is not None:
                history.descriptions.append((start, head, outlet.name))
                return outlet.name, "outlet", None, f"description:{head}", outlet.name
            return None, "", None, "description:unresolved", None
        if head in DOCUMENT_NOUNS:
            # "the statement said": whoever was said to have made the statement.
            author = _author_of(span.doc.text, head, start, history)
            if author is not None:
                return author[0], author[1], None, f"description:{head}", author[0] if author[1] == "outlet" else None
            return None, "", None, "description:unresolved", None
        # "the official", "the U.S. president": the person named with the title sharing most words, latest first.
        described = set(person_key(span.text).split()) - {"the", "this", "that"}
        best: tuple[int, int, _Person] | None = None
        for offset, person in index.person_mentions:
            if offset >= start:
                break
            for role in person.roles:
                words = set(person_key(role).split())
                if head in words:
                    shared = len(described & words)
                    if best is None or (shared, offset) >= (best[0], best[1]):
                        best = (shared, offset, person)
        if best is not None:
            return best[2].canonical, "person", None, f"description:{head}", None
        return None

    def _parties(self, index: _ArticleIndex, agreement: Token) -> list[str]:
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
        names = [p.canonical for a, p in index.person_mentions if any(x <= a < y for x, y in offsets)]
        return list(dict.fromkeys(names))

    def _described_outlet(
        self, index: _ArticleIndex, start: int, head: str, history: _History
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
            spoke_since = any(
                kind == "outlet" and said != name and offset < at < start
                and (outlet := self.outlets.lookup(said)) is not None and outlet.kind in kinds
                for at, said, kind in history.speakers
            )
            if not spoke_since:
                return self.outlets.lookup(name)
            break
        return _nearest_outlet(index, start, kinds, before_only=True)


# --- the speaker mention -------------------------------------------------------

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


def _repair_mention(
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
      the quotation that closed the paragraph before (``continuation``);
    * '"...," added a union organiser', '"...," Whitaker notes': the noun phrase right after,
      or the name right before, a cue that follows its quotation (``beside-cue``);
    * a cue with no subject of its own takes the subject of the clause that governs it
      (``controller``).
    """
    cue = _cue_token(doc, detection)
    if detection.speaker_span is not None:
        if cue is not None and _addressee_only(cue):
            return dataclasses.replace(detection, speaker_span=None), "addressee"
        mention = doc.char_span(*detection.speaker_span, alignment_mode="expand")
        if mention is not None and _expletive(mention):
            return dataclasses.replace(detection, speaker_span=None), "expletive"
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
            return dataclasses.replace(detection, cue_span=previous.cue_span, speaker_span=previous.speaker_span), "continuation"
        return detection, None
    if cue is not None:
        beside = _speaker_beside_cue(doc, text, detection, cue)
        if beside is not None:
            return dataclasses.replace(detection, speaker_span=beside), "beside-cue"
        controller = _controller(cue)
        if controller is not None:
            return dataclasses.replace(detection, speaker_span=controller), "controller"
    return detection, None


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
    gap = between.strip(" \t\u00a0,.!?;-\u2013\u2014" + "".join(QUOTE_CHARS))
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
    first = text.index(words[0], end)
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
    if (
        noun.pos_ != "NOUN"
        or noun.ent_type_
        or cue.dep_ != "acl"
        or cue.head.i != noun.i
        or noun.dep_ not in ("dobj", "pobj")
    ):
        return None
    for child in noun.children:
        if child.dep_ == "poss" and child.ent_type_ not in ("DATE", "TIME"):  # not "Thursday's statement"
            return mention_span(child)
        if child.dep_ == "prep" and child.lower_ == "by":
            agent = next((c for c in child.children if c.dep_ == "pobj"), None)
            if agent is not None:
                return mention_span(agent)
    return _controller(noun, document=True)


# '"...," Lindqvist answers.', '"...," she adds.': a name (or a pronoun) and a verb after a quotation.
_TRAILING_RE = re.compile(
    r"[ \t\u00a0,]*((?:[A-Z][\w.\u2019'-]*)(?:[ \u00a0][A-Z][\w.\u2019'-]*){0,3}|he|she|they)[ \u00a0]+([a-z]+)[ \u00a0]*[.,;]"
)


def _trailing_attribution(text: str, detection: Detection, lexicon: CueLexicon) -> tuple[Span, Span] | None:
    """(cue, speaker) of '"...," Lindqvist answers.': a short name and a speech verb closing the quotation's sentence."""
    end = detection.content_spans[-1][1]
    at = end
    while at < len(text) and text[at] in QUOTE_CHARS | {",", " ", "\u00a0"}:
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
    while at > 0 and (text[at - 1] in QUOTE_CHARS or text[at - 1] in " \t\u00a0"):
        at -= 1
    colon = at
    while colon > 0 and text[colon - 1].isspace():
        colon -= 1
    if colon == 0 or text[colon - 1] != ":" or text[colon:at].count("\n") > 2:
        return None
    colon -= 1
    colon_span = doc.char_span(colon, colon + 1, alignment_mode="expand")
    if colon_span is None or not len(colon_span):
        return None
    sentence = colon_span[0].sent
    clause = [t for t in doc[sentence.start : colon_span[0].i] if not t.is_space]
    line_start = text.rfind("\n", 0, colon) + 1
    clause = [t for t in clause if t.idx >= line_start]
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


def _appositive_person(index: _ArticleIndex, head: Token | None) -> _Person | None:
    """ "Her neighbor, Dan Reyes, said": the name set beside a description."""
    if head is None:
        return None
    for child in head.rights:
        if child.dep_ == "appos" and child.ent_type_ == "PERSON":
            start, end = mention_span(child)
            return next((p for a, p in index.person_mentions if start <= a < end), None)
    return None


def _start(detection: Detection) -> int:
    """Where the attribution begins in the text: its content, cue or speaker, whichever is first."""
    return min(span[0] for span in (detection.content_spans[0], detection.cue_span, detection.speaker_span) if span is not None)


def _end(detection: Detection) -> int:
    ends = [b for _, b in detection.content_spans]
    ends += [span[1] for span in (detection.speaker_span, detection.cue_span) if span is not None]
    return max(ends)


def _excluded(text: str, offset: int) -> bool:
    """Whether a name at ``offset`` is named to be left out: "All papers except Asahi"."""
    return _EXCLUSION_RE.search(text, max(0, offset - 30), offset) is not None


def _author_of(text: str, noun: str, start: int, history: _History) -> tuple[str, str] | None:
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


def _paragraph_openers(doc: Doc, text: str, index: _ArticleIndex) -> dict[int, str]:
    """Paragraphs whose first sentence has an outlet as its subject ("NHK reported ...", "Fuji TV took up ...").

    Keyed like the resolver's paragraphs: the offset of the newline before it (-1 for the first).
    A fragment the parser cut off the front of the sentence ("Asahi" | "and Yomiuri took up ...")
    belongs to the subject of the sentence it was cut from.
    """
    openers: dict[int, str] = {}
    seen: set[int] = set()
    fragments: dict[int, int] = {}  # paragraph -> start of the verbless fragments that open it
    for sentence in doc.sents:
        paragraph = text.rfind("\n", 0, sentence.start_char)
        if paragraph in seen:
            continue
        if sentence.root.pos_ not in ("VERB", "AUX"):
            fragments.setdefault(paragraph, sentence.start_char)
            continue
        seen.add(paragraph)
        subjects = [t for t in sentence.root.children if t.dep_ in ("nsubj", "nsubjpass")]
        for subject in subjects:
            a, b = subject.left_edge.idx, subject.right_edge.idx + len(subject.right_edge.text)
            if paragraph in fragments and subject.left_edge.i <= sentence.start + 1:
                a = fragments[paragraph]
            outlets = [o for x, y, o in index.outlet_mentions if a <= x and y <= b]
            if subject.ent_type_ == "PERSON" and not any(x <= subject.idx < y for x, y, _ in index.outlet_mentions):
                continue  # "VOA Director Amanda Bennett says": a person speaks, her employer carries nothing
            if outlets:
                # "Sankei focused on remarks made to ABC News": the medium nearest the speaker carried them.
                others = [
                    o for x, y, o in index.outlet_mentions
                    if sentence.start_char <= x < sentence.end_char and not a <= x < b
                ]
                if others:
                    openers[paragraph] = others[0].name
                elif re.search(r"\s(and|&)\s", text[a:b]):
                    # "Asahi and Yomiuri wrote that ...": both carried it.
                    openers[paragraph] = "; ".join(sorted({o.name for o in outlets}))
                else:
                    openers[paragraph] = outlets[0].name
    return openers


def _conjoined(span: SpacySpan | None) -> bool:
    """ "Asahi and Yomiuri", "Mattis and Onodera": a mention naming several sources."""
    return span is not None and any(t.dep_ == "cc" and t.lower_ in ("and", "&") for t in span)


def _generic_kinds(phrase: str) -> tuple[str, ...]:
    """Which outlets a generic phrase can stand for: "state media" only for state media."""
    if re.match(r"(state|official|government)", phrase, re.IGNORECASE):
        return ("state-media",)
    return ("agency", "state-media", "newspaper", "broadcaster")


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


def _role_in_mention(mention: str, person: _Person) -> str | None:
    """The part of a mention that is a title, not the name."""
    for form in sorted(person.forms, key=len, reverse=True):
        at = mention.find(form)
        if at > 0:
            role = mention[:at].strip(" ,")
            role = re.sub(r"^(the|a|an)\s+", "", role, flags=re.IGNORECASE)
            return role or None
    return person.roles[0] if person.roles else None


def _nearest_outlet(
    index: _ArticleIndex, offset: int, kinds: tuple[str, ...], *, before_only: bool = False
) -> Outlet | None:
    """The named outlet of one of ``kinds`` nearest to ``offset`` (earlier ones first)."""
    # Kinds are in order of preference: "the paper" is a newspaper before it is a state organ.
    earlier = [(kinds.index(o.kind), offset - a, o) for a, _, o in index.outlet_mentions if a < offset and o.kind in kinds]
    if earlier:
        _, distance, outlet = min(earlier, key=lambda m: (m[0], m[1]))
        if distance <= GENERIC_OUTLET_REACH or before_only:
            return outlet
    if before_only:
        return None
    later = [(a - offset, o) for a, _, o in index.outlet_mentions if a >= offset and o.kind in kinds]
    if later:
        distance, outlet = min(later, key=lambda m: m[0])
        if distance <= GENERIC_OUTLET_REACH:
            return outlet
    return None


def _sentence_bounds(doc: Doc, detection: Detection) -> Span:
    start = detection.content_spans[0][0]
    end = detection.content_spans[-1][1]
    first = doc.char_span(start, min(end, start + 1), alignment_mode="expand")
    last = doc.char_span(max(start, end - 1), end, alignment_mode="expand")
    a = first[0].sent.start_char if first is not None and len(first) else start
    b = last[-1].sent.end_char if last is not None and len(last) else end
    if detection.cue_span is not None:
        cue = doc.char_span(*detection.cue_span, alignment_mode="expand")
        if cue is not None and len(cue):
            a, b = min(a, cue[0].sent.start_char), max(b, cue[-1].sent.end_char)
    return a, b


def _channel_outlet(doc: Doc, text: str, index: _ArticleIndex, detection: Detection) -> str | None:
    """An outlet named in the attribution but not as its speaker: "told Reuters", "carried by KCNA"."""
    a, b = _sentence_bounds(doc, detection)
    inside = detection.content_spans
    speaker = detection.speaker_span or (-1, -1)
    for start, end, outlet in index.outlet_mentions:
        if not (a <= start < b) or any(x <= start < y for x, y in inside) or speaker[0] <= start < speaker[1]:
            continue
        return outlet.name
    # A generic channel: "in a message carried by state media", "local media reported".
    for x, y in [(a, b)]:
        chars = list(text[x:y])
        for p, q in inside:  # blank out the content: only the attribution around it names a channel
            for i in range(max(p, x), min(q, y)):
                chars[i - x] = " "
        outside = "".join(chars)
        match = GENERIC_MEDIA_RE.search(outside)
        if match is not None:
            kinds = _generic_kinds(match.group())
            outlet = _nearest_outlet(index, x + match.start(), kinds)
            if outlet is not None:
                return outlet.name
    return None


_REPORTS_SUFFIX_RE = re.compile(r"[\u2013\u2014-]\s*(reports?|media|report says)\s*$", re.IGNORECASE)


def _name_reports(text: str, quotes: list[Quote]) -> list[Quote]:
    """A headline ending "– Reports" came through the outlet the body quotes most."""
    outlets = Counter(q.outlet for q in quotes if q.outlet and not q.headline)
    if not outlets:
        return quotes
    main = outlets.most_common(1)[0][0]
    named = []
    for quote in quotes:
        line_end = text.find("\n", quote.end)
        line = text[quote.end : len(text) if line_end < 0 else line_end]
        if quote.headline and quote.outlet is None and _REPORTS_SUFFIX_RE.search(line):
            quote = dataclasses.replace(quote, outlet=main, resolution=quote.resolution + "+reports")
        named.append(quote)
    return named


def dateline_outlet(text: str, outlets: OutletGazetteer | None = None) -> str | None:
    """The publishing outlet named in a dateline: "MOSCOW (Sputnik) -", "SEOUL, Oct 8 (Reuters) -"."""
    outlets = outlets or default_outlets()
    match = re.search(r"^\s*[A-Z][A-Za-z .,'\-]{1,40}\(([^)]{2,40})\)\s*[-\u2013\u2014]", text[:2000], re.MULTILINE)
    if match is None:
        return None
    outlet = outlets.lookup(match.group(1))
    return outlet.name if outlet is not None else None
