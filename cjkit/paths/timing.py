"""What leads up to a conversion: paths traced backward, touches and time to conversion.

All three take steps, a path table or event files (CSV/Parquet, out of core): backward paths and
touches need only the path table, time to conversion is counted in DuckDB for files. Only
converting journeys count (weighted by their conversions).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from cjkit.errors import DataError, ParameterError
from cjkit.io.eventbase import SEP
from cjkit.io.journey_rules import duration_seconds
from cjkit.paths.scanbase import _steps_sql
from cjkit.paths import buckets as _buckets
from cjkit.paths.pathbase import is_files, path_table

BACK = " < "
# default bins of time to conversion, in seconds: within an hour, a day, a week, 30 days, later
BINS = (0, 3600, 86400, 7 * 86400, 30 * 86400, np.inf)
LABELS = ("< 1 h", "1 h - 1 d", "1 - 7 d", "7 - 30 d", ">= 30 d")


def backward_paths(data, *, max_steps: int = 3, top: int | None = 20, columns: dict | None = None,
                   rules: dict | None = None, con=None) -> pd.DataFrame:
    """The last touches before each conversion, read backward from it (``shop < email < search``).

    Parameters
    ----------
    data : DataFrame, str, Path or list
        Steps form, a path table (column ``path``) or event files.
    max_steps : int
        Touches traced back from the conversion.
    top : int, optional
        Number of backward paths kept; ``None`` keeps all.
    columns, rules, con
        For event files: source column names, journey rules and DuckDB connection
        (:mod:`cjkit.paths.journeys`).

    Returns
    -------
    DataFrame
        path_back, n_steps_back, conversions, share (of all conversions), rank.

    Examples
    --------
    >>> import pandas as pd
    >>> from cjkit.paths.timing import backward_paths
    >>> t = pd.DataFrame({"path": ["a > b > shop", "b > shop", "a"], "conversions": [2.0, 1.0, 0.0]})
    >>> backward_paths(t, max_steps=2)[["path_back", "conversions"]].values.tolist()
    [['shop < b', 3.0]]
    """
    if int(max_steps) < 1:
        raise ParameterError("max_steps", max_steps, message="max_steps must be 1 or more")
    t = path_table(data, columns=columns, rules=rules, con=con)
    t = t[t["conversions"] > 0]
    toks = t["path"].astype(str).str.split(SEP, regex=False)
    back = toks.map(lambda p: BACK.join(reversed(p[-int(max_steps):])))
    out = (pd.DataFrame({"path_back": back.to_numpy(), "n_steps_back": toks.map(lambda p: min(len(p), int(max_steps))),
                         "conversions": t["conversions"].astype("float64").to_numpy()})
           .groupby(["path_back", "n_steps_back"], as_index=False)["conversions"].sum())
    out["share"] = out["conversions"] / out["conversions"].sum()
    out = out.sort_values(["conversions", "path_back"], ascending=[False, True], kind="stable").reset_index(drop=True)
    out["rank"] = np.arange(1, len(out) + 1)
    if top is not None:
        out = out[out["rank"] <= top]
    return out.astype({"path_back": "string", "n_steps_back": "int64"})


def touches_to_conversion(data, *, columns: dict | None = None, rules: dict | None = None, con=None) -> pd.DataFrame:
    """Distribution of touches per converting journey.

    Parameters
    ----------
    data : DataFrame, str, Path or list
        Steps form, a path table (column ``path``) or event files.
    columns, rules, con
        For event files: source column names, journey rules and DuckDB connection.

    Returns
    -------
    DataFrame
        n_touches, conversions, share, cum_share.

    Examples
    --------
    >>> import pandas as pd
    >>> from cjkit.paths.timing import touches_to_conversion
    >>> t = pd.DataFrame({"path": ["a > b", "b", "a > c"], "conversions": [1.0, 3.0, 0.0]})
    >>> out = touches_to_conversion(t)
    >>> out["n_touches"].tolist(), out["cum_share"].tolist()
    ([1, 2], [0.75, 1.0])
    """
    t = path_table(data, columns=columns, rules=rules, con=con)
    t = t[t["conversions"] > 0]
    n = t["path"].astype(str).str.count(SEP.strip()) + 1
    out = t.groupby(n.rename("n_touches"))["conversions"].sum().astype("float64").reset_index()
    out["share"] = out["conversions"] / out["conversions"].sum()
    out["cum_share"] = out["share"].cumsum()
    return out.astype({"n_touches": "int64"})


def time_to_conversion(data, *, bins=None, labels=None, columns: dict | None = None, rules: dict | None = None,
                       con=None) -> pd.DataFrame:
    """Distribution of the time from a converting journey's first touch to its conversion.

    Times are differences of UTC instants. The default bins are < 1 h, 1 h - 1 d, 1 - 7 d,
    7 - 30 d and >= 30 d; each bin includes its lower edge.

    Parameters
    ----------
    data : DataFrame, str, Path or list
        Steps form with ``timestamp`` (from an event log) or event files.
    bins : list of str or Timedelta, optional
        Upper edges of the bins after 0 (``["1h", "1D", "7D"]``); a last open bin is added.
    labels : list of str, optional
        One label per bin.
    columns, rules, con
        For event files: source column names, journey rules and DuckDB connection.

    Returns
    -------
    DataFrame
        bin, lower_s, upper_s (seconds), conversions, share, cum_share.

    Examples
    --------
    >>> import pandas as pd
    >>> from cjkit.paths.timing import time_to_conversion
    >>> s = pd.DataFrame({"journey_id": ["j", "j", "k"], "step": [1, 2, 1], "conversions": [1.0, 1, 1],
    ...                   "timestamp": pd.to_datetime(["2024-01-01 00:00", "2024-01-03 00:00", "2024-01-01 00:00"], utc=True)})
    >>> time_to_conversion(s)[["bin", "conversions"]].values.tolist()
    [['< 1 h', 1.0], ['1 h - 1 d', 0.0], ['1 - 7 d', 1.0], ['7 - 30 d', 0.0], ['>= 30 d', 0.0]]
    """
    if bins is None:
        edges, labels = list(BINS), list(labels or LABELS)
    else:
        edges = [0.0] + [duration_seconds(b, "bins") for b in bins] + [np.inf]
        labels = list(labels or [f"bin {i + 1}" for i in range(len(edges) - 1)])
    if len(labels) != len(edges) - 1 or any(b <= a for a, b in zip(edges, edges[1:])):
        raise ParameterError("bins", bins, message="bins must rise, with one label per bin")
    if is_files(data):
        paths, steps, tables = _steps_sql(data, columns, [], rules)
        case = " ".join(f"WHEN secs < {e} THEN {i}" for i, e in enumerate(edges[1:-1]))
        frames, _ = _buckets.run_all(con, lambda bucket: f"""WITH {steps(bucket)},
        c AS (SELECT conversions, epoch(j_end) - epoch(j_start) AS secs FROM journeys WHERE conversions > 0)
        SELECT CASE {case} ELSE {len(edges) - 2} END AS b, SUM(conversions) AS conversions FROM c GROUP BY ALL""",
                                     paths, tables)
        per_bin = pd.concat(frames).groupby("b")["conversions"].sum()  # bucket sums add up
    else:
        if "timestamp" not in data or "journey_id" not in data:
            raise DataError("time to conversion needs steps with 'journey_id' and 'timestamp' (event logs)")
        g = data.groupby("journey_id", sort=False)
        j = pd.DataFrame({"conv": g["conversions"].first().astype("float64"),
                          "secs": (g["timestamp"].max() - g["timestamp"].min()).dt.total_seconds()})
        j = j[j["conv"] > 0]
        b = np.searchsorted(np.asarray(edges[1:-1]), j["secs"].to_numpy(), side="right")
        per_bin = j["conv"].groupby(b).sum()
    conv = np.array([float(per_bin.get(i, 0.0)) for i in range(len(labels))])
    total = conv.sum()
    share = conv / total if total > 0 else np.full(len(conv), np.nan)
    return pd.DataFrame({"bin": pd.array(labels, dtype="string"), "lower_s": edges[:-1], "upper_s": edges[1:],
                         "conversions": conv, "share": share, "cum_share": np.cumsum(share)})
