"""The DuckDB route over a long Parquet file gives the numbers of the in-memory route.

Parity against cj.metrics / group_stats on the weighted demo survey (scales, NPS, segments, a
wave, missing answers), and against a numpy weighted correlation of the listwise driver matrix.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import cjkit as cj
from cjkit.stats.drivers import driver_matrix
from cjkit.stats.sufficient import group_stats

NUMBERS = ["n", "n_missing", "s_w", "s_w2", "s_wx", "s_wx2", "s_top", "s_bottom", "s_prom", "s_pass", "s_det",
           "scale_min", "scale_max", "n_weighted", "n_effective"]


@pytest.fixture(scope="module")
def demo(root, tmp_path_factory):
    long = cj.load(spec=root / "surveys" / "demo" / "spec.yaml").long
    path = tmp_path_factory.mktemp("outofcore") / "long.parquet"
    long.to_parquet(path, row_group_size=20_000)  # several row groups, as a large file has
    return long, path


def keyed(frame: pd.DataFrame, keys: list) -> pd.DataFrame:
    out = frame.copy()
    for k in keys:
        out[k] = out[k].astype(object).where(out[k].notna(), None).astype(str)
    return out.sort_values(keys).reset_index(drop=True)


@pytest.mark.parametrize("by", [["question"], ["phase", "touchpoint", "question"], ["welle", "question"],
                                ["phase"]])
def test_sufficient_statistics_equal_the_in_memory_ones(demo, by):
    long, path = demo
    want, got = group_stats(long, by), cj.scan_stats(path, by=by)
    keys = [c for c in want.columns if c in [*by, "question"]]
    assert list(got.columns) == list(want.columns)
    # categorical keys come back in the in-memory order (journey phases, questionnaire order)
    assert got[keys].astype(str).values.tolist() == want[keys].astype(str).values.tolist()
    want, got = keyed(want, keys), keyed(got, keys)
    assert got["kind"].tolist() == want["kind"].tolist()
    np.testing.assert_allclose(got[NUMBERS].to_numpy(float), want[NUMBERS].to_numpy(float), rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("by", [["phase", "touchpoint", "question"], ["phase"]])
def test_metrics_equal_cj_metrics(demo, by):
    long, path = demo
    want, got = cj.metrics(long, by=by), cj.scan_metrics(path, by=by)
    assert list(got.columns) == list(want.columns)
    keys = [c for c in want.columns if c in [*by, "question"]] + ["metric"]
    want, got = keyed(want, keys), keyed(got, keys)
    num = ["value", "n", "n_weighted", "n_effective", "ci_low", "ci_high", "n_missing", "se", "design_effect"]
    np.testing.assert_allclose(got[num].to_numpy(float), want[num].to_numpy(float), rtol=1e-10, atol=1e-10)
    assert got["flag"].astype(str).tolist() == want["flag"].astype(str).tolist()


def test_driver_correlations_equal_a_numpy_weighted_correlation(demo):
    long, path = demo
    outcome = "gesamtzufriedenheit"
    # the five drivers answered most often: listwise over all drivers leaves too few respondents
    answered = long[long["role"] == "driver"].groupby("question", observed=True)["value"].count()
    drivers = list(answered.sort_values(ascending=False, kind="stable").index[:5])
    got = cj.scan_correlations(path, outcome=outcome, drivers=drivers)
    m = driver_matrix(long, outcome=outcome, drivers=drivers)  # listwise complete respondents
    m = m[m["weight"] > 0]
    names = list(got.columns)
    assert names == [outcome, *drivers] and len(m) > 100
    x, w = m[names].to_numpy(float), m["weight"].to_numpy(float)
    # weighted Pearson correlation written out: centre on the weighted means, weighted cross-products
    centred = x - (w @ x) / w.sum()
    cov = (centred * w[:, None]).T @ centred / w.sum()
    want = cov / np.sqrt(np.outer(np.diag(cov), np.diag(cov)))
    np.testing.assert_allclose(got.to_numpy(), want, rtol=0, atol=1e-10)
    assert got.attrs["n"] == len(m)


def test_unknown_questions_and_missing_files_are_named(demo, tmp_path):
    _, path = demo
    with pytest.raises(cj.ParameterError, match="nope"):
        cj.scan_metrics(path, questions=["nope"])
    with pytest.raises(cj.DataError, match="missing.parquet"):
        cj.scan_stats(tmp_path / "missing.parquet")


@pytest.fixture(scope="module")
def designed(demo, tmp_path_factory):
    """The demo survey with a stratified cluster design: three regions, five sites per region."""
    long, _ = demo
    codes = pd.factorize(long["respondent_id"].astype(str))[0]
    long = long.assign(region=np.select([codes % 3 == 0, codes % 3 == 1], ["nord", "sued"], "west"),
                       site=(codes // 7) % 5, n_sites=40)
    path = tmp_path_factory.mktemp("design") / "long.parquet"
    long.to_parquet(path, row_group_size=20_000)
    return long, path


@pytest.mark.parametrize("by, design", [
    (["phase", "touchpoint", "question"], {"strata": "region", "cluster": "site"}),
    (["welle", "question"], {"strata": "region", "cluster": "site", "fpc": "n_sites"}),
    (["phase"], {"cluster": "site"}),  # an index per respondent and phase
    (["question"], {}),  # each respondent its own PSU
])
def test_taylor_metrics_equal_cj_metrics(designed, by, design):
    long, path = designed
    want = cj.metrics(long, by=by, se_method="taylor", **design)
    got = cj.scan_metrics(path, by=by, se_method="taylor", **design)
    assert list(got.columns) == list(want.columns)
    keys = [c for c in want.columns if c in [*by, "question"]] + ["metric"]
    want, got = keyed(want, keys), keyed(got, keys)
    num = ["value", "n", "ci_low", "ci_high", "se", "design_effect"]
    np.testing.assert_allclose(got[num].to_numpy(float), want[num].to_numpy(float), rtol=1e-10, atol=1e-10)
    if design.get("cluster"):  # the design matters: clustered errors are not the Kish ones
        kish = keyed(cj.scan_metrics(path, by=by), keys)
        assert np.nanmax(np.abs(kish["se"].to_numpy(float) - got["se"].to_numpy(float))) > 1e-3


def test_bad_designs_are_named(designed, tmp_path):
    long, path = designed
    with pytest.raises(cj.ParameterError, match="nope"):
        cj.scan_metrics(path, se_method="taylor", strata="nope")
    with pytest.raises(cj.ParameterError, match="taylor"):
        cj.scan_metrics(path, cluster="site")
    first = long["respondent_id"].iloc[0]
    moved = long.assign(region=long["region"].where(~((long["respondent_id"] == first) & (long["question"] == long["question"].iloc[0])), "ost"))
    moved.to_parquet(tmp_path / "moved.parquet")
    with pytest.raises(cj.DataError, match=f"{first}.*more than one"):
        cj.scan_metrics(tmp_path / "moved.parquet", se_method="taylor", strata="region")
    alone = long.assign(region=np.where(long["respondent_id"] == first, "insel", long["region"]))
    alone.to_parquet(tmp_path / "alone.parquet")
    with pytest.raises(cj.DataError, match="insel.*single primary sampling unit"):
        cj.scan_metrics(tmp_path / "alone.parquet", se_method="taylor", strata="region")


def test_text_outcome_correlations_equal_the_in_memory_driver_matrix(demo, tmp_path):
    long, _ = demo
    drivers = list(long.loc[long["role"] == "driver", "question"].astype(str).value_counts().index[:2])
    overall = long[long["question"] == "gesamtzufriedenheit"]
    # a labelled yes/no outcome: satisfied when the overall rating is 4 or more
    outcome = overall.assign(question="zufrieden", role="overall", type="single",
                             text=np.where(overall["value"] >= 4, "ja", "nein"), value=np.nan)
    frame = pd.concat([long[long["question"].isin(drivers)], outcome], ignore_index=True)
    frame.to_parquet(tmp_path / "text.parquet")
    got = cj.scan_correlations(tmp_path / "text.parquet", outcome="zufrieden", drivers=drivers, positive="ja")
    m = driver_matrix(frame, outcome="zufrieden", drivers=drivers, positive="ja")
    m = m[m["weight"] > 0]
    x, w = m[["zufrieden", *drivers]].to_numpy(float), m["weight"].to_numpy(float)
    centred = x - (w @ x) / w.sum()
    cov = (centred * w[:, None]).T @ centred / w.sum()
    np.testing.assert_allclose(got.to_numpy(), cov / np.sqrt(np.outer(np.diag(cov), np.diag(cov))), atol=1e-10)
    assert got.attrs["n"] == len(m) and set(np.unique(x[:, 0])) == {0.0, 1.0}
    with pytest.raises(cj.ParameterError, match="vielleicht"):
        cj.scan_correlations(tmp_path / "text.parquet", outcome="zufrieden", drivers=drivers, positive="vielleicht")
