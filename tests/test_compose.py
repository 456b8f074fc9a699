"""Composing an answer from ranked units: fragments get their heading, Spanish answers lead with the value asked for."""

from assistant.compose import Citations, Selection, compose_answer, select_units, unit_sentence
from assistant.contract import Answer, Citation
from assistant.evidence import units_of
from assistant.query import Query
from evals.checks import citation_support, invented_facts
from ingest.chunking import Chunk
from ingest.profile import NEUTRAL


def _chunk(text: str, heading: str = "Stipend") -> Chunk:
    return Chunk(id="c-0", doc_id="doc", n=0, text=text, start=0, end=len(text), title="Peer stipend",
                 heading_path=[heading], issuer="County", url=None, as_of="2026-03", as_of_approximate=False,
                 kind="webpage", language="en")


def _query(kind: str, language: str = "es") -> Query:
    return Query(original="¿Cuánto cuesta?", language=language, text="how much cost", answer_type=kind)


def test_a_fragment_under_a_heading_is_read_with_its_heading():
    [unit] = units_of(_chunk("No: 21-041, July 22, 2021", heading="Behavioral Health Information Notice (BHIN)"))
    assert unit_sentence(unit) == "Behavioral Health Information Notice (BHIN): No: 21-041, July 22, 2021"
    [long] = units_of(_chunk("The completion stipend is $600 and is paid within 30 days of the certificate."))
    assert unit_sentence(long) == long.text


def test_a_spanish_answer_leads_with_the_one_value_asked_for_copied_from_the_quote():
    [unit] = units_of(_chunk("The completion stipend is $1,400, paid after the exam."))
    cites = Citations()
    text = compose_answer(_query("number"), Selection(unit, [unit]), cites)
    assert text.startswith("Según los documentos del programa, la cantidad es $1,400 [1]. The completion stipend")
    answer = Answer(status="answered", answer=text, language="es", citations=[
        Citation(n=c.n, document=c.document, title=c.title, quote=c.quote) for c in cites.items])
    assert invented_facts(answer) == [] and citation_support(answer, NEUTRAL)["supported"] == 1


def test_no_spanish_lead_when_the_quote_holds_two_values_or_the_answer_is_english():
    [unit] = units_of(_chunk("The fall window opens July 6 and closes August 14, 2026."))
    assert compose_answer(_query("date"), Selection(unit, [unit]), Citations()).startswith("Según los documentos oficiales del programa:")
    [one] = units_of(_chunk("The fall window closes August 14, 2026."))
    assert compose_answer(_query("date", "en"), Selection(one, [one]), Citations()).startswith("The fall window closes")


def test_no_spanish_lead_for_hours_or_when_sources_disagree():
    [unit] = units_of(_chunk("The 80-hour training costs $1,400 for self-pay participants."))
    hours = Query(original="¿Cuántas horas dura el entrenamiento?", language="es", text="hours training",
                  answer_type="number")
    assert compose_answer(hours, Selection(unit, [unit]), Citations()).startswith("Según los documentos oficiales del programa:")
    [other] = units_of(_chunk("The 80-hour training cost $1,200 in 2024."))
    money = Query(original="¿Cuánto cuesta el entrenamiento?", language="es", text="cost training", answer_type="number")
    assert compose_answer(money, Selection(unit, [unit]), Citations(), conflict=other).startswith("Según los documentos oficiales")


def _scored(text: str, scores: list[float]):
    units = units_of(_chunk(text))
    for unit, score in zip(units, scores):
        unit.score = score
    return units


def test_a_lead_that_leans_back_brings_the_sentence_it_leans_on():
    units = _scored("Applications came in below forecast, so the funds move to fee waivers. "
                    "As a result, stipends are paused for now. The office is open on Mondays.", [0.1, 0.9, 0.05])
    selection = select_units(units, None)
    assert selection.lead is units[1]
    assert [u.text for u in selection.units] == [units[0].text, units[1].text]  # in document order


def test_a_lead_brings_the_rest_of_a_wrapped_sentence_and_the_list_its_colon_opens():
    wrapped = _scored("This was done to keep one process across the state\none that does not require two exams.", [0.9, 0.1])
    assert len(select_units(wrapped, None).units) == 2
    listed = _scored("The stipend covers:\n- the exam fee\n- travel to the test site\n\nThe office is open on Mondays.",
                     [0.9, 0.05, 0.05, 0.3])
    assert [u.text for u in select_units(listed, None).units][:3] == \
        ["The stipend covers:", "the exam fee", "travel to the test site"]


def test_a_lead_that_stands_alone_is_quoted_alone():
    units = _scored("The completion stipend is $600. The office is open on Mondays.", [0.9, 0.1])
    assert [u.text for u in select_units(units, None).units] == [units[0].text]


def test_a_sentence_cut_by_a_line_wrap_is_quoted_as_one_passage():
    units = _scored("This was done to keep one process across the state\none that does not require two exams.", [0.9, 0.1])
    cites = Citations()
    text = compose_answer(_query("other", "en"), select_units(units, None), cites)
    assert text == "This was done to keep one process across the state one that does not require two exams [1]."
    dashed, dashed_cites = _scored("One process across the state —\none that does not require two exams.", [0.9, 0.1]), Citations()
    assert compose_answer(_query("other", "en"), select_units(dashed, None), dashed_cites).endswith("two exams [1].")
    assert len(dashed_cites.items) == 1  # a dash between the lines: still one passage
    assert len(cites.items) == 1 and cites.items[0].quote == units[0].chunk.text


def test_an_acronym_is_expanded_from_the_words_that_spell_it():
    from assistant.compose import acronym_expansion

    text = "Funding flows through Peer Workforce Investment (PWI), the California Mental Health Services Authority (CalMHSA)"
    assert acronym_expansion("pwi", text) == "Peer Workforce Investment"
    assert acronym_expansion("CalMHSA", text) == "California Mental Health Services Authority"  # its capitals spell it
    assert acronym_expansion("DMC-ODS", "DMC-ODS — Drug Medi-Cal Organized Delivery System") == \
        "Drug Medi-Cal Organized Delivery System"
    assert acronym_expansion("PWI", "PWI — a grant for peer-run groups") is None  # a gloss that does not spell it
    assert acronym_expansion("EPOC", "Applications (EPOC) close in August") is None


def test_a_definition_of_an_acronym_opens_with_its_expansion_in_the_readers_language():
    units = _scored("To apply for the Expanding Peer Organization Capacity (EPOC) grant, apply by August 25.", [0.9])
    selection = select_units(units, None)
    cites = Citations()
    text = compose_answer(_query("definition", "en"), selection, cites, acronym="epoc")
    assert text.startswith("EPOC stands for Expanding Peer Organization Capacity [1]. To apply")
    answer = Answer(status="answered", answer=text, language="en", citations=[
        Citation(n=c.n, document=c.document, title=c.title, quote=c.quote) for c in cites.items])
    assert citation_support(answer, NEUTRAL)["supported"] == citation_support(answer, NEUTRAL)["statements"] == 2
    spanish = compose_answer(_query("definition"), selection, Citations(), acronym="epoc")
    assert spanish.startswith("Según los documentos del programa, EPOC significa «Expanding Peer Organization Capacity» [1].")


def test_each_part_of_a_several_part_question_brings_its_own_best_unit():
    units = _scored("The committee has 11 voting members. The office is open on Mondays. Rosa Diaz chairs the committee.",
                    [0.9, 0.1, 0.05])
    chair = [u for u in units if u.text.startswith("Rosa")]
    chair[0].score = 0.8  # how the part "who chairs it?" ranks it (below the lead's runner-up bar on coverage)
    selection = select_units(units, None, parts=[(chair, None)])
    assert [u.text for u in selection.units] == [units[0].text, units[2].text]
    weak = [u for u in units if u.text.startswith("The office")]  # below PART_FLOOR for its part
    assert [u.text for u in select_units(units, None, parts=[(weak, None)]).units] == [units[0].text]


def test_a_record_field_is_quoted_with_the_record_name_and_the_name_with_its_field():
    text = "Information Notice (IN) No: 22-026, May 6, 2022.\nPurpose: To explain the opt-in letter.\nContact: the state office."
    units = _scored(text, [0.1, 0.9, 0.05])
    assert [u.text for u in select_units(units, None).units] == [units[0].text, units[1].text]
    named = _scored(text, [0.9, 0.1, 0.05])
    assert [u.text for u in select_units(named, None).units] == [named[0].text, named[1].text]


def test_an_abbreviation_keeps_its_full_stop_before_the_marker():
    from assistant.compose import with_marker

    assert with_marker("Session #2 runs 1 - 3 p.m.", 2) == "Session #2 runs 1 - 3 p.m. [2]"
    assert with_marker("The exam is offered in Spanish.", 1) == "The exam is offered in Spanish [1]."


def test_a_spanish_question_about_what_is_paid_leads_with_the_amount():
    [unit] = units_of(_chunk("Up to $900 for the workshop, paid by the agency to the provider."))
    paid = Query(original="oye cuánto paga la agencia por el taller", language="es", text="how much pay agency workshop",
                 answer_type="number")
    text = compose_answer(paid, Selection(unit, [unit]), Citations())
    assert text.startswith("Según los documentos del programa, la cantidad es $900 [1].")


def test_a_spanish_question_counting_paid_hours_has_no_amount_lead():
    [unit] = units_of(_chunk("Staff get 16 paid hours a year, worth up to $900."))
    hours = Query(original="¿Cuántas horas pagan al año?", language="es", text="how many hours pay year", answer_type="number")
    assert compose_answer(hours, Selection(unit, [unit]), Citations()).startswith("Según los documentos oficiales del programa:")
