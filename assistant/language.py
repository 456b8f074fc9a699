"""Spanish support: detect the question's language, and map Spanish terms to the corpus's English.

The corpus is English and all-MiniLM-L6-v2 is an English model, so a Spanish question is
retrieved through an English rendering of its content words (a domain glossary, measured
against English twins in the evaluation suite). Answers quote the English passages and wrap
them in Spanish framing.
"""

import re
import unicodedata

_ES_MARKERS = set("""el la los las del que para con por una un es se su sus al como pero está están son cómo qué
cuál cuáles cuándo dónde quién puedo puede necesito tengo hay mi mis yo usted ustedes sí también examen condado
certificación certificado becas beca español inglés correo solicitar requisitos participa participando""".split())
_EN_MARKERS = set("the of and to in for is on that with are be this from or an it at can do does how what which who when where i my".split())

_ES_FUNCTION = set("""a ante bajo de desde en entre hacia hasta mediante segun sin sobre tras lo le les me te nos os
esta este estos estas ese esa esos esas aquel muy mas ya o u ni si no tambien porque aunque cuando donde como quien
cual hola gracias favor por puedo puede pueden debo debe tengo tiene hay ser estar fue sera soy eres somos quiero
quisiera saber necesito necesita alguien algo todo todos toda todas otra otros mucho poco cada que qu""".split())

# Spanish content word (accents stripped) -> English query terms.
GLOSSARY = {
    "examen": "exam", "prueba": "test exam", "espanol": "Spanish", "ingles": "English", "idioma": "language",
    "certificacion": "certification", "certificado": "certified certification", "certificarme": "certified certification",
    "certificar": "certify certification", "condado": "county", "condados": "counties", "participa": "participating",
    "participan": "participating", "participando": "participating", "participantes": "participating",
    "beca": "scholarship", "becas": "scholarships", "solicitar": "apply application", "solicitud": "application",
    "aplicar": "apply", "requisitos": "requirements", "requisito": "requirement", "elegible": "eligible",
    "elegibilidad": "eligibility", "correo": "email", "electronico": "email", "contacto": "contact",
    "contactar": "contact", "telefono": "phone", "preguntas": "questions", "pregunta": "question", "companeros": "peers",
    "companero": "peer", "pares": "peers", "apoyo": "support", "especialista": "specialist", "especialistas": "specialists",
    "abuelo": "grandparenting", "abuelos": "grandparenting", "experiencia": "experience", "capacitacion": "training",
    "entrenamiento": "training", "cuota": "fee", "costo": "cost fee", "cuesta": "cost fee", "pago": "fee", "horas": "hours",
    "renovar": "renew renewal", "renovacion": "renewal", "vivida": "lived", "recuperacion": "recovery",
    "salud": "health", "mental": "mental", "servicios": "services", "servicio": "service", "ley": "law bill",
    "proyecto": "bill", "fecha": "date", "limite": "deadline", "cuando": "when", "quien": "who", "disponible": "available",
    "todavia": "still", "ahora": "currently", "familia": "family", "familiar": "family member", "padres": "parent",
    "crisis": "crisis", "justicia": "justice-involved", "vivienda": "unhoused", "supervision": "supervision",
    "competencias": "competencies", "entidad": "entity", "estatal": "statewide", "programa": "program",
    "fondos": "funding", "financiamiento": "funding", "subvencion": "grant", "facturar": "bill billing",
    "reembolso": "reimbursement", "cuales": "which", "sobre": "about", "medi-cal": "Medi-Cal", "ayuda": "help",
    "trabajo": "job work", "empleo": "employment job", "estados": "states", "estado": "state", "otro": "another",
    "transferir": "transfer", "consejo": "council", "asesor": "advisory", "reunion": "meeting", "reuniones": "meetings",
    "calificacion": "score", "aprobar": "pass", "aprobatoria": "passing", "descripcion": "description",
    "maneja": "runs manages", "encargada": "lead staff in charge", "encargado": "lead staff in charge",
    "responsable": "lead responsible", "dirige": "runs leads", "junta": "meeting", "marcar": "dial-in call",
    "numero": "number", "llamar": "call dial-in", "organizacion": "organization", "agencia": "agency",
    "significa": "means", "quiere": "", "decir": "mean", "definicion": "definition", "tipos": "types",
    "especializaciones": "specializations", "especializacion": "specialization", "requerida": "required",
    "requeridas": "required", "obligatoria": "required", "necesaria": "required", "tomar": "take",
    "presentar": "take", "fechas": "dates", "cerca": "near", "estatus": "status", "capacitaciones": "trainings",
    "cursos": "courses training", "guia": "guide", "recursos": "resources", "consumidor": "consumer",
    "proveedor": "provider", "proveedores": "providers", "tarifas": "rates", "pagar": "pay", "paga": "pay",
    "estudiantes": "students", "estipendio": "stipend", "psiquiatras": "psychiatrists", "pacientes": "clients",
    "lideres": "leadership", "comite": "committee", "comision": "commission", "sesiones": "sessions",
    "escucha": "listening", "subvenciones": "grants", "plazo": "deadline", "vence": "due deadline",
    "puesto": "job position", "lista": "list", "escribo": "email questions", "escribir": "email questions",
    "pregunto": "questions", "preguntar": "questions", "comunico": "contact", "inscribirme": "apply", "examenes": "exam",
    # Words peers use in informal questions (getting, moving, records, results, family).
    "sacar": "get obtain", "obtener": "obtain get", "conseguir": "get obtain", "participar": "participate participating",
    "mudo": "move transfer", "mudarme": "move transfer", "mudanza": "move transfer", "trabajar": "work",
    "trabajando": "working work", "antecedentes": "background criminal record", "penales": "criminal",
    "delito": "felony conviction crime", "delitos": "felony conviction crime", "licencia": "license",
    "supervisora": "supervisor", "taller": "workshop training", "talleres": "workshops training",
    "inscribir": "enroll register", "inscribo": "enroll register", "registrarme": "register apply",
    "resultados": "results", "resultado": "result", "puntaje": "score", "intentos": "attempts retake",
    "reprobar": "fail retake", "reprobe": "failed retake", "educacion": "education", "continua": "continuing",
    "ano": "year", "anos": "years", "mes": "month", "meses": "months", "semanas": "weeks", "dias": "days", "edad": "age",
    "preparatoria": "high school diploma", "titulo": "degree diploma", "aprobo": "passed approved",
    "aprobada": "approved passed", "origen": "origin history", "historia": "history", "veteranos": "veterans",
    "jovenes": "youth", "adolescentes": "youth", "adultos": "adults", "ofrece": "offers", "ofrecen": "offer",
    "gratis": "free", "gratuito": "free", "exencion": "waiver", "apoya": "supports", "apoyan": "support",
    "organizaciones": "organizations", "ronda": "round", "incentivo": "incentive", "incentivos": "incentives",
    "reclutamiento": "recruitment", "hermano": "family member", "hermana": "family member", "hijo": "family member child",
    "hija": "family member child", "persona": "person", "personas": "people", "sitio": "website", "pagina": "page website",
    "enlace": "link", "documentos": "documents", "formulario": "form application", "aplicacion": "application",
    "elegir": "choose", "opcion": "option", "version": "version", "pruebas": "exam test", "aceptan": "accept",
    "acepta": "accepts", "reconocida": "recognized reciprocity", "valida": "valid reciprocity", "pagan": "pay paid",
    "sueldo": "salary wage pay", "salario": "salary wage", "facturacion": "billing", "miembros": "members",
    "adiccion": "addiction substance use", "adicciones": "addiction substance use", "drogas": "drugs substance use",
    "sustancias": "substance", "carcel": "incarcerated justice-involved", "prision": "incarcerated justice-involved",
    "indigentes": "unhoused homeless", "hogar": "housing home", "curso": "course training", "especialidad": "specialization",
    "linea": "online line", "virtual": "online virtual", "presencial": "in-person",
}


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")


_AMBIGUOUS_WITH_ENGLISH = {"a", "no", "me", "te", "si", "o", "u", "mi", "nos", "os", "le", "lo", "les", "ante", "favor"}


def detect_language(text: str) -> str:
    lowered = strip_accents(text.lower())
    if re.search(r"[¿¡ñ]", lowered):
        return "es"
    words = re.findall(r"[a-záéíóúüñ]+", lowered)
    markers = _ES_MARKERS | (_ES_FUNCTION - _AMBIGUOUS_WITH_ENGLISH) | {"ya", "vivir", "morir", "estoy", "aguanto"}
    es = sum(w in markers for w in words) + 2 * sum(bool(re.search(r"[áéíóú]", w)) for w in text.lower().split())
    en = sum(w in _EN_MARKERS for w in words)
    return "es" if es > en else "en"


def to_english_query(text: str) -> str:
    """Keep names, acronyms and numbers; translate the glossary's words; drop other Spanish words."""
    out: list[str] = []
    for raw in re.findall(r"[\w@.\-/]+", text):
        word = strip_accents(raw.lower())
        if word in GLOSSARY:
            out.append(GLOSSARY[word])
        elif word in _ES_MARKERS or raw.lower() in _ES_MARKERS or word in _ES_FUNCTION:
            continue
        else:
            out.append(raw)
    return " ".join(out)
