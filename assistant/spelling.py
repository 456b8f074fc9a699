"""The corpus word closest to a misspelled one: difflib's answer, without running difflib on every word.

`difflib.get_close_matches` over a few thousand corpus words was 38% of answer time. A word can
only reach the cutoff if its letter counts allow it (difflib's own `quick_ratio` bound), and that
bound is one numpy operation over the whole vocabulary; difflib then ranks the few survivors, so
the result is exactly difflib's.
"""

import difflib
from collections.abc import Iterable

import numpy as np

_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_SLOT = {c: i for i, c in enumerate(_LETTERS)}
_OTHER = len(_LETTERS)


def _letter_counts(word: str) -> np.ndarray:
    counts = np.zeros(_OTHER + 1, dtype=np.int32)
    for c in word:
        counts[_SLOT.get(c, _OTHER)] += 1
    return counts


class Vocabulary:
    """Lower-case a–z words; `closest("scholorship", 0.84)` → "scholarship"."""

    def __init__(self, words: Iterable[str]):
        self.words = sorted(set(words))
        if any(not w or set(w) - set(_LETTERS) for w in self.words):
            raise ValueError("vocabulary words must be lower-case a-z")
        self._known = set(self.words)
        self._lengths = np.array([len(w) for w in self.words], dtype=np.float64)
        self._counts = np.array([_letter_counts(w) for w in self.words], dtype=np.int32).reshape(len(self.words), _OTHER + 1)

    def __contains__(self, word: str) -> bool:
        return word in self._known

    def __len__(self) -> int:
        return len(self.words)

    def closest(self, word: str, cutoff: float) -> str | None:
        if not self.words:
            return None
        shared = np.minimum(self._counts, _letter_counts(word)).sum(axis=1)
        bound = 2.0 * shared / (self._lengths + len(word))
        candidates = [self.words[i] for i in np.flatnonzero(bound >= cutoff - 1e-9)]
        match = difflib.get_close_matches(word, candidates, n=1, cutoff=cutoff)
        return match[0] if match else None
