"""Metrics and driver correlations of surveys too large for memory, computed by DuckDB on Parquet.

Every metric and significance test of cjkit is computed from weighted sufficient statistics per
table cell (:mod:`cjkit.stats.sufficient`), and a driver analysis from a correlation matrix. Both
are sums, which a database computes from a file in bounded memory. The functions here read a
**long** Parquet file (the columns of :func:`cjkit.io.spec.to_long`: respondent_id, question,
type, role, value, weight, ... — e.g. ``cj.load(...).long.to_parquet(path)`` written wave by wave,
or a batch run's snapshot) and give the same numbers as the in-memory functions:

* :func:`scan_stats` — :func:`cjkit.stats.sufficient.group_stats` (the inputs of metrics and tests);
* :func:`scan_metrics` — :func:`cjkit.stats.metrics.metrics` (Kish or Taylor standard errors);
* :func:`scan_correlations` — the weighted correlation matrix of a listwise driver analysis.

DuckDB spills to a private temporary folder (removed afterwards: it holds survey answers) when
the data exceed ``memory_limit``. Sums use compensated (Kahan) summation.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from cjkit.errors import DataError, ParameterError
from cjkit.stats.duckscan import (categories, cell_units, check_weights, columns, connect, ident, in_list, lit,
                                  selection)
from cjkit.stats.metrics import check_metric_options, metrics_from_stats
from cjkit.stats.scandesign import design_table, taylor_lookup, taylor_table
from cjkit.stats.sufficient import finish_stats


def scan_stats(path, *, by=("question",), questions=None, types=None, roles=None, scales=None,
               weight: str = "weight", memory_limit: str | None = None) -> pd.DataFrame:
    """Weighted sufficient statistics per cell from a long Parquet file, computed by DuckDB.

    The same table as :func:`cjkit.stats.sufficient.group_stats` on the file's rows (the inputs of
    :func:`cjkit.stats.metrics.metrics` and of the significance tests), without loading the file.

    Parameters
    ----------
    path : str or Path
        A long Parquet file (or a glob such as ``waves/*.parquet``).
    by : sequence of str
        Cell columns; without ``"question"`` the questions of a cell are averaged per respondent
        into a 0-100 index.
    questions, types, roles, scales, weight
        As for :func:`cjkit.stats.sufficient.group_stats`.
    memory_limit : str, optional
        DuckDB's memory limit (default ``"2GB"``); beyond it DuckDB spills to a temporary folder.

    Returns
    -------
    DataFrame
        by columns, n, n_missing, s_w, s_w2, s_wx, s_wx2, s_top, s_bottom, s_prom, s_pass, s_det,
        scale_min, scale_max, kind, n_weighted, n_effective.

    Examples
    --------
    >>> import tempfile, pandas as pd, cjkit as cj
    >>> long = pd.DataFrame({"respondent_id": ["a", "b", "c"], "question": "q", "type": "csat",
    ...                      "value": [4.0, 2.0, None], "weight": [1.0, 3.0, 1.0]})
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     long.to_parquet(f"{tmp}/long.parquet")
    ...     st = cj.scan_stats(f"{tmp}/long.parquet")
    >>> st[["question", "n", "n_missing", "s_w", "s_wx", "n_effective"]]
      question  n  n_missing  s_w  s_wx  n_effective
    0        q  2          1  4.0  10.0          1.6
    """
    by = [by] if isinstance(by, str) else list(by)
    with connect(path, memory_limit) as con:
        cols = columns(con)
        missing = [c for c in by if c not in cols]
        if missing:
            raise ParameterError("by", missing, allowed=[c for c in cols if c != "file_row_number"])
        where = selection(con, cols, questions, types, roles)
        units, keys, index = cell_units(con, cols, by, where, scales=scales, weight=weight)
        ksql = ", ".join(ident(c) for c in keys)
        v = "(x IS NOT NULL AND w > 0)"
        sums = f"""SELECT {ksql}, count(*) FILTER (WHERE {v}) AS n, count(*) FILTER (WHERE x IS NULL) AS n_missing,
            fsum(CASE WHEN {v} THEN w ELSE 0 END) AS s_w, fsum(CASE WHEN {v} THEN w * w ELSE 0 END) AS s_w2,
            fsum(CASE WHEN {v} THEN w * x ELSE 0 END) AS s_wx, fsum(CASE WHEN {v} THEN w * x * x ELSE 0 END) AS s_wx2,
            fsum(CASE WHEN {v} AND x >= hi - 1 THEN w ELSE 0 END) AS s_top,
            fsum(CASE WHEN {v} AND x <= lo + 1 THEN w ELSE 0 END) AS s_bottom,
            fsum(CASE WHEN {v} AND is_nps AND x >= 9 THEN w ELSE 0 END) AS s_prom,
            fsum(CASE WHEN {v} AND is_nps AND x >= 7 AND x <= 8 THEN w ELSE 0 END) AS s_pass,
            fsum(CASE WHEN {v} AND is_nps AND x <= 6 THEN w ELSE 0 END) AS s_det,
            first(lo) AS scale_min, first(hi) AS scale_max, bool_or(is_nps) AS is_nps
            FROM ({units}) GROUP BY {ksql}"""
        out = con.execute(sums).df()
    out["kind"] = "index" if index else np.where(out.pop("is_nps").to_numpy(dtype=bool), "nps", "scale")
    out = out.drop(columns="is_nps", errors="ignore")
    for c in ("n", "n_missing"):
        out[c] = out[c].astype(np.int64)
    return finish_stats(_ordered(out, keys, path))


def _ordered(out: pd.DataFrame, keys: list, path) -> pd.DataFrame:
    """Cells sorted as the in-memory groupby sorts them: categorical keys in category order."""
    cats = categories(path, keys)
    for c in keys:
        if c in cats:
            extra = [v for v in pd.unique(out[c].dropna()) if v not in set(cats[c].categories)]
            dtype = cats[c] if not extra else pd.CategoricalDtype([*cats[c].categories, *extra], cats[c].ordered)
            out[c] = out[c].astype(object).astype(dtype)
    return out.sort_values(keys, na_position="last", kind="stable").reset_index(drop=True) if keys else out


def scan_metrics(path, *, by=("question",), metrics=None, questions=None, types=None, roles=None,
                 scales=None, weight: str = "weight", level: float = 0.95, min_n=None, suppress_n=None,
                 se_method: str = "kish", strata: str | None = None, cluster: str | None = None, fpc=None,
                 memory_limit: str | None = None) -> pd.DataFrame:
    """Weighted satisfaction metrics of a long Parquet file too large for memory, via DuckDB.

    The same table as :func:`cjkit.stats.metrics.metrics`, computed from sufficient statistics that
    DuckDB sums over the file (:func:`scan_stats`); with ``se_method="taylor"`` the design-based
    standard errors come from PSU totals summed by DuckDB as well (:mod:`cjkit.stats.scandesign`).

    Parameters
    ----------
    path : str or Path
        A long Parquet file (or a glob).
    by, metrics, questions, types, roles, scales, weight, level, min_n, suppress_n
        As for :func:`cjkit.stats.metrics.metrics`.
    se_method, strata, cluster, fpc
        As for :func:`cjkit.stats.metrics.metrics`: ``"taylor"`` with the file's stratum and cluster
        (PSU) columns, which must be constant within a respondent.
    memory_limit : str, optional
        DuckDB's memory limit (default ``"2GB"``).

    Returns
    -------
    DataFrame
        by columns (+ question), metric, value, n, n_weighted, n_effective, ci_low, ci_high,
        flag, n_missing, se, design_effect.

    Examples
    --------
    >>> import tempfile, pandas as pd, cjkit as cj
    >>> long = pd.DataFrame({"respondent_id": list("abcd"), "question": "q1", "type": "csat",
    ...                      "value": [5.0, 4.0, 2.0, 5.0], "weight": 1.0})
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     long.to_parquet(f"{tmp}/long.parquet")
    ...     m = cj.scan_metrics(f"{tmp}/long.parquet", metrics=["mean", "top2"], scales={"q1": (1, 5)},
    ...                         min_n=0, suppress_n=0)
    >>> m[["question", "metric", "value", "n"]]
      question metric  value  n
    0       q1   mean   4.00  4
    1       q1   top2   0.75  4
    """
    wanted = check_metric_options(metrics, se_method, strata, cluster, fpc, min_n, suppress_n)
    st = scan_stats(path, by=by, questions=questions, types=types, roles=roles, scales=scales, weight=weight,
                    memory_limit=memory_limit)
    taylor = None
    if se_method == "taylor":
        by = [by] if isinstance(by, str) else list(by)
        with connect(path, memory_limit) as con:
            cols = columns(con)
            strat = design_table(con, cols, strata=strata, cluster=cluster, fpc=fpc)
            where = selection(con, cols, questions, types, roles)
            units, keys, _ = cell_units(con, cols, by, where, scales=scales, weight=weight)
            taylor = taylor_lookup(taylor_table(con, units, keys, strat), keys)
    return metrics_from_stats(st, by=by, metrics=wanted, level=level, min_n=min_n, suppress_n=suppress_n,
                              taylor=taylor)


def scan_correlations(path, *, outcome: str, drivers=None, roles=("driver",), positive=None,
                      weight: str = "weight", memory_limit: str | None = None) -> pd.DataFrame:
    """Weighted correlation matrix of an outcome and its drivers from a long Parquet file, via DuckDB.

    Respondents who answered the outcome and every driver and have a positive weight are used
    (listwise, as :func:`cjkit.stats.drivers.key_drivers` does by default); the matrix is the one
    relative weights and LMG are computed from
    (:func:`cjkit.stats.importance.relative_weights_from_corr`). Two passes over the file: weighted
    means, then centred cross-products.

    Parameters
    ----------
    path : str or Path
        A long Parquet file (or a glob).
    outcome : str
        Question id of the outcome.
    drivers : list of str, optional
        Driver question ids; default the questions with a role in *roles*, in file order.
    roles : sequence of str
        Roles that make a question a driver when *drivers* is not given.
    positive : str, optional
        For a text-coded outcome, the answer (``text``) counted as 1; other answers count 0.
    weight : str
        Weight column (1 where the file has none).
    memory_limit : str, optional
        DuckDB's memory limit (default ``"2GB"``).

    Returns
    -------
    DataFrame
        Square, index and columns ``[outcome, *drivers]``; ``attrs["n"]`` is the number of
        respondents used.

    Examples
    --------
    >>> import tempfile, pandas as pd, cjkit as cj
    >>> long = pd.DataFrame({"respondent_id": ["a", "b", "c"] * 2, "question": ["y"] * 3 + ["x"] * 3,
    ...                      "role": ["overall"] * 3 + ["driver"] * 3, "value": [1.0, 2.0, 3.0, 2.0, 4.0, 7.0]})
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     long.to_parquet(f"{tmp}/long.parquet")
    ...     r = cj.scan_correlations(f"{tmp}/long.parquet", outcome="y")
    >>> r.round(4), r.attrs["n"]
    (        y       x
    y  1.0000  0.9934
    x  0.9934  1.0000, 3)
    """
    with connect(path, memory_limit) as con:
        cols = columns(con)
        q = "CAST(question AS VARCHAR)"
        order = dict(con.execute(f"SELECT {q}, min(file_row_number) FROM long GROUP BY 1").fetchall())
        if outcome not in order:
            raise ParameterError("outcome", outcome, allowed="question ids in the long file")
        if drivers is None:
            if "role" in cols:
                rows = con.execute(f"SELECT DISTINCT {q} FROM long "
                                   f"WHERE CAST(role AS VARCHAR) IN {in_list(roles)}").fetchall()
                drivers = [r[0] for r in rows]
            else:
                drivers = list(order)
            drivers = sorted((d for d in drivers if d != outcome), key=order.get)
        drivers = list(dict.fromkeys(drivers))
        unknown = [d for d in drivers if d not in order]
        if outcome in drivers or unknown or not drivers:
            raise ParameterError("drivers", unknown or drivers or outcome,
                                 allowed="question ids other than the outcome")
        names = [outcome, *drivers]
        w = f"CAST({ident(weight)} AS DOUBLE)" if weight in cols else "1.0"
        x = "CASE WHEN isnan(CAST(value AS DOUBLE)) THEN NULL ELSE CAST(value AS DOUBLE) END"
        if positive is not None:
            if "text" not in cols:
                raise ParameterError("positive", positive, message="parameter 'positive' needs the file's 'text' "
                                     "column (the answer labels); the file has none")
            labels = [r[0] for r in con.execute(f"SELECT DISTINCT CAST(text AS VARCHAR) FROM long WHERE {q} = "
                                                f"{lit(outcome)} AND text IS NOT NULL ORDER BY 1").fetchall()]
            if str(positive) not in labels:
                raise ParameterError("positive", positive, allowed=labels or "a label of the outcome")
            y = f"CASE WHEN text IS NULL THEN NULL WHEN CAST(text AS VARCHAR) = {lit(positive)} THEN 1.0 ELSE 0.0 END"
            x = f"CASE WHEN {q} = {lit(outcome)} THEN {y} ELSE {x} END"
        dup = con.execute(f"SELECT respondent_id, {q} FROM long WHERE {q} IN {in_list(names)} "
                          "GROUP BY ALL HAVING count(*) > 1 LIMIT 1").fetchone()
        if dup:
            raise DataError(f"respondent {dup[0]!r} answers question {dup[1]!r} more than once")
        pivot = ", ".join(f"max(x) FILTER (WHERE q = {lit(c)}) AS c{i}" for i, c in enumerate(names))
        complete = " AND ".join(f"c{i} IS NOT NULL" for i in range(len(names)))
        con.execute(f"""CREATE TEMP TABLE used AS SELECT * FROM (
            SELECT respondent_id, max(w) AS w, {pivot} FROM (SELECT respondent_id, {q} AS q, {x} AS x, {w} AS w
            FROM long WHERE {q} IN {in_list(names)}) GROUP BY respondent_id) WHERE {complete} AND w > 0""")
        p = len(names)
        means = con.execute("SELECT count(*), fsum(w), " + ", ".join(f"fsum(w * c{i})" for i in range(p))
                            + " FROM used").fetchone()
        n, s_w = int(means[0]), means[1]
        if n < 2:
            raise DataError(f"only {n} respondent(s) answered '{outcome}' and every driver; no correlation")
        m = [v / s_w for v in means[2:]]
        cross = [(i, j) for i in range(p) for j in range(i, p)]
        sums = con.execute("SELECT " + ", ".join(f"fsum(w * (c{i} - {m[i]!r}) * (c{j} - {m[j]!r}))" for i, j in cross)
                           + " FROM used").fetchone()
    cov = np.zeros((p, p))
    for (i, j), s in zip(cross, sums):
        cov[i, j] = cov[j, i] = s / s_w
    sd = np.sqrt(np.clip(np.diag(cov), 0, None))
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = cov / np.outer(sd, sd)
    np.fill_diagonal(corr, 1.0)
    out = pd.DataFrame(np.clip(corr, -1, 1), index=names, columns=names)
    out.attrs["n"] = n
    return out
