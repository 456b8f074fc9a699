"""PDF text in reading order: columns, ruled tables, running headers and footers, scanned pages."""

import pytest

from core.errors import LoadError
from evals.pdf_samples import ruled_table, running_furniture, scanned_page, two_columns
from ingest.cleaning import clean_text
from ingest.tables import column_names
from ingest.loaders import load_text
from ingest.pdf_layout import Line, Segment, lines_of, ruled_rows


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("interleaved", [False, True])
def test_two_columns__left_column_then_right_whatever_order_the_file_stores(tmp_path, interleaved):
    sample = two_columns(tmp_path / "newsletter.pdf", interleaved=interleaved)
    text = _flat(clean_text(load_text(sample.path, 10**7)))
    positions = [text.find(sentence) for sentence in sample.order]
    assert -1 not in positions  # every sentence whole, none interleaved with the other column
    assert positions == sorted(positions)
    assert text.startswith("Peer Workforce Newsletter")


def test_ruled_table__each_row_a_record_that_names_its_columns(tmp_path):
    sample = ruled_table(tmp_path / "cohorts.pdf")
    lines = clean_text(load_text(sample.path, 10**7)).splitlines()
    assert "Kern — Training start: April 8, 2026 — Contact office: Kern Behavioral Health Workforce Office" in lines
    assert len([line for line in lines if "Training start:" in line]) == len(sample.rows)
    assert not any(line.startswith("County — Training start") for line in lines)  # the header row is not a record
    assert lines[0] == sample.order[0] and lines[-1] == sample.order[1]


def test_running_header_kept_on_its_first_page_only_and_page_numbers_dropped(tmp_path):
    sample = running_furniture(tmp_path / "memo.pdf", pages=5)
    text = _flat(load_text(sample.path, 10**7))
    header, notice, *numbers = sample.absent
    assert text.count(header) == 1 and text.count(notice) == 1  # its date or phone may be needed once
    assert text.count("Page ") <= 1
    positions = [text.find(sentence) for sentence in sample.order]
    assert -1 not in positions and positions == sorted(positions)


def test_scanned_pdf__says_it_has_no_text_layer_and_how_to_fix_it(tmp_path):
    sample = scanned_page(tmp_path / "scan.pdf")
    with pytest.raises(LoadError) as err:
        load_text(sample.path, 10**7)
    assert "no text layer" in str(err.value) and "OCR" in str(err.value)


def test_column_names__only_a_row_of_labels_over_the_data_is_a_header():
    labelled = [["County", "Start"], ["Kern", "April 8"], ["Yolo", "May 2"]]
    assert column_names(labelled) == ["County", "Start"]
    data_first = [["Alameda", "DMC-ODS & SMHS"], ["Kern", "DMC-ODS & SMHS"], ["Yolo", "SMHS Only"]]
    assert column_names(data_first) is None  # a label recurring as a value is data
    assert column_names([["SB 803", "Signed 2020"], ["BHIN", "A notice"], ["WET", "Training"]]) is None  # figures
    assert column_names([["County", "Start"], ["Kern", "April 8"]]) is None  # one row under it is too little


def test_lines_of__segments_on_one_baseline_are_one_line_and_wide_gaps_split_cells():
    segments = [Segment("Kern ", 60, 90, 100, 110), Segment("April 8, 2026", 200, 260, 101, 110),
                Segment("Peer support is a ", 60, 150, 130, 140), Segment("covered benefit.", 152, 220, 130, 140)]
    lines = lines_of(segments)
    assert [line.cells() for line in lines] == [["Kern", "April 8, 2026"], ["Peer support is a covered benefit."]]
    assert Line([], fixed=["a", "b"]).cells() == ["a", "b"]


def test_ruled_rows__a_wrapped_cell_stays_in_its_row_and_a_framed_page_is_not_a_table():
    boxes = [(50, 100, 150, 140), (150, 100, 300, 140), (50, 140, 150, 170), (150, 140, 300, 170)]  # 2 x 2 cells
    segments = [Segment("Engagement", 55, 110, 115, 125), Segment("Peer-led activities that", 155, 280, 105, 115),
                Segment("encourage a member.", 155, 260, 120, 130), Segment("Outside the table.", 55, 200, 200, 210)]
    rows, rest = ruled_rows(segments, boxes)
    assert [r.cells() for r in rows] == [["Engagement", "Peer-led activities that encourage a member."]]
    assert [s.text for s in rest] == ["Outside the table."]
    framed = [(20, 20, 590, 770), (304, 40, 306, 750)]  # a page border and a rule between two columns
    rows, rest = ruled_rows(segments, framed)
    assert rows == [] and len(rest) == len(segments)
