"""What value a question asks for, and what that value looks like in a passage.

"How much is the exam?" asks for money, and "at no cost" answers it; "how many paid vacation days" asks for a count
of days, and "$24.15 per hour" does not; "who is the contact for help in Hmong?" is answered by a phone as well as
an email. The answer policy vetoes a lead that holds no such value (assistant/policy.py), and ranking favours units
that hold one (assistant/ranking.py).
"""

import re

from assistant.evidence import DATE, EMAIL, PHONE


_MONEY_WORDS = re.compile(r"\b(costs?|fees?|price|pay|paid|pays|cuesta|costo|cuota|dollars?|money|d[oó]lares|dinero|"
                          r"pag(?:a|an|ar|o|ar[aá]n?|ue|uen)|wages?|salar(?:y|ies)|hourly|sueldos?|salarios?|"
                          r"(?:reimbursement|mileage|pay|hourly) rates?|tarifas?)\b", re.IGNORECASE)


def asks_for_money(question: str) -> bool:
    """'¿Cuántas horas pagan?' asks for hours, not money, though it says 'pagan'."""
    return bool(_MONEY_WORDS.search(question)) and not _COUNTED_TIME.search(question)


_COUNTED_TIME = re.compile(r"\b(?:how many|cu[aá]nt[oa]s)\s+(?:\w+\s+)?(?:hours?|days?|weeks?|months?|years?|horas|d[ií]as|"
                           r"semanas|meses|a[nñ]os)\b", re.IGNORECASE)


_NOT_COUNTED = {"do", "does", "did", "is", "are", "was", "were", "will", "can", "could", "should", "would", "of", "have",
                "has", "had", "get", "got", "i", "you", "we", "they", "it", "there", "per", "in", "for", "to", "at",
                "on", "a", "an", "the", "my", "our", "your", "must", "need", "until", "before", "after"}


# An amount, or the words that say it is none: "at no cost" answers "does that cost anything?" and "how much is it?"
MONEY_VALUE = re.compile(r"\$\s?\d|\b\d[\d,]*\s*(?:dollars|d[oó]lares)\b|"
                         r"\b(?:at no|no|without(?: any)?)\s+(?:\w+\s+)?(?:cost|charge|tuition)s?\b|"
                         r"\bno\s+(?:\w+\s+)?fees?\b(?!\s+waiver)|\b(?:not|n't)\s+cost\s+anything\b|"
                         r"(?<![-\w])(?<!feel )(?<!toll )free\b(?![- ](?:time|line|number|call|form|text|speech)\b)(?!-)|"
                         r"\b(?:sin|ning[uú]n)\s+(?:costo|cargo|cobro)\b|\bno\s+tiene\s+(?:ning[uú]n\s+)?costo\b|"
                         r"\bgratu?i(?:ta|to|tamente|s|tas|tos)\b|"
                         # what something costs may be "paid for" in part: "subsidized", "at a reduced cost", "subsidiado"
                         r"\bsubsidi[sz]ed\b|\bsubsidiad[oa]s?\b|\breduced\s+(?:cost|price|fee|rate)s?\b", re.IGNORECASE)


def number_pattern(question: str) -> re.Pattern:
    """What a number answering this question looks like: '48 states' for 'how many states', money for a fee."""
    m = re.search(r"\bhow (many|much|long)\s+((?:[a-z]+\s+){0,2}[a-z]+)", question, re.IGNORECASE)
    counted = [w.lower() for w in m.group(2).split()] if m else []
    counted = counted[:next((i for i, w in enumerate(counted) if w in _NOT_COUNTED), len(counted))]
    # the noun the number counts is the first plural after "how many": 'days' of 'how many paid vacation days'
    noun = next((w for w in counted if len(w) > 3 and w.endswith("s")), counted[0] if counted else "")
    # up to three describing words may sit between ('3 paid vacation days'), not a phrase ('$300 stipend for each intern')
    between = rf"(?:(?!(?:{'|'.join(sorted(_NOT_COUNTED))})\b)[\w.-]+\s+){{0,3}}"
    count = re.compile(rf"\b\d[\d,.]*\)?[- ]+{between}{noun.rstrip('s')[:5]}", re.IGNORECASE) if noun else None
    if count is not None and m.group(1).lower() == "many":
        return count
    if asks_for_money(question):
        return MONEY_VALUE
    if re.search(r"\b(score|percent|passing|puntaje)\b", question, re.IGNORECASE):
        return re.compile(r"\d\s?%|\bscore\w*\b[^.]{0,40}\d|\d[^.]{0,40}\bscore", re.IGNORECASE)
    if count is not None:
        return count
    if re.search(r"\b(hours?|horas)\b", question, re.IGNORECASE):
        return re.compile(r"\b\d+[- ]hours?\b", re.IGNORECASE)
    return re.compile(r"\d")


def wanted_value(kind: str, question: str) -> re.Pattern | None:
    """The shape of the value a question of this kind asks for (`question` in the corpus's English for numbers)."""
    if kind == "number":
        return number_pattern(question)
    if kind == "email" and not _SAYS_EMAIL.search(question):
        return CONTACT  # "who is the contact for help in Hmong?" is answered by a phone number as well
    return {"email": EMAIL, "phone": PHONE, "date": DATE}.get(kind)


_SAYS_EMAIL = re.compile(r"\b(e-?mails?|correo|inbox|write)\b", re.IGNORECASE)
CONTACT = re.compile(f"{EMAIL.pattern}|{PHONE.pattern}")
