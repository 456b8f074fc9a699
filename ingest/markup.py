"""HTML fragments and template boilerplate inside extracted text: the lowest floor of cleaning.

Table cells and slide text often carry HTML (`<p>`, `<br>`, `<i>`) and placeholders ("Insert text
here"); these helpers turn a fragment into plain sentences and recognise a line that is only boilerplate.
"""

import html
import re

BOILERPLATE = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"^insert (statistics|text|image|photo|chart|graph|table)s? here\.?$",
        r"^this page (was|is|has been) (left )?(blank )?(intentionally|purposely)( left)?( blank)?\.?$",
        r"^this space is (left|reserved) for\b.*$",
        r"^(sidebar|page) elements$",
        r"^body$",
        r"^(click|tap) here\.?$",
        r"^delivery system key:?(\s*[\w-]+\s*=)*\s*$",
    )
]
TAG = re.compile(r"<[^>]{0,400}>")
TERMINAL = tuple(".!?:;")


def is_boilerplate(line: str) -> bool:
    s = strip_html(line).strip()
    return any(p.match(s) for p in BOILERPLATE)


def strip_html(fragment: str) -> str:
    """HTML fragment → text. Paragraphs become sentences; bullets become '; '-joined items."""
    s = re.sub(r"<br\s*/?>", "\x00", fragment, flags=re.IGNORECASE)
    s = re.sub(r"</(p|div|li|h\d)\s*>", "\x00", s, flags=re.IGNORECASE)
    s = html.unescape(TAG.sub("", s))
    parts = [" ".join(p.split()) for p in s.split("\x00")]
    return join_sentences([p for p in parts if p])


def join_sentences(parts: list[str]) -> str:
    out = ""
    for part in parts:
        if not out:
            out = part
        elif out.endswith(TERMINAL + (")", '"', "'")):
            out += " " + part
        else:
            out += ". " + part
    return out
