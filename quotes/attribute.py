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

Each quote keeps the mention as written beside the canonical name, a role when
the text gives one, a confidence and ``resolution``: the rule that named the
speaker, for a fact-checker who asks why.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from dataclasses import dataclass, field

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span as SpacySpan, Token
from spacy.vocab import Vocab

from quotes.detect import DATELINE_RE, Detection, furniture_spans, mention_span
from quotes.lexicon import Outlet, OutletGazetteer, cue_lexicon, default_outlets, default_people, person_key
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


# Titles written before a name that are not part of it ("Spokesperson Dana W. White", "PM Abe").
NAME_TITLES = {
    "president", "vice", "secretary", "minister", "prime", "pm", "spokesperson", "spokesman", "spokeswoman",
    "chairman", "chairwoman", "chair", "director", "senator", "sen", "rep", "representative", "gov", "governor",
    "general", "gen", "admiral", "adm", "ambassador", "chief", "leader", "king", "queen", "pope", "judge",
    "justice", "mayor", "mr", "mrs", "ms", "dr", "sir", "lord", "lady", "premier", "chancellor", "deputy",
    "foreign", "defense", "defence", "state", "press", "envoy", "commander", "lt", "col", "capt", "prof",
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
            if ent.label_ in ("ORG", "NORP", "GPE") and ent.start_char not in outlet_chars
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
        previous_speakers: list[tuple[int, str, str]] = []  # (offset, canonical, kind)
        paragraph_outlet = _paragraph_openers(doc, text, index)
        first_opener = next((paragraph_outlet[p] for p in sorted(paragraph_outlet)), None)
        for detection in detections:
            mention = text[slice(*detection.speaker_span)] if detection.speaker_span else None
            speaker, kind, role, resolution, outlet = None, "", None, "no-speaker", None
            if detection.speaker_span is not None:
                speaker, kind, role, resolution, outlet = self._speaker(doc, text, index, detection, previous_speakers)
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
                previous_speakers.append((detection.content_spans[0][0], speaker, kind))
            confidence = detection.confidence
            if detection.speaker_span is not None and speaker is None:
                confidence -= 0.1
            elif resolution.startswith(("pronoun", "description")):
                confidence -= 0.05
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
        previous: list[tuple[int, str, str]],
    ) -> tuple[str | None, str, str | None, str, str | None]:
        """(canonical speaker, kind, role, resolution, outlet) for a detection's speaker mention."""
        start, end = detection.speaker_span  # type: ignore[misc]
        mention = text[start:end]
        span = doc.char_span(start, end, alignment_mode="expand")
        head = span.root if span is not None else None
        if head is not None and len(span) == 1 and head.tag_ in ("WP", "WDT") and head.head.dep_ == "relcl":
            # "the minister, who said ...": the mention stays "who", the speaker is the minister.
            start, end = mention_span(head.head.head)
            span = doc.char_span(start, end, alignment_mode="expand")
            head = span.root if span is not None else None
            mention = text[start:end]
        lowered = mention.strip().lower()
        names_a_person = head is not None and head.ent_type_ == "PERSON"
        # An outlet named in the mention speaks for itself (but "VOA Director Amanda Bennett" is a person).
        named_outlets = list(dict.fromkeys(o.name for a, b, o in index.outlet_mentions if a >= start and b <= end))
        if named_outlets and not names_a_person:
            name = "; ".join(sorted(named_outlets)) if _conjoined(span) else named_outlets[-1]
            return name, "outlet", None, "outlet", name
        if head is not None and head.lower_ in PERSON_PRONOUNS | GROUP_PRONOUNS | THING_PRONOUNS and len(span) <= 2:
            return self._pronoun(index, head.lower_, start, previous)
        if lowered in FIRST_PERSON:
            return None, "", None, "first-person", None
        # Descriptions: "the agency", "the paper", "The Supreme Leader", "the official".
        described = self._description(index, span, start) if span is not None else None
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
        self, index: _ArticleIndex, span: SpacySpan, start: int
    ) -> tuple[str | None, str, str | None, str, str | None] | None:
        words = [t for t in span if not t.is_punct]
        if not words or words[0].lower_ not in ("the", "this", "that") or any(t.ent_type_ == "PERSON" for t in span):
            return None
        head = span.root.lower_
        if head in OUTLET_DESCRIPTIONS:
            outlet = _nearest_outlet(index, start, OUTLET_DESCRIPTIONS[head], before_only=True)
            if outlet is not None:
                return outlet.name, "outlet", None, f"description:{head}", outlet.name
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


def _paragraph_openers(doc: Doc, text: str, index: _ArticleIndex) -> dict[int, str]:
    """Paragraphs whose first sentence has an outlet as its subject ("NHK reported ...", "Fuji TV took up ...").

    Keyed like the resolver's paragraphs: the offset of the newline before it (-1 for the first).
    """
    openers: dict[int, str] = {}
    seen: set[int] = set()
    for sentence in doc.sents:
        paragraph = text.rfind("\n", 0, sentence.start_char)
        if paragraph in seen:
            continue
        seen.add(paragraph)
        subjects = [t for t in sentence.root.children if t.dep_ in ("nsubj", "nsubjpass")]
        for subject in subjects:
            a, b = subject.left_edge.idx, subject.right_edge.idx + len(subject.right_edge.text)
            outlets = [o for x, y, o in index.outlet_mentions if a <= x and y <= b]
            if outlets:
                # "Sankei focused on remarks made to ABC News": the medium nearest the speaker carried them.
                others = [
                    o for x, y, o in index.outlet_mentions
                    if sentence.start_char <= x < sentence.end_char and not a <= x < b
                ]
                openers[paragraph] = (others or outlets)[0].name
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
