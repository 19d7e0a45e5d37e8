"""Scale-out on Dask: coding and a report grid on a LocalCluster give what the local run gives; TLS only."""
import json

import nbformat as nbf
import pandas as pd
import pytest
import yaml

import cjkit as cj
from cjkit.cli import main
from cjkit.cluster import check_address
from cjkit.errors import ParameterError
from cjkit.report import batch

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  silence_logs=50) as local:
        yield local


def test_coding_on_the_cluster_equals_one_local_call(cluster, fixtures):
    gold = pd.read_csv(fixtures / "coding_gold.csv")                # 300 real answers, German and English
    texts = gold.rename(columns={"id": "respondent_id"})[["respondent_id", "text"]]
    local = cj.code_texts(texts, ["shared", "industry_hospitality"])
    spread = cj.code_texts_dask(texts, ["shared", "industry_hospitality"], cluster=cluster, npartitions=5)
    pd.testing.assert_frame_equal(spread, local)
    assert len(local) > 100 and local["row"].max() > 250            # partitions beyond the first were coded


def _notebook(path):
    book = nbf.v4.new_notebook()
    params = nbf.v4.new_code_cell('spec: str = ""\nsegment: str = "all"\noutput_dir: str = "."')
    params.metadata["tags"] = ["parameters"]
    body = ("import json, pathlib\nimport cjkit as cj\n"
            "study = cj.open_study(spec, segment_column='persona', segment=segment)\n"
            "scores = cj.report.touchpoint_scores(study)\n"
            "out = pathlib.Path(output_dir); out.mkdir(parents=True, exist_ok=True)\n"
            "scores.to_csv(out / 'scores.csv', index=False)\n"
            "(out / 'facts.json').write_text(json.dumps({'n': len(study.wide)}))")
    book.cells = [params, nbf.v4.new_code_cell(body)]
    book.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    path.parent.mkdir(parents=True, exist_ok=True)
    nbf.write(book, path)


@pytest.fixture()
def run_file(tmp_path):
    _notebook(tmp_path / "notebooks" / "report.ipynb")
    folder = tmp_path / "surveys" / "s"
    folder.mkdir(parents=True)
    cj.example_data(60).to_csv(folder / "answers.csv", index=False)
    (folder / "spec.yaml").write_text(yaml.safe_dump({**cj.example_spec(), "data": "answers.csv"}), encoding="utf-8")
    run = folder / "report.yaml"
    run.write_text(yaml.safe_dump({"run": "local", "notebooks": ["../../notebooks/report.ipynb"],
                                   "output_root": "../../reports", "parameters": {"spec": "spec.yaml"},
                                   "grid": {"segment": ["Familie", "Paar"]}}), encoding="utf-8")
    return run


def test_a_report_grid_on_the_cluster_equals_the_local_run(cluster, run_file, tmp_path):
    local = batch.run_batch(run_file, workers=2, progress=False)
    spread = batch.run_batch(run_file, run="dask", progress=False, cluster=cluster)
    assert local["status"].tolist() == spread["status"].tolist() == ["ok", "ok"]
    assert local["key"].tolist() == spread["key"].tolist()
    for name in ("report__familie", "report__paar"):
        a, b = tmp_path / "reports" / "local" / name, tmp_path / "reports" / "dask" / name
        assert json.loads((a / "facts.json").read_text()) == json.loads((b / "facts.json").read_text())
        assert (a / "scores.csv").read_bytes() == (b / "scores.csv").read_bytes()
    data = pd.read_csv(run_file.parent / "answers.csv")
    assert sum(json.loads((tmp_path / "reports" / "dask" / f"report__{s}" / "facts.json").read_text())["n"]
               for s in ("familie", "paar")) == len(data)


def test_an_unencrypted_scheduler_is_refused_before_anything_runs(run_file, tmp_path, capsys):
    assert main(["report", str(run_file), "--quiet", "--dask", "tcp://10.1.2.3:8786"]) == 2
    err = capsys.readouterr().err
    assert "'tcp://10.1.2.3:8786' is not encrypted" in err and "tls://" in err and "Traceback" not in err
    assert not (tmp_path / "reports").exists()
    with pytest.raises(ParameterError, match="not encrypted"):
        cj.code_texts_dask(["WLAN weg"], cluster="10.1.2.3:8786")
    assert check_address("tcp://127.0.0.1:8786", insecure=True) == "tcp://127.0.0.1:8786"


def test_coding_into_a_folder_equals_one_local_call_and_stays_private(fixtures, tmp_path):
    gold = pd.read_csv(fixtures / "coding_gold.csv")
    texts = gold.rename(columns={"id": "respondent_id"})[["respondent_id", "text"]].head(120).copy()
    texts.loc[[7, 64], "text"] = ["  ", None]                        # two answers without text
    local = cj.code_texts(texts, ["shared", "industry_hospitality"])
    out = tmp_path / "coded"
    (out).mkdir()
    (out / "part-00009.parquet").write_bytes(b"left over from an earlier, larger run")
    summary = cj.code_texts_dask(texts, ["shared", "industry_hospitality"], npartitions=4, out=out)
    parts = sorted(out.glob("part-*.parquet"))
    assert [p.name for p in parts] == [f"part-{i:05d}.parquet" for i in range(4)]
    written = pd.concat([pd.read_parquet(p) for p in parts], ignore_index=True)
    pd.testing.assert_frame_equal(written, local, check_dtype=False, check_categorical=False)
    led = pd.read_parquet(out / "ledger.parquet")
    blank = texts["text"].isna() | (texts["text"].fillna("").str.strip() == "")   # two set here, the rest
    want_rows = [i + 1 for i in range(len(texts)) if blank.iloc[i]]                 # of the gold set's own
    assert 7 + 1 in want_rows and 64 + 1 in want_rows
    assert led["row"].tolist() == want_rows
    assert led["respondent_id"].tolist() == texts.loc[blank, "respondent_id"].astype(str).tolist()
    row = summary.iloc[0]
    assert (row["n_rows"], row["n_empty"], row["n_spans"], row["n_partitions"]) == (120, len(want_rows), len(local), 4)
    assert row["n_coded"] == local.loc[local["code"].notna(), "row"].nunique()
    assert oct(out.stat().st_mode & 0o777) == "0o700"
    assert {oct(p.stat().st_mode & 0o777) for p in out.iterdir()} == {"0o600"}
