"""Texting shorthand is read as the words it stands for, and only where a number or a letter cannot be meant."""

import pytest

from assistant.query import analyze
from assistant.shorthand import plain


@pytest.mark.parametrize("typed,read", [
    ("wat does the acronym stand 4", "what does the acronym stand for"),
    ("is it free 4 peers?", "is it free for peers?"),
    ("can u send ur form thru email", "can you send your form through email"),
    ("a website w all the info on training n the exam", "a website with all the info on training and the exam"),
    ("tbh idk when the class is", "when the class is"),
    ("can i still apply rn", "can i still apply now"),
])
def test_shorthand_is_spelled_out(typed, read):
    assert plain(typed) == read


@pytest.mark.parametrize("typed", ["I worked 4 years as a peer", "see section 4.", "what is on page 4?", "W 2nd St",
                                   "the letter n", "Is Form R required for U visas?"])
def test_numbers_and_letters_that_mean_themselves_stay(typed):
    assert plain(typed) == typed


def test_a_question_typed_in_shorthand_is_understood_as_the_kind_of_question_it_is():
    assert analyze("wat does HCAI stand 4", []).answer_type == "definition"
    assert analyze("¿Qué es u?", []).cleaned == "¿Qué es u?"  # Spanish is read as typed
