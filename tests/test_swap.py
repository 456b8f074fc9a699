"""'And the Hmong one?': the previous question asked again about the new thing, or nothing replaced."""

import numpy as np

from assistant.values import wanted_value
from assistant.swap import new_part, swapped


def test_the_new_thing_is_what_follows_and_what_about_or_y():
    assert new_part("and the hmong one?") == ("", "hmong")
    assert new_part("and for skill-building groups?") == ("for", "skill-building groups")
    assert new_part("what about SMHS?") == ("", "SMHS")
    assert new_part("¿y para los supervisores?") == ("para", "supervisores")
    # a question of its own, a condition, a long message, a pronoun, thanks, or no "and …" shape: not a swap
    for message in ("and when does it close?", "and if I fail?", "what about questions on the certification itself, like the exam?",
                    "and that one?", "what about them?", "what about me?", "¿y la otra?", "and thanks!",
                    "Is Kern County participating?"):
        assert new_part(message) is None, message


def _alike(word: str, how: float):
    return lambda part, spans: np.array([how if s.lower() == word else 0.1 for s in spans])


def test_the_most_alike_part_is_replaced_only_when_it_is_alike_enough():
    same_scale = lambda s: s  # noqa: E731  similarities already on the fitted scale
    question = "who is the contact for help in spanish"
    assert swapped(question, "hmong", _alike("spanish", 0.9), same_scale) == "who is the contact for help in hmong"
    assert swapped(question, "the exam fee", _alike("spanish", 0.5), same_scale) is None
    assert swapped("Which billing code is for peer engagement services?", "skill-building groups",
                   _alike("peer engagement services", 0.9), same_scale, after="for") == \
        "Which billing code is for skill-building groups?"
    # the numeral of a title goes with it
    assert swapped("What does a Peer Mentor II earn?", "lead mentor", _alike("peer mentor", 0.9), same_scale) == \
        "What does a lead mentor earn?"
    # with a preposition, only what follows the same preposition is replaced: otherwise the part adds a condition
    assert swapped("How long is the core training?", "supervisors", _alike("core training", 0.9), same_scale,
                   after="for") is None


def test_a_contact_question_is_answered_by_a_phone_as_well_but_an_email_question_by_an_email():
    contact = wanted_value("email", "who is the contact for help in Hmong?")
    assert contact.search("Cultural Broker. Help in Hmong. (530) 555-0151.") and contact.search("write to a@b.org")
    assert not wanted_value("email", "what's the email for help in Hmong?").search("(530) 555-0151")
