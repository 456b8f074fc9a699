"""Evaluation suites are found by looking: the seeds, and every corpus folder with a manifest and questions."""

from evals import suites as suites_module
from evals.gold import GOLD_DIR, load_gold
from core.settings import Settings


def test_suites_are_the_seeds_then_every_corpus_folder_with_a_manifest_and_questions(tmp_path, monkeypatch):
    (tmp_path / "county-x" / "corpus").mkdir(parents=True)
    (tmp_path / "county-x" / "corpus" / "manifest.json").write_text('{"documents": []}')
    (tmp_path / "county-x" / "gold").mkdir()
    (tmp_path / "no-questions" / "corpus").mkdir(parents=True)
    (tmp_path / "no-questions" / "corpus" / "manifest.json").write_text('{"documents": []}')
    monkeypatch.setattr(suites_module, "CORPORA_DIR", tmp_path)
    settings = Settings()
    found = suites_module.suites(settings)
    assert [s.name for s in found] == ["seeds", "county-x"]
    assert found[0].gold_dir == GOLD_DIR and suites_module.suite_settings(settings, found[0]) is settings
    other = suites_module.suite_settings(settings, found[1])
    assert other.corpus_dir == tmp_path / "county-x" / "corpus"
    assert other.index_dir.name == f"county-x-{settings.embedding_model}"  # one index per suite and model


def test_the_second_corpus_ships_questions_in_both_splits_with_twins_in_one_split():
    second = [s for s in suites_module.suites(Settings()) if s.name != "seeds"]
    assert second, "evals/corpora holds at least one second corpus"
    for suite in second:
        items = load_gold("all", suite.gold_dir)
        by_id = {i.id: i for i in items}
        assert {i.split for i in items} == {"dev", "test"} and len(items) >= 120
        assert all(by_id[i.twin].split == i.split for i in items if i.twin)
