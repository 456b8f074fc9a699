"""What every `peerhelp` command shares: the Typer app, common options, settings that fail as one line.

Library errors become one-line messages (file, reason, fix) and an exit code; no tracebacks.
"""

from pathlib import Path
from typing import Annotated, Optional

import typer

from core.settings import Settings

app = typer.Typer(
    help="peerhelp: grounded, cited answers about the Medi-Cal Peer Support Specialist certification.\n\n"
    "Start with `peerhelp ingest`, then `peerhelp documents`.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

IndexDir = Annotated[Optional[Path], typer.Option("--index-dir", help="Index folder (default: PEERHELP_INDEX_DIR or .index).")]
CorpusDir = Annotated[Optional[Path], typer.Option("--corpus-dir", help="Corpus folder (default: PEERHELP_CORPUS_DIR or corpus/).")]
AsJson = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]


def settings_or_exit(index_dir: Path | None = None, corpus_dir: Path | None = None) -> Settings:
    """The settings, or one readable line per bad PEERHELP_* value (never a traceback)."""
    from pydantic import ValidationError

    overrides = {k: v for k, v in {"index_dir": index_dir, "corpus_dir": corpus_dir}.items() if v is not None}
    try:
        return Settings(**overrides)
    except ValidationError as err:
        fail(ValueError("; ".join(("PEERHELP_" + "_".join(map(str, e["loc"])).upper() + ": " if e["loc"] else "") +
                                   e["msg"].removeprefix("Value error, ") for e in err.errors())))


def fail(err: Exception) -> None:
    typer.secho(f"Error: {err}", fg=typer.colors.RED, err=True)
    raise typer.Exit(2)
