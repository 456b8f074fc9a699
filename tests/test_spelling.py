"""The fast closest-word lookup must give exactly difflib's answer, or spelling repair would drift."""

import difflib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.spelling import Vocabulary

WORDS = ["scholarship", "scholarships", "certification", "certified", "participating", "participation", "county",
         "counties", "grandparenting", "examination", "specialist", "specialists", "supervision", "renewal", "deadline"]
letters = st.text(alphabet="abcdefghijklmnopqrstuvwxyzéñ", min_size=1, max_size=16)


@settings(max_examples=400, deadline=None, database=None)
@given(vocabulary=st.lists(letters.filter(lambda w: w.isascii()), min_size=1, max_size=40) | st.just(WORDS), word=letters,
       cutoff=st.sampled_from([0.6, 0.75, 0.84, 0.9]))
def test_closest_is_exactly_difflibs_answer(vocabulary, word, cutoff):
    expected = difflib.get_close_matches(word, sorted(set(vocabulary)), n=1, cutoff=cutoff)
    assert Vocabulary(vocabulary).closest(word, cutoff) == (expected[0] if expected else None)


def test_misspellings_find_the_corpus_word():
    vocabulary = Vocabulary(WORDS)
    assert vocabulary.closest("scholorship", 0.84) == "scholarship"
    assert vocabulary.closest("grandparentng", 0.84) == "grandparenting"
    assert vocabulary.closest("zebra", 0.84) is None
    assert "county" in vocabulary and "kern" not in vocabulary


def test_empty_and_invalid_vocabularies():
    assert Vocabulary([]).closest("anything", 0.8) is None
    with pytest.raises(ValueError):
        Vocabulary(["Capital"])
