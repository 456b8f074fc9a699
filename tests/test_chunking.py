from ingest.chunking import MODEL_MAX_TOKENS, chunk_document, heading_level
from ingest.cleaning import clean_text
from tests.conftest import seed_text

META = {"title": "Resource Guide", "issuer": "MHSOAC", "kind": "guide", "url": "https://mhsoac.ca.gov/",
        "as_of": "2022", "as_of_approximate": True, "language": "en"}


def _chunks(embedder, name="002_a3f5e78bf45f2be3.txt", target=180):
    cleaned = clean_text(seed_text(name))
    return cleaned, chunk_document(cleaned, doc_id="guide", count_tokens=embedder.count_tokens, target_tokens=target, meta=META)


def test_chunk_document__text_is_an_exact_slice_of_the_cleaned_text(embedder):
    cleaned, chunks = _chunks(embedder)
    assert chunks
    for c in chunks:
        assert cleaned[c.start:c.end] == c.text


def test_chunk_document__fits_the_model_window_measured_with_its_tokenizer(embedder):
    for name in ("002_a3f5e78bf45f2be3.txt", "003_81f31b55680e0ce0.txt", "004_b2cc685654df5877.txt"):
        _, chunks = _chunks(embedder, name)
        for c in chunks:
            assert embedder.count_tokens(c.embedding_text()) <= MODEL_MAX_TOKENS, (name, c.id, c.tokens)


def test_chunk_document__county_records_are_whole_and_carry_their_section(embedder):
    _, chunks = _chunks(embedder)
    county = [c for c in chunks if "Amador — SMHS Only" in c.text]
    assert len(county) == 1
    assert "Counties Participating in Peer Support Services" in county[0].heading_path
    lines = [line for c in chunks if c.section and "Counties Participating" in c.section for line in c.text.splitlines()]
    assert "Mariposa — DMC State Plan Only" in lines and "Kern — DMC-ODS & SMHS" in lines
    assert sum(1 for line in lines if " — " in line) == 58  # 57 county rows (Sutter/Yuba is one) + the column header


def test_chunk_document__carries_manifest_metadata(embedder):
    _, chunks = _chunks(embedder)
    c = chunks[0]
    assert (c.doc_id, c.title, c.issuer, c.url, c.as_of, c.as_of_approximate) == (
        "guide", "Resource Guide", "MHSOAC", "https://mhsoac.ca.gov/", "2022", True)
    assert [x.n for x in chunks] == list(range(len(chunks)))


def test_chunk_document__long_paragraph_is_split_at_sentences(embedder):
    text = "Peer Rules\n\n" + " ".join(f"Sentence number {i} explains one more certification rule in detail." for i in range(80)) + "\n"
    chunks = chunk_document(text, doc_id="d", count_tokens=embedder.count_tokens, meta={"title": "T"})
    assert len(chunks) > 2
    assert all(c.text.endswith(".") for c in chunks)
    assert all(c.heading_path == ["Peer Rules"] for c in chunks)


def test_heading_level__shapes():
    assert heading_level("## Exam", True, "") == 2
    assert heading_level("Peer Support Certification History", True, "") == 9
    assert heading_level("Participating Counties:", True, "") == 9
    assert heading_level("Lucero Robles, LCSW", True, "") == 0
    assert heading_level("Questions and comments may be submitted by email to Peers@dhcs.ca.gov.", True, "") == 0
    assert heading_level("Kern — DMC-ODS & SMHS", True, "") == 0


def test_chunk_document__an_faq_question_stays_with_its_answer(embedder, tmp_path):
    """A question-and-answer PDF: every chunk that holds a question holds the answer under it too."""
    from ingest.loaders import load_text
    from tests.test_loaders import make_pdf

    lines = ["County Peer Stipend FAQ", ""]
    for n in range(1, 7):
        lines += [f"Q{n}: What happens with stipend question number {n} when a peer applies?",
                  f"A: Answer {n} says the county reviews the stipend request within ten business days and sends "
                  f"a letter to the peer with the decision and the next steps for the training cohort."]
    cleaned = clean_text(load_text(make_pdf(tmp_path / "faq.pdf", lines), 1_000_000))
    chunks = chunk_document(cleaned, doc_id="faq", count_tokens=embedder.count_tokens, target_tokens=90,
                            meta={"title": "County Peer Stipend FAQ"})
    assert len(chunks) >= 3  # the budget forces several chunks
    for n in range(1, 7):
        [holder] = [c for c in chunks if f"stipend question number {n} " in c.text]
        assert f"Answer {n} says" in holder.text, (n, holder.text)


def test_a_chunk_is_embedded_under_its_issuer_title_and_section(embedder):
    """A slide that lists program names says whose programs they are only through its issuer."""
    text = clean_text("Career Pathways\n\nPeer Certification Exam Preparation is offered to peers.\n\nWRAP Training too.\n")
    issuer = "Example County Department of Mental Health"
    [chunk] = chunk_document(text, doc_id="wet", count_tokens=embedder.count_tokens,
                             meta={"title": "Workforce, Education, and Training", "issuer": issuer})
    assert chunk.embedding_text().startswith(f"{issuer} — Workforce, Education, and Training — Career Pathways\n")
    # an issuer the title already names is not said twice
    [named] = chunk_document(text, doc_id="wet", count_tokens=embedder.count_tokens,
                             meta={"title": f"{issuer} slides", "issuer": issuer})
    assert named.embedding_text().startswith(f"{issuer} slides — Career Pathways\n")
