from assistant.crisis_replies import CONCERN_LINE
from assistant.contract import Answer, Citation
from evals.checks import citation_support, facts_found, invented_facts
from ingest.profile import read_profile
from tests.conftest import SEED_CORPUS

PROFILE = read_profile(SEED_CORPUS)


def _answer(text, quotes, date="2021-07-23"):
    return Answer(status="answered", answer=text, citations=[
        Citation(n=i + 1, document="d", title="Peer Support Services", section="Contact Us", quote=q, date=date)
        for i, q in enumerate(quotes)])


def test_invented_facts__catches_a_number_or_email_in_no_cited_quote():
    ok = _answer("Questions may be submitted by email to Peers@dhcs.ca.gov [1].",
                 ["Questions and comments may be submitted by email to Peers@dhcs.ca.gov."])
    assert invented_facts(ok) == []
    bad = _answer("The exam costs $150 and you can email exam@calmhsa.org [1].",
                  ["Questions and comments may be submitted by email to Peers@dhcs.ca.gov."])
    assert set(invented_facts(bad)) == {"$150", "exam@calmhsa.org"}


def test_citation_support__unsupported_sentence_is_counted():
    answer = _answer("Questions may be submitted by email to Peers@dhcs.ca.gov [1]. The exam is free for everyone [1].",
                     ["Questions and comments may be submitted by email to Peers@dhcs.ca.gov."])
    s = citation_support(answer, PROFILE)
    assert s["statements"] == 2 and s["supported"] == 1
    assert s["citation_uses"] == 2 and s["relevant_citations"] == 1


def test_facts_found__any_phrasing_of_each_fact():
    assert facts_found("Scholarships are currently unavailable [1].", [["currently unavailable", "paused"], ["DHCS"]]) == [True, False]


def test_referral_template_is_framing_but_its_email_must_be_cited():
    referral = PROFILE.referral("calmhsa")
    sentence = referral.sentence("en").format(contact="PeerCertification@calmhsa.org").rstrip(".") + " [1]."
    good = _answer(sentence, ["Contact Information:\nPeerCertification@calmhsa.org"])
    assert citation_support(good, PROFILE)["statements"] == 0 and invented_facts(good) == []
    followed = _answer(f"{sentence}\n\n{CONCERN_LINE['en']}", ["Contact Information:\nPeerCertification@calmhsa.org"])
    assert citation_support(followed, PROFILE)["statements"] == 0 and invented_facts(followed) == []
    forged = _answer(referral.sentence("en").format(contact="help@calmhsa.org").rstrip(".") + " [1].",
                     ["Contact Information:\nPeerCertification@calmhsa.org"])
    assert invented_facts(forged) == ["help@calmhsa.org"]
