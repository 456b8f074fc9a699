"""Redact personal details before anything is stored: users may tell us who they are and what they live with."""

import re

_RULES = [
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[email]"),
    (re.compile(r"(?<!\d)(?:\+?1[-. ]?)?\(?\d{3}\)?[-. ]?\d{3}[-. ]?\d{4}(?!\d)"), "[phone]"),
    (re.compile(r"\b\d{3}-\d{2}-\d{4}\b"), "[id number]"),
    (re.compile(r"\b(?:medi-?cal|cin|member|client|case|license|certification)\s*(?:id|number|no\.?|#)\s*[:#]?\s*[A-Z0-9-]{5,}\b",
                re.IGNORECASE), "[id number]"),
    (re.compile(r"\b(?:born on|dob|date of birth|fecha de nacimiento)\s*:?\s*[\w/,. -]{6,20}", re.IGNORECASE), "[date of birth]"),
    # "My name is …" names someone whatever the case; "call me …" only before a capitalised word ("call me at
    # 555-…", "call me back" name nobody).
    (re.compile(r"\b(my name is|i am called|me llamo|mi nombre es)\s+[a-záéíóúñ][\w'-]+(\s+(?-i:[A-ZÁÉÍÓÚÑ])[\w'-]+){0,2}",
                re.IGNORECASE), r"\1 [name]"),
    (re.compile(r"\b((?i:call me))\s+[A-ZÁÉÍÓÚÑ][\w'-]+(\s+[A-ZÁÉÍÓÚÑ][\w'-]+){0,2}"), r"\1 [name]"),
    (re.compile(r"\b\d{1,5}\s+[A-Z][\w]*(?:\s+[A-Z][\w]*){0,3}\s+(?:St|Street|Ave|Avenue|Blvd|Rd|Road|Dr|Drive|Ln|Lane|Way|Ct)\b\.?"),
     "[address]"),
]


def redact(text: str) -> str:
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return text
