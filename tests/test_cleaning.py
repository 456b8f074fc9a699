"""Each cleaning rule, on a real excerpt of a seed document."""

from ingest.cleaning import (clean_text, drop_table_of_contents, group_date_rows, join_broken_lines,
                             normalize_characters, rewrite_inline_markup, split_bullet_runs, split_glued_month)
from ingest.markup import strip_html
from ingest.tables import tables_to_records
from tests.conftest import seed_text

GUIDE = "002_a3f5e78bf45f2be3.txt"


def test_strip_html__paragraphs_italics_underline_become_sentences():
    cell = ("<p><i>Behavioral Health Information Notice (BHIN)</i> No: 21-045, July 29, 2021</p> "
            "<p>Purpose: To provide guidance for DMC-ODS counties to establish peer support services rates.</p>")
    assert strip_html(cell) == ("Behavioral Health Information Notice (BHIN) No: 21-045, July 29, 2021. "
                                "Purpose: To provide guidance for DMC-ODS counties to establish peer support services rates.")


def test_strip_html__underline_purpose_label():
    assert strip_html("SAMHSA's Working Definition of Recovery <u>Purpose:</u> To provide (illustrate)") == \
        "SAMHSA's Working Definition of Recovery Purpose: To provide (illustrate)"


def test_bullets_run_together_in_a_table_cell_become_items_under_their_column_header():
    lines = [
        "Peer Support Specialist Services\tParent/Family Peer Support Services",
        '<ul style="list-style-type: none"> • Less in patient use • Greater hopefulness \t'
        '<ul style="list-style-type: none"> • Reduction of parental stress • Reduced symptoms of anxiety',
    ]
    out = [l for l in tables_to_records(lines) if l]
    assert out == ["Peer Support Specialist Services:", "- Less in patient use", "- Greater hopefulness",
                   "Parent/Family Peer Support Services:", "- Reduction of parental stress",
                   "- Reduced symptoms of anxiety"]


def test_two_column_tab_table__each_row_is_one_record_with_label_and_value():
    out = [l for l in tables_to_records(["3YP\t3-Year Plan", "BHIN\tBehavioral Health Information Notice, distributed by DHCS"]) if l]
    assert out == ["3YP — 3-Year Plan", "BHIN — Behavioral Health Information Notice, distributed by DHCS"]


def test_four_column_county_table__one_record_per_county_with_its_delivery_system():
    lines = [
        "COUNTY\tDELIVERY SYSTEM\tCOUNTY\tDELIVERY SYSTEM",
        "<i>Delivery System Key: DMC-ODS = SMHS=</i>\t\t\t",
        "Amador\tSMHS Only\tPlumas\t<i>No Services Listed</i>",
        "",
        "Mariposa\tDMC State Plan Only\tSutter/Yuba\tDMC State Plan & SMHS",
        "Nevada\tSMHS Only\t\t",
    ]
    out = [l for l in tables_to_records(lines) if l]
    assert out == ["COUNTY — DELIVERY SYSTEM", "Amador — SMHS Only", "Mariposa — DMC State Plan Only",
                   "Nevada — SMHS Only", "Plumas — No Services Listed", "Sutter/Yuba — DMC State Plan & SMHS"]


def test_table_row_cut_by_a_page_break_is_rejoined():
    lines = [
        "<p>MHSOAC: The Commission oversees the implementation of the far-</p>\t<p>Mailing Address:</p>",
        "", "",
        "<p>reaching initiative, which imposed a 1 percent income tax.</p>\t<p>1812 9th Street Sacramento, CA 95811</p>",
    ]
    out = [l for l in tables_to_records(lines) if l]
    assert out == ["MHSOAC: The Commission oversees the implementation of the far-reaching initiative, which imposed a "
                   "1 percent income tax. — Mailing Address: 1812 9th Street Sacramento, CA 95811"]


def test_scholarship_row_continued_after_page_break_keeps_its_condition():
    cleaned = clean_text(seed_text(GUIDE))
    assert ("The Department of Health Care Services has allocated limited funding for scholarships for peers "
            "seeking certification, available only to counties that have elected to implement the peer support benefit.") in cleaned


def test_slide_bullets_split_across_lines_are_rejoined():
    lines = split_bullet_runs(["• Build and support both current and future mental health ", "", "workforce",
                               "• Offers subsidized study materials for licensure exams       ", "(Part 1 and Part 2)",
                               "• Workforce initiatives include: Equitable Care and ", "", "Treatment (BH-CONNECT)"])
    out = [l for l in join_broken_lines(lines) if l.strip()]
    assert out == ["- Build and support both current and future mental health workforce",
                   "- Offers subsidized study materials for licensure exams (Part 1 and Part 2)",
                   "- Workforce initiatives include: Equitable Care and Treatment (BH-CONNECT)"]


def test_wingdings_private_use_bullet_becomes_a_list_item():
    lines = split_bullet_runs([normalize_characters("\uf0fc Recruiting at the American Psychological Association")])
    assert lines == ["- Recruiting at the American Psychological Association"]


def test_markdown_links_to_anchor_keep_only_their_text():
    assert rewrite_inline_markup("[DHCS, BHIN No. 21-041](#)") == "DHCS, BHIN No. 21-041"
    assert rewrite_inline_markup(r"Phone: [\(916\) 500-0577](tel:(916)500-0577)") == "Phone: (916) 500-0577"
    assert rewrite_inline_markup("[CalMHSA](https://www.calmhsa.org)") == "CalMHSA (https://www.calmhsa.org)"


def test_placeholders_and_boilerplate_are_removed():
    raw = ("Body\nDHCS is expanding the workforce.\nInsert statistics here\nThis page was left blank intentionally.\n"
           "This space is left for the Chair to address their mission and/or messages.\nSidebar Elements\nPage Elements\n")
    assert clean_text(raw) == "DHCS is expanding the workforce.\n"


def test_whole_resource_guide_has_no_html_and_no_placeholders():
    cleaned = clean_text(seed_text(GUIDE))
    for bad in ("<p>", "<i>", "<u>", "<ul", "</", "Insert statistics here", "left blank intentionally",
                "This space is left for the Chair", "](#)", "Delivery System Key"):
        assert bad not in cleaned, bad


def test_table_of_contents_is_dropped_but_the_sections_stay():
    lines = ["Table of Contents (Working draft)", "", "Summary", "", "History", "", "Summary", "", "This guide is intended."]
    assert [l for l in drop_table_of_contents(lines) if l] == ["Summary", "This guide is intended."]


def test_month_glued_to_timeline_text_is_split():
    assert split_glued_month("NovemberDisseminate BHIN 20-056 on funding") == "November: Disseminate BHIN 20-056 on funding"
    assert split_glued_month("June - JulyDisseminate initial BHIN") == "June - July: Disseminate initial BHIN"
    assert split_glued_month("Marin County") == "Marin County"


def test_meeting_table_flattened_to_one_cell_per_line_becomes_one_record_per_meeting():
    lines = ["Date", "Time", "Dial-In Information", "Friday, January 19, 2024", "1:00 PM - 2:00 PM",
             "Dial-in: 1-669-900-9128", "Friday, April 19, 2024", "1:00 PM - 2:00 PM", "Dial-in: 1-669-444-9171"]
    assert group_date_rows(lines) == ["Date; Time; Dial-In Information",
                                      "Friday, January 19, 2024; 1:00 PM - 2:00 PM; Dial-in: 1-669-900-9128",
                                      "Friday, April 19, 2024; 1:00 PM - 2:00 PM; Dial-in: 1-669-444-9171"]


def test_cloudflare_hidden_email_is_marked_not_left_as_a_fake_address():
    assert "[email" not in normalize_characters("Questions or comments can be sent to [email protected].")


def test_slide_numbers_are_dropped():
    assert clean_text("Residency and Internship\n\n1\n\n2\n\nTraining\n") == "Residency and Internship\n\nTraining\n"


def test_cleaning_is_idempotent_on_every_seed():
    for name in ("000_c98544c6c0d13ccb.txt", "001_3e4d9a16ddad8708.txt", GUIDE, "003_81f31b55680e0ce0.txt",
                 "004_b2cc685654df5877.txt"):
        once = clean_text(seed_text(name))
        assert clean_text(once) == once, name
