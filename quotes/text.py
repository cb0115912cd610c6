"""Normalisation for matching: match keys for quote text and speaker names.

Nothing here changes a stored text. :func:`match_text` returns a *key*, a new
string used only to compare two quotes, so "“We will win” […]" and
"'we will win' ..." compare equal while each record keeps its own spelling.

The steps follow :mod:`textacy.preprocessing` (``normalize.unicode``,
``normalize.quotation_marks``, ``normalize.whitespace``, ``remove.accents``,
``remove.brackets``), fused into one translation table and a few regexes
because the deduplicator calls them on millions of quotes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable

from textacy.preprocessing import normalize as tx_normalize
from textacy.preprocessing import remove as tx_remove
from textacy.preprocessing.resources import QUOTE_TRANSLATION_TABLE

__all__ = [
    "match_text",
    "match_tokens",
    "same_speaker",
    "speaker_key",
    "unify_speakers",
]

# textacy's table maps curly quotes and apostrophes to ASCII; we add the marks
# news text also uses («», „, ‹›, primes) and map every dash to a space, since
# "Kim Jong-un" / "Kim Jong Un" and "2017–2018" / "2017 - 2018" are the same words.
_TABLE: dict[int, int | str | None] = dict(QUOTE_TRANSLATION_TABLE)
_TABLE.update({ord(c): '"' for c in "«»„‟″〝〞＂"})
_TABLE.update({ord(c): "'" for c in "‹›‚‛′＇"})
_TABLE.update({ord(c): " " for c in "-‐‑‒–—―−﹘﹣－_/"})
# Zero-width characters vanish (as in textacy's normalize.whitespace), so a
# word split by one is still one word.
_TABLE.update({ord(c): None for c in "\u200b\u200c\u200d\u2060\ufeff\u00ad"})

# An ellipsis stands for cut words: it separates, it is not a word.
_ELLIPSIS = re.compile(r"\.\s*\.(?:\s*\.)+|…")
# A bracket glued to a word edits the word ("[W]e", "protect[s]"): keep its letters.
_GLUED_BRACKET = re.compile(r"\[([^\[\]\s]{1,3})\](?=\w)|(?<=\w)\[([^\[\]\s]{1,3})\]")
# A possessive is dropped, so "ISIS's" and "ISIS'" are both "isis"; other
# apostrophes are deleted, not spaced, so "don't" stays one token ("dont").
_POSSESSIVE = re.compile(r"(?<=\w)'s\b|(?<=s)'(?!\w)")
_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")
_NON_WORD = re.compile(r"[\W_]+")


def _unglue(match: re.Match[str]) -> str:
    return match.group(1) or match.group(2) or ""


def match_text(text: str) -> str:
    """The match key of a quote: a lowercase, punctuation-free, single-spaced string.

    Applied, in order: Unicode NFKC (so "…" becomes "..." and full-width
    letters become ASCII), accents removed, quotation marks and apostrophes
    unified, dashes to spaces, ellipses dropped, bracketed editorial insertions
    dropped ("[the president]", "[sic]") while glued ones keep their letters
    ("[W]e" -> "we"), case folded, punctuation removed, whitespace collapsed.

    Args:
        text: a quote exactly as stored.

    Returns:
        A new string for comparison only; ``text`` itself is never changed.

    Example:
        >>> match_text("“We’ll do business [with North Korea] … soon,” he said")
        'well do business soon he said'
    """
    text = text.translate(_TABLE)
    if not text.isascii():  # most quotes are ASCII once their curly quote marks are
        text = tx_normalize.unicode(text, form="NFKC")
        text = tx_remove.accents(text).translate(_TABLE)
    if "[" in text:
        text = _GLUED_BRACKET.sub(_unglue, text)
        text = tx_remove.brackets(text, only="square")
    if "." in text or "…" in text:
        text = _ELLIPSIS.sub(" ", text)
    text = text.casefold()
    if "'" in text:
        text = _APOSTROPHE.sub("", _POSSESSIVE.sub("", text))
    return " ".join(_NON_WORD.sub(" ", text).split())


def match_tokens(text: str) -> list[str]:
    """The words of :func:`match_text`."""
    return match_text(text).split()


# --- speakers -----------------------------------------------------------------

# Words that say what someone is, not who: dropped from the front of a name.
# A name like "U.S. Secretary of State Mike Pompeo" loses "us secretary of state".
_TITLES = frozenset(
    """
    the a an mr mrs ms miss mx dr prof professor sir dame lord lady rev reverend
    president presidentelect vice secretary state senator sen rep representative
    congressman congresswoman gov governor mayor minister prime pm chancellor
    chairman chairwoman chair speaker leader supreme general gen adm admiral col
    colonel lt sgt capt captain judge justice attorney ambassador spokesman
    spokeswoman spokesperson candidate nominee former us u s uk of for and
    king queen prince princess pope chief director deputy foreign defense defence
    democratic republican democrat gop sec mister madam
    """.split()
)
# What speaks for a name rather than being described by it: "the Trump campaign" is Trump's voice.
_SPEAKS_FOR = frozenset(
    "campaign camp office team staff spokesman spokeswoman spokesperson administration government".split()
)
_PRONOUNS = frozenset("i me we us you he him she her they them it this that who one".split())
_DETERMINERS = frozenset("the a an this that these those his her their its our my one another some".split())


def speaker_key(name: str | None) -> str | None:
    """A key that is equal for the spellings of one speaker's name, or None.

    "Kim Jong Un", "Kim Jong-un", "KIM JONG UN" and "North Korean leader
    Kim Jong-un" all give ``"kim jong un"``; "President Donald J. Trump" and
    "Donald Trump" give ``"donald trump"``. Pronouns and descriptions without a
    name ("he", "the official", "a spokesman") give None: they are not a
    resolved speaker, so they never keep two quotes apart.

    Rules: what follows a comma or bracket is dropped (an apposition); when
    the name has capitalised words, only their last run is kept (it drops
    lowercase descriptions like "North Korean leader"), with the lowercase
    words after it when they name a group the name describes ("Republican
    primary voters" is not "Republican"; "the Trump campaign" is "trump"); then everything up to
    the last title word ("Secretary", "Director") and middle initials are
    dropped, and the rest goes through :func:`match_text`.
    """
    if not name:
        return None
    # An apposition or a note in brackets follows the name: "Chris Coons, Democrat of Delaware".
    name = re.split(r"[,(;]", name, maxsplit=1)[0]
    words = name.replace("’", "'").split()
    if not words:
        return None
    # A possessive ("Trump's campaign") is not part of the name.
    words = [w[:-2] if w.endswith("'s") else w for w in words]
    capitalised = [i for i, w in enumerate(words) if w[:1].isupper()]
    if capitalised and not all(w[:1].isupper() for w in words):
        # keep the last maximal run of capitalised words; the lowercase words after it name who
        # speaks when they are a group the name describes ("Republican primary voters", "Kim Jong
        # Un's sister"), not when they speak for it ("Clinton's campaign", "Trump's spokesman")
        end = capitalised[-1]
        start = end
        while start - 1 >= 0 and words[start - 1][:1].isupper():
            start -= 1
        head = [w.lower() for w in words[end + 1 :]]
        if head and all(w.isalpha() for w in head) and not _SPEAKS_FOR.intersection(head):
            return match_text(" ".join(words[start:]))
        words = words[start : end + 1]
    elif not capitalised and words[0].lower() in _DETERMINERS:
        return None  # "the agency", "a senior official": a description, not a name
    tokens = match_text(" ".join(words)).split()
    # Drop everything up to the last title ("voa director amanda bennett" -> "amanda bennett"),
    # unless the title is the last word, which then is most likely a surname.
    if all(t in _TITLES for t in tokens):
        return None  # "The Supreme Leader", "President": a role, not a name
    titles = [i for i, t in enumerate(tokens[:-1]) if t in _TITLES]
    if titles:
        tokens = tokens[titles[-1] + 1 :]
    if len(tokens) > 2:
        # "donald j trump" -> "donald trump"; a lone initial is not what tells people apart
        tokens = [t for i, t in enumerate(tokens) if len(t) > 1 or i in (0, len(tokens) - 1)]
    if not tokens or (len(tokens) == 1 and tokens[0] in _PRONOUNS):
        return None
    return " ".join(tokens)


def same_speaker(a: str | None, b: str | None) -> bool:
    """Whether two speaker keys can name the same person.

    Equal keys can; so can a shorter key whose words appear, in order, in the
    longer one, when it is a single word ("trump" / "donald trump",
    "kim" / "kim jong un") or ends like it ("hillary clinton" /
    "hillary rodham clinton"). "donald trump" and "donald trump jr" cannot.
    A missing key (None) is compatible with everything.
    """
    if a is None or b is None or a == b:
        return True
    short, long = sorted((a.split(), b.split()), key=len)
    if len(short) == len(long):
        return False
    if len(short) > 1 and short[-1] != long[-1]:
        return False
    it = iter(long)
    return all(word in it for word in short)


def spellings_by_key(
    names: Iterable[str | None], key: Callable[[str], str | None] | None = None
) -> tuple[dict[str, int], dict[str, list[str]]]:
    """How often each spelling occurs, and the spellings grouped by speaker key."""
    key = key or speaker_key
    counts: dict[str, int] = {}
    for name in names:
        if name:
            counts[name] = counts.get(name, 0) + 1
    by_key: dict[str, list[str]] = {}
    for name in counts:
        found = key(name)
        if found:
            by_key.setdefault(found, []).append(name)
    return counts, by_key


def unify_speakers(names: Iterable[str | None]) -> dict[str, str]:
    """Map each spelling of a name to one display form shared by its variants.

    Spellings with the same :func:`speaker_key` are grouped; a short form
    ("Trump") joins a longer one ("Donald Trump") when exactly one longer
    form is compatible with it. Each group is shown in its most frequent
    spelling that is not all capitals, from its most complete key.

    Example:
        >>> unify_speakers(["Kim Jong Un", "KIM JONG UN", "Kim Jong-un", "Kim Jong Un"])["KIM JONG UN"]
        'Kim Jong Un'
    """
    counts, by_key = spellings_by_key(names)
    # attach each key to the one most complete key it is compatible with, if unique
    parent: dict[str, str] = {}
    keys = sorted(by_key, key=lambda k: (-len(k.split()), k))
    for key in keys:
        longer = [k for k in keys if len(k.split()) > len(key.split()) and same_speaker(k, key)]
        roots = {parent.get(k, k) for k in longer}
        parent[key] = roots.pop() if len(roots) == 1 else key
    groups: dict[str, list[str]] = {}
    for key, spellings in by_key.items():
        groups.setdefault(parent[key], []).extend(spellings)
    result: dict[str, str] = {}
    for root, spellings in groups.items():
        display = preferred_spelling(by_key[root], counts)
        for spelling in spellings:
            result[spelling] = display
    return result


def preferred_spelling(spellings: Iterable[str], counts: dict[str, int] | None = None) -> str:
    """The spelling to show: not all capitals, then most frequent, then first seen."""
    ordered = list(spellings)
    counts = counts or {}
    return min(
        ordered,
        key=lambda s: (s.isupper(), -counts.get(s, 1), ordered.index(s)),
    )
