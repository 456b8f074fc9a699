"""Run the gold set through the assistant and the baselines; compute metrics; write the reports."""

import json
import statistics
import time
import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from assistant.contract import Answer
from assistant.engine import Assistant, InputError
from evals.baselines import BM25Baseline, Decided, LlamaIndexBaseline, Ranked
from evals.checks import citation_support, facts_found, hard_facts, invented_facts, normalize, reading_grade
from evals.fitting import fittable, policy_label, reliability
from evals.gold import GOLD_DIR, GoldItem, load_gold
from evals.timing import percentiles
from ingest.embedding import Embedder
from ingest.profile import Profile
from core.settings import Settings

RESULTS_DIR = Path(__file__).resolve().parent / "results"
THRESHOLDS = Path(__file__).resolve().parent / "thresholds.toml"
# The per-commit gate runs on dev: the test split is read once per issue, at its end.
GATE_SPLIT = "dev"
class AssistantSystem:
    """The assistant as users get it: extractive, or (`use_llm`) phrased by the configured LLM and verified."""

    def __init__(self, assistant: Assistant, use_llm: bool = False):
        self.assistant = assistant
        self.use_llm = use_llm
        self.name = "assistant-llm" if use_llm else "assistant"

    def run(self, question: str, history: list[str]) -> tuple[Answer, list[Ranked], Decided | None]:
        answer, trace = self.assistant.ask_with_trace(question, history, use_llm=self.use_llm)
        decided = Decided(trace.policy.probability, [u.text for u in trace.chosen]) if trace.policy else None
        return answer, [Ranked(h.chunk.doc_id, h.chunk.text) for h in trace.hits[:10]], decided


@dataclass
class ItemResult:
    id: str
    category: str
    language: str
    question: str
    expected_status: str
    status: str
    answer: str
    citations: list[dict]
    mode: str = "extractive"
    gold_rank: int | None = None
    facts: list[bool] = field(default_factory=list)
    invented: list[str] = field(default_factory=list)
    support: dict = field(default_factory=dict)
    referral_ok: bool | None = None
    forbidden_found: list[str] = field(default_factory=list)
    words: int = 0
    seconds: float = 0.0
    error: str | None = None
    # the answer decision, where one was made: its probability, and whether answering with what it chose was right
    decision_p: float | None = None
    answer_right: bool | None = None

    @property
    def failed_checks(self) -> list[str]:
        failed = []
        if self.error:
            failed.append(f"error: {self.error}")
        if self.status != self.expected_status:
            failed.append(f"status {self.status}, expected {self.expected_status}")
        if self.facts and not all(self.facts):
            failed.append(f"missing facts {[i for i, ok in enumerate(self.facts) if not ok]}")
        if self.invented:
            failed.append(f"invented facts {self.invented}")
        if self.referral_ok is False:
            failed.append("referral missing")
        if self.forbidden_found:
            failed.append(f"forbidden text {self.forbidden_found}")
        if self.support and self.support["statements"] and self.support["supported"] < self.support["statements"]:
            failed.append(f"unsupported statements {self.support['statements'] - self.support['supported']}")
        if self.gold_rank is None and self.expected_status == "answered" and self.category != "crisis":
            failed.append("gold passage not in top 10")
        return failed


def gold_rank(item: GoldItem, ranked: list[Ranked]) -> int | None:
    for rank, r in enumerate(ranked[:10], start=1):
        text = normalize(r.text)
        if any(g.document == r.document and normalize(g.contains) in text for g in item.gold):
            return rank
    return None


def referral_given(answer: str, item: GoldItem, profile: Profile) -> bool:
    """The abstention refers where the item expects: the profile's referral of that id, by its contact or sentence."""
    referral = profile.referral(item.referral)
    if referral is None:
        return False
    text = normalize(answer)
    marks = [referral.contact or ""] + [referral.sentence_plain(lang) for lang in ("en", "es")] + \
        [referral.sentence(lang).split("{contact}")[0] for lang in ("en", "es")]
    return any(m.strip() and normalize(m.strip().rstrip(".")) in text for m in marks)


def evaluate_item(system, item: GoldItem, profile: Profile) -> ItemResult:
    started = time.perf_counter()
    try:
        answer, ranked, decided = system.run(item.question, item.history)
    except InputError as err:
        return ItemResult(item.id, item.category, item.language, item.question, item.expected_status, "error", "",
                          [], error=str(err))
    seconds = time.perf_counter() - started
    result = ItemResult(
        id=item.id, category=item.category, language=item.language, question=item.question,
        expected_status=item.expected_status, status=answer.status, answer=answer.answer, mode=answer.mode,
        citations=[c.model_dump(include={"n", "document", "section", "quote"}) for c in answer.citations],
        gold_rank=gold_rank(item, ranked) if item.gold else None,
        facts=facts_found(answer.answer, item.facts) if item.expected_status == "answered" else [],
        invented=invented_facts(answer), support=citation_support(answer, profile),
        forbidden_found=[f for f in item.forbid if normalize(f) in normalize(answer.answer)],
        words=len(answer.answer.split()), seconds=seconds)
    if decided is not None and fittable(item):
        result.decision_p, result.answer_right = decided.probability, policy_label(item, decided.chosen)
    if item.referral and item.expected_status == "abstained":
        result.referral_ok = referral_given(answer.answer, item, profile)
    return result


def _mean(values) -> float | None:
    values = [v for v in values if v is not None]
    return round(statistics.fmean(values), 4) if values else None


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 4) if b else None


def summarize(results: list[ItemResult], items: dict[str, GoldItem]) -> dict:
    with_gold = [r for r in results if items[r.id].gold]
    answerable = [r for r in results if r.expected_status == "answered" and items[r.id].facts]
    answered = [r for r in results if r.status == "answered"]
    expected_abstain = [r for r in results if r.expected_status == "abstained"]
    predicted_abstain = [r for r in results if r.status == "abstained"]
    crisis = [r for r in results if r.expected_status == "crisis"]
    not_crisis = [r for r in results if r.expected_status != "crisis"]
    statements = sum(r.support.get("statements", 0) for r in results)
    uses = sum(r.support.get("citation_uses", 0) for r in results)
    grades = [reading_grade(r.answer) for r in answered if r.language == "en" and r.answer]
    es = [r for r in with_gold if r.language == "es" and items[r.id].twin]
    twins = [next((x for x in with_gold if x.id == items[r.id].twin), None) for r in es]
    es_recall = _mean([1.0 if r.gold_rank and r.gold_rank <= 5 else 0.0 for r in es])
    en_recall = _mean([1.0 if t.gold_rank and t.gold_rank <= 5 else 0.0 for t in twins if t is not None])
    referrals = [r.referral_ok for r in results if r.referral_ok is not None]
    all_facts = [f for r in results for f in hard_facts(r.answer)]
    return {
        "items": len(results),
        "status_accuracy": _ratio(sum(r.status == r.expected_status for r in results), len(results)),
        "recall_at_5": _mean([1.0 if r.gold_rank and r.gold_rank <= 5 else 0.0 for r in with_gold]),
        "mrr_at_10": _mean([1.0 / r.gold_rank if r.gold_rank else 0.0 for r in with_gold]),
        "fact_recall": _mean([1.0 if all(r.facts) else 0.0 for r in answerable]),
        "fact_recall_partial": _mean([sum(r.facts) / len(r.facts) for r in answerable if r.facts]),
        "answer_words_mean": _mean([r.words for r in answered]),
        "answer_words_max": max((r.words for r in answered), default=None),
        "citation_recall": _ratio(sum(r.support.get("supported", 0) for r in results), statements),
        "citation_precision": _ratio(sum(r.support.get("relevant_citations", 0) for r in results), uses),
        "invented_facts": sum(len(r.invented) for r in results),
        "invented_fact_rate": _ratio(sum(len(r.invented) for r in results), len(all_facts)),
        "answers_with_invented_facts": sum(bool(r.invented) for r in results),
        "grounded_answer_share": _ratio(sum(not r.invented for r in answered), len(answered)),
        "abstention_precision": _ratio(sum(r.expected_status == "abstained" for r in predicted_abstain), len(predicted_abstain)),
        "abstention_recall": _ratio(sum(r.status == "abstained" for r in expected_abstain), len(expected_abstain)),
        "referral_accuracy": _ratio(sum(referrals), len(referrals)),
        "crisis_recall": _ratio(sum(r.status == "crisis" for r in crisis), len(crisis)),
        "crisis_false_alarm_rate": _ratio(sum(r.status == "crisis" for r in not_crisis), len(not_crisis)),
        "spanish_recall_at_5": es_recall,
        "english_twin_recall_at_5": en_recall,
        "spanish_parity_gap": round(en_recall - es_recall, 4) if es_recall is not None and en_recall is not None else None,
        "forbidden_leaks": sum(bool(r.forbidden_found) for r in results),
        "reading_grade_mean": _mean(grades),
        "seconds_per_item_mean": _mean([r.seconds for r in results]),
        "seconds_per_item_p50": percentiles(r.seconds for r in results)["p50"],
        "seconds_per_item_p95": percentiles(r.seconds for r in results)["p95"],
        "llm_answer_share": _ratio(sum(r.mode == "llm" for r in answered), len(answered)),
    }


def by_category(results: list[ItemResult]) -> dict:
    groups: dict[str, list[ItemResult]] = defaultdict(list)
    for r in results:
        groups[r.category].append(r)
    return {k: {"items": len(v), "status_accuracy": _ratio(sum(r.status == r.expected_status for r in v), len(v)),
                "passed": sum(not r.failed_checks for r in v)} for k, v in sorted(groups.items())}


def run_eval(settings: Settings, split: str = GATE_SPLIT, baselines: bool = True, embedder: Embedder | None = None,
             progress=None, assistant: Assistant | None = None, gold_dir: Path = GOLD_DIR, every: int = 1) -> dict:
    """`gold_dir`: the questions written for the corpus in `settings.corpus_dir` (default: the seeds').

    `every`: keep every n-th question, in file order, so a run of hours (LLM mode on two cores) samples every
    category in proportion."""
    if every < 1:
        raise ValueError(f"every must be 1 or more, not {every}")
    items = load_gold(split, gold_dir)[::every]
    if not items:
        raise ValueError(f"no gold items in split '{split}' in {gold_dir}")
    assistant = assistant or Assistant(settings, embedder=embedder)
    systems = [AssistantSystem(assistant)] + ([AssistantSystem(assistant, use_llm=True)] if assistant.llm else [])
    if baselines:
        systems += [LlamaIndexBaseline(settings, assistant.embedder), BM25Baseline(assistant.index)]
    by_id = {i.id: i for i in items}
    report = {"created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"), "split": split,
              "corpus": str(settings.corpus_dir), "gold": str(gold_dir),
              "index_version": assistant.index.version, "every": every, "systems": {}}
    for system in systems:
        results = []
        for item in items:
            results.append(evaluate_item(system, item, assistant.index.profile))
            if progress:
                progress(system.name, item.id)
        decided = [r for r in results if r.decision_p is not None]
        report["systems"][system.name] = {
            "summary": summarize(results, by_id), "categories": by_category(results),
            "reliability": reliability([r.decision_p for r in decided], [r.answer_right for r in decided]),
            "items": [dict(vars(r), failed_checks=r.failed_checks) for r in results]}
    return report


def check_gate(report: dict, thresholds_path: Path = THRESHOLDS) -> list[str]:
    """Every threshold the assistant's summary misses, as a readable line (empty: the gate passes)."""
    limits = tomllib.loads(thresholds_path.read_text(encoding="utf-8"))["assistant"]
    summary = report["systems"]["assistant"]["summary"]
    failures = []
    for key, limit in limits.items():
        metric, bound = key.rsplit("_", 1)
        value = summary.get(metric)
        if value is None:
            continue
        if (bound == "min" and value < limit) or (bound == "max" and value > limit):
            failures.append(f"{metric} = {value} (limit: {bound} {limit})")
    return failures


SUMMARY_ROWS = ["status_accuracy", "recall_at_5", "mrr_at_10", "fact_recall", "fact_recall_partial", "citation_recall",
                "citation_precision", "invented_facts", "grounded_answer_share", "abstention_precision",
                "abstention_recall", "referral_accuracy", "crisis_recall", "crisis_false_alarm_rate",
                "spanish_recall_at_5", "english_twin_recall_at_5", "spanish_parity_gap", "forbidden_leaks",
                "answer_words_mean", "answer_words_max", "reading_grade_mean", "seconds_per_item_mean", "seconds_per_item_p50",
                "seconds_per_item_p95", "llm_answer_share"]


def markdown_report(report: dict, gate_failures: list[str]) -> str:
    systems = list(report["systems"])
    lines = [f"# Evaluation — split `{report['split']}`, {report['created_at']}", "",
             f"Index version `{report['index_version']}`. Gate ({GATE_SPLIT} split only): " +
             ("not applied" if report["split"] != GATE_SPLIT else
              f"not applied (a sample: one question in {report['every']})" if report.get("every", 1) != 1 else
              "**passed**" if not gate_failures else
              "**FAILED** — " + "; ".join(gate_failures)), "",
             "| metric | " + " | ".join(systems) + (" | assistant ÷ " + " | assistant ÷ ".join(systems[1:]) if len(systems) > 1 else "") + " |",
             "|---|" + "---|" * (2 * len(systems) - 1)]
    for key in SUMMARY_ROWS:
        values = [report["systems"][s]["summary"].get(key) for s in systems]
        ratios = [f"{values[0] / v:.2f}" if isinstance(v, (int, float)) and v and isinstance(values[0], (int, float))
                  else "—" for v in values[1:]]
        lines.append(f"| {key} | " + " | ".join("—" if v is None else str(v) for v in values) +
                     (" | " + " | ".join(ratios) if ratios else "") + " |")
    for name in systems:
        if report["systems"][name].get("reliability"):
            lines += ["", f"## Answer decision of `{name}`: how well its probability held", "",
                      "Predicted: the mean probability of answering right in the bin; observed: how often the units it "
                      "chose held an asked-for fact of an answerable question.", "",
                      "| probability | questions | predicted | observed |", "|---|---|---|---|"]
            lines += [f"| {r['bin']} | {r['items']} | {r['predicted']} | {r['observed']} |"
                      for r in report["systems"][name]["reliability"]]
    lines += ["", "## Assistant by category", "", "| category | items | status accuracy | all checks passed |", "|---|---|---|---|"]
    for cat, v in report["systems"]["assistant"]["categories"].items():
        lines.append(f"| {cat} | {v['items']} | {v['status_accuracy']} | {v['passed']} |")
    items = report["systems"]["assistant"]["items"]
    failing = [i for i in items if i["failed_checks"]]
    lines += ["", f"## Assistant failures ({len(failing)} of {len(items)})", ""]
    for i in failing:
        lines += [f"### {i['id']} ({i['category']}, {i['language']})", f"- **question:** {i['question']}",
                  f"- **failed:** {'; '.join(i['failed_checks'])}", f"- **status:** {i['status']} (expected {i['expected_status']})",
                  f"- **answer:** {i['answer']}"]
        for c in i["citations"]:
            lines.append(f"  - [{c['n']}] `{c['document']}` {c.get('section') or ''}: “{c['quote'][:300]}”")
        lines.append("")
    return "\n".join(lines) + "\n"


def write_report(report: dict, gate_failures: list[str], out_dir: Path = RESULTS_DIR) -> Path:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    folder = out_dir / f"{stamp}-{report['split']}"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "report.json").write_text(json.dumps({**report, "gate_failures": gate_failures}, indent=2, ensure_ascii=False))
    (folder / "report.md").write_text(markdown_report(report, gate_failures), encoding="utf-8")
    return folder


