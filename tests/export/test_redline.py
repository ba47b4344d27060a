"""The structured diff and the Word redline with tracked changes."""

from __future__ import annotations

import copy
import io
import json
from datetime import UTC, datetime

import docx
import pytest
from lxml import etree

from sopengine.export.diffing import pair_list, word_diff
from sopengine.export.manifest import read_manifest
from sopengine.export.redline import render_redline, structured_diff
from tests.export.docs import REDLINE_AUTHOR, base_and_revision, content, make_doc
from tests.export.xml import attr, deleted_text, part, shown_text, text, xpath


def document(data: bytes) -> etree._Element:
    return part(data, "word/document.xml")


def test_word_diff_marks_words() -> None:
    assert word_diff("Register within 24 hours", "Register within 48 hours") == [
        ("equal", "Register within "),
        ("delete", "24"),
        ("insert", "48"),
        ("equal", " hours"),
    ]
    assert word_diff("same", "same") == [("equal", "same")]
    assert word_diff("العودة الكريمة", "العودة الآمنة والكريمة") == [
        ("equal", "العودة "),
        ("delete", "الكريمة"),
        ("insert", "الآمنة والكريمة"),
    ]


def test_pair_list_pairs_replaced_items_by_position() -> None:
    pairs = pair_list(["a", "b", "c"], ["a", "B", "c", "d"])
    assert [(p.old, p.new) for p in pairs] == [("a", "a"), ("b", "B"), ("c", "c"), (None, "d")]


def test_structured_diff_reports_steps_sections_and_word_changes() -> None:
    old, new = base_and_revision()
    diff = structured_diff(old, new)
    json.dumps(diff)  # JSON-able as it stands
    assert diff["changed"] is True
    assert diff["from"]["version"] == 1 and diff["to"]["version"] == 2
    assert diff["steps"]["added"] == [{"id": "S3", "number": "3", "title": "Job placement"}]
    assert diff["steps"]["removed"] == [
        {"id": "S2.1", "number": "2.1", "title": "Consular follow-up"}
    ]
    (changed,) = diff["steps"]["changed"]
    assert changed["id"] == "S1"
    assert changed["fields"] == ["description", "time_limit"]
    assert changed["moved"] is False
    assert diff["sections"]["changed"] == ["purpose", "definitions", "procedure"]
    assert diff["required_ministries"] == {"added": ["MOLSA"], "removed": []}
    texts = {(t["path"], t["lang"]): t for t in diff["texts"]}
    limit = texts[("content/procedure/S1/time_limit", "en")]
    assert limit["diff"] == [["delete", "24"], ["insert", "48"], ["equal", " hours"]]
    assert texts[("content/procedure/S3/title", "ar")]["diff"] == [["insert", "التوظيف"]]
    assert texts[("content/procedure/S2.1/title", "en")]["new"] is None
    assert texts[("title", "en")]["diff"][-1] == ["insert", " of nationals"]
    assert texts[("content/definitions/2/term", "en")]["old"] is None


def test_structured_diff_of_identical_versions_is_empty() -> None:
    doc = make_doc()
    diff = structured_diff(doc, doc)
    assert diff["changed"] is False
    assert diff["texts"] == []
    assert diff["steps"] == {"added": [], "removed": [], "changed": []}


def test_structured_diff_sees_a_moved_step() -> None:
    moved = content()
    moved["procedure"].reverse()
    diff = structured_diff(make_doc(), make_doc(content=moved))
    moved_steps = {c["id"]: (c["old_number"], c["number"]) for c in diff["steps"]["changed"]}
    assert moved_steps == {"S2": ("2", "1"), "S2.1": ("2.1", "1.1"), "S1": ("1", "2")}
    assert diff["steps"]["added"] == diff["steps"]["removed"] == []


def test_changed_responsibility_is_matched_by_ministry() -> None:
    changed = content()
    changed["responsibilities"][1]["duties"] = {"en": "Registers arrivals.", "ar": "تسجل الوصول."}
    changed["responsibilities"].reverse()
    diff = structured_diff(make_doc(), make_doc(content=changed))
    paths = {t["path"] for t in diff["texts"]}
    assert paths == {"content/responsibilities/MOI/duties"}


@pytest.mark.parametrize(("lang", "insertions", "deletions"), [("en", 46, 29), ("ar", 46, 31)])
def test_redline_opens_and_every_revision_has_author_and_date(
    redlines: dict[str, bytes], lang: str, insertions: int, deletions: int
) -> None:
    assert docx.Document(io.BytesIO(redlines[lang])).paragraphs
    root = document(redlines[lang])
    assert (len(xpath(root, "//w:ins")), len(xpath(root, "//w:del"))) == (insertions, deletions)
    revisions = xpath(root, "//w:ins | //w:del")
    for rev in revisions:
        assert attr(rev, "author") == REDLINE_AUTHOR
        assert attr(rev, "date") == "2026-05-04T08:00:00Z"
    ids = [attr(e, "id") for e in xpath(root, "//w:ins | //w:del | //w:bookmarkStart")]
    assert len(ids) == len(set(ids))


def test_redline_changed_words_are_tracked_word_by_word(redlines: dict[str, bytes]) -> None:
    root = document(redlines["en"])
    limit = next(p for p in xpath(root, "//w:p") if "hours" in text(p) and "48" in text(p))
    assert deleted_text(limit) == "24"
    assert [text(i) for i in xpath(limit, "w:ins")] == ["48"]
    assert xpath(limit, "w:del/w:r/w:delText")
    purpose = next(p for p in xpath(root, "//w:p") if "dignified return" in text(p))
    assert [text(i) for i in xpath(purpose, "w:ins")] == ["safe and "]
    assert not xpath(purpose, "w:pPr/w:rPr/w:ins")  # a changed paragraph, not a new one


def test_redline_removed_step_is_a_deleted_paragraph(redlines: dict[str, bytes]) -> None:
    root = document(redlines["en"])
    headings = xpath(root, "//w:p[w:pPr/w:pStyle/@w:val='Heading3']")
    heading = next(p for p in headings if "Consular follow-up" in deleted_text(p))
    assert text(heading) == ""
    assert xpath(heading, "w:pPr/w:rPr/w:del")
    deleted_rows = xpath(root, "//w:tr[w:trPr/w:del]")
    assert any("Ministry of Foreign Affairs" in deleted_text(r) for r in deleted_rows)


def test_redline_added_step_is_an_inserted_paragraph_and_rows(redlines: dict[str, bytes]) -> None:
    root = document(redlines["en"])
    headings = xpath(root, "//w:p[w:pPr/w:pStyle/@w:val='Heading2']")
    heading = next(p for p in headings if "Job placement" in text(p))
    assert xpath(heading, "w:pPr/w:rPr/w:ins")
    assert all(r.getparent().tag.endswith("}ins") for r in xpath(heading, ".//w:r"))
    inserted_rows = xpath(root, "//w:tr[w:trPr/w:ins]")
    assert any("Ministry of Labour and Social Affairs" in text(r) for r in inserted_rows)


def test_redline_raci_gains_a_column_for_the_new_ministry(redlines: dict[str, bytes]) -> None:
    root = document(redlines["en"])
    raci = next(t for t in xpath(root, "//w:tbl") if text(xpath(t, "w:tr[1]/w:tc[1]")[0]) == "Step")
    header = xpath(raci, "w:tr[1]/w:tc")
    assert [text(tc) for tc in header] == ["Step", "MOMD", "MFA", "MOI", "MOLSA"]
    assert xpath(header[4], ".//w:ins")


def test_arabic_redline_tracks_arabic_runs_right_to_left(redlines: dict[str, bytes]) -> None:
    root = document(redlines["ar"])
    inserted = xpath(root, "//w:ins/w:r[w:t]")
    arabic = [r for r in inserted if any("\u0600" <= c <= "\u06ff" for c in text(r))]
    assert arabic and all(xpath(r, "w:rPr/w:rtl") for r in arabic)
    assert "48 ساعة" in shown_text(xpath(root, "w:body")[0])


def test_redline_reads_as_the_new_version_once_changes_are_accepted(
    redlines: dict[str, bytes],
) -> None:
    shown = shown_text(xpath(document(redlines["en"]), "w:body")[0])
    assert "48 hours" in shown and "24 hours" not in shown
    assert "Job placement" in shown and "Consular follow-up" not in shown
    assert "Changes from version 1 to version 2" in shown
    assert "Sign-off" not in shown  # a comparison, not a document to sign


def test_redline_manifest_says_what_it_is(redlines: dict[str, bytes]) -> None:
    read = read_manifest(redlines["en"])
    assert read["kind"] == "redline"
    assert read["base_version"] == "1"
    assert read["version"] == "2"


def test_redline_of_identical_versions_has_no_revisions() -> None:
    doc = make_doc()
    data = render_redline(doc, copy.deepcopy(doc), "en", "A", datetime(2026, 1, 1, tzinfo=UTC))
    assert not xpath(document(data), "//w:ins | //w:del")
