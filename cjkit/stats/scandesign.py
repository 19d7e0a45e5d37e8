"""Design-based (Taylor) standard errors of the metrics of a long Parquet file, computed by DuckDB.

The in-memory route (:mod:`cjkit.stats.design`) linearises each cell's weighted mean into one score
per respondent, ``z_i = w_i (y_i - ybar) / W``, sums the scores per primary sampling unit (PSU) and
takes their variance within strata. Only sums are needed, so DuckDB computes them from a file of any
size: per cell the weighted mean (first aggregate), per cell, stratum and PSU the score total
``sum w (y - ybar)`` (second), and per cell and stratum the sum and the sum of squares of those
totals (third). Python then applies

    var(ybar) = sum_h (1 - f_h) n_h / (n_h - 1) * (S2_h - S1_h^2 / n_h) / W^2

with ``n_h`` the PSUs of stratum ``h`` in the whole file (PSUs without an answer in the cell score
0, as domains do in R's ``survey::svyby``) and ``f_h = n_h / N_h`` when a population count of PSUs is
given. Centring at the cell mean inside the database keeps the sums free of cancellation, so the
result equals the in-memory one to rounding.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from cjkit.errors import DataError, ParameterError
from cjkit.stats.duckscan import ident

# the per-answer score whose weighted mean is the metric (cjkit.stats.design.unit_scores)
SCORES = {
    "mean": "x",
    "index": "(x - lo) / nullif(hi - lo, 0) * 100",
    "top2": "CAST(x >= hi - 1 AS DOUBLE)",
    "bottom2": "CAST(x <= lo + 1 AS DOUBLE)",
    "promoters": "CAST(x >= 9 AS DOUBLE)",
    "passives": "CAST(x >= 7 AND x <= 8 AS DOUBLE)",
    "detractors": "CAST(x <= 6 AS DOUBLE)",
    "nps": "100.0 * (CAST(x >= 9 AS DOUBLE) - CAST(x <= 6 AS DOUBLE))",
}


def design_table(con, cols, *, strata=None, cluster=None, fpc=None) -> pd.DataFrame:
    """Create the temporary table ``des`` (respondent_id, s, psu) and return the strata.

    Checks, over every row of the file, that the design columns are present and constant within a
    respondent (errors name the respondent and the column). Returns one row per stratum with
    ``n_h`` (PSUs) and ``big_n`` (population count of PSUs, inf without *fpc*).
    """
    for name, col in (("strata", strata), ("cluster", cluster), ("fpc", fpc if isinstance(fpc, str) else None)):
        if col is not None and col not in cols:
            raise ParameterError(name, col, allowed=[c for c in cols if c != "file_row_number"])
    parts = {"s": f"CAST({ident(strata)} AS VARCHAR)" if strata else "'(all)'",
             "c": f"CAST({ident(cluster)} AS VARCHAR)" if cluster else "NULL",
             "f": (f"TRY_CAST({ident(fpc)} AS DOUBLE)" if isinstance(fpc, str)
                   else "'inf'::DOUBLE" if fpc is None else repr(float(fpc)) + "::DOUBLE")}
    used = {"s": strata, "c": cluster, "f": fpc if isinstance(fpc, str) else None}
    checks = ", ".join(f"count(DISTINCT {k}) AS {k}_n, bool_or({k} IS NULL) AS {k}_null" for k in parts)
    con.execute(f"""CREATE TEMP TABLE des_raw AS SELECT respondent_id, any_value(s) AS s, any_value(c) AS c,
        any_value(f) AS f, {checks} FROM (SELECT respondent_id, {parts['s']} AS s, {parts['c']} AS c,
        {parts['f']} AS f FROM long) GROUP BY respondent_id""")
    for k, col in used.items():
        if col is None:
            continue
        bad = con.execute(f"SELECT respondent_id, {k}_n, {k}_null FROM des_raw "
                          f"WHERE {k}_n > 1 OR {k}_null LIMIT 1").fetchone()
        if bad and (bad[1] > 1 or (bad[1] == 1 and bad[2])):  # two values, or a value and a gap
            raise DataError(f"respondent {bad[0]!r} has more than one stratum/cluster/fpc value; design columns "
                            "must be constant per respondent", column=col)
        if bad:
            raise DataError(f"respondent {bad[0]!r} has no value in design column '{col}'", column=col)
    # a cluster id is only unique within its stratum; without clusters each respondent is a PSU
    psu = "s || chr(31) || c" if cluster else "CAST(respondent_id AS VARCHAR)"
    con.execute(f"CREATE TEMP TABLE des AS SELECT respondent_id, s, {psu} AS psu, f FROM des_raw")
    strat = con.execute("SELECT s, count(DISTINCT psu) AS n_h, max(f) AS big_n FROM des GROUP BY s").df()
    single = strat.loc[strat["n_h"] < 2, "s"]
    if len(single):
        raise DataError(f"stratum {single.iloc[0]!r} has a single primary sampling unit; its variance cannot "
                        "be estimated (merge it with a similar stratum)", column="strata")
    if (strat["big_n"] < strat["n_h"]).any():
        raise DataError("fpc (population number of PSUs) is smaller than the number sampled", column="fpc")
    return strat


def taylor_table(con, units: str, keys: list, strat: pd.DataFrame) -> pd.DataFrame:
    """Taylor standard error, degrees of freedom and design effect per cell and metric.

    *units* is the SQL of :func:`cjkit.stats.duckscan.cell_units`; the table ``des`` must exist
    (:func:`design_table`). Two passes over the file for every metric at once: the cell means,
    then the centred score totals per PSU summed per stratum. Returns key columns, metric, se,
    dof, design_effect.
    """
    k = [ident(c) for c in keys]
    grp = "".join(f"{c}, " for c in k)
    by = f"GROUP BY {', '.join(k)}" if k else ""
    on = " AND ".join(f"uv.{c} IS NOT DISTINCT FROM cm.{c}" for c in k) or "TRUE"
    scores = ", ".join(f"{y} AS y_{m}" for m, y in SCORES.items())
    valid = "x IS NOT NULL AND w > 0"
    con.execute(f"""CREATE TEMP TABLE cm AS SELECT {grp}""" + ", ".join(
        f"fsum(w * y_{m}) / fsum(CASE WHEN y_{m} IS NOT NULL THEN w END) AS m_{m}, "
        f"fsum(CASE WHEN y_{m} IS NOT NULL THEN w END) AS w_{m}, count(y_{m}) AS n_{m}" for m in SCORES)
        + f" FROM (SELECT u.*, {scores} FROM ({units}) u) WHERE {valid} {by}")
    per_psu = ", ".join(f"fsum(uv.w * (uv.y_{m} - cm.m_{m})) AS z_{m}, "
                        f"fsum(uv.w * (uv.y_{m} - cm.m_{m}) * (uv.y_{m} - cm.m_{m})) AS d_{m}" for m in SCORES)
    per_stratum = ", ".join(f"fsum(z_{m}) AS s1_{m}, fsum(z_{m} * z_{m}) AS s2_{m}, fsum(d_{m}) AS d2_{m}"
                            for m in SCORES)
    ukeys = "".join(f"uv.{c} AS {c}, " for c in k)
    h = con.execute(f"""WITH uv AS (SELECT u.*, d.s, d.psu, {scores} FROM ({units}) u JOIN des d USING (respondent_id)
            WHERE {valid}),
        p AS (SELECT {ukeys} uv.s AS s, uv.psu AS psu, {per_psu} FROM uv JOIN cm ON {on}
              GROUP BY {''.join(f'uv.{c}, ' for c in k)} uv.s, uv.psu)
        SELECT {grp} s, {per_stratum} FROM p GROUP BY {grp} s""").df()
    cells = con.execute("SELECT * FROM cm").df()
    con.execute("DROP TABLE cm")
    dof = int(strat["n_h"].sum() - len(strat))
    n_h = dict(zip(strat["s"], strat["n_h"].astype(float)))
    big_n = dict(zip(strat["s"], strat["big_n"].astype(float)))
    frames = [_variance(h[[*keys, "s"]].assign(s1=h[f"s1_{m}"], s2=h[f"s2_{m}"], d2=h[f"d2_{m}"]).fillna(
                  {"s1": 0.0, "s2": 0.0, "d2": 0.0}),
                        cells[keys].assign(big_w=cells[f"w_{m}"], n=cells[f"n_{m}"]), keys, m, n_h, big_n, dof)
              for m in SCORES]
    return pd.concat(frames, ignore_index=True)


def _variance(h, cells, keys, metric, n_h, big_n, dof) -> pd.DataFrame:
    nh = h["s"].map(n_h).to_numpy(float)
    bn = h["s"].map(big_n).to_numpy(float)
    f = np.where(np.isfinite(bn), nh / bn, 0.0)
    h = h.assign(v=(1 - f) * nh / (nh - 1) * (h["s2"] - h["s1"] ** 2 / nh))
    per = h.groupby(_key(h, keys), sort=False).agg(v=("v", "sum"), d2=("d2", "sum")) if keys else \
        pd.DataFrame({"v": [h["v"].sum()], "d2": [h["d2"].sum()]}, index=[()])
    out = cells.copy()
    idx = _key(out, keys) if keys else [()] * len(out)
    v = per["v"].reindex(idx).to_numpy(float)
    d2 = per["d2"].reindex(idx).to_numpy(float)
    big_w, n = out["big_w"].to_numpy(float), out["n"].to_numpy(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        var = np.clip(v, 0, None) / big_w ** 2
        srs = d2 / big_w / np.maximum(n - 1, 1)
        deff = np.where(srs > 0, var / srs, np.nan)
    return out[keys].assign(metric=metric, se=np.sqrt(var), dof=float(dof), design_effect=deff)


def _key(frame: pd.DataFrame, keys: list) -> pd.Index:
    """Cell keys as one hashable index, missing values as one marker (DuckDB and pandas agree)."""
    parts = [frame[c].astype(object).where(frame[c].notna(), "\x1f<NA>").astype(str) for c in keys]
    return pd.MultiIndex.from_arrays(parts) if len(parts) > 1 else pd.Index(parts[0])


def taylor_lookup(table: pd.DataFrame, keys: list):
    """The ``taylor(sub, keys, metric)`` hook of :func:`cjkit.stats.metrics.metrics_from_stats`."""
    def taylor(sub, cell_keys, metric):
        t = table[table["metric"] == metric]
        t = t.set_index(_key(t, keys)) if keys else t.set_index(pd.Index([()] * len(t)))
        idx = _key(sub, keys) if keys else [()] * len(sub)
        return {c: t[c].reindex(idx).to_numpy(float) for c in ("se", "dof", "design_effect")}
    return taylor
