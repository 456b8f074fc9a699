"""The redaction scorer: a detail counts only when every identifying part is gone; ordinary words lost are counted."""

from evals.privacy_eval import parts, score


def test_parts_of_each_kind():
    assert parts("email", "maria.g at gmail dot com") == ["maria", "g"]
    assert parts("email", "jo_lee@yahoo.com") == ["jo_lee"]
    assert parts("ssn", "123 45 6789") == ["123", "45", "6789"]
    assert parts("address", "1420 W Olive Ave Apt 3, Fresno, CA 93728") == ["1420", "olive", "3", "fresno", "93728"]
    assert parts("name", "Jonathan Q. Smithers") == ["jonathan", "smithers"]


def test_score_counts_a_half_redacted_detail_as_missed():
    items = [
        {"id": "a", "message": "my name is Ana Ruiz and my ssn is 123-45-6789",
         "pii": [{"kind": "name", "text": "Ana Ruiz"}, {"kind": "ssn", "text": "123-45-6789"}]},
        {"id": "b", "message": "When is the exam in Fresno County?", "pii": []},
    ]
    result = score(items)
    assert result["recall"] == {"name": (1, 1), "ssn": (1, 1)}
    assert result["ordinary_removed"] == 0.0
    # Words the redactor has no reason to take, labelled as a detail, count as missed, and the scorer says which.
    missed = score([{"id": "c", "message": "see you at the clinic tomorrow", "pii": [{"kind": "name", "text": "clinic tomorrow"}]}])
    assert missed["recall"] == {"name": (0, 1)} and missed["misses"] == [{"id": "c", "kind": "name"}]


def test_a_word_of_a_detail_that_also_occurs_outside_it_may_stay_there():
    item = {"id": "d", "message": "I'm Faith Adeyemi and I run a faith based house",
            "pii": [{"kind": "name", "text": "Faith Adeyemi"}]}
    assert score([item])["recall"] == {"name": (1, 1)}
