"""The date a document says it speaks as of: "Updated March 2026", "Last modified: 2025-11-03",
"Effective July 1, 2024", "Actualizado en marzo de 2026".

A citation's date tells a peer how current a rule is, so the document's own statement wins over the
file's date (which is the day it was downloaded or uploaded, and is kept only as an approximate fallback).
Only the head and the tail are read: that is where pages and memos state it.
"""

import re

_EN = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
       "november", "december"]
_ES = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
       "noviembre", "diciembre"]
_MONTH = {name: n for names in (_EN, _ES) for n, name in enumerate(names, start=1)} | \
    {name[:3]: n for n, name in enumerate(_EN, start=1)} | {"sept": 9, "setiembre": 9}
_LABEL = (r"(?:last\s+(?:updated|modified|revised|reviewed)|updated|revised|modified|effective(?:\s+date)?|"
          r"date\s+(?:issued|posted)|issued|posted|actualizado|última\s+actualización|ultima\s+actualizacion|vigente)")
_MONTH_NAME = "|".join(sorted(_MONTH, key=len, reverse=True))
_VALUE = (rf"(?P<iso>\d{{4}}-\d{{2}}(?:-\d{{2}})?)|(?P<us>\d{{1,2}})/(?P<usd>\d{{1,2}})/(?P<usy>\d{{4}})|"
          rf"(?:(?P<d1>\d{{1,2}})\s+(?:de\s+)?)?(?P<month>{_MONTH_NAME})\.?\s+(?:(?P<d2>\d{{1,2}}),?\s+)?(?:de\s+)?(?P<year>\d{{4}})")
STATED = re.compile(rf"\b{_LABEL}\s*(?:on|:|en|el|as\s+of)?\s*(?:on|:|en|el)?\s*(?:{_VALUE})\b", re.IGNORECASE)
HEAD, TAIL = 3000, 2000
_WRITTEN = re.compile(rf"^\s*(?:{_VALUE}|(?P<year_only>\d{{4}}))\s*$", re.IGNORECASE)


def stated_date(text: str) -> str | None:
    """YYYY-MM-DD or YYYY-MM from the first labelled date in the head (then the tail) of the text; None if none."""
    for part in (text[:HEAD], text[-TAIL:]):
        for m in STATED.finditer(part):
            found = _as_iso(m)
            if found:
                return found
    return None


def written_date(value: str) -> str | None:
    """A date as staff type it ("March 2026", "3/15/2026", "2026-03", "15 de marzo de 2026", "2026") as YYYY[-MM[-DD]];
    None if it is not one."""
    m = _WRITTEN.match(value or "")
    if m is None:
        return None
    if m["year_only"]:
        return m["year_only"] if 1990 <= int(m["year_only"]) <= 2100 else None
    return _as_iso(m)


def _as_iso(m: re.Match) -> str | None:
    if m["iso"]:
        year, month, *day = (int(x) for x in m["iso"].split("-"))
    elif m["us"]:
        year, month, day = int(m["usy"]), int(m["us"]), [int(m["usd"])]
    else:
        year, month = int(m["year"]), _MONTH[m["month"].lower()]
        day = [int(d)] if (d := m["d1"] or m["d2"]) else []
    if not (1990 <= year <= 2100 and 1 <= month <= 12) or (day and not 1 <= day[0] <= 31):
        return None
    return f"{year:04d}-{month:02d}" + (f"-{day[0]:02d}" if day else "")
