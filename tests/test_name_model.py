"""The fine-tuned name model: names the rules have no shape for, and the common words around them left alone."""

import pytest

from assistant import name_model
from assistant.privacy import redact
from core.errors import PeerhelpError


@pytest.mark.parametrize("text,expected", [
    ("yo this is ray ray lol, can i text u later", "yo this is [name] lol, can i text u later"),
    ("can u email my certificate please. thx - Sky Running Bear", "can u email my certificate please. thx - [name]"),
    ("Hi, this is Ji-hoon's mom (Eun-ji Park). Can I help him apply?", "Hi, this is [name] mom ([name]). Can I help him apply?"),
])
def test_names_no_rule_has_a_shape_for_are_read_from_their_context(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("text", [
    "no he recibido servicios yo mismo, pero mi hijo sí. ¿cuenta mi experiencia?",
    "whats the max number of ppl i can have in a peer group and still bill it",
    "Does the county pay for the exam in Fresno County?",
])
def test_common_lower_case_words_where_a_name_could_stand_are_left(text):
    assert redact(text) == text


def test_a_name_at_the_end_of_a_long_message_is_read_too():
    long = "I have a question about the renewal and the continuing education hours. " * 12 + "Thanks, Sky Running Bear"
    assert redact(long).endswith("Thanks, [name]")


def test_the_model_reads_whole_words_and_a_missing_weights_file_is_a_clear_error(tmp_path, monkeypatch):
    spans = name_model.load().spans("call Okonkwo-Reyes tomorrow")
    assert spans and all("call Okonkwo-Reyes tomorrow"[s:e] == "Okonkwo-Reyes" for s, e in spans)
    monkeypatch.setattr(name_model, "MODEL_FILE", tmp_path / "missing.pt")
    name_model.load.cache_clear()
    try:
        with pytest.raises(PeerhelpError, match="name_model_training"):
            name_model.load()
    finally:
        name_model.load.cache_clear()
