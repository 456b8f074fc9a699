"""Tracebacks without people's words: an exception's message can quote what it choked on (a UnicodeEncodeError holds
the whole string it could not encode, a validation error the value it refused), so every logged exception keeps its
type and its frames — where it happened — and loses its message.

Installed as the log record factory, so it covers every logger of the process (uvicorn's, Starlette's, ours), not
only those a filter was attached to.
"""

import logging
import traceback

_NOTE = "(its message is not logged: it may quote what a person wrote)"


def without_text(record: logging.LogRecord) -> logging.LogRecord:
    if record.exc_info and record.exc_info[1] is not None:
        kind, _, tb = record.exc_info
        frames = "".join(traceback.format_list(traceback.extract_tb(tb)))
        record.exc_text = f"Traceback (most recent call last):\n{frames}{kind.__module__}.{kind.__qualname__} {_NOTE}"
        record.exc_info = None
    return record


def install() -> None:
    """Make every log record of this process go through `without_text` (idempotent)."""
    current = logging.getLogRecordFactory()
    if getattr(current, "keeps_no_text", False):
        return

    def factory(*args, **kwargs) -> logging.LogRecord:
        return without_text(current(*args, **kwargs))

    factory.keeps_no_text = True
    logging.setLogRecordFactory(factory)
