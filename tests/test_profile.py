"""The deployment profile: read and checked at ingest, stored with the build, and all a county changes to deploy."""

import json

import pytest

from assistant.engine import Assistant
from ingest.pipeline import run_ingest
from ingest.profile import PROFILE_FILE, read_profile
from ingest.store import IndexVersion
from core.errors import PeerhelpError
from core.settings import Settings
from tests.conftest import FAST_MODEL, SEED_CORPUS, CountingEmbedder

COUNTY_PROFILE = """
scope = "Peer support specialists in Lakeview County: the peer stipend, training dates and supervision."

[program]
en = "Lakeview County's peer stipend program"
es = "el programa de estipendios para pares del Condado de Lakeview"

[examples]
en = "how the stipend works"
es = "cómo funciona el estipendio"

[[referrals]]
id = "county"
default = true
topics = ["stipend", "training", "estipendio"]
contact = "peerstipend@lakeview.example.org"
sentence.en = "For the stipend and training, email {contact}."
sentence.es = "Para el estipendio y la capacitación, escriba a {contact}."
sentence_plain.en = "For the stipend and training, contact the county."
sentence_plain.es = "Para el estipendio y la capacitación, contacte al condado."
"""

DOCS = {
    "stipend.md": ("Peer stipend program", "# Peer stipend\n\nThe Lakeview peer stipend pays training tuition for "
                   "peers who live in Lakeview County.\n\nApplications open each spring.\n"),
    "contact.md": ("Contact the peer program", "# Contact\n\nQuestions about the stipend go to "
                   "peerstipend@lakeview.example.org.\n"),
}


def _county_corpus(folder, profile: str | None = COUNTY_PROFILE):
    folder.mkdir()
    entries = []
    for name, (title, text) in DOCS.items():
        (folder / name).write_text(text, encoding="utf-8")
        entries.append({"id": name.split(".")[0], "file": name, "title": title, "issuer": "Lakeview County BH",
                        "kind": "webpage", "as_of": "2026-03"})
    (folder / "manifest.json").write_text(json.dumps({"documents": entries}), encoding="utf-8")
    if profile is not None:
        (folder / PROFILE_FILE).write_text(profile, encoding="utf-8")
    return folder


def test_the_seed_profile_routes_by_topic_and_falls_back_to_its_default():
    profile = read_profile(SEED_CORPUS)
    assert profile.route("how much is the exam fee?").id == "calmhsa"
    assert profile.route("can my county bill Medi-Cal for peer services?").id == "dhcs"
    assert profile.route("any peer jobs open near me").id == "county"
    assert profile.route("hello there").id == "calmhsa"
    assert profile.route("Is Kern County participating?").id == "calmhsa"  # 'my county' is a phrase, not 'county'
    assert profile.route("any peer jobs in my county?").id == "county"
    assert {"grandpar", "calmhsa"} <= profile.scope_terms()


@pytest.mark.parametrize("text, fault", [
    ("scope = 'x'\n[program\n", "not valid TOML"),
    (COUNTY_PROFILE.replace("default = true", ""), "exactly one referral"),
    (COUNTY_PROFILE.replace('contact the county."', 'call 530-555-0100."'), "no email, phone or slot"),
    (COUNTY_PROFILE.replace("email {contact}.", "email {email}."), "the only slot"),
    (COUNTY_PROFILE.replace("email {contact}.", "email {contact} }."), "the only slot"),
    (COUNTY_PROFILE.replace('[program]\nen = "Lakeview', '[program]\nfr = "Lakeview'), "program.en"),
])
def test_a_profile_that_does_not_hold_is_refused_with_the_fix(tmp_path, text, fault):
    (tmp_path / PROFILE_FILE).write_text(text, encoding="utf-8")
    with pytest.raises(PeerhelpError, match="Fix:") as err:
        read_profile(tmp_path)
    assert fault in str(err.value)


def test_ingest_stores_the_profile_and_a_profile_change_rebuilds_without_embedding(tmp_path, fast_embedder):
    corpus = _county_corpus(tmp_path / "corpus")
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", embedding_model=FAST_MODEL)
    counting = CountingEmbedder(fast_embedder)
    first = run_ingest(settings, embedder=counting)
    assert IndexVersion.open_current(settings.index_dir).profile.program.en == "Lakeview County's peer stipend program"
    embedded = counting.embedded
    assert not run_ingest(settings, embedder=counting).changed
    (corpus / PROFILE_FILE).write_text(COUNTY_PROFILE.replace("peer stipend program", "peer stipend office"))
    second = run_ingest(settings, embedder=counting)
    assert second.changed and second.version != first.version and counting.embedded == embedded
    assert IndexVersion.open_current(settings.index_dir).profile.program.en == "Lakeview County's peer stipend office"

    (corpus / PROFILE_FILE).write_text("[program\n")
    with pytest.raises(PeerhelpError, match=PROFILE_FILE):
        run_ingest(settings, embedder=counting)
    assert IndexVersion.open_current(settings.index_dir).version == second.version  # the last good build serves


def test_a_county_deploys_its_own_documents_and_profile_with_no_code_change(tmp_path, fast_embedder):
    corpus = _county_corpus(tmp_path / "corpus")
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", embedding_model=FAST_MODEL)
    run_ingest(settings, embedder=fast_embedder)
    bot = Assistant(settings, embedder=fast_embedder)

    away = bot.ask("what's a good recipe for enchiladas?")
    assert away.status == "abstained" and "Lakeview County's peer stipend program" in away.answer
    assert "how the stipend works" in away.answer and "Medi-Cal" not in away.answer

    unknown = bot.ask("How much is the stipend?")
    assert unknown.status == "abstained"
    assert "For the stipend and training, email peerstipend@lakeview.example.org" in unknown.answer
    cited = " ".join(c.quote for c in unknown.citations)
    assert "peerstipend@lakeview.example.org" in cited and "calmhsa" not in unknown.answer.lower()


def test_without_a_profile_answers_name_no_program_and_offer_no_contact(tmp_path, fast_embedder):
    corpus = _county_corpus(tmp_path / "corpus", profile=None)
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", embedding_model=FAST_MODEL)
    run_ingest(settings, embedder=fast_embedder)
    bot = Assistant(settings, embedder=fast_embedder)
    away = bot.ask("what's a good recipe for enchiladas?")
    assert away.status == "abstained" and "the program these documents describe" in away.answer
    assert "@" not in away.answer and not away.citations
