"""Personal details are redacted before storage, stored turns expire, and message text never reaches the logs."""

import logging
import sqlite3

import pytest

from fastapi.testclient import TestClient

from assistant.conversations import ConversationStore
from assistant.engine import Assistant
from assistant.name_rules import ordinary_words
from assistant.privacy import redact
from peerhelp.api import create_app
from core.settings import Settings
from tests.conftest import SEED_CORPUS


def test_redact__emails_phones_ids_names_addresses():
    text = ("My name is Maria Lopez, email maria.lopez@gmail.com, call 916-555-0142, Medi-Cal ID 91234567A, "
            "I live at 1234 Oak Street. Is Kern County participating?")
    out = redact(text)
    for secret in ("Maria", "Lopez", "maria.lopez@gmail.com", "916-555-0142", "91234567A", "1234 Oak Street"):
        assert secret not in out
    assert "Is Kern County participating?" in out and "[email]" in out and "[phone]" in out


@pytest.mark.parametrize("text, secrets_", [
    ("Rosalind Achterberg here, did my hours get logged?", ["Rosalind", "Achterberg"]),
    ("hey this is darnell, still waiting on my results", ["darnell"]),
    ("soy Marisol Quiñones Vda. y tengo una pregunta", ["Marisol", "Quiñones"]),
    ("my nephew Tobias Lindqvist wants to apply", ["Tobias", "Lindqvist"]),
    ("Thanks so much!\n- Philippa", ["Philippa"]),
    ("SSN 412 09 7781 and cin 93001177Q", ["412 09 7781", "93001177Q"]),
    ("my social ends in 6620", ["6620"]),
    ("write to me at t.okoro (at) fastmail (dot) com", ["t.okoro", "fastmail"]),
    ("cell 415.555.0193 ext 7", ["415.555.0193"]),
    ("DOB 11/30/1979", ["11/30/1979"]),
    ("nací el 3 de julio de 1990", ["1990", "julio"]),
    ("mail it to 77 Larkspur Ln, Apt 2, Ukiah, CA 95482", ["77 Larkspur", "Ukiah", "95482"]),
    ("vivo en Calle Naranjo 14, Oxnard", ["Naranjo 14", "Oxnard"]),
])
def test_redact__each_kind_in_forms_people_write(text, secrets_):
    out = redact(text)
    assert not [s for s in secrets_ if s in out], out


@pytest.mark.parametrize("text", [
    "Will the Peer Support Specialist exam be offered in May?",
    "Does San Diego County or Santa Clara County pay for the Core Competencies course?",
    "Hope this helps: the fee is $100 and the deadline is March 4, 2026.",
    "Is BHIN 22-018 still in effect for Medi-Cal billing?",
    "Mark the 80 hours on the form and send it to CalMHSA.",
    "I'm confused about the renewal, I'm a parent peer.",
    "¿Gracias a Dios ya terminé! ¿El examen del 15 de mayo es en Los Ángeles?",
    "hope here is the answer to my question",
    "everyone here says the exam is hard",
    "I was born in Fresno and the exam is on 3/12",
    "the training is in Fresno County next week",
])
def test_redact__ordinary_questions_pass_untouched(text):
    assert redact(text) == text


def test_redact__the_documents_own_words_are_not_names_unless_introduced():
    words = ordinary_words(["A peer support specialist may bill, we hope.", "Each peer support specialist, we hope, bills",
                            "Write to robles@x.org, robles@x.org"])  # a word written twice in lower case is the documents'
    assert {"peer", "support", "specialist", "hope"} <= words and "robles" not in words
    question = "Is there a minimum age for a Medi-Cal Peer Support Specialist?"
    assert redact(question, words) == question
    assert redact("my name is Hope Delgado", words) == "my name is [name]"


@pytest.mark.parametrize("text", [
    "Do the specialization courses count toward renewal hours?",  # an everyday word opening a sentence
    "¿Durante cuántos años guarda el condado los expedientes?",
    "What is CAMHPRO?",  # an acronym in a short message is not shouting
    "What is the rate for one unit of H0038?",  # a code
    "¿Qué ofrece el Departamento de Salud Mental de Los Ángeles?",  # a capitalised run after an article
])
def test_redact__program_words_codes_and_organisations_are_not_names(text):
    assert redact(text) == text


@pytest.mark.parametrize("text,expected", [
    ("I am Sung-min Park. my question", "I am [name]. my question"),  # a capitalised word ending the introduced name
    ("mark here. Mark Delacroix. do I need a GED?", "[name] here. [name]. do I need a GED?"),  # a first name before a surname
    ("hey its grace kim, when are results out", "hey its [name], when are results out"),
    ("Kateri Two Bulls here, from Sonoma", "[name] here, from Sonoma"),  # one capitalised word between two names
    ("we met — Faleolo Tuiasosopo — in Long Beach", "we met — [name] — in Long Beach"),  # two unheard-of words
    ("email is nkechi[dot]obi[at]gmail[dot]com, thanks", "email is [email], thanks"),
    ("The Joy of Recovery conference: I'm Aziz Rahimi", "The Joy of Recovery conference: I'm [name]"),
    ("my name is aleksandr volkov, born", "my name is [name], born"),  # lower case, a word of neither language
    ("I'm Consuelo 'Chelo' Barragán-Díaz, worked as a peer", "I'm [name], worked as a peer"),  # a nickname inside
    ("Wife: Hye-jin Park. Me: Daniel Park. both want", "Wife: [name]. Me: [name]. both want"),  # a form typed out
])
def test_redact__names_in_more_shapes(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("text,expected", [
    ("my medi-cal id is 9 3 5 0 2 8 1 4 a, can u check", "my medi-cal id is [id number], can u check"),
    ("Soy Óscar, nacido el 1ro de mayo de 1983, trabajo", "Soy [name], nacido el [date of birth], trabajo"),
    ("nací en el 84, mi correo", "nací en [date of birth], mi correo"),
    ("mi fecha de nacimiento es veintiuno de marzo de mil novecientos noventa, no sé", "mi fecha de nacimiento es [date of birth], no sé"),
    ("mail to Star Route Box 18, Klamath CA 95548. want", "mail to [address]. want"),
    ("the forms are en route, box 2 of 5 is mine", "the forms are en route, box 2 of 5 is mine"),
    ("nací el veintiuno de marzo de mil novecientos noventa y necesito ayuda", "nací el [date of birth] y necesito ayuda"),
    ("Hello Faleolo Tuiasosopo here", "Hello [name] here"),
    ("vivo en 980 N. Blackstone #17, Fresno", "vivo en [address]"),
    ("we are the #1 county: 12 Peer Specialists #1 priority", "we are the #1 county: 12 Peer Specialists #1 priority"),
])
def test_redact__ids_dates_and_addresses_in_still_more_shapes(text, expected):
    assert redact(text, frozenset({"peer", "specialists"})) == expected


def test_the_assistants_store_knows_its_documents_words(seed_index, embedder, tmp_path):
    settings = Settings(index_dir=seed_index, corpus_dir=SEED_CORPUS, state_db=tmp_path / "state.sqlite")
    store = Assistant(settings, embedder=embedder).conversations
    store.remember("c1", "Is there a minimum age to become a Medi-Cal Peer Support Specialist? I'm Rosa Delgado", "answered", "en")
    assert store.history("c1") == ["Is there a minimum age to become a Medi-Cal Peer Support Specialist? I'm [name]"]


def test_conversation_store__bounded_history_redacted_rows_purge_and_forget(tmp_path):
    store = ConversationStore(f"sqlite:///{tmp_path / 's.sqlite'}", retention_days=30, max_turns=3)
    for i in range(5):
        store.remember("c1", f"question {i} from me@example.org", "answered", "en", now=1_000_000 + i)
    assert store.history("c1", now=1_000_010) == [f"question {i} from [email]" for i in (2, 3, 4)]
    raw = sqlite3.connect(tmp_path / "s.sqlite").execute("SELECT group_concat(question) FROM turns").fetchone()[0]
    assert "me@example.org" not in raw
    day = 86400
    store.remember("c2", "old question", "answered", "en", now=1_000_000 - 40 * day)
    assert store.history("c2", now=1_000_000) == []  # past retention: never used for follow-ups
    assert store.purge(now=1_000_000) == 1
    assert store.forget("c1") and not store.forget("c1")


def test_api_logs_have_no_message_text(seed_index, embedder, caplog, tmp_path):
    settings = Settings(index_dir=seed_index, corpus_dir=SEED_CORPUS, state_db=tmp_path / "state.sqlite")
    secret = "I relapsed on fentanyl last month, my email is jane.doe@example.org. Is Kern County participating?"
    with caplog.at_level(logging.DEBUG), TestClient(create_app(settings, Assistant(settings, embedder=embedder))) as client:
        r = client.post("/v1/chat", json={"message": secret})
        assert r.status_code == 200
    logged = "\n".join(rec.getMessage() for rec in caplog.records)
    assert "status=" in logged and "chars=" in logged
    for fragment in ("relapsed", "fentanyl", "jane.doe", "Kern"):
        assert fragment not in logged
    stored = sqlite3.connect(tmp_path / "state.sqlite").execute("SELECT question FROM turns").fetchall()
    assert stored and "jane.doe@example.org" not in stored[0][0]


def test_feedback__stored_redacted_replaced_on_second_rating_and_forgotten_with_the_conversation(tmp_path):
    store = ConversationStore(f"sqlite:///{tmp_path / 's.sqlite'}", retention_days=30)
    mid = store.remember("c1", "Can I apply? I am Jane, jane@example.org", "abstained", "en", now=1_000_000)
    assert not store.add_feedback("other", mid, "down", now=1_000_001), "only the conversation's own answers"
    assert not store.add_feedback("c1", "999", "down", now=1_000_001)
    assert store.add_feedback("c1", mid, "up", now=1_000_001)
    assert store.add_feedback("c1", mid, "down", "call me at 555-123-4567", now=1_000_002)
    [fb] = store.feedback()
    assert (fb.rating, fb.status, fb.message_id) == ("down", "abstained", mid)
    assert "555-123-4567" not in fb.comment and "jane@example.org" not in fb.question
    assert store.feedback("up") == []
    store.forget("c1")
    assert store.feedback() == []
    mid = store.remember("c2", "old", "answered", "en", now=1_000_000)
    store.add_feedback("c2", mid, "down", now=1_000_000)
    store.purge(now=1_000_000 + 31 * 86400)
    assert store.feedback() == []


@pytest.mark.parametrize("text,expected", [
    ("Call me at 415-555-0100 tomorrow", "Call me at [phone] tomorrow"),
    ("call me back when you can", "call me back when you can"),
    ("call me Maria Lopez please", "call me [name] please"),
    ("my name is jose and i need help", "my name is [name] and i need help"),
    ("Visit the site. Then email peers@county.gov", "Visit the site. Then email [email]"),
])
def test_redaction_takes_names_and_numbers_but_not_the_words_around_them(text, expected):
    assert redact(text) == expected


def test_a_failing_request_logs_its_route_and_frames_but_no_word_of_the_message(seed_index, embedder, caplog, tmp_path):
    settings = Settings(index_dir=seed_index, corpus_dir=SEED_CORPUS, state_db=tmp_path / "state.sqlite")
    bot = Assistant(settings, embedder=embedder)

    def broken(message, **_):
        raise ValueError(f"could not handle {message!r}")  # an error that quotes what it was given

    secret = "my ex Dana Whitlock relapsed again"
    with caplog.at_level(logging.DEBUG), TestClient(create_app(settings, bot), raise_server_exceptions=False) as client:
        bot.ask = broken  # after the warm-up, which asks a question of its own
        r = client.post("/v1/chat", json={"message": secret})
    assert r.status_code == 500 and r.json() == {"detail": "Something went wrong. Try again."}
    logged = "\n".join(rec.getMessage() + (rec.exc_text or "") for rec in caplog.records)
    assert "POST /v1/chat failed" in logged and "ValueError" in logged and "broken" in logged  # where, and what kind
    assert "Whitlock" not in logged and "relapsed" not in logged


@pytest.mark.parametrize("text, secret, placeholder", [
    ("my cin is 4 4 1 2 0 9 7 3 K thanks", "4 4 1 2 0 9 7 3 K", "[id number]"),  # one digit at a time
    ("CIN 88120457-M, is it active?", "88120457-M", "[id number]"),
    ("su CIN 71 204 556 Q por favor", "71 204 556 Q", "[id number]"),
    ("call me at +63 917 555 0123 after 5", "+63", "[phone]"),  # a country code other than +1
    ("mi numero es siete cero siete cinco cinco cinco uno dos tres cuatro", "siete cero siete", "[phone]"),
    ("DOB 1979.11.02, is that old enough lol", "1979.11.02", "[date of birth]"),
    ("Unit 7, 55 Cedar Lane, Redding CA 96001 is my new address", "Unit 7, 55 Cedar Lane", "[address]"),
    ("send it to 310 Cesar E Chavez Memorial Way please", "310 Cesar E Chavez Memorial Way", "[address]"),
    ("12 W. Pine Ave. Apartment 9B Chico CA 95926 is where I live", "Apartment 9B Chico", "[address]"),
])
def test_redact__ids_phones_dates_and_addresses_in_more_shapes(text, secret, placeholder):
    out = redact(text)
    assert secret not in out and placeholder in out, out


def test_redact__eight_digits_before_a_lower_case_word_are_not_an_id():
    assert redact("Is it 12345678 a year or per month?") == "Is it 12345678 a year or per month?"


@pytest.mark.parametrize("text, secrets_", [
    ("reply to lena punto marquez soto arroba gmail punto com", ["lena", "marquez", "soto"]),
    ("send it to dario.k77 @ outlook dot com thanks", ["dario.k77", "outlook"]),
    ("my mail goes to Rural Route 4 Box 212, Weed CA 96094", ["212", "Weed", "96094"]),
    ("the check can go to 5120 Hwy 49N, Mariposa", ["5120", "49N", "Mariposa"]),
    ("address is 880 Orchard Rd Spc 31, Yreka", ["880", "Orchard", "31"]),
    ("le dejo mis datos, 19 de octubre de 1975, gracias", ["1975", "octubre"]),
    ("born Sept 2, 1968 in Fresno", ["1968"]),
    ("naci el 9/ago/1983", ["1983", "ago"]),
    ("DOB: Oct. 4 '79", ["'79", "Oct. 4"]),
    ("hi, this is priya garcia-lopez, about the exam", ["priya", "garcia-lopez"]),
    ("THIS IS DOLORES P. VANTERPOOL PLEASE CALL BACK", ["DOLORES", "VANTERPOOL"]),
    ("we need to verify our employee Gerald Osei-Bonsu before billing", ["Gerald", "Osei-Bonsu"]),
    ("pls mail it to 2291 n cedar ave apt 4 clovis ca 93611 thx", ["2291", "cedar", "clovis", "93611"]),
    ("mailing address PO Box 52 willits ca 95490", ["52", "willits", "95490"]),
    ("send the card to 8 Camino Alto, Vallejo CA 94590 please", ["Camino", "Alto", "Vallejo", "94590"]),
    ("my new place is 73 Sparrow Hill, Gilroy 95020", ["73", "Sparrow", "Gilroy", "95020"]),
    ("vivo en el 415 de la Calle Robles, Madera, CA 93637", ["415", "Robles", "Madera"]),
    ("social 6 0 2 - 4 4 - 1 9 8 3 if u need it", ["6 0 2", "1 9 8 3"]),
    ("hola me llamo raul antonio mendez jr y quiero saber", ["raul", "antonio", "mendez", "jr"]),
    ("my name is Dwayne Porter III, renewing my cert", ["Dwayne", "Porter", "III"]),
    ("Contact me: Felicity Abernathy, I run the peer group", ["Felicity", "Abernathy"]),
    ("My name is Genevieve St. Germain and I passed", ["Genevieve", "Germain"]),
    ("send it to Space 9, 2450 Orchard Rd, Yuba City CA 95991", ["Space 9", "2450", "Yuba", "95991"]),
    ("new mailing: 3301 W Ave K, Lancaster CA 93536", ["3301", "Ave K", "Lancaster", "93536"]),
    ("I'm at 7 1/2 S Main St, Lodi CA", ["7 1", "Main", "Lodi"]),
    ("4120 Elm Ave #3 / Modesto CA 95350 is my new address", ["4120", "Elm", "Modesto", "95350"]),
    ("vivo en el lote 4, 880 carretera 152, Los Banos", ["lote 4", "880", "152", "Banos"]),
    ("mi casa: calle Morelos número 45, interior 2, Salinas", ["Morelos", "45", "interior 2", "Salinas"]),
    ("hey this is marco villanueva, question about renewal", ["marco", "villanueva"]),
    ("my medi-cal number is 9312 6604 k, is that right?", ["9312", "6604"]),
    ("write me at tomas . reyes . 77 @ yahoo . com please", ["tomas", "reyes", "yahoo"]),
    ("we're at 615 Dry Creek Rd Trlr 3 Oroville CA 95965 now", ["615", "Trlr 3", "Oroville", "95965"]),
    ("send it to Route 1 Box 230, Alturas CA 96101", ["230", "Alturas", "96101"]),
    ("mi casa está en Colonia Las Flores, calle Pino número 12, Mexicali", ["Flores", "Pino", "12", "Mexicali"]),
    ("mi dirección: 815 calle del rio #2 santa paula 93060 gracias", ["815", "rio", "93060"]),
    ("we moved to 418 Walnut Ave #3 Hanford last month", ["418", "Walnut", "Hanford"]),
    ("addr 5120 cherry ln sp 14 red bluff ca", ["5120", "cherry", "14", "red bluff"]),
    ("vivimos en el 88 de la calle Sauce en Watsonville", ["88", "Sauce", "Watsonville"]),
    ("mail to 240 Ave. Juan Bautista #7, Gilroy", ["240", "Juan Bautista", "Gilroy"]),
    ("dob 4/9/77 addr 1380 willow rd turlock", ["4/9/77", "1380", "willow", "turlock"]),  # the street line after the date
    ("hi, paz here. my renewal is late", ["paz"]),
    ("grace here! is the exam online", ["grace"]),
    ("dob 7/91 and i need the form", ["7/91"]),
    ("born in '79, been a peer for years", ["'79"]),
    ("nací el veintidós de octubre del 83", ["veintidós", "octubre", "83"]),
])
def test_redact__mailboxes_routes_city_tails_birth_dates_and_whole_names_in_the_forms_people_type(text, secrets_):
    out = redact(text)
    assert not [s for s in secrets_ if s in out], out


@pytest.mark.parametrize("text", [
    "The exam is on Sept 2, 2026 at the county office on Hwy 99",
    "Ask Doña Ana County in New Mexico? no, we are in Fresno",
    "is the Peer Workforce Training at 10 or 11?",
    "we trained 40 peers in 2024, Fresno CA 93702 is our office zip",
    "I work 3 days a week, the clinic is in Fresno",
    "Is the St. Helena training open to peers from Napa?",
    "this is mark the date on your calendar, the exam opens in May",
    "Can I do 1/2 of the hours online / in person at the Modesto office?",
    "we trained 12345678 a lot of peers? no, 24 peers in 2024",
    "se quedó en la calle sin casa por 3 años, ahora ayuda a 40 personas",
])
def test_redact__program_dates_roads_titles_and_counts_near_a_zip_code_are_not_personal(text):
    assert redact(text) == text


def test_a_street_line_keeps_its_city_but_not_the_county_after_it():
    out = redact("I live at 22 Oak St in Fresno County and used to live at 9 Elm Ave in Visalia")
    assert "Fresno County" in out and "Visalia" not in out and "Oak" not in out, out

