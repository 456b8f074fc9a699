"""Fixed framing text, English and Spanish. Never contains a fact, number or contact: those come from
cited passages only. What names the program and whom to refer to comes from the deployment profile
(ingest/profile.py), never from here."""

import re

from ingest.profile import Profile

MESSAGES = {
    "en": {
        "not_in_documents": "The program documents I have don't answer that.",
        "nearby": "Here is what they do say that is closest:",
        "scope": "I can only help with questions about {program}, using the official program documents.",
        "scope_ask": "You could ask, for example, {examples}.",
        "empty": "Please type a question about {program}.",
        "conflict": "These sources differ; they were published at different times (see the dates below), so please confirm with the contact listed.",
        "dated": "This may have changed since that source's date (shown below).",
        "listed_yes": "Yes. {county} is on the list of participating counties in {source} [{n}].",
        "listed_no": "{county} is not on the list of participating counties in {source} [{n}].",
        "table_row": "The county table in {source} lists {county} as: {record} [{n}].",
        "table_absent": "{county} does not appear in the county table in {source} [{n}].",
        "quotes_in_english": "",
        "intro": "",
        "acronym": "{acronym} stands for {expansion} [{n}].",
        "other_language": "I can answer in English or Spanish. Puedo responder en inglés o en español.",
        "county_list": "{source} lists these participating counties: {names} [{n}].",
        "county_table_note": "{source} has a separate county table with each county's delivery system, and it does not "
                             "match that list exactly; ask about a specific county to compare the two [{n}].",
    },
    "es": {
        "not_in_documents": "Los documentos del programa que tengo no responden eso.",
        "nearby": "Esto es lo más cercano que sí dicen (en inglés):",
        "scope": "Solo puedo ayudar con preguntas sobre {program}, usando los documentos oficiales del programa.",
        "scope_ask": "Puede preguntar, por ejemplo, {examples}.",
        "empty": "Por favor escriba una pregunta sobre {program}.",
        "conflict": "Estas fuentes no coinciden; se publicaron en fechas distintas (vea las fechas abajo), así que confírmelo con el contacto indicado.",
        "dated": "Esto puede haber cambiado desde la fecha de esa fuente (indicada abajo).",
        "listed_yes": "Sí. {county} está en la lista de condados participantes de {source} [{n}].",
        "listed_no": "{county} no está en la lista de condados participantes de {source} [{n}].",
        "table_row": "La tabla de condados de {source} indica para {county}: {record} [{n}].",
        "table_absent": "{county} no aparece en la tabla de condados de {source} [{n}].",
        "quotes_in_english": "Las citas están en inglés, el idioma de los documentos.",
        "intro": "Según los documentos oficiales del programa:",
        "acronym": "Según los documentos del programa, {acronym} significa «{expansion}» [{n}].",
        "lead_amount": "Según los documentos del programa, la cantidad es {value} [{n}].",
        "lead_date": "Según los documentos del programa, la fecha es {value} [{n}].",
        "lead_email": "Según los documentos del programa, puede escribir a {value} [{n}].",
        "lead_phone": "Según los documentos del programa, el teléfono es {value} [{n}].",
        "other_language": "I can answer in English or Spanish. Puedo responder en inglés o en español.",
        "county_list": "{source} incluye estos condados participantes: {names} [{n}].",
        "county_table_note": "{source} tiene otra tabla de condados con el sistema de servicios de cada uno, y no coincide "
                             "exactamente con esa lista; pregunte por un condado específico para comparar ambas [{n}].",
    },
}


def msg(language: str, key: str, **kwargs) -> str:
    return MESSAGES.get(language, MESSAGES["en"])[key].format(**kwargs)


def scope_reply(language: str, profile: Profile) -> str:
    """What the assistant is for (and what one could ask), when a question is about something else."""
    text = msg(language, "scope", program=profile.program(language))
    return f"{text} {msg(language, 'scope_ask', examples=profile.examples(language))}" if profile.examples else text


def framing_texts(profile: Profile) -> list[str]:
    """Fixed sentences with no slot left: never claims, never checked for citation support."""
    texts = [v for lang in MESSAGES.values() for v in lang.values() if v and "{" not in v]
    for language in MESSAGES:
        texts += [scope_reply(language, profile), msg(language, "empty", program=profile.program(language))]
        texts += [r.sentence_plain(language) for r in profile.referrals]
        texts += [r.sentence(language) for r in profile.referrals if "{contact}" not in r.sentence(language)]
    return texts


def lead_patterns() -> list[re.Pattern]:
    """Spanish leads: fixed text around a value copied from the cited quote (invented_facts checks the value)."""
    return [re.compile(re.escape(v.split("{value}")[0]) + r".+?\s*(\[\d+\])*")
            for k, v in MESSAGES["es"].items() if k.startswith("lead_")]


def referral_patterns(profile: Profile) -> list[re.Pattern]:
    """Referral sentences with their contact slot and citation marker: fixed text whose contact must sit in the
    cited quote (invented_facts checks that)."""
    patterns = []
    for r in profile.referrals:
        for language in MESSAGES:
            parts = re.split(r"\{contact\}", r.sentence(language).rstrip("."))
            patterns.append(re.compile(".+?".join(re.escape(p.strip()) for p in parts) + r"\s*(\[\d+\])*"))
    return patterns
