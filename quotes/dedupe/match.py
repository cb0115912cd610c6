"""The pair decision: whether two quotes are (parts of) the same utterance."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz

from quotes.marks import speaker_words, without_inner_quotations
from quotes.text import match_text, same_speaker, speaker_key

__all__ = ["DEFAULT_OPTIONS", "MatchOptions", "replace_options", "same_utterance"]

# Days from a cluster's first date past which the same words are another occasion (docs/deduplication.md).
OCCASION_DAYS = 180
PHRASE_OCCASION_DAYS = 30


@dataclass(frozen=True, slots=True)
class MatchOptions:
    """Thresholds of the pair decision; the defaults were chosen on PolNeAR pairs (docs/deduplication.md).

    Attributes:
        near: rapidfuzz ``fuzz.ratio`` (0-100) on the two match keys at or above
            which two quotes are the same text re-punctuated, re-cased or
            slightly re-worded.
        containment: share (0-1) of the shorter quote's words that must be
            found, in order, in one place of the longer one for it to count
            as a fragment of it.
        min_fragment_words: a fragment needs at least this many words; shorter
            stock phrases ("boots on the ground") never merge by containment.
        speaker_fragment_words: the same, when both quotes have a resolved
            speaker and it is the same person: then a shorter fragment ("her
            mind is shot") is evidence enough.
        overlap_words: two excerpts cut at different places merge when the end
            of one and the start of the other share this many words.
        exact_below_words: a quote of fewer words matches only word for word
            (found whole in the longer one, a misspelt long word aside):
            neither ``near`` nor ``containment`` applies to it.
        use_speakers: never merge quotes whose resolved speakers differ.
        occasion_days: the same words published more than this many days from a
            cluster's first date are another occasion: a new cluster, linked to
            that one as a repeat (``None``: dates are not used).
        phrase_occasion_days: the same, for a match of fewer than
            ``min_fragment_words`` words (a slogan, a nickname, a chant: what speakers
            say again and again).
    """

    near: float = 90.0
    containment: float = 0.875
    min_fragment_words: int = 5
    speaker_fragment_words: int = 4
    overlap_words: int = 8
    exact_below_words: int = 11
    use_speakers: bool = True
    occasion_days: int | None = OCCASION_DAYS
    phrase_occasion_days: int | None = PHRASE_OCCASION_DAYS

    def __post_init__(self) -> None:
        if self.occasion_days is not None and self.occasion_days < 0:
            raise ValueError(f"occasion_days={self.occasion_days} is negative")
        if not 0 <= self.near <= 100:
            raise ValueError(f"near={self.near} is not a rapidfuzz score between 0 and 100")
        if not 0 < self.containment <= 1:
            raise ValueError(f"containment={self.containment} is not a share between 0 and 1")


DEFAULT_OPTIONS = MatchOptions()


@lru_cache(maxsize=1 << 16)
def _cached_speaker_key(name: str) -> str | None:
    # the same few thousand speaker names recur across a million quotes
    return speaker_key(name)


# Lower-case words inside proper names ("the Department of State", "Charles de Gaulle").
_NAME_JOINERS = frozenset("the of and for on in at de del der la le van von y".split())
# Words a headline capitalises and a name does not ("Visa Program Up for Renewal Amid ...").
_HEADLINE_WORDS = frozenset(
    "a about after against amid an and are as at be by could do for from in into is of on or over says"
    " the to up was were when what will with".split()
)
_NAME_MAX_WORDS = 12  # longer than any name but an agency's full title
_NAME_WORD_RE = re.compile(r"[^\W\d_][\w'’.&-]*")
_SENTENCE_MARK_RE = re.compile(r"[!?:;]|[.,]\W*$")


def _only_a_name(words: str) -> bool:
    """Whether a quote's words are nothing but a proper name.

    A name quoted in passing ("the North American Free Trade Agreement") is found
    inside many sentences that are not one utterance. A title-case headline
    ("Another GOP Figure Endorses Hillary Clinton.") is not a name: it ends as a
    sentence or capitalises a small word; text in capitals says nothing either way.

    Example:
        >>> _only_a_name("the North American Free Trade Agreement"), _only_a_name("Lock her up!")
        (True, False)
    """
    if words.isupper() or _SENTENCE_MARK_RE.search(words):
        return False
    found = _NAME_WORD_RE.findall(words)
    if sum(word[0].isupper() for word in found) < 2:
        return False
    return all(
        word in _NAME_JOINERS if word[0].islower() else n == 0 or word.lower() not in _HEADLINE_WORDS
        for n, word in enumerate(found)
    )


@dataclass(slots=True)
class _Key:
    """What the matcher compares: the match text, its words, the speaker key, whether it is a name."""

    norm: str
    tokens: list[str]
    speaker: str | None
    name: bool = False
    distinct: set[str] | None = None  # its words as a set, made when it is first compared

    def vocabulary(self) -> set[str]:
        if self.distinct is None:
            self.distinct = set(self.tokens)
        return self.distinct

    @classmethod
    def of(cls, text: str, speaker: str | None) -> _Key:
        # a quote quoting someone else is its own utterance, not a version of theirs
        own = without_inner_quotations(text)
        norm = match_text(own)
        tokens = norm.split()
        name = len(tokens) <= _NAME_MAX_WORDS and _only_a_name(own)
        return cls(norm, tokens, _cached_speaker_key(speaker) if speaker else None, name)


def _word_window(norm: str, start: int, end: int) -> list[str]:
    """The words of ``norm`` touched by the character range, widened to whole words."""
    while start > 0 and norm[start - 1] != " ":
        start -= 1
    while end < len(norm) and norm[end] != " ":
        end += 1
    return norm[start:end].split()


def _misspelt(a: str, b: str) -> bool:
    """Whether two words are one word spelt two ways ("goverment"): long, and nearly the same letters."""
    return len(a) >= 5 and len(b) >= 5 and fuzz.ratio(a, b, score_cutoff=80) > 0


def _contained(short: _Key, long: _Key, share: float, *, strict: bool = False) -> bool:
    """Whether ``share`` of the short quote's words appear, in order, in one place of the long one.

    A long word spelt otherwise ("goverment") counts as found. ``strict``: no word of the
    short quote may stand where the long one has another word ("to help" / "to hurt").
    """
    n = len(short.tokens)
    # most candidates share a phrase, not the quote: short words missing from the long
    # quote altogether (no misspelling of five letters or more) rule them out cheaply
    present = long.vocabulary()
    missing = [token for token in short.tokens if token not in present]
    if sum(len(token) < 5 for token in missing) > (1 - share) * n or len(missing) == n:
        return False
    # rapidfuzz finds where the short text fits best (character level, tolerant of
    # typos); the words around that place are then aligned word by word.
    # Below 60 no real fragment scored on the benchmark (its lowest was 68, a
    # fragment with a repeated phrase inside); the cutoff lets rapidfuzz stop early.
    where = fuzz.partial_ratio_alignment(short.norm, long.norm, score_cutoff=60)
    if where is None:
        return False
    # the long version may hold extra words inside the fragment (a repetition, an aside)
    margin = len(short.norm)
    window = _word_window(long.norm, max(0, where.dest_start - margin), where.dest_end + margin)
    if n == 1 or len(window) == 1:
        return short.tokens == window
    found = _found(short.tokens, window, share, strict)
    if found or not missing:
        return found
    # a misspelt word is read as the word it stands for, so it breaks no run (tried last: it is rare)
    spelt = {t: next((w for w in window if _misspelt(t, w)), t) for t in missing if len(t) >= 5}
    return _found([spelt.get(t, t) for t in short.tokens], window, share, strict)


def _found(tokens: list[str], window: list[str], share: float, strict: bool) -> bool:
    # Only runs of two or more words count: a lone common word is chance, so
    # "if you look at it" is not found in "if you look at Playbook, it ...".
    # difflib takes the longest run first; an arbitrary longest common
    # subsequence (rapidfuzz's Indel.opcodes) may split a run on a stray "i".
    matcher = SequenceMatcher(None, tokens, window, autojunk=False)
    common = sum(block.size for block in matcher.get_matching_blocks() if block.size >= 2)
    if common < share * len(tokens):
        return False
    return not strict or all(op[0] != "replace" for op in matcher.get_opcodes())


def _edge_overlap(a: list[str], b: list[str], words: int) -> bool:
    """Whether the end of one excerpt is the start of the other, for at least ``words`` words."""
    for first, second in ((a, b), (b, a)):
        head = second[:words]
        if len(head) < words:
            return False
        start = 0
        while True:
            try:
                i = first.index(head[0], start)
            except ValueError:
                break
            tail = first[i:]
            if len(tail) >= words and tail == second[: len(tail)]:
                return True
            start = i + 1
    return False


def _match(a: _Key, b: _Key, options: MatchOptions) -> bool:
    if options.use_speakers and not same_speaker(a.speaker, b.speaker):
        return False
    if a.norm == b.norm:
        return bool(a.norm)
    short, long = (a, b) if len(a.tokens) <= len(b.tokens) else (b, a)
    if short.name:
        return False
    known = options.use_speakers and a.speaker is not None and b.speaker is not None
    if len(short.tokens) < options.exact_below_words:
        # One changed word in a short quote is often another statement ("does more to help
        # the economy" / "to hurt"): a fragment, but none of its words replaced.
        if len(short.tokens) < (options.speaker_fragment_words if known else options.min_fragment_words):
            return False
        return _contained(short, long, options.containment, strict=True) or _edge_overlap(
            a.tokens, b.tokens, options.overlap_words
        )
    if fuzz.ratio(a.norm, b.norm, score_cutoff=options.near):
        return True
    if _contained(short, long, options.containment):
        return True
    return _edge_overlap(a.tokens, b.tokens, options.overlap_words)


def same_utterance(
    a: str,
    b: str,
    *,
    speaker_a: str | None = None,
    speaker_b: str | None = None,
    options: MatchOptions | None = None,
) -> bool:
    """Whether two quotes are (parts of) the same utterance.

    True when, after :func:`~quotes.text.match_text`, they are near-identical,
    one is a fragment of the other, or they are excerpts that overlap end to
    start; and their speakers, when both are known, can be the same person.

    Example:
        >>> same_utterance("Her mind is shot — resign!", "“her mind is shot - resign”")
        True
    """
    options = options or DEFAULT_OPTIONS
    return _match(_Key.of(speaker_words(a), speaker_a), _Key.of(speaker_words(b), speaker_b), options)


def replace_options(options: MatchOptions | None = None, **changes: Any) -> MatchOptions:
    """``options`` (or the defaults) with some thresholds changed."""
    return dataclasses.replace(options or DEFAULT_OPTIONS, **changes)
