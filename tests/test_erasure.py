"""Erasure that works: the list holds no ids, every load applies it, report fingerprints see
every input, and after `cjkit forget` no output or cache file of a run holds the person's text."""
import datetime as dt
import json

import nbformat as nbf
import pandas as pd
import pytest
import yaml

import cjkit as cj
from cjkit.cli import main
from cjkit.io import erasure
from cjkit.io.load import load
from cjkit.report import batch

SECRET = "Zimmer 417 roch nach Rauch, Gruss Hans Quux"


def _survey(folder, n=24):
    data = cj.example_data(n)
    data["persona"] = "Familie"
    data.loc[data["id"] == "r0007", ["persona", "comment"]] = ["Einzelgast", SECRET]
    folder.mkdir(parents=True, exist_ok=True)
    data.to_csv(folder / "answers.csv", index=False)
    spec = {**cj.example_spec(), "data": "answers.csv"}
    (folder / "spec.yaml").write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    return data


def test_the_list_holds_no_ids_and_counts_each_request(tmp_path):
    first = erasure.forget(["max@example.org", "r0007"], folder=tmp_path)
    again = erasure.forget(["R0007 ", "r0009"], folder=tmp_path)            # same id, other case and spaces
    assert (first["added"], again["added"], again["total"]) == (2, 1, 3)
    text = first["path"].read_text(encoding="utf-8")
    assert "max" not in text and "r0007" not in text.lower() and "r0009" not in text
    facts = erasure.summary(first["path"])
    today = dt.date.today().isoformat()
    assert facts == {"respondents": 3, "requests": [{"date": today, "count": 2}, {"date": today, "count": 1}]}


def test_every_load_leaves_erased_respondents_out_with_a_ledger_entry_naming_no_one(tmp_path):
    _survey(tmp_path)  # the person is still in the export (e.g. one restored from a backup)
    erasure.forget(["r0007"], folder=tmp_path)
    loaded = load(spec=tmp_path / "spec.yaml")
    assert "r0007" not in set(loaded.wide["respondent_id"]) and "r0007" not in set(loaded.long["respondent_id"])
    assert not loaded.long["text"].astype(str).str.contains("Quux").any()
    entry = loaded.ledger[loaded.ledger["check"] == "erased"]
    assert entry["row"].tolist() == [7] and entry["action"].tolist() == ["excluded"]   # r0007 is data row 7
    assert entry[["respondent_id", "old_value", "new_value"]].isna().all().all()
    assert loaded.summary.iloc[0][["n_input", "n_kept", "n_excluded"]].tolist() == [24, 23, 1]
    study = cj.open_study(tmp_path / "spec.yaml")                          # a study loads the same way
    assert study.n_kept == 23 and "excluded: erased" in set(study.summary()["measure"])


def test_fingerprint_covers_data_named_by_the_spec_catalogs_and_the_erasure_list(tmp_path):
    _survey(tmp_path)
    nb = tmp_path / "nb.ipynb"
    nb.write_text("{}", encoding="utf-8")
    job = batch.Job(nb, {"spec": str(tmp_path / "spec.yaml"), "lang": "de"}, "nb__all")
    keys = [batch.job_key(job, "1.0")]
    with open(tmp_path / "answers.csv", "a", encoding="utf-8") as fh:    # the data changes, not the spec
        fh.write("r0099,2026,Familie,1.0,3,3,3,3,3,3,7,neu\n")
    keys.append(batch.job_key(job, "1.0"))
    erasure.forget(["r0003"], folder=tmp_path)
    keys.append(batch.job_key(job, "1.0"))
    (tmp_path / "touchpoints.yaml").write_text("touchpoints: []\n", encoding="utf-8")
    spec = yaml.safe_load((tmp_path / "spec.yaml").read_text(encoding="utf-8"))
    (tmp_path / "spec.yaml").write_text(yaml.safe_dump({**spec, "touchpoints": "touchpoints.yaml"}), encoding="utf-8")
    keys.append(batch.job_key(job, "1.0"))
    (tmp_path / "touchpoints.yaml").write_text("touchpoints: [{id: x}]\n", encoding="utf-8")  # catalog edited
    keys.append(batch.job_key(job, "1.0"))
    keys.append(batch.job_key(job, "1.1"))
    assert len(set(keys)) == len(keys)
    assert batch.job_key(job, "1.1") == keys[-1]                          # and nothing else moves it


def test_forget_cli_reads_a_list_file_removes_the_reports_at_once_and_names_what_is_missing(tmp_path, capsys):
    survey = tmp_path / "surveys" / "s"
    _survey(survey)
    run = tmp_path / "reports" / "r"                                      # an earlier run of two surveys
    for name in ("mine__all", "other__all"):
        (run / name).mkdir(parents=True)
        (run / name / "verbatims.csv").write_text(SECRET, encoding="utf-8")
        (run / f"{name}.html").write_text(SECRET, encoding="utf-8")
    rows = [{"name": "mine__all", "parameters": {"spec": str(survey / "spec.yaml")}},
            {"name": "other__all", "parameters": {"spec": str(tmp_path / "other" / "spec.yaml")}}]
    (run / "manifest.json").write_text(json.dumps({"reports": rows}), encoding="utf-8")
    ids = tmp_path / "ids.txt"
    ids.write_text("# Löschanfragen Juni\nr0001\n\nr0002\n", encoding="utf-8")
    assert main(["forget", "--file", str(ids), "--spec", str(survey / "spec.yaml")]) == 0
    out = capsys.readouterr().out
    assert "2 respondent(s) added" in out and "1 report(s) made from this survey removed" in out
    assert erasure.summary(survey / erasure.ERASURE_FILE)["respondents"] == 2
    assert sorted(p.relative_to(run).as_posix() for p in run.rglob("*")) == [
        "manifest.json", "other__all", "other__all.html", "other__all/verbatims.csv"]   # the other survey's stay
    assert main(["forget", "r0003"]) == 2
    assert "name the survey" in capsys.readouterr().err
    assert main(["forget", "--spec", str(survey / "spec.yaml")]) == 2
    assert "no respondent ids" in capsys.readouterr().err


def _report_notebook(path):
    book = nbf.v4.new_notebook()
    params = nbf.v4.new_code_cell('spec: str = ""\nsegment: str = "all"\noutput_dir: str = "."')
    params.metadata["tags"] = ["parameters"]
    body = ("import json, pathlib\nimport cjkit as cj\n"
            "study = cj.open_study(spec, segment_column='persona', segment=segment)\n"
            "out = pathlib.Path(output_dir); out.mkdir(parents=True, exist_ok=True)\n"
            "texts = study.wide[['respondent_id', 'persona', 'comment']]\n"
            "texts.to_csv(out / 'verbatims.csv', index=False)\n"
            "(out / 'key_figures.json').write_text(json.dumps({'respondents_in_scope': len(texts)}))\n"
            "texts")
    book.cells = [params, nbf.v4.new_code_cell(body)]
    book.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    path.parent.mkdir(parents=True, exist_ok=True)
    nbf.write(book, path)


def _holding(folder, *needles):
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")
                  if p.is_file() and any(n.encode() in p.read_bytes() for n in needles))


def test_forget_deletes_a_respondent_from_every_output_and_cache_of_the_run(tmp_path):
    _report_notebook(tmp_path / "notebooks" / "report.ipynb")
    data = _survey(tmp_path / "surveys" / "s")
    run = tmp_path / "surveys" / "s" / "report.yaml"
    run.write_text(yaml.safe_dump({"run": "r", "notebooks": ["../../notebooks/report.ipynb"], "output_root": "../../reports",
                                   "parameters": {"spec": "spec.yaml"}}),
                   encoding="utf-8")
    out = tmp_path / "reports" / "r"
    assert main(["report", str(run), "--quiet"]) == 0
    assert {"report__all.html", "report__all.ipynb", "report__all/verbatims.csv"} <= set(_holding(out, "Quux"))
    # the researcher deletes the respondent from the export, then records the erasure and rebuilds
    snapshot = (tmp_path / "surveys" / "s" / "answers.csv").read_bytes()
    data[data["id"] != "r0007"].to_csv(tmp_path / "surveys" / "s" / "answers.csv", index=False)
    assert main(["forget", "r0007", "--rebuild", str(run), "--quiet"]) == 0
    assert _holding(out, "Quux", "r0007", "Einzelgast") == []               # no output, table or notebook
    facts = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert facts["erasure"]["respondents"] == 1 and facts["erasure"]["requests"][0]["count"] == 1
    assert [r["status"] for r in facts["reports"]] == ["ok"]               # rebuilt, not skipped
    kept = pd.read_csv(out / "report__all" / "verbatims.csv")
    assert len(kept) == 23 and snapshot.count(b"Quux") == 1
    # (an old export restored from a backup is kept out by every load: see the load test above)
