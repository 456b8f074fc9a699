"""The learned name tagger: names the rules miss are found, ordinary capitalised words are left alone."""

from assistant.name_tagger import FEATURES, features, load, tokens_of
from assistant.name_rules import ruled_names
from assistant.privacy import redact


def test_a_name_told_without_any_cue_is_found_where_the_rules_see_none():
    message = "can Tavita Morales and me both take the exam on the same day"
    assert ruled_names(message) == []  # no "I'm", no "my friend": the rules alone miss it
    assert load().spans(message, []) == [(4, 10)]  # the tagger itself finds "Tavita" (the rules then add the surname)
    assert redact(message) == "can [name] and me both take the exam on the same day"


def test_places_programs_and_months_are_not_names():
    for message in ["We work at Hope Center in San Bernardino County", "Is the exam still on May 12 in Fresno?",
                    "Does the Law and Ethics course count for renewal?"]:
        assert redact(message) == message


def test_every_token_gets_every_feature_and_the_shipped_weights_load():
    message = "Thanks, Dr. Okonkwo-Reyes!"
    tokens = tokens_of(message)
    assert [t.text for t in tokens] == ["Thanks", "Dr", "Okonkwo-Reyes"]
    rows = features(message, tokens, [])
    assert all(set(row) == set(FEATURES) for row in rows)
    tagger = load()
    assert 0 < tagger.threshold < 1
    assert tagger.spans(message, []) == [(message.index("Okonkwo"), message.index("!"))]
