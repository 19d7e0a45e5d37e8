"""Banner tables: cells, bases and letters recomputed by hand and with statsmodels; the Excel and
Word exports opened again and checked for formats, bold significant cells and the notes."""
from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportions_ztest

from cjkit.errors import ParameterError
from cjkit.report.banner import banner_layout, banner_notes, banner_table, banner_to_docx, banner_to_excel


def _long(seed=11):
    rng = np.random.default_rng(seed)
    # Sued: low base; West and Zentrum: suppressed (two hidden columns: neither follows from the Total)
    sizes = {"Nord": 150, "Ost": 120, "Sued": 25, "West": 6, "Zentrum": 7}
    rows = []
    for seg, n in sizes.items():
        ids = [f"{seg}{i}" for i in range(n)]
        shift = {"Nord": -0.6, "Ost": 0.6, "Sued": 0.0, "West": 0.0, "Zentrum": 0.0}[seg]
        sat = np.clip(np.round(rng.normal(3.3 + shift, 0.9, n)), 1, 5)
        rows.append(pd.DataFrame({"respondent_id": ids, "question": "sat", "type": "rating", "value": sat,
                                  "text": pd.NA, "region": seg, "weight": 1.0}))
        channel = rng.choice(["App", "=Web", "Telefon"], n, p=[0.5 + shift / 4, 0.3, 0.2 - shift / 4])
        rows.append(pd.DataFrame({"respondent_id": ids, "question": "channel", "type": "single", "value": np.nan,
                                  "text": channel, "region": seg, "weight": 1.0}))
        for item in ("spa", "gym"):  # a multiple-choice question: one 0/1 row per option
            rows.append(pd.DataFrame({"respondent_id": ids, "question": "used", "item": item, "type": "multi",
                                      "value": (rng.random(n) < 0.3).astype(float), "text": pd.NA,
                                      "region": seg, "weight": 1.0}))
    return pd.concat(rows, ignore_index=True)


def test_cells_bases_and_letters_by_hand():
    long = _long()
    t = banner_table(long, segment="region", scales={"sat": (1, 5)}, correction="bonferroni", lang="en")
    sat = long[long.question == "sat"]
    top2 = t[(t.question == "sat") & (t.row == "top2")].set_index("segment")
    for seg, g in sat.groupby("region"):
        if seg not in ("West", "Zentrum"):
            assert top2.loc[seg, "value"] == pytest.approx((g.value >= 4).mean())
        assert top2.loc[seg, "n"] == len(g)
    assert top2.loc["total", "value"] == pytest.approx((sat.value >= 4).mean()) and top2.loc["total", "letter"] == ""
    assert top2.loc["Sued", "flag"] == "low_base" and top2.loc["West", "flag"] == "suppressed"
    assert np.isnan(top2.loc["West", "value"])
    # letters: z-tests of the three testable columns, Bonferroni over the pairs with a test
    tested = ["Nord", "Ost", "Sued"]
    p = [proportions_ztest([(sat[sat.region == a].value >= 4).sum(), (sat[sat.region == b].value >= 4).sum()],
                           [(sat.region == a).sum(), (sat.region == b).sum()])[1]
         for a, b in itertools.combinations(tested, 2)]
    reject = multipletests(p, method="bonferroni")[0]
    letter = dict(zip(["Nord", "Ost", "Sued", "West"], "ABCD"))
    expected = {s: "" for s in tested}
    for (a, b), rej in zip(itertools.combinations(tested, 2), reject):
        if rej:
            hi, lo = (a, b) if top2.loc[a, "value"] > top2.loc[b, "value"] else (b, a)
            expected[hi] += letter[lo]
    assert {s: top2.loc[s, "higher_than"] for s in tested} == expected
    assert "A" in expected["Ost"]  # the planted difference
    # a single-choice question: one percent row per answer, base = respondents who answered
    ch = t[(t.question == "channel") & (t.segment == "Nord")].set_index("row")
    nord = long[(long.question == "channel") & (long.region == "Nord")]
    assert ch.loc["App", "value"] == pytest.approx((nord.text == "App").mean())
    assert set(ch.index) == {"App", "=Web", "Telefon"} and (ch["kind"] == "percent").all()
    used = t[(t.question == "used") & (t.segment == "total")].set_index("row")
    multi = long[long.question == "used"]
    assert list(used.index) == ["spa", "gym"]
    assert used.loc["gym", "value"] == pytest.approx(multi[multi.item == "gym"].value.mean())
    assert used.loc["gym", "n"] == long.respondent_id[long.question == "used"].nunique()


def test_weighted_cells_show_the_effective_base():
    long = _long()
    long["weight"] = np.where(long.respondent_id.str.endswith(("1", "3")), 2.5, 0.8)
    t = banner_table(long, segment="region", questions=["sat"], scales={"sat": (1, 5)})
    mean = t[(t.row == "mean")].set_index("segment")
    g = long[(long.question == "sat") & (long.region == "Nord")]
    assert mean.loc["Nord", "value"] == pytest.approx(np.average(g.value, weights=g.weight))
    assert mean.loc["Nord", "n_effective"] == pytest.approx(g.weight.sum() ** 2 / (g.weight ** 2).sum())
    assert mean.loc["Nord", "n"] == len(g)


def test_layout_marks_low_bases_and_suppression():
    t = banner_table(_long(), segment="region", scales={"sat": (1, 5)}, lang="de")
    wide = banner_layout(t, lang="de")
    assert list(wide.columns) == ["question", "row", "Gesamt", "Nord (A)", "Ost (B)", "Sued (C)", "West (D)", "Zentrum (E)"]
    top2 = wide[wide.row == "Top-2-Box"].iloc[0]
    assert top2["Sued (C)"].startswith("(") and top2["West (D)"] == top2["Zentrum (E)"] == "–"
    assert "\u00a0%" in top2["Gesamt"]  # German percent format
    assert {"Basis (ungewichtet)", "Effektive Basis"} <= set(wide["row"])
    notes = banner_notes(t, lang="en")
    assert notes["text"].str.contains("Holm").any() and notes["text"].str.contains("Kish").any()


def test_excel_export_is_formatted(tmp_path):
    from openpyxl import load_workbook
    t = banner_table(_long(), segment="region", scales={"sat": (1, 5)}, correction="bh", lang="en")
    path = banner_to_excel(t, tmp_path / "banner.xlsx", lang="en")
    wb = load_workbook(path)
    assert wb.sheetnames == ["Table", "Notes"]
    ws = wb["Table"]
    cells = {(c.row, c.column): c for row in ws.iter_rows() for c in row}
    formats = {c.number_format for c in cells.values() if isinstance(c.value, (int, float))}
    assert {"0%", "0.00", "#,##0", '"("0%")"'} <= formats
    bold_numbers = [c for c in cells.values() if isinstance(c.value, float) and c.font.bold]
    assert bold_numbers and all(isinstance(cells[(c.row, c.column + 1)].value, str) for c in bold_numbers)
    label = next(c for c in cells.values() if c.value == "=Web")  # the visible text stays as answered,
    assert label.data_type == "s" and label.quotePrefix              # typed as text, never run as a formula
    notes = " ".join(c.value for c in wb["Notes"]["A"])
    assert "Benjamini-Hochberg" in notes and "effective base" in notes
    with pytest.raises(ParameterError, match="xlsx"):
        banner_to_excel(t, tmp_path / "banner.csv")


def test_docx_export_opens_with_bold_letters(tmp_path):
    import docx
    t = banner_table(_long(), segment="region", scales={"sat": (1, 5)}, lang="de")
    doc = docx.Document(banner_to_docx(t, tmp_path / "banner.docx", lang="de"))
    table = doc.tables[0]
    assert [c.text for c in table.rows[0].cells][2:] == ["Gesamt", "Nord (A)", "Ost (B)", "Sued (C)", "West (D)", "Zentrum (E)"]
    bold = [r.text for row in table.rows[1:] for c in row.cells for p in c.paragraphs for r in p.runs if r.bold]
    assert any(text.endswith("A") for text in bold)
    assert any("Kish" in p.text for p in doc.paragraphs)


def test_bad_input_is_named():
    long = _long()
    with pytest.raises(ParameterError, match="segment"):
        banner_table(long, segment="land")
    with pytest.raises(ParameterError, match="questions"):
        banner_table(long, segment="region", questions=["nps"])
    with pytest.raises(ParameterError, match="correction"):
        banner_table(long, segment="region", correction="tukey")


def test_one_hidden_column_is_protected_by_hiding_the_next_smallest():
    # West alone below the suppression base: with the Total published its share would be
    # Total x n_total - the other columns' counts, so the next smallest column (Sued) is hidden too
    long = _long()
    long = long[long.region != "Zentrum"]
    t = banner_table(long, segment="region", questions=["sat"], scales={"sat": (1, 5)}, lang="en")
    top2 = t[t.row == "top2"].set_index("segment")
    assert list(top2.loc[["West", "Sued"], "flag"]) == ["suppressed", "suppressed"]
    assert top2.loc[["West", "Sued"], "value"].isna().all() and top2.loc["Nord", "flag"] == ""
    assert not any("C" in x or "D" in x for x in top2["higher_than"])  # no letter names a hidden column
    # without a Total there is nothing to recover West from: Sued stays shown, marked as a low base
    alone = banner_table(long, segment="region", questions=["sat"], scales={"sat": (1, 5)}, total=False)
    assert alone[(alone.row == "top2") & (alone.segment == "Sued")]["flag"].item() == "low_base"
