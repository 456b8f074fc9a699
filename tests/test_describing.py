"""A document's title and issuer come from what it says about itself, never from a date line, a label or the
upload (ingest/describing.py)."""

from ingest.adding import GivenFields, add_documents
from ingest.cleaning import clean_text
from ingest.describing import describe
from ingest.loaders import load_text
from tests.test_loaders import make_pdf

MAX = 1_000_000


def described(path, url=None):
    return describe(path, clean_text(load_text(path, MAX)), url)


def test_an_html_page_is_titled_by_the_h1_in_its_header_and_issued_by_its_site(tmp_path):
    page = tmp_path / "exam.html"
    page.write_text("<html><head><title>Exam information | Example Behavioral Health Agency</title></head><body>"
                    "<header><nav>Home · About</nav><h1>Certification exam information</h1></header>"
                    "<main><h2>Scheduling</h2><p>Candidates schedule the exam online after approval.</p></main>"
                    "</body></html>")
    d = described(page)
    assert (d.title, d.issuer) == ("Certification exam information", "Example Behavioral Health Agency")
    assert "# Certification exam information" in load_text(page, MAX)  # the heading reaches the chunks too
    assert "Home" not in load_text(page, MAX)  # the rest of the header is still chrome


def test_an_html_page_names_its_site_in_meta_and_falls_back_to_its_title(tmp_path):
    page = tmp_path / "fees.html"
    page.write_text('<html><head><title>Fees and renewal</title><meta property="og:site_name" content="Peer Agency">'
                    "</head><body><p>The application fee is paid online when you apply.</p></body></html>")
    assert (described(page).title, described(page).issuer) == ("Fees and renewal", "Peer Agency")


def test_a_text_file_drops_title_labels_and_never_takes_a_date_line(tmp_path):
    labelled = tmp_path / "a.txt"
    labelled.write_text("Title: Peer stipend program\nIssued by: Example County Behavioral Health\n\n"
                        "Stipends are paid after each module.\n")
    dated = tmp_path / "b.txt"
    dated.write_text("Updated March 2026\n\nSupervision of peer staff\n\nEach peer meets a supervisor weekly.\n")
    assert (described(labelled).title, described(labelled).issuer) == ("Peer stipend program",
                                                                        "Example County Behavioral Health")
    assert described(dated).title == "Supervision of peer staff"


def test_pdf_metadata_names_title_and_an_organisation_but_never_a_person_or_a_tool(tmp_path):
    from pypdf import PdfReader, PdfWriter

    def pdf_with(name, title, author):
        path = make_pdf(tmp_path / name, ["Updated March 2026", "Peers renew every two years after training."])
        writer = PdfWriter(clone_from=PdfReader(str(path)))
        writer.add_metadata({"/Title": title, "/Author": author})
        writer.write(str(path))
        return path

    good = described(pdf_with("a.pdf", "Renewal guide for certified peers", "Example County Department of Health"))
    assert (good.title, good.issuer) == ("Renewal guide for certified peers", "Example County Department of Health")
    tool = described(pdf_with("b.pdf", "Microsoft Word - renewal_v3.docx", "jsmith"),
                     url="https://www.example-agency.org/docs/renewal.pdf")
    assert tool.title == "Peers renew every two years after training."  # not the date line, not the tool's title
    assert tool.issuer == "example-agency.org"  # a person is not an issuer; the URL's host is at least true


def test_docx_core_properties(tmp_path):
    import docx

    d = docx.Document()
    d.core_properties.title, d.core_properties.author = "Supervision memo", "Example Behavioral Health Services"
    d.add_paragraph("Updated May 2026")
    d.add_paragraph("Peer staff meet their supervisor every week.")
    d.save(str(tmp_path / "memo.docx"))
    assert (described(tmp_path / "memo.docx").title, described(tmp_path / "memo.docx").issuer) == (
        "Supervision memo", "Example Behavioral Health Services")


def test_nothing_said_means_the_file_name_and_an_unknown_issuer(tmp_path):
    path = tmp_path / "county_notes-2026.txt"
    path.write_text("Peers renew every two years after finishing the required continuing education hours, "
                    "and the renewal is filed online with the certifying entity before the certificate expires, "
                    "or the peer must apply again.\n")
    assert (described(path).title, described(path).issuer) == ("County notes 2026", "Unknown issuer")


def test_adding_an_html_page_uses_its_header_h1_and_a_replace_fills_an_unknown_issuer(tmp_path, corpus_copy):
    page = tmp_path / "p.html"
    page.write_text("<html><head><title>Stipends | Example Agency</title></head><body><header><h1>Peer stipends</h1>"
                    "</header><h2>Who can apply</h2><p>Peers in training can apply for a stipend.</p></body></html>")
    [added], _ = add_documents(corpus_copy, [page], GivenFields(), MAX)
    assert (added.entry.id, added.entry.title, added.entry.issuer) == ("peer-stipends", "Peer stipends", "Example Agency")

    plain = tmp_path / "q.txt"
    plain.write_text("Notes\n\nThe hub meets on Tuesdays at noon.\n")
    [first], _ = add_documents(corpus_copy, [plain], GivenFields(), MAX)
    assert first.entry.issuer == "Unknown issuer"
    plain.write_text("Notes\nIssued by: Example County Office of Peer Services\n\nThe hub meets on Mondays.\n")
    [second], _ = add_documents(corpus_copy, [plain], GivenFields(id=first.entry.id), MAX)
    assert second.entry.issuer == "Example County Office of Peer Services"
