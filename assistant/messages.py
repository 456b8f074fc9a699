"""Fixed framing and referral text, English and Spanish. Never contains a fact, number or contact:
those come from cited passages only."""

import re

MESSAGES = {
    "en": {
        "not_in_documents": "The program documents I have don't answer that.",
        "nearby": "Here is what they do say that is closest:",
        "scope": "I can only help with questions about California's Medi-Cal Peer Support Specialist certification, "
                 "using the official program documents.",
        "scope_ask": "You could ask, for example, which counties take part, what grandparenting is, or whom to contact.",
        "empty": "Please type a question about the Medi-Cal Peer Support Specialist certification.",
        "conflict": "These sources differ; they were published at different times (see the dates below), so please confirm with the contact listed.",
        "dated": "This may have changed since that source's date (shown below).",
        "listed_yes": "Yes. {county} is on the list of participating counties in {source} [{n}].",
        "listed_no": "{county} is not on the list of participating counties in {source} [{n}].",
        "table_row": "The county table in {source} lists {county} as: {record} [{n}].",
        "table_absent": "{county} does not appear in the county table in {source} [{n}].",
        "refer_calmhsa": "For certification, exam, fee and renewal questions, contact CalMHSA at {email} [{n}].",
        "refer_calmhsa_plain": "For certification, exam, fee and renewal questions, contact CalMHSA.",
        "refer_dhcs": "For questions about SB 803 and DHCS policy, email {email} [{n}].",
        "refer_dhcs_plain": "For questions about SB 803 and DHCS policy, contact DHCS.",
        "refer_county": "For local services, jobs and scholarships, contact your county behavioral health plan [{n}].",
        "refer_county_plain": "For local services, jobs and scholarships, contact your county behavioral health plan.",
        "quotes_in_english": "",
        "intro": "",
        "other_language": "I can answer in English or Spanish. Puedo responder en inglés o en español.",
        "county_list": "{source} lists these participating counties: {names} [{n}].",
        "county_table_note": "{source} has a separate county table with each county's delivery system, and it does not "
                             "match that list exactly; ask about a specific county to compare the two [{n}].",
    },
    "es": {
        "not_in_documents": "Los documentos del programa que tengo no responden eso.",
        "nearby": "Esto es lo más cercano que sí dicen (en inglés):",
        "scope": "Solo puedo ayudar con preguntas sobre la certificación de Especialista en Apoyo de Pares de Medi-Cal "
                 "en California, usando los documentos oficiales del programa.",
        "scope_ask": "Puede preguntar, por ejemplo, qué condados participan, qué es el proceso de “grandparenting” o a quién contactar.",
        "empty": "Por favor escriba una pregunta sobre la certificación de Especialista en Apoyo de Pares de Medi-Cal.",
        "conflict": "Estas fuentes no coinciden; se publicaron en fechas distintas (vea las fechas abajo), así que confírmelo con el contacto indicado.",
        "dated": "Esto puede haber cambiado desde la fecha de esa fuente (indicada abajo).",
        "listed_yes": "Sí. {county} está en la lista de condados participantes de {source} [{n}].",
        "listed_no": "{county} no está en la lista de condados participantes de {source} [{n}].",
        "table_row": "La tabla de condados de {source} indica para {county}: {record} [{n}].",
        "table_absent": "{county} no aparece en la tabla de condados de {source} [{n}].",
        "refer_calmhsa": "Para preguntas sobre la certificación, el examen, las cuotas o la renovación, escriba a CalMHSA: {email} [{n}].",
        "refer_calmhsa_plain": "Para preguntas sobre la certificación, el examen, las cuotas o la renovación, contacte a CalMHSA.",
        "refer_dhcs": "Para preguntas sobre la ley SB 803 y las políticas del DHCS, escriba a {email} [{n}].",
        "refer_dhcs_plain": "Para preguntas sobre la ley SB 803 y las políticas del DHCS, contacte al DHCS.",
        "refer_county": "Para servicios locales, empleos y becas, contacte al plan de salud conductual de su condado [{n}].",
        "refer_county_plain": "Para servicios locales, empleos y becas, contacte al plan de salud conductual de su condado.",
        "quotes_in_english": "Las citas están en inglés, el idioma de los documentos.",
        "intro": "Según los documentos oficiales del programa:",
        "other_language": "I can answer in English or Spanish. Puedo responder en inglés o en español.",
        "county_list": "{source} incluye estos condados participantes: {names} [{n}].",
        "county_table_note": "{source} tiene otra tabla de condados con el sistema de servicios de cada uno, y no coincide "
                             "exactamente con esa lista; pregunte por un condado específico para comparar ambas [{n}].",
    },
}


def msg(language: str, key: str, **kwargs) -> str:
    return MESSAGES.get(language, MESSAGES["en"])[key].format(**kwargs)


def framing_texts() -> list[str]:
    """Fixed sentences with no slot: never claims, never checked for citation support."""
    return [v for lang in MESSAGES.values() for v in lang.values() if v and "{" not in v]


def referral_patterns() -> list[re.Pattern]:
    """Referral sentences with their contact slot: fixed text whose contact must sit in the cited quote."""
    patterns = []
    for lang in MESSAGES.values():
        for key, value in lang.items():
            if key.startswith("refer_") and "{" in value:
                parts = re.split(r"\{\w+\}", value.rstrip("."))
                patterns.append(re.compile(".+?".join(re.escape(p) for p in parts)))
    return patterns
