"""The `peerhelp` commands that measure and fit: eval, eval-crisis, bench, compare-embedders, fit, train-safety."""

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from core.errors import PeerhelpError
from core.offline import enforce_offline
from peerhelp.cli_base import CorpusDir, IndexDir, app, fail, settings_or_exit

@app.command("eval")
def eval_(
    split: Annotated[str, typer.Option(help="dev (tune on it; the gate), test (read once per issue) or all.")] = "dev",
    baseline: Annotated[bool, typer.Option("--baseline/--no-baseline", help="Also run the baselines in the same run.")] = True,
    index_dir: IndexDir = None,
    corpus_dir: CorpusDir = None,
    gate: Annotated[bool, typer.Option("--gate/--no-gate", help="Exit 1 when a threshold in evals/thresholds.toml is missed (dev split).")] = False,
    gold_dir: Annotated[Path | None, typer.Option(help="The questions written for --corpus-dir (default: evals/gold, the seeds').")] = None,
    every: Annotated[int, typer.Option(min=1, help="Evaluate every N-th question only (a slow LLM-mode run); no gate then.")] = 1,
) -> None:
    """Run the evaluation suite; write evals/results/<time>-<split>/report.md and report.json.

    Example: peerhelp eval --split dev
    A second corpus, with its own index and questions:
      peerhelp ingest --corpus-dir C/corpus --index-dir /tmp/c && peerhelp eval --corpus-dir C/corpus --index-dir /tmp/c --gold-dir C/gold
    """
    enforce_offline()
    from rich.progress import Progress

    from evals.gold import GOLD_DIR
    from evals.runner import GATE_SPLIT, check_gate, run_eval, write_report

    settings = settings_or_exit(index_dir, corpus_dir)
    if gate and every != 1:
        fail(ValueError("the gate's floors were measured on every dev question. Fix: drop --every, or --gate."))
    try:
        with Progress(transient=True, disable=not sys.stderr.isatty()) as progress:
            task = progress.add_task("evaluating", total=None)
            report = run_eval(settings, split=split, baselines=baseline, gold_dir=gold_dir or GOLD_DIR, every=every,
                              progress=lambda system, item: progress.update(task, advance=1, description=f"{system}: {item}"))
    except (PeerhelpError, ValueError) as err:
        fail(err)
    # The floors were measured on that split of the seeds' questions.
    failures = check_gate(report) if split == GATE_SPLIT and gold_dir in (None, GOLD_DIR) and every == 1 else []
    folder = write_report(report, failures)
    shown = [name for name in ("assistant", "assistant-llm") if name in report["systems"]]
    typer.echo(f"{'':>22}  " + "  ".join(f"{name:>13}" for name in shown))
    for key in ("items", "status_accuracy", "recall_at_5", "fact_recall", "citation_recall", "invented_facts",
                "abstention_precision", "abstention_recall", "crisis_recall", "spanish_parity_gap", "llm_answer_share"):
        values = [report["systems"][name]["summary"].get(key) for name in shown]
        typer.echo(f"{key:>22}: " + "  ".join(f"{str(v):>13}" for v in values))
    typer.echo(f"Report: {folder / 'report.md'}")
    if failures:
        typer.secho("Gate failed: " + "; ".join(failures), fg=typer.colors.RED, err=True)
        if gate:
            raise typer.Exit(1)


@app.command()
def bench(
    scales: Annotated[str, typer.Option(help="Synthetic corpus sizes for the scale curve, comma-separated multiples of the corpus (e5 embeds about 70 ms per text on 2 cores: ×100 takes hours).")] = "10",
    corpus_dir: CorpusDir = None,
    big_files: Annotated[bool, typer.Option(help="Also ingest a 2 MB text file and a 1,000-page PDF (made here; most of an hour on 2 cores with e5).")] = True,
) -> None:
    """Measure answer latency, HTTP throughput, cold start, memory, ingest and scale, with baselines in the same run.

    Writes evals/results/bench-<time>.json and .md. Takes about 13 minutes on 2 cores with the default scale and model
    (multilingual-e5), plus the big files unless --no-big-files.
    Example: peerhelp bench --scales 10
    """
    enforce_offline()
    from evals.bench import run_bench, write_bench

    try:
        factors = sorted({int(f) for f in scales.split(",") if f.strip()})
    except ValueError:
        fail(ValueError(f"--scales {scales!r}: write whole numbers separated by commas, e.g. 10,100"))
    if any(f < 2 for f in factors):
        fail(ValueError("--scales: each size is a multiple of the corpus, 2 or more (×1 is always measured)"))
    settings = settings_or_exit(corpus_dir=corpus_dir)
    try:
        result = run_bench(settings, factors, report=lambda stage: typer.echo(f"[bench] {stage}", err=True),
                           big_files=big_files)
    except (PeerhelpError, RuntimeError) as err:
        fail(err)
    path = write_bench(result, settings.eval_results_dir)
    for t in result["targets"]:
        typer.echo(f"{'met ' if t['met'] else 'MISS'} {t['target']}: {t['value']} {t['unit']}")
    typer.echo(f"Report: {path.with_suffix('.md')}")


@app.command("compare-embedders")
def compare_embedders(split: Annotated[str, typer.Option(help="dev (tune on it) or test.")] = "dev",
                      index_dir: IndexDir = None) -> None:
    """Retrieval recall@5 and MRR per language for each packaged embedding model, on the current index's chunks.

    Example: peerhelp compare-embedders --split dev
    """
    enforce_offline()
    from evals.embedders import compare
    from ingest.store import IndexVersion

    try:
        rows, costs = compare(IndexVersion.open_current(settings_or_exit(index_dir).index_dir), split)
    except PeerhelpError as err:
        fail(err)
    typer.echo("| model | run | language | items | recall@5 | MRR@10 |\n|---|---|---|---|---|---|")
    for r in rows:
        typer.echo(f"| {r.model} | {r.run} | {r.language} | {r.items} | {r.recall_at_5} | {r.mrr_at_10} |")
    typer.echo("\n| model | embed the chunks (s) | one query p50 (ms) |\n|---|---|---|")
    for c in costs:
        typer.echo(f"| {c.model} | {c.embed_chunks_s} | {c.query_ms_p50} |")


@app.command("fit")
def fit_(split: Annotated[str, typer.Option(help="dev: the only split the answer stages are fitted on.")] = "dev",
         index_dir: IndexDir = None, corpus_dir: CorpusDir = None,
         suite: Annotated[list[str] | None, typer.Option(help="Fit on these suites only (seeds, or a folder name under evals/corpora); default: all.")] = None,
         judge: Annotated[bool, typer.Option(help="Fit only the decision with the LLM judge (PEERHELP_LLM_BASE_URL and _MODEL), for the policy already fitted.")] = False) -> None:
    """Fit the unit ranker and the answer policy for PEERHELP_EMBEDDING_MODEL on the dev questions of the seeds
    and of every corpus under evals/corpora/; write assistant/data/fitted.json.

    The index must be built with that model. Example: PEERHELP_EMBEDDING_MODEL=multilingual-e5-small-q4 peerhelp fit
    A refit of the policy drops the judge's fit; `peerhelp fit --judge` asks the LLM about every dev question (about
    2 s each for a 1.5B model on two cores) and fits it again.
    """
    enforce_offline()
    from assistant.engine import Assistant
    from assistant.fitted import FITTED_FILE, Fitted, fitted_for, write_section
    from assistant.judge import Judge
    from assistant.llm import from_settings as llm_from_settings
    from evals.fitting import fit, fit_judged
    from evals.gold import load_gold
    from evals.suites import ensure_index, suite_settings, suites

    if split != "dev":
        fail(ValueError(f"fitting on the {split} split would make its figures meaningless. Fix: use --split dev."))
    settings = settings_or_exit(index_dir, corpus_dir)
    llm = llm_from_settings(settings)
    if judge and llm is None:
        fail(PeerhelpError("--judge needs the LLM to fit for. Fix: set PEERHELP_LLM_BASE_URL and PEERHELP_LLM_MODEL."))
    try:
        runs = []
        chosen = [s for s in suites(settings) if not suite or s.name in suite]
        if suite and len(chosen) != len(set(suite)):
            raise PeerhelpError(f"unknown suite in {suite}; known: {', '.join(s.name for s in suites(settings))}. "
                                "Fix: name the seeds or a folder under evals/corpora.")
        for one in chosen:  # the seeds and every second corpus, each with its own index
            suite_config = suite_settings(settings, one)
            if one.name != "seeds":
                typer.echo(f"{one.name}: updating its index in {suite_config.index_dir}")
                ensure_index(suite_config)
            start = fitted_for(settings.embedding_model) if judge else Fitted(settings.embedding_model)
            runs.append((Assistant(suite_config, fitted=start), load_gold(split, one.gold_dir)))
        if judge:
            fitted = fit_judged(runs, Judge(llm), split, [one.name for one in chosen])
        else:
            fitted = fit(runs, split, [one.name for one in chosen])
    except PeerhelpError as err:
        fail(err)
    write_section(fitted)
    if judge:
        judged = fitted.judged
        typer.echo(f"with the judge {judged.provenance['llm']}: {judged.answer.weights}, bias {judged.answer.bias:.3f}, "
                   f"threshold {judged.threshold}; decisions right {judged.provenance['decisions_right']}")
    else:
        typer.echo(f"{fitted.model}: ranking {fitted.ranking.weights}, bias {fitted.ranking.bias:.3f}")
        typer.echo(f"answer {fitted.answer.weights}, bias {fitted.answer.bias:.3f}, threshold {fitted.threshold}")
    typer.echo("| p | questions | predicted | observed |\n|---|---|---|---|")
    for row in (fitted.judged if judge else fitted).provenance["reliability"]:
        typer.echo(f"| {row['bin']} | {row['items']} | {row['predicted']} | {row['observed']} |")
    typer.echo(f"Written: {FITTED_FILE}")


@app.command("train-safety")
def train_safety(index_dir: IndexDir = None) -> None:
    """Rebuild assistant/data/crisis_model.npz from assistant/data/crisis_training.jsonl (deterministic)."""
    enforce_offline()
    from assistant.safety import crisis_embedding, model_text, normalize
    from assistant.safety_model import EMBEDDER, MODEL_FILE, load_training, train, training_hash
    from ingest.embedding import get_embedder
    from ingest.store import IndexVersion
    from ingest.units import split_units

    try:
        index = IndexVersion.open_current(settings_or_exit(index_dir).index_dir)
    except PeerhelpError as err:
        fail(err)
    texts, levels = load_training()
    domain = sorted({u.text for c in index.chunks for u in split_units(c) if len(u.text.split()) >= 4})
    embedder = get_embedder(EMBEDDER)
    model, stats = train([model_text(t) for t in texts], [normalize(t) for t in texts], levels, domain, normalize,
                         crisis_embedding(embedder), embedder.name)
    model.save(MODEL_FILE, training_hash())
    typer.echo(f"Wrote {MODEL_FILE}: {json.dumps(stats)}")


@app.command("eval-crisis")
def eval_crisis(files: Annotated[list[Path], typer.Argument(help="JSON-lines message sets (text, level, lang).")]) -> None:
    """Measure the crisis detector on message sets: recall, false alarms, 911 first, per language.

    Example: peerhelp eval-crisis evals/crisis_sets/*.jsonl
    """
    enforce_offline()
    from assistant.safety import CrisisDetector, crisis_embedding
    from assistant.safety_model import EMBEDDER, CrisisModel
    from evals.crisis import load_messages, score
    from ingest.embedding import get_embedder

    embedder = get_embedder(EMBEDDER)
    detector = CrisisDetector(crisis_embedding(embedder), CrisisModel.load())
    try:
        sets = {path.name: load_messages(path) for path in files}
    except (OSError, ValueError) as err:
        fail(err)
    everything = [m for messages in sets.values() for m in messages]
    for name, messages in [*sets.items(), ("all sets", everything)]:
        report = score(detector, messages)
        for part in [k for k in report if k not in ("misses", "ms_per_message")]:
            f = report[part]
            typer.echo(f"{name:32s} {part:4s} n={f['messages']:4d}  recall {f['recall']['hits']}/{f['recall']['of']}"
                       f"  false alarms {f['false_alarms']['hits']}/{f['false_alarms']['of']}"
                       f"  911 first {f['emergency_911_first']['hits']}/{f['emergency_911_first']['of']}")
        typer.echo(f"{name:32s} {report['ms_per_message']} ms per message")


@app.command("eval-verifier")
def eval_verifier(files: Annotated[list[Path], typer.Argument(help="JSON-lines pairs (document, passage, claim, label, kind, language).")],
                  llm: Annotated[bool, typer.Option(help="Also ask the configured LLM (PEERHELP_LLM_BASE_URL) to read each "
                                                         "claim the rules keep, and each they drop only for its "
                                                         "wording, as LLM mode does")] = False) -> None:
    """Measure how LLM-draft verification drops contradictions and keeps faithful restatements, per kind and language.

    Each claim is checked against the indexed chunk holding its passage (the seeds' index and every suite's).
    Example: peerhelp eval-verifier evals/verifier_sets/dev.jsonl
    """
    enforce_offline()
    from evals.suites import ensure_index, suite_settings, suites
    from evals.verifier import main

    settings = settings_or_exit()
    index_dirs = []
    for suite in suites(settings):
        config = suite_settings(settings, suite)
        ensure_index(config)
        index_dirs.append(config.index_dir)
    reader = None
    if llm:
        from assistant.entailment import reader_for
        from assistant.llm import from_settings

        model = from_settings(settings)
        if model is None:
            fail(ValueError("--llm needs an LLM: set PEERHELP_LLM_BASE_URL and PEERHELP_LLM_MODEL"))
        reader = reader_for(model)
    try:
        typer.echo(main(files, index_dirs, reader))
    except (OSError, ValueError) as err:
        fail(err)
