"""Bring your own survey: reports adapt to what the survey has, and a batch run is checked first.

The surveys are small synthetic ones written by a seeded function (``own_surveys.make_survey``):
no NPS, a yes/no outcome, CSAT items only, driver ratings with an overall school grade, and a
comments-only feedback file (text, date, channel, star rating). Real data (marked ``shared_data``)
goes from `cjkit infer` to `cjkit report` with no edit of the inferred spec.
"""
import json
import zipfile
from pathlib import Path

import pandas as pd
import pytest
import yaml

import cjkit as cj
from cjkit.report.sections import question_label
from cjkit import cli
from cjkit.catalog import i18n
from cjkit.errors import ParameterError
from own_surveys import KINDS, make_survey

NOTEBOOKS = ("10_satisfaction_report", "20_pain_points", "30_journey_map")


@pytest.fixture(scope="module")
def studies(tmp_path_factory):
    root = tmp_path_factory.mktemp("own")
    return {kind: cj.open_study(make_survey(kind, root / kind)) for kind in KINDS}


def _shown(study):
    return dict(cj.report.section_status(study, lang="en")[["section", "shown"]].itertuples(index=False))


@pytest.mark.parametrize("kind", KINDS)
def test_every_shown_section_has_content_and_every_omitted_one_a_reason(studies, kind):
    study = studies[kind]
    status = cj.report.section_status(study, lang="de")
    assert (status.loc[~status["shown"], "reason"].str.len() > 10).all()
    assert (status.loc[status["shown"], "reason"] == "").all()
    shown = _shown(study)
    figures = cj.report.key_figures(study)
    assert {"respondents_input", "respondents_kept", "respondents_in_scope"} <= set(figures["figure"])
    if shown["touchpoint_scores"]:
        scores = cj.report.touchpoint_scores(study, lang="en")
        assert len(scores) and scores["touchpoint"].notna().all() and scores["touchpoint_label"].notna().all()
    if shown["drivers"]:
        assert len(cj.report.driver_table(study, lang="en"))
        assert len(cj.report.ipa_table(study, lang="en"))
    coded = cj.report.coded_comments(study, lang="en")
    assert shown["comments"] == (len(coded) > 0)
    if shown["painpoints"]:
        pains = cj.report.painpoint_table(study, coded, lang="en")
        assert len(pains) and pains["touchpoint_label"].notna().all()
        assert "nan" not in set(pains["touchpoint"].astype(str).str.lower())
    if shown["journey_map"]:
        cells = cj.report.journey_map_data(study, lang="en")
        assert len(cells) and cells["touchpoint"].notna().all()
    if shown["sentiment"]:
        assert set(cj.report.sentiment_vs_rating(study)["metric"]) >= {"spearman_rho"}


def test_ratings_below_the_minimum_base_omit_the_score_sections(tmp_path):
    # nine answers per rating: every cell would be suppressed, so the sections say why instead
    data = pd.DataFrame({"id": [f"r{i}" for i in range(9)], "service": [1, 2, 3, 4, 5, 4, 3, 2, 1],
                         "preis": [2, 3, 4, 5, 1, 2, 3, 4, 5]})
    data.to_csv(tmp_path / "d.csv", index=False)
    spec = {"survey": "tiny", "respondent_id": "id", "data": "d.csv", "questions": [
        {"id": "service", "type": "csat", "scale": {"min": 1, "max": 5}, "phase": "retention"},
        {"id": "preis", "type": "csat", "scale": {"min": 1, "max": 5}}]}
    (tmp_path / "spec.yaml").write_text(yaml.safe_dump(spec), encoding="utf-8")
    status = cj.report.section_status(cj.open_study(tmp_path / "spec.yaml"), lang="en").set_index("section")
    for section in ("touchpoint_scores", "journey_map"):
        assert not status.loc[section, "shown"]
        assert status.loc[section, "reason"] == "no rating question has the minimum base of 10 answers"


def test_no_nps_survey_says_so_in_words(studies):
    study = studies["no_nps"]
    assert not _shown(study)["nps"]
    assert "nps" not in set(cj.report.key_figures(study)["figure"])
    reason = cj.report.section_status(study, lang="en").set_index("section").loc["nps", "reason"]
    assert "NPS" in reason
    assert cj.report.section_shown(study, "nps", lang="de") is False
    plan = cj.report.report_plan(study, "10_satisfaction_report", lang="en")
    assert plan["run"] and "nps" in dict(plan["omitted"])


def test_yes_no_outcome_is_a_share_positive_and_a_binary_driver_model(studies):
    study = studies["yes_no"]
    figures = cj.report.key_figures(study).set_index("figure")
    share = figures.loc["recommend_positive_share"]
    answers = study.wide["recommend"]
    assert share["value"] == pytest.approx((answers == "yes").mean())  # unweighted survey: the plain share
    assert share["ci_low"] < share["value"] < share["ci_high"]
    drivers = cj.report.driver_table(study, lang="en")
    assert set(drivers["method"]) == {"logit"}
    assert not _shown(study)["sentiment"]
    with pytest.raises(ParameterError, match="numeric rating"):
        cj.report.sentiment_vs_rating(study)


def test_positive_label_matches_ignoring_case_and_a_wrong_one_names_the_key(tmp_path):
    spec_path = make_survey("yes_no", tmp_path)
    spec = yaml.safe_load(spec_path.read_text(encoding="utf-8"))
    spec["questions"][-1]["positive"] = "YES"
    assert cj.open_study(spec, data=tmp_path / "answers.csv").positive() == "yes"
    spec["questions"][-1]["positive"] = "maybe"
    with pytest.raises(cj.ConfigError, match=r"questions\[5\]\.positive.*'maybe'"):
        cj.open_study(spec, data=tmp_path / "answers.csv").positive()
    del spec["questions"][-1]["positive"]
    with pytest.raises(cj.ConfigError, match=r"questions\[5\]\.positive.*no, yes"):
        cj.open_study(spec, data=tmp_path / "answers.csv").positive()


def test_csat_only_survey_scores_touchpoints_without_a_driver_analysis(studies):
    study = studies["csat_only"]
    shown = _shown(study)
    assert shown["touchpoint_scores"] and shown["journey_map"] and not shown["drivers"] and not shown["outcome"]
    assert set(cj.report.touchpoint_scores(study)["question"]) == {q.id for q in study.spec.questions}
    assert cj.report.report_plan(study, "10_satisfaction_report")["run"]


def test_reverse_coded_grade_drives_like_a_rating(studies):
    study = studies["grade"]
    drivers = cj.report.driver_table(study, lang="en")
    # the grade is reverse-coded (1 = best), so better touchpoint ratings go with a better outcome
    assert (drivers["coef"] > 0).sum() > len(drivers) / 2


def test_unassigned_touchpoint_gets_the_catalog_label(studies):
    study = studies["no_nps"]
    for lang in ("de", "en"):
        scores = cj.report.touchpoint_scores(study, lang=lang)
        row = scores[scores["question"] == "tp_other"]
        assert row["touchpoint_label"].tolist() == [i18n.label("unassigned", lang)]


def test_comments_only_file_gets_a_pain_point_report_but_no_journey_map(studies):
    study = studies["comments_only"]
    shown = _shown(study)
    assert shown["comments"] and shown["painpoints"] and not shown["touchpoint_scores"]
    pains = cj.report.painpoint_table(study, cj.report.coded_comments(study), lang="en")
    assert (pains["n_mentions"] > 0).any()
    assert cj.report.report_plan(study, "20_pain_points")["run"]
    plan = cj.report.report_plan(study, "30_journey_map", lang="en")
    assert not plan["run"] and "rating" in plan["reason"]


def test_unknown_section_is_an_error(studies):
    with pytest.raises(ParameterError, match="section"):
        cj.report.section_shown(studies["no_nps"], "npss")


# --- preflight: everything is checked before any kernel starts -----------------------------

def _run_file(folder, notebooks=NOTEBOOKS, **parameters):
    nb_dir = Path(__file__).resolve().parent.parent / "notebooks"
    cfg = {"run": "t", "output_root": str(folder / "reports"),
           "notebooks": [str(nb_dir / f"{n}.ipynb") for n in notebooks],
           "parameters": {"spec": "spec.yaml", "lang": "en", "segment_column": "region", **parameters}}
    path = folder / "report.yaml"
    path.write_text(yaml.safe_dump(cfg), encoding="utf-8")
    return path


@pytest.mark.parametrize("parameters, words", [
    ({"segment": "West"}, ["segment", "West", "Nord"]),
    ({"lang": "fr"}, ["lang", "fr", "de, en"]),
    ({"wave": "2024"}, ["wave"]),
    ({"segment_column": "landkreis", "segment": "x"}, ["segment", "landkreis"]),
    ({"journey_model": "aida"}, ["journey_model", "aida"]),
])
def test_preflight_names_the_parameter_and_the_report(tmp_path, capsys, parameters, words):
    make_survey("no_nps", tmp_path)
    code = cli.main(["report", str(_run_file(tmp_path, **parameters)), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert "10_satisfaction_report__all" in err or "10_satisfaction_report" in (tmp_path / "reports/t/index.html").read_text()
    for word in words:
        assert word in err
    index = (tmp_path / "reports" / "t" / "index.html").read_text(encoding="utf-8")
    assert "Errors before the run" in index and not list((tmp_path / "reports" / "t").glob("*.ipynb"))


@pytest.mark.parametrize("grid", [None, {"segment": ["all", "@values"]}])
def test_broken_spec_still_writes_the_index(tmp_path, capsys, grid):
    make_survey("no_nps", tmp_path)
    spec = yaml.safe_load((tmp_path / "spec.yaml").read_text(encoding="utf-8"))
    spec["questions"][0]["phase"] = "kaufphase"
    (tmp_path / "spec.yaml").write_text(yaml.safe_dump(spec), encoding="utf-8")
    run_file = _run_file(tmp_path)
    if grid:  # '@values' reads the data while the grid is expanded, before the preflight
        cfg = yaml.safe_load(run_file.read_text(encoding="utf-8"))
        run_file.write_text(yaml.safe_dump({**cfg, "grid": grid}), encoding="utf-8")
    code = cli.main(["report", str(run_file), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert "spec.yaml" in err and "questions[0].phase" in err
    index = (tmp_path / "reports" / "t" / "index.html").read_text(encoding="utf-8")
    assert "kaufphase" in index and "questions[0].phase" in index


def test_preflight_table_says_what_each_report_omits(tmp_path):
    from cjkit.report import plan
    from cjkit.report.grid import expand_grid
    from cjkit.report.runconfig import load_run
    make_survey("comments_only", tmp_path)
    cfg = load_run(_run_file(tmp_path, segment_column="channel"))
    checked = {c["name"]: c for c in plan.preflight(expand_grid(cfg))}
    assert not any(c["errors"] for c in checked.values())
    assert not checked["30_journey_map__all"]["run"]
    assert "nps" in dict(checked["10_satisfaction_report__all"]["omitted"])
    text = plan.format_preflight(list(checked.values()))
    assert "30_journey_map__all" in text and "not run" in text


def test_comments_only_batch_run(tmp_path, capsys):
    """A real run (papermill): the pain-point report is made, the journey map is not applicable."""
    make_survey("comments_only", tmp_path)
    run_file = _run_file(tmp_path, notebooks=("20_pain_points", "30_journey_map"), segment_column="channel")
    code = cli.main(["report", str(run_file), "--quiet", "--workers", "1"])
    out = capsys.readouterr().out
    assert code == 0, out
    manifest = json.loads((tmp_path / "reports/t/manifest.json").read_text(encoding="utf-8"))
    status = {r["name"]: r["status"] for r in manifest["reports"]}
    assert status == {"20_pain_points__all": "ok", "30_journey_map__all": "not_applicable"}
    index = (tmp_path / "reports/t/index.html").read_text(encoding="utf-8")
    assert "not_applicable" in index and "ipa:" in index  # the omitted section and why
    report = (tmp_path / "reports/t/20_pain_points__all.html").read_text(encoding="utf-8")
    assert i18n.label("section_omitted", "en") in report and "Traceback" not in report


# --- real data end to end: `cjkit infer`, then `cjkit report`, with no edit of the inferred spec -----
# Only the default catalogs are used: the repository's own airline spec and catalog are never read.

def _infer(tmp_path, frame: pd.DataFrame, capsys) -> "cj.SurveySpec":
    frame.to_csv(tmp_path / "export.csv", index=False)
    code = cli.main(["infer", str(tmp_path / "export.csv"), "-o", str(tmp_path / "spec.yaml")])
    out = capsys.readouterr()
    assert code == 0, out.err
    return cj.load_spec(tmp_path / "spec.yaml")


def _statuses(tmp_path) -> dict:
    manifest = json.loads((tmp_path / "reports/t/manifest.json").read_text(encoding="utf-8"))
    return {r["name"]: r["status"] for r in manifest["reports"]}


def test_airline_sample_inferred_spec_through_every_report(shared_data, tmp_path, capsys):
    with zipfile.ZipFile(shared_data / "airline_satisfaction" / "airline_passenger_satisfaction.zip") as z:
        with z.open("airline_passenger_satisfaction.csv") as fh:
            wide = pd.read_csv(fh, nrows=3000)
    sample = wide.sample(400, random_state=3)
    spec = _infer(tmp_path, sample, capsys)
    outcome = next(q for q in spec.questions if q.role == "outcome")
    assert outcome.column == "Satisfaction" and str(outcome.positive).casefold() == "satisfied"
    study = cj.open_study(tmp_path / "spec.yaml")
    assert study.n_input == 400
    assert study.n_input == study.n_kept + study.ledger.query("action == 'excluded'")["row"].nunique()
    segment_column = spec.segments[0] if spec.segments else ""
    run_file = _run_file(tmp_path, segment_column=segment_column, segment="all")
    code = cli.main(["report", str(run_file), "--quiet", "--workers", "2"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert _statuses(tmp_path) == {f"{n}__all": "ok" for n in NOTEBOOKS}
    figures = json.loads((tmp_path / "reports/t/10_satisfaction_report__all/key_figures.json").read_text())
    share = figures[f"{outcome.id}_positive_share"]["value"]
    # the independent count: the share of "satisfied" in the sample, read by pandas
    assert share == pytest.approx((sample["Satisfaction"].str.casefold() == "satisfied").mean())
    assert "nps" in captured.out  # the preflight table says the NPS section is omitted


def _german_comments(shared_data) -> pd.DataFrame:
    lines = (shared_data / "german_hotel_absa" / "test.txt").read_text(encoding="utf-8").splitlines()
    texts = [line.split("\t", 1)[1] for line in lines[:240] if "\t" in line]
    return pd.DataFrame({"Kommentar": texts})


def _english_reviews(shared_data) -> pd.DataFrame:
    d = pd.read_csv(shared_data / "womens_ecommerce_reviews" / "womens_clothing_ecommerce_reviews.csv.zip",
                    index_col=0)
    return d[["Review Text", "Rating", "Department Name"]].dropna().sample(240, random_state=5)


@pytest.mark.parametrize("lang, make", [("de", _german_comments), ("en", _english_reviews)])
def test_real_feedback_inferred_spec_gets_its_pain_point_report(shared_data, tmp_path, capsys, lang, make):
    frame = make(shared_data)
    spec = _infer(tmp_path, frame, capsys)
    comment = [q for q in spec.questions if q.role == "comment"]
    assert [q.column for q in comment] == [c for c in frame.columns if "Text" in c or c == "Kommentar"]
    assert spec.language == lang
    run_file = _run_file(tmp_path, notebooks=("20_pain_points", "30_journey_map"), lang=lang,
                         segment_column=spec.segments[0] if spec.segments else "")
    code = cli.main(["report", str(run_file), "--quiet", "--workers", "1"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    statuses = _statuses(tmp_path)
    assert statuses["20_pain_points__all"] == "ok"
    assert statuses["30_journey_map__all"] in ("ok", "not_applicable")
    report = (tmp_path / "reports/t/20_pain_points__all.html").read_text(encoding="utf-8")
    assert "Traceback" not in report and "nan" not in report.lower().split("<body", 1)[-1].split()


def test_infer_names_the_industry_only_when_the_answers_clearly_belong_to_one(shared_data, tmp_path, capsys):
    rental = pd.read_csv(shared_data / "car_rental_feedback" / "car_rental_training_data.csv", sep=";")
    spec = _infer(tmp_path, rental[["ID", "Gender", "Age", "Customer_Service", "Satisfaction"]], capsys)
    assert spec.industry == "car_rental"
    # answers that fit no industry codebook well: cross-industry codes only, and a row to check
    mixed = pd.DataFrame({"id": range(60), "kommentar": [
        "Die Anmeldung zum Kurs war umständlich", "Der Vortrag war spannend", "Zu wenig Pausen",
        "Die Referentin war sehr kompetent", "Unterlagen kamen spät"] * 12})
    mixed.to_csv(tmp_path / "export.csv", index=False)
    assert cli.main(["infer", str(tmp_path / "export.csv"), "-o", str(tmp_path / "other.yaml")]) == 0
    out = capsys.readouterr().out
    assert cj.load_spec(tmp_path / "other.yaml").industry is None
    assert "! (open answers)" in out and "no industry clearly ahead" in out


def test_long_question_texts_are_cut_at_a_word_and_stay_apart(tmp_path):
    lead = ("Please think about your most recent visit to one of our branches and tell us how satisfied "
            "you were with the following aspect of the service you received there")
    data = pd.DataFrame({"id": [f"r{i}" for i in range(30)], "a": [(i % 5) + 1 for i in range(30)],
                         "b": [((i + 2) % 5) + 1 for i in range(30)]})
    data.to_csv(tmp_path / "d.csv", index=False)
    spec = {"survey": "long", "respondent_id": "id", "data": "d.csv", "language": "en", "questions": [
        {"id": "a", "type": "csat", "scale": {"min": 1, "max": 5}, "text": lead + " (waiting time)"},
        {"id": "b", "type": "csat", "scale": {"min": 1, "max": 5}, "text": lead + " (friendliness)"}]}
    (tmp_path / "spec.yaml").write_text(yaml.safe_dump(spec), encoding="utf-8")
    study = cj.open_study(tmp_path / "spec.yaml")
    label = question_label(study, "a", lang="en")
    assert len(label) <= 70 and label.endswith("…") and lead.startswith(label[:-1].rstrip())
    assert lead[len(label) - 1] == " "                      # cut between words, not inside one
    items = cj.report.touchpoint_scores(study, lang="en")["item_label"].tolist()
    assert len(set(items)) == 2 and sorted(i[-3:] for i in items) == ["(1)", "(2)"]
