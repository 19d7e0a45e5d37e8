"""The workbench widgets without a browser: buttons and keys call the session, the view follows the file."""
from __future__ import annotations

import zipfile

import pandas as pd
import pytest

from cjkit.workbench import store
from cjkit.workbench.widgets import coding_workbench, highlight

ANSWERS = pd.DataFrame({
    "respondent_id": [f"r{i}" for i in range(14)], "question": "kommentar",
    "text": ["WLAN ständig weg, Frühstück lecker", "Zimmer sehr laut", "Preis zu hoch",
             "Check-in dauerte ewig", "Personal sehr freundlich", "WLAN langsam",
             "Frühstück kalt", "Zimmer sauber", "Rezeption unfreundlich", "Parkplatz zu teuer",
             "Sauna toll", "WLAN gut", "Frühstück gut", "Mail an max@example.org"]})


def test_highlight_marks_evidence_and_masks_personal_data():
    text = "Max Mustermann: WLAN weg, schreiben Sie an max@example.org <b>"
    out = highlight(text, [(16, 20)])
    assert "<mark>WLAN</mark>" in out and "max@example.org" not in out and "<b>" not in out


def test_keys_and_buttons_code_and_save(tmp_path):
    path = tmp_path / "anna.csv"
    wb = coding_workbench(ANSWERS, coder="anna", path=path, retrain_every=5, min_train=5, lang="en")
    assert "0 / 14 coded" in wb.progress_label.value and "<mark>" in wb.text.value
    first = wb.session.current()
    shown = lambda: sum(row.layout.display != "none" for row in wb.suggestion_box.children)  # noqa: E731
    n_sugg = shown()
    assert n_sugg == len(first["suggestions"]) >= 1
    wb.key_field.value = "1"                         # accept the first suggestion
    assert wb.session.current()["codes"] == [first["suggestions"]["code"].iloc[0]]
    assert shown() == n_sugg - 1 and wb.key_field.value == ""
    assert [c.description for c in wb.code_box.children if c.layout.display != "none"] == \
        [first["suggestions"]["code"].iloc[0] + " ✕"]
    wb.memo.value = "checked"
    wb.key_field.value = "n"                         # next: the memo is saved with the answer
    state = store.replay(store.read_actions(path))
    unit = (first["respondent_id"], first["question"])
    assert state.memos[unit] == "checked" and state.done == [unit]
    for _ in range(9):
        wb.key_field.value = "a"
    assert wb.session.n_coded == 10 and wb.progress.value == 10
    assert "(n = 10)" in wb.figure_label.value and bytes(wb.figure.value).startswith(b"\x89PNG")
    wb.export_button.click()
    assert "anna.qdpx" in wb.status.value
    with zipfile.ZipFile(path.with_suffix(".qdpx")) as z:
        assert sum(n.startswith("sources/") for n in z.namelist()) == 10


def test_bad_input_shows_a_message_not_a_traceback(tmp_path):
    wb = coding_workbench(ANSWERS.head(1), coder="anna", path=tmp_path / "a.csv")
    wb.accept_all_button.click()
    assert "Alle Antworten sind codiert" in wb.text.value
    wb.next_button.click()
    assert "all answers are coded" in wb.status.value and "Traceback" not in wb.status.value


@pytest.mark.parametrize("lang", ["de", "en"])
def test_labels_come_from_the_catalog(tmp_path, lang):
    from cjkit.catalog.i18n import label
    wb = coding_workbench(ANSWERS.head(2), coder="anna", path=tmp_path / "a.csv", lang=lang)
    assert wb.accept_all_button.description == label("wb_accept_all", lang)
    assert wb.key_field.placeholder == label("wb_keys", lang)


def test_codebook_view_accepts_drafts_and_refuses_invalid_edits(tmp_path):
    import yaml

    from cjkit.workbench.codebook_view import codebook_editor
    book = {"id": "mini", "name_de": "Mini", "name_en": "Mini", "codes": [
        {"id": "service", "label_de": "Service", "label_en": "Service", "canonical_stage": "service"},
        {"id": "queue", "label_de": "Schlange", "label_en": "Queue", "draft": True, "note": "Thema 3"}]}
    path = tmp_path / "codes.yaml"
    path.write_text(yaml.safe_dump(book), encoding="utf-8")
    view = codebook_editor(path, lang="en")
    assert len(view.drafts.children) == 1 and "Thema 3" in view.drafts.children[0].children[0].value
    view.drafts.children[0].children[1].click()
    assert view.drafts.children == ()
    view.operation.value, view.code.value, view.target.value = "move", "queue", "service"
    view.touchpoint.value = "no_such_touchpoint"
    view.apply_button.click()
    assert "touchpoint" in view.status.value and view.editor.codebook.table.set_index("code").at["queue", "parent"] is None
    view.touchpoint.value = "reception"
    view.apply_button.click()
    view.save_button.click()
    saved = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert saved["codes"][0]["children"][0]["id"] == "queue" and "draft" not in saved["codes"][0]["children"][0]
