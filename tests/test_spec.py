"""Survey specs: validation with key paths, and applying a spec to wide data (to_long)."""
import numpy as np
import pandas as pd
import pytest
import yaml

from cjkit.io import spec as specmod
from cjkit.errors import ConfigError, DataError


def _spec(**over):
    s = {"survey": "t", "respondent_id": "id", "journey_model": "accra", "segments": ["seg"],
         "questions": [
             {"id": "q1", "type": "rating", "scale": {"min": 1, "max": 5, "labels": {1: "schlecht", 5: "gut"}},
              "missing": [9], "missing_labels": {"9": "weiß nicht"}, "phase": "conversion", "touchpoint": "booking"},
             {"id": "q2", "type": "likert", "scale": {"min": 1, "max": 5}, "reverse": True, "phase": "retention",
              "touchpoint": "room"},
             {"id": "nps", "type": "nps", "phase": "advocacy"},
             {"id": "kanal", "type": "multi", "columns": {"web": "k_web", "tel": "k_tel"}},
             {"id": "txt", "type": "open"}]}
    s.update(over)
    return s


def _write(tmp_path, s):
    p = tmp_path / "spec.yaml"
    p.write_text(yaml.safe_dump(s, allow_unicode=True), encoding="utf-8")
    return p


def test_load_spec_fills_defaults(tmp_path):
    s = specmod.load_spec(_write(tmp_path, _spec()))
    q = {x.id: x for x in s.questions}
    assert (q["nps"].scale.min, q["nps"].scale.max) == (0, 10) and q["nps"].role == "nps"
    assert q["q1"].column == "q1" and q["q1"].role == "driver"
    assert q["txt"].role == "comment"
    assert sorted(q["kanal"].source_columns) == ["k_tel", "k_web"]
    assert s.path.name == "spec.yaml" and s.journey_model == "accra"


@pytest.mark.parametrize("change, key, text", [
    (lambda s: s["questions"][0].update(phase="kauf"), "questions[0].phase", "not in journey model 'accra'"),
    (lambda s: s["questions"][1].update(touchpoint="teleporter"), "questions[1].touchpoint", "teleporter"),
    (lambda s: s["questions"][1].update(type="slider"), "questions[1].type", "slider"),
    (lambda s: s["questions"][1].pop("scale"), "questions[1].scale", "needs a scale"),
    (lambda s: s["questions"][2].update(id="q1"), "questions[2].id", "duplicate question id"),
    (lambda s: s.update(journey_model="aida"), "journey_model", "unknown journey model"),
    (lambda s: s["questions"][3].pop("columns"), "questions[3].columns", "needs 'columns'"),
])
def test_broken_spec_names_key(tmp_path, change, key, text):
    s = _spec()
    change(s)
    with pytest.raises(ConfigError) as err:
        specmod.load_spec(_write(tmp_path, s))
    assert err.value.key == key and text in str(err.value) and "spec.yaml" in str(err.value)


def _wide():
    return pd.DataFrame({"id": [1, 2, 3, 4], "seg": ["a", "a", "b", "b"],
                         "q1": ["5", "9", "7", "2,0"], "q2": [1, 5, np.nan, 4], "nps": [10, 0, 6, 9],
                         "k_web": [1, 0, None, 1], "k_tel": ["Telefon", None, "", None],
                         "txt": ["gut", "", None, "  zu teuer "]})


def test_to_long_values_reasons_and_reverse(tmp_path):
    s = specmod.load_spec(_write(tmp_path, _spec()))
    long = specmod.to_long(_wide(), s)
    q1 = long[long.question == "q1"].set_index("respondent_id")
    assert q1["value"].tolist()[0] == 5 and q1.loc["4", "value"] == 2.0   # decimal comma read
    assert q1.loc["2", "missing_reason"] == "missing code 9: weiß nicht"
    assert q1.loc["3", "missing_reason"] == "out of range: 7 not in 1..5" and np.isnan(q1.loc["3", "value"])
    assert q1.loc["1", "text"] == "gut"
    q2 = long[long.question == "q2"].set_index("respondent_id")["value"]
    assert q2.tolist()[:2] == [5.0, 1.0] and q2.loc["4"] == 2.0            # reverse coded 6 - x
    kanal = long[long.question == "kanal"]
    assert kanal.pivot(index="respondent_id", columns="item", values="value").loc[["1", "2"]].to_dict() == {
        "tel": {"1": 1.0, "2": 0.0}, "web": {"1": 1.0, "2": 0.0}}
    txt = long[long.question == "txt"].set_index("respondent_id")
    assert txt.loc["4", "text"] == "zu teuer" and txt.loc["2", "missing_reason"] == "no answer"
    # nothing is lost: one row per respondent and question (multi: per option)
    assert len(long) == 4 * (4 + 2)
    assert long["phase"].cat.categories.tolist() == ["awareness", "consideration", "conversion", "retention", "advocacy"]
    assert (long["weight"] == 1.0).all() and long["seg"].notna().all()


def test_to_long_missing_column_names_it(tmp_path):
    s = specmod.load_spec(_write(tmp_path, _spec()))
    with pytest.raises(DataError, match=r"file 'x.csv', column 'nps'"):
        specmod.to_long(_wide().drop(columns="nps"), s, file="x.csv")


def test_bad_weight_names_row(tmp_path):
    s = specmod.load_spec(_write(tmp_path, _spec(weight="w")))
    wide = _wide().assign(w=[1.0, 0.5, -1, 2])
    with pytest.raises(DataError, match=r"row 3, column 'w'.*positive"):
        specmod.to_long(wide, s)


def test_demo_spec_loads_and_covers_all_accra_phases(root):
    s = specmod.load_spec(root / "surveys" / "demo" / "spec.yaml")
    qt = specmod.question_table(s)
    assert set(qt["phase"].dropna()) == {"awareness", "consideration", "conversion", "retention", "advocacy"}
    assert qt.loc[qt.role == "driver", "touchpoint"].nunique() >= 12


def test_all_problems_of_a_file_reported_together(tmp_path):
    s = _spec()
    s["questions"][0]["phase"] = "kauf"        # semantic: not a phase of the model
    s["questions"][1]["type"] = "slider"       # schema: not a question type
    s["questions"][2]["id"] = "q1"             # semantic: duplicate id
    del s["respondent_id"]                     # schema: required key
    with pytest.raises(ConfigError) as err:
        specmod.load_spec(_write(tmp_path, s))
    keys = [p.key for p in err.value.problems]
    assert set(keys) == {"<root>", "questions[0].phase", "questions[1].type", "questions[2].id"}
    lines = str(err.value).splitlines()
    assert lines[0].startswith("4 problems in ") and len(lines) == 5
    for key, needle in [("<root>", "'respondent_id' is a required property"), ("questions[0].phase", "kauf"),
                        ("questions[1].type", "slider"), ("questions[2].id", "duplicate question id")]:
        assert any(line.startswith(f"{tmp_path / 'spec.yaml'}: {key}: ") and needle in line for line in lines)


def test_spec_accepted_as_path_dict_or_object(tmp_path):
    path = _write(tmp_path, _spec())
    from_path = specmod.load_spec(path)
    assert specmod.load_spec(from_path) is from_path
    assert specmod.load_spec(_spec()) == from_path   # content equal; where it came from does not count
    assert specmod.to_long(_wide(), path).equals(specmod.to_long(_wide(), from_path))


def test_write_spec_round_trip_keeps_every_setting(tmp_path):
    from cjkit.io.infer import write_spec
    spec = specmod.load_spec(_write(tmp_path, _spec(weight="w", wave="welle", quality={"min_completion": 0.8})))
    back = specmod.load_spec(write_spec(spec, tmp_path / "out" / "spec.yaml"))
    assert back == spec
    assert back.question("q1").scale.labels == {1: "schlecht", 5: "gut"} and back.question("q2").reverse


def test_one_table_of_question_types():
    from cjkit.catalog import types
    from cjkit.catalog.config import schema
    q = schema("survey_spec")["properties"]["questions"]["items"]["properties"]
    assert tuple(q["type"]["enum"]) == types.QUESTION_TYPES      # the schema and the code agree
    assert set(types.MEAN_SCALE_TYPES) | {"nps"} == set(types.SCALE_TYPES)
    assert set(types.RATING_TYPES) <= set(types.MEAN_SCALE_TYPES)
    assert specmod.SCALE_TYPES is types.SCALE_TYPES


def test_config_modules_do_not_import_jsonschema_until_validating():
    import subprocess
    import sys
    code = ("import sys, cjkit, cjkit.io.spec, cjkit.catalog.models, cjkit.coding.codebook, cjkit.report.batch\n"
            "print('jsonschema' in sys.modules)\n"
            "cjkit.io.spec.load_spec({'survey': 't', 'respondent_id': 'id', 'questions': [{'id': 'q', 'type': 'open'}]})\n"
            "print('jsonschema' in sys.modules)\n"
            "print('rfc3987_syntax' in sys.modules)\n"  # its IRI grammars cost ~2 s per kernel; no schema needs them
            "import rfc3987_syntax\n")  # and who needs it later still gets it
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "True", "False"]


def test_write_spec_elsewhere_keeps_pointing_at_the_same_files(tmp_path):
    from cjkit.io.infer import write_spec
    (tmp_path / "d.csv").write_text("id,q1\n1,4\n", encoding="utf-8")
    spec = specmod.load_spec(_write(tmp_path, {"survey": "t", "respondent_id": "id", "data": "d.csv",
                                               "questions": [{"id": "q1", "type": "open"}]}))
    moved = specmod.load_spec(write_spec(spec, tmp_path / "copies" / "spec.yaml"))
    assert moved.data == "../d.csv" and moved.data_path.resolve() == spec.data_path.resolve()
