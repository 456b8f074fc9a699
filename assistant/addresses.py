"""Street addresses as people type them: a number and a street, a unit, a city, a state and a ZIP code, in English
and Spanish shapes ("Apt 14, 2200 Fulton St", "el 3110 de la Calle …", "Rural Route 4 Box 212", "… Ave #12 El
Centro"). Used by assistant/privacy.py, which replaces what these find with "[address]".
"""

import re
from functools import lru_cache

from assistant.name_lists import place_names

_STREET_TYPE = (r"(?:St|Street|Ave|Avenue|Blvd|Boulevard|Rd|Road|Dr|Drive|Ln|Lane|Way|Ct|Court|Pl|Place|Ter|Terrace|"
                r"Cir|Circle|Pkwy|Parkway|Hwy|Highway|Broadway|Trl|Trail|Loop|Sq|Square)")
_ROUTE_NUMBER = r"(?:(?<=[Hh]wy)|(?<=[Hh]ighway))[ \t]+\d{1,4}[A-Za-z]?\b"  # "14870 Hwy 99E"
_UNIT_WORD = (r"(?:apt|apartment|unit|suite|ste|spc|space|sp(?![a-z])|lot|lote|trailer|trlr|bldg|building|depto|departamento|dpto|casa|"
               r"interior|int|cuarto|espacio)")
_UNIT = rf"(?:,?\s*(?i:{_UNIT_WORD}\.?|#)\s*#?\s*[\w-]{{1,6}})?"
# the city after a comma ("…, Chico, CA 95926"): a capitalised word after a full stop starts the next sentence;
# typed in lower case ("… fresno ca 93702") a city is one only when a state or a ZIP code follows it
_CITY = r"[A-ZÁÉÍÓÚ][\wáéíóúñ'-]+"
_LOWER_CITY = r"[a-záéíóúñ][\wáéíóúñ'-]+"
_STATE = r"(?:California|Calif\.|CA|(?<=[a-z][ \t])ca|(?<=[a-z],[ \t])ca)"
_CITY_ZIP = (rf"(?:(?:,|[ \t]*/)[ \t]*(?:{_CITY}[ \t]+){{0,2}}{_CITY}|"
             rf"[ \t]+(?:{_CITY}[ \t]+){{0,2}}{_CITY}(?=,?[ \t]+(?:CA|California|\d{{5}})\b)|"
             rf"(?:,|[ \t]*/)?[ \t]+(?:{_LOWER_CITY}[ \t]+){{0,2}}{_LOWER_CITY}(?=,?[ \t]+(?:ca,?[ \t]+)?\d{{5}}\b))?"
             rf"(?:,?[ \t]+{_STATE}\b)?"
             r"(?:,?[ \t]+\d{5}(?:-\d{4})?)?")
# a street line without a street word ("15 Via Lucero", "61 Quail Run") is an address when a city and a ZIP code
# follow it; typed in lower case, a state between them too
def _zip_tail(state: str, separator: str = ",[ \t]*") -> str:
    return (rf"{separator}(?:(?:{_CITY}|{_LOWER_CITY})[ \t]+){{0,2}}(?:{_CITY}|{_LOWER_CITY}),?[ \t]+"
            rf"(?:(?:California|CA|ca),?[ \t]+){state}\d{{5}}(?:-\d{{4}})?\b")


_SPACE_OR_COMMA = r",?[ \t]+"
_FUNCTION_WORD = r"(?:to|from|and|or|at|in|on|of|for|the|with|y|en|a|de|con|por|para)\b"
STREET_LINES = [
    re.compile(rf"(?:\b(?i:{_UNIT_WORD})\.?\s*#?\s*[\w-]{{1,6}}(?:,|[ \t]*/)?\s+)?"  # "Apt 14, 2200 Fulton St", "Lot 5, …"
               rf"\b\d{{1,6}}(?:[ \t]+1/2)?\s+(?:[NSEW]\.?\s+)?(?:(?!(?i:to|from|and|or|at|in|on|the|y|en|a)\b)[\w'.-]+\s+){{0,4}}?"
               rf"(?i:{_STREET_TYPE})\b(?:{_ROUTE_NUMBER}|[ \t]+[A-Z]\b(?=,))?(?:\.(?=,|\s+(?i:apt|apartment|unit|suite|ste|#)))?{_UNIT}{_CITY_ZIP}"),
    re.compile(rf"\b\d{{1,6}}[ \t]+(?:[NSEWnsew]\.?[ \t]+)?(?:{_CITY}[ \t]+){{0,2}}{_CITY}{_UNIT}{_zip_tail('?')}"),
    re.compile(rf"\b\d{{1,6}}[ \t]+(?:[nsew]\.?[ \t]+)?(?:(?!{_FUNCTION_WORD}){_LOWER_CITY}[ \t]+){{0,2}}"
               rf"(?!{_FUNCTION_WORD}){_LOWER_CITY}{_UNIT}{_zip_tail('')}"),
    re.compile(rf"(?:\b(?i:{_UNIT_WORD})\.?\s*#?\s*[\w-]{{1,6}},?\s+|\b(?i:colonia|col\.)\s+(?:[A-ZÁÉÍÓÚ][\w'.-]*\s+){{0,2}}"
               rf"[A-ZÁÉÍÓÚ][\w'.-]*,?\s+)?"
               rf"\b(?:\d{{1,6}}\s+(?:(?i:de\s+la|del|de)\s+)?)?(?i:calle|avenida|av\.|ave\.|camino|paseo|callej[óo]n|boulevard|privada|carretera|ruta)\s+"
               rf"(?:(?:de|del|la|las|los|el)\s+|[A-ZÁÉÍÓÚ0-9][\w'.-]*\s+){{0,3}}[A-ZÁÉÍÓÚ0-9][\w'.-]*(?:\s+(?i:n[úu]mero\s+|no\.\s*|#\s*)?\d{{1,6}}\b)?"
               rf"{_UNIT}{_CITY_ZIP}"),
    re.compile(rf"\b\d{{1,6}}[ \t]+(?i:calle|avenida|camino)[ \t]+(?:(?:de|del|la|las|los|el)[ \t]+)?{_LOWER_CITY}"
               rf"(?:[ \t]+{_LOWER_CITY})?{_UNIT}{_zip_tail('?', _SPACE_OR_COMMA)}"),  # "2240 calle del sol #14 santa ana 92704"
    re.compile(rf"(?i:\b(?:p\.?\s*o\.?\s*box|apartado(?:\s+postal)?)\s*\d{{1,6}}){_CITY_ZIP}"),
    re.compile(rf"(?i:\b(?:(?:rural\s+route|ruta\s+rural|r\.?r\.?|hc|star\s+route|rt|route)\s*\d{{1,4}}|star\s+route|rural\s+route),?"
               rf"\s*(?:box|caja)\s*\d{{1,6}}){_CITY_ZIP}"),
    # a street named without its type but with a unit: "980 N. Blackstone #17, Fresno"
    re.compile(rf"\b\d{{1,6}}[ \t]+(?:[NSEW]\.?[ \t]+)?(?:{_CITY}[ \t]+){{0,2}}{_CITY}[ \t]*#[ \t]*[\w-]{{1,6}}"
               rf"(?=,[ \t]*[A-Z]|[ \t]+\d{{5}}){_CITY_ZIP}"),
]


@lru_cache(maxsize=1)
def place_after() -> re.Pattern:
    """A city or town right after a street line, with no comma or ZIP code to mark it ("… Ave #12 El Centro",
    "… story rd san jose", "… calle Olivo en Santa Ana"), and the state and ZIP code that may follow."""
    names = "|".join(re.escape(n).replace(r"\ ", r"[ \t]+") for n in place_names())
    return re.compile(rf"(?i:[ \t]+{_STREET_TYPE}\b\.?)?(?:[ \t]*,|[ \t]+(?i:en|in))?[ \t]*(?i:{names})\b"
                      r"(?![ \t]+(?i:county|condado)\b)"  # "… in Fresno County" names the county, not the street's city
                      rf"(?:,?[ \t]+(?:California|CA|ca)\b)?(?:,?[ \t]+\d{{5}}(?:-\d{{4}})?)?")
