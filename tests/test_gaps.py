"""Gap collection and grouping for the console, without a server."""

import numpy as np

from assistant.conversations import ConversationStore
from ui.gaps import collect_gaps, eval_item, gaps_csv, group_gaps, group_states, groups_table


def _unit(*xs):
    v = np.array(xs, dtype=np.float32)
    return v / np.linalg.norm(v)


def test_abstentions_and_thumbs_down_are_collected_and_grouped_by_similarity(tmp_path):
    store = ConversationStore(f"sqlite:///{tmp_path / 's.sqlite'}")
    store.remember("c1", "parking at the exam?", "abstained", "en", now=1_000_000)
    store.remember("c1", "is parking free at the exam", "abstained", "en", now=1_000_100)
    rated = store.remember("c2", "what is grandparenting", "answered", "en", now=1_000_200)
    store.remember("c2", "what is the fee", "answered", "en", now=1_000_300)
    store.add_feedback("c2", rated, "down", "no deadline", now=1_000_400)
    gaps = collect_gaps(store)
    assert sorted(g.source for g in gaps) == ["abstained", "abstained", "thumbs down"]
    vectors = {"parking at the exam?": _unit(1, 0.1), "is parking free at the exam": _unit(1, 0.2),
               "what is grandparenting": _unit(0, 1)}
    groups = group_gaps(gaps, lambda texts: np.stack([vectors[t] for t in texts]))
    # one person asking twice is one conversation; the group still shows both messages
    assert [(g.count, len(g.gaps)) for g in groups] == [(1, 2), (1, 1)] and groups[1].gaps[0].comment == "no deadline"
    assert gaps_csv(groups).count("\n") == 4
    assert group_gaps([], lambda texts: []) == []


def test_a_group_counts_conversations_not_messages(tmp_path):
    """One client retrying 50 times is one person; three people asking once each are three."""
    store = ConversationStore(f"sqlite:///{tmp_path / 's.sqlite'}")
    for n in range(50):
        store.remember("retrying", "is parking free at the exam", "abstained", "en", now=1_000_000 + n)
    for c in ("a", "b", "c"):
        store.remember(c, "can i bring my dog to the exam", "abstained", "en", now=1_001_000)
    vectors = {"is parking free at the exam": _unit(1, 0), "can i bring my dog to the exam": _unit(0, 1)}
    groups = group_gaps(collect_gaps(store), lambda texts: np.stack([vectors[t] for t in texts]))
    assert [(g.representative, g.count, len(g.gaps)) for g in groups] == [
        ("can i bring my dog to the exam", 3, 3), ("is parking free at the exam", 1, 50)]


def test_staff_eval_items_get_the_next_free_id_and_the_dev_split():
    item = eval_item("¿Puedo llevar a mi perro al examen?", "abstained", None, None, {"staff-001"})
    assert (item["id"], item["split"], item["language"], item["category"]) == ("staff-002", "dev", "es", "unanswerable")
    assert eval_item("Q?", "answered", "doc", "text", set())["gold"] == [{"document": "doc", "contains": "text"}]


def test_the_csv_export_never_holds_a_live_formula(tmp_path):
    """What peers typed is exported to staff spreadsheets: a cell starting like a formula is made inert."""
    import csv

    store = ConversationStore(f"sqlite:///{tmp_path / 's.sqlite'}")
    typed = ["=HYPERLINK(\"http://evil.example\",\"click\")", "+1+1", "-2+3", "@SUM(A1)", "plain question?"]
    for n, q in enumerate(typed):
        store.remember(f"c{n}", q, "abstained", "en", now=1_000_000 + n)
    groups = group_gaps(collect_gaps(store), lambda texts: np.stack([_unit(1, i) for i, _ in enumerate(texts)]))
    rows = list(csv.DictReader(gaps_csv(groups).splitlines()))
    assert sorted(r["question"] for r in rows) == sorted(["'" + q for q in typed[:4]] + ["plain question?"])
    assert all(not r["representative"].startswith(("=", "+", "-", "@")) for r in rows)


def test_a_group_is_open_resolved_asked_again_or_answered_now(tmp_path):
    store = ConversationStore(f"sqlite:///{tmp_path / 's.sqlite'}")
    questions = {"parking at the exam?": _unit(1, 0), "can i bring my dog": _unit(0, 1), "exam in tagalog?": _unit(1, 1)}
    for n, q in enumerate(questions):
        store.remember(f"c{n}", q, "abstained", "en", now=1_000_000 + n)
    store.resolve_gap("parking at the exam?", now=1_000_100)
    store.resolve_gap("can i bring my dog", now=1_000_100)
    store.remember("late", "can i bring my dog", "abstained", "en", now=1_000_200)  # asked again after the mark
    groups = group_gaps(collect_gaps(store), lambda texts: np.stack([questions[t] for t in texts]))
    answered_now = {"exam in tagalog?"}  # e.g. a curated answer was added since
    states = dict(zip((g.representative for g in groups),
                      group_states(groups, store.resolved_gaps(), lambda q: "answered" if q in answered_now else "abstained")))
    assert states == {"parking at the exam?": "resolved", "can i bring my dog": "asked again since resolved",
                      "exam in tagalog?": "open · answered now"}
    assert [row[2] for row in groups_table(groups, list(states.values()))] == list(states.values())
    store.purge(now=1_000_100 + store.retention_seconds + 1)  # retention applies to the marks too
    assert store.resolved_gaps() == {}


def test_exports_are_written_under_the_state_folder_and_gone_within_the_hour(tmp_path):
    import os

    from ui.gaps import EXPORT_KEEP_S, export_file

    folder = tmp_path / "exports"
    first = export_file(folder, "peerhelp-gaps.csv", "group,question\n1,[name] asked\n", now=1_000_000)
    assert first.read_text() == "group,question\n1,[name] asked\n" and folder in first.parents
    os.utime(first, (1_000_000, 1_000_000))
    second = export_file(folder, "peerhelp-gaps.csv", "later\n", now=1_000_000 + EXPORT_KEEP_S + 1)
    assert not first.exists() and not first.parent.exists(), "an export older than an hour is deleted"
    assert second.exists() and second != first
