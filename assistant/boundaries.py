"""Advice the assistant must not give: medical, legal, lookups of a person's records, and secrets.

A kind, short, fixed boundary and a referral; never advice, never corpus text pretending to be
advice. Checked after crisis detection (crisis always comes first) and before answering.
"""

import re
from dataclasses import dataclass

from assistant.safety import normalize

_MEDICAL = re.compile(
    r"\b(stop|stopping|quit|quitting|skip|skipping|lower|lowering|change|changing|taper|tapering|double|come off|get off|"
    r"go off|cut back on|dejar|dejo|suspender|bajar|cambiar)\b.{0,30}\b(meds|medication|medications|medicine|pills|"
    r"antidepressants?|lithium|suboxone|methadone|buprenorphine|seroquel|zoloft|lexapro|prozac|abilify|insulin|"
    r"dose|dosage|medicinas|medicamentos?|pastillas|tratamiento|dosis)\b"
    r"|\b(what|which) (dose|dosage|medication|meds)\b.{0,30}\b(should|do) i\b"
    r"|\bis it (safe|ok|okay) (to|if i) (take|mix|drink)\b"
    r"|\b(should i|can i) (take|mix|drink)\b.{0,30}\b(with|and) (my )?(meds|medication|pills|alcohol)\b")
_LEGAL = re.compile(
    r"\b(fired|terminated|let go|laid off|demoted|discriminat\w*|harass\w*|retaliat\w*|despid\w*|corrieron)\b.{0,80}"
    r"\b(recovery|disclos\w*|diagnosis|history|record|lived experience|sobriety|mental health|recuperacion)\b"
    r"|\b(recovery|disclos\w*|diagnosis|lived experience)\b.{0,80}\b(fired|terminated|let go|discriminat\w*|despid\w*)\b"
    r"|\b(sue|suing|lawsuit|lawyer|attorney|legal rights|my rights|demandar|abogado|mis derechos)\b")
_PERSONAL = re.compile(
    r"\b(is|are|was) (my|our|his|her|their) (\w+ ){1,4}(certified|licensed)\b"
    r"|\b(check|verify|look up|lookup|confirm|find out) (if|whether|that)? ?\w+( \w+)? (is|was|are) certified\b"
    r"|\b(look up|check|find|see|what'?s|what is) (my|her|his|their) (certification|application|exam) (status|number|score|results?)\b"
    r"|\b(did i pass|my (exam )?results|mi (resultado|estatus|solicitud))\b"
    r"|\bes(ta)? certificad[oa] (mi|el|la)\b")


@dataclass
class Boundary:
    kind: str  # medical | legal | personal


MESSAGES = {
    "medical": {
        "en": "I can't give medical advice. Please talk with your doctor, prescriber or pharmacist before changing "
              "any medication; they know your situation and can help you plan safely.",
        "es": "No puedo dar consejos médicos. Por favor hable con su médico, quien le receta o su farmacéutico antes "
              "de cambiar cualquier medicamento; conocen su situación y pueden ayudarle a planearlo con seguridad.",
    },
    "legal": {
        "en": "I can't give legal advice about your situation. An employment lawyer or a legal aid organization can "
              "help you understand your rights.",
        "es": "No puedo dar consejos legales sobre su situación. Un abogado laboral o una organización de ayuda legal "
              "puede ayudarle a entender sus derechos.",
    },
    "personal": {
        "en": "I can't look up anyone's certification, application or personal records.",
        "es": "No puedo consultar la certificación, la solicitud ni los datos personales de nadie.",
    },
    "secret": {
        "en": "I can't share or look up passwords, keys or any other account secrets. If you can't get into an "
              "account, use its password reset or ask the organization that runs it.",
        "es": "No puedo compartir ni consultar contraseñas, claves ni otros datos de acceso. Si no puede entrar a una "
              "cuenta, use la opción para restablecer la contraseña o pregunte a la organización que la administra.",
    },
}


# Asking for a password, key or other secret ("what's the admin password", "give me the API key", "cuál es la
# contraseña"): never answered from documents, whatever a document claims (an instruction planted in one said to
# reply with a password), and nobody's account secrets are known here. ("Credentials" is left out: in this field it
# means a certification, as in "send the credential form".)
_SECRET = re.compile(
    r"\b(what('?s| is| are| was)|whats|give( me)?|tell( me)?|send( me)?|share|show( me)?|need|cual(es)? (es|son)|"
    r"dame|dime|digame|pasame|mandame)\b(\s+[\w'-]+){0,5}?\s+(password|passwords|passcode|passwd|pin( number)?|"
    r"api[ -]?keys?|access (key|token)|secret( key)?|tokens?|login details|contrasenas?|claves?( de acceso)?)\b")


_NAMED_PERSON = re.compile(r"\b(is|was|check if|verify|whether) [A-Z][a-z]+ [A-Z][a-z]+\b.{0,30}\bcertified\b")


def check_boundaries(message: str) -> Boundary | None:
    if _NAMED_PERSON.search(message):
        return Boundary("personal")
    text = normalize(message)
    for kind, pattern in (("secret", _SECRET), ("medical", _MEDICAL), ("personal", _PERSONAL), ("legal", _LEGAL)):
        if pattern.search(text):
            return Boundary(kind)
    return None


BOUNDARY_TEXTS = [m for kind in MESSAGES.values() for m in kind.values()]
