"""Every supported format loads; every kind of bad file is a LoadError with a reason and a fix."""

import zipfile

import pytest

from ingest.loaders import html_to_text, load_text
from core.errors import LoadError

MB = 1_000_000


def make_pdf(path, lines, password=None):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    for line in lines:
        pdf.cell(0, 10, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    if password:
        from pypdf import PdfReader, PdfWriter

        writer = PdfWriter(clone_from=PdfReader(str(path)))
        writer.encrypt(user_password=password, owner_password=password)
        writer.write(str(path))
    return path


def make_docx(path):
    import docx

    d = docx.Document()
    d.add_heading("Renewal of certification", level=1)
    d.add_paragraph("Certified peers renew their certification every two years.")
    d.add_paragraph("Complete continuing education", style="List Bullet")
    table = d.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Fee", "See CalMHSA"
    table.cell(1, 0).text, table.cell(1, 1).text = "Contact", "PeerCertification@calmhsa.org"
    d.save(str(path))
    return path


def test_load_text__plain_text_and_markdown(tmp_path):
    (tmp_path / "a.txt").write_text("Peer Support Services\n\nQuestions go to Peers@dhcs.ca.gov.")
    (tmp_path / "b.md").write_text("# Exam\n\nThe exam is offered in Spanish.")
    assert "Peers@dhcs.ca.gov" in load_text(tmp_path / "a.txt", MB)
    assert load_text(tmp_path / "b.md", MB).startswith("# Exam")


def test_load_text__windows_1252_text_is_decoded(tmp_path):
    (tmp_path / "w.txt").write_bytes("California\x92s peer certification program is statewide.".encode("latin-1"))
    assert "California" in load_text(tmp_path / "w.txt", MB)


def test_load_text__pdf(tmp_path):
    path = make_pdf(tmp_path / "bhin.pdf", ["BHIN 21-041 Peer Support Specialist Certification", "Issued July 22, 2021."])
    text = load_text(path, MB)
    assert "BHIN 21-041" in text and "July 22, 2021" in text


def test_load_text__docx_keeps_headings_lists_and_tables(tmp_path):
    text = load_text(make_docx(tmp_path / "renewal.docx"), MB)
    assert "# Renewal of certification" in text
    assert "- Complete continuing education" in text
    assert "Contact\tPeerCertification@calmhsa.org" in text


def test_html_to_text__headings_lists_tables_and_no_scripts():
    markup = """<html><head><style>p{color:red}</style><script>alert(1)</script></head><body>
    <nav>Home | About</nav><h2>Participating counties</h2><p>These counties take part:</p>
    <ul><li>Kern</li><li>Sonoma</li></ul><table><tr><td>Amador</td><td>SMHS Only</td></tr></table></body></html>"""
    text = html_to_text(markup)
    assert "## Participating counties" in text and "- Kern" in text and "Amador\tSMHS Only" in text
    assert "alert" not in text and "color" not in text and "Home | About" not in text


@pytest.mark.parametrize("name,content,reason", [
    ("empty.txt", b"", "empty"),
    ("blank.txt", b"   \n\n  ", "no readable text"),
    ("binary.txt", b"\x00\x01\x02garbage" * 50, "binary"),
    ("corrupt.pdf", b"%PDF-1.4 this is not really a pdf", "PDF"),
    ("corrupt.docx", b"PK\x03\x04 truncated zip", "DOCX"),
    ("slides.pptx", b"anything", "unsupported"),
])
def test_load_text__bad_files_raise_load_error_with_reason_and_fix(tmp_path, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(LoadError) as err:
        load_text(path, MB)
    assert reason in err.value.reason and err.value.fix and name in str(err.value)


def test_load_text__encrypted_pdf_is_refused(tmp_path):
    path = make_pdf(tmp_path / "locked.pdf", ["Confidential"], password="secret")
    with pytest.raises(LoadError, match="password"):
        load_text(path, MB)


def test_load_text__oversized_file_is_refused_before_reading(tmp_path):
    path = tmp_path / "huge.txt"
    path.write_text("peer " * 300_000)
    with pytest.raises(LoadError, match="over the"):
        load_text(path, MB)


def test_load_text__docx_that_is_a_zip_of_something_else(tmp_path):
    path = tmp_path / "fake.docx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("hello.txt", "not a word document")
    with pytest.raises(LoadError, match="DOCX"):
        load_text(path, MB)
