"""The misquote check: how the versions of one utterance differ in words from its first appearance.

A cluster's appearances are grouped by wording: two appearances share a wording when their
match keys (:func:`quotes.text.match_text`) are equal, so punctuation, case, quotation marks,
dashes, ellipses and bracketed insertions never make a new wording. Each wording is then
aligned word by word with the first appearance (difflib's longest matching runs), and its
changes are the differences *inside* the stretch both cover:

- the ends are not changes: an excerpt that starts later or stops earlier, or a fuller
  version that runs on, quotes less or more of the same words;
- an ellipsis or a bracketed insertion ("[the president]") standing where the first
  appearance has words is an acknowledged cut or clarification, not a change;
- everything else (a word replaced, inserted or dropped) is: "we will not win" against
  "we will win" is ``{"first": "", "this": "not"}``.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from quotes.marks import speaker_words
from quotes.records import Appearance, Change, Variant
from quotes.text import match_text

__all__ = ["changed_pieces", "variants", "wording_changes"]

# An editor's mark standing for words: an ellipsis, or a bracketed insertion that is not glued
# to a word ("[W]e" edits a word and is read by match_text).
_EDIT_MARK = re.compile(r"\.\s*\.(?:\s*\.)+|\u2026|(?<!\w)\[[^\[\]]*\](?!\w)")
_GAP = None  # the token an editor's mark becomes: it matches nothing, and stands for what it replaces


@dataclass(frozen=True, slots=True)
class _Wording:
    key: str
    tokens: tuple[str | None, ...]


def _wording(text: str) -> _Wording:
    key = match_text(text)
    marks = list(_EDIT_MARK.finditer(text))
    if not marks:  # most quotes: the words are the match key's
        return _Wording(key, tuple(key.split()))
    tokens: list[str | None] = []
    at = 0
    for mark in marks:
        tokens.extend(match_text(text[at : mark.start()]).split())
        tokens.append(_GAP)
        at = mark.end()
    tokens.extend(match_text(text[at:]).split())
    return _Wording(key, tuple(tokens))


def wording_changes(first: str, this: str) -> tuple[Change, ...]:
    """The word-level changes of ``this`` against ``first`` (none when only the form differs).

    Example:
        >>> wording_changes("We will win the vote.", "“We will not win the vote…”")
        (Change(first='', this='not'),)
    """
    return _changes(_wording(first), _wording(this))


def _changes(first: _Wording, this: _Wording) -> tuple[Change, ...]:
    if first.key == this.key:
        return ()
    a, b = first.tokens, this.tokens
    opcodes = SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    equal = [n for n, op in enumerate(opcodes) if op[0] == "equal"]
    if not equal:  # nothing in common: the whole wording is the change
        return (Change(_words(a), _words(b)),)
    changes = []
    for tag, i1, i2, j1, j2 in opcodes[equal[0] + 1 : equal[-1]]:
        if tag == "equal":
            continue
        theirs, ours = a[i1:i2], b[j1:j2]
        if _GAP in ours and not any(ours) or _GAP in theirs and not any(theirs):
            continue  # an ellipsis or insertion where the other has words (or only marks)
        change = Change(_words(theirs), _words(ours))
        if change.first or change.this:
            changes.append(change)
    return tuple(changes)


def _words(tokens: Sequence[str | None]) -> str:
    return " ".join(t for t in tokens if t is not None)


def variants(
    appearances: Sequence[Appearance],
    *,
    wordings: Sequence[Hashable] | None = None,
    compared: Sequence[str] | None = None,
) -> tuple[Variant, ...]:
    """The wordings of a cluster's appearances (given first appearance first), each with its changes.

    The first wording is the first appearance's own and has no changes; every other wording
    lists its appearances in the order given, names the earliest (``first_id``: the article
    that introduced it) and its word-level changes against the first appearance.
    Appearances are compared on the speaker's words (:func:`quotes.marks.speaker_words`: in a
    paraphrase, only its quoted parts), or on ``compared`` when the caller has them;
    ``wordings`` are the match keys of those (or digests of them).
    """
    if not appearances:
        return ()
    texts = compared if compared is not None else [speaker_words(a.text or "") for a in appearances]
    keys = wordings if wordings is not None else [match_text(t) for t in texts]
    groups: dict[Hashable, list[int]] = {}
    for n, key in enumerate(keys):
        groups.setdefault(key, []).append(n)
    # Aligned only when there is something to align: most clusters have one wording.
    original = _wording(texts[0]) if len(groups) > 1 else None
    return tuple(
        Variant(
            ids=tuple(appearances[i].quote_id for i in members),
            text=appearances[members[0]].text or "",
            first_id=appearances[members[0]].quote_id,
            changes=_changes(original, _wording(texts[members[0]])) if original and n else (),
        )
        for n, members in enumerate(groups.values())
    )


_WORD = re.compile(r"(\w[\w'’-]*)")


def changed_pieces(text: str, changes: Sequence[Change]) -> list[tuple[str, bool]]:
    """A wording cut into pieces, each flagged when it is a word this wording has in place of the first's.

    For display: the pieces join back into ``text``.

    Example:
        >>> changed_pieces("we will not win", [Change(first="", this="not")])
        [('we', False), (' ', False), ('will', False), (' ', False), ('not', True), (' ', False), ('win', False)]
    """
    marked = {word for change in changes for word in change.this.split()}
    return [(piece, bool(marked) and match_text(piece) in marked) for piece in _WORD.split(text) if piece]
