"""Loops (a journey coming back to a node) and flows between positions (for Sankey charts).

The rules shared by every path function (steps, weights, ``node``, ``by``, event files) are those of
:mod:`cjkit.paths.pathbase`.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from cjkit.paths.pathbase import CONV, NULL, _from_files, _journeys, _prep


def loops(data: pd.DataFrame, *, node: str = "phase", by=None, columns: dict | None = None, rules: dict | None = None, con=None) -> pd.DataFrame:
    """Repeats, loops and returns to earlier phases, as a metric table.

    *repeat*: the same node twice in a row; *loop*: a node revisited after another one
    (``a > b > a``); *return*: a step into an earlier phase than the previous touch (needs an
    ordered node such as ``phase``; unmapped touches are skipped for it).

    Parameters
    ----------
    data : DataFrame
        Steps form (journey_id, step, channel, ...) or a path table (column ``path``).
    node : str
        Level of the path: ``channel``, ``touchpoint`` or ``phase`` (after :func:`cjkit.paths.assign_channels`).
    by : list of str, optional
        Segment columns; the result is computed per segment.

    Returns
    -------
    DataFrame
        (by...), metric, value, n — metrics share_repeat, share_loop, share_return, mean_returns,
        conversion_rate_return, conversion_rate_no_return; n is the weighted base.

    Examples
    --------
    >>> import pandas as pd
    >>> from cjkit.paths.journeys import loops
    >>> t = pd.DataFrame({"path": ["a > b > a", "a > a"], "conversions": [1.0, 0.0], "nulls": [0.0, 1.0]})
    >>> loops(t, node="channel").set_index("metric")["value"][["share_repeat", "share_loop"]].tolist()
    [0.5, 0.5]
    """
    by = list(by or [])
    data = _from_files(data, node, by, columns, rules, con)
    s = _prep(data, node, by)
    g = s.groupby("journey_id", sort=False)
    s["_repeat"] = (g["_node"].shift() == s["_node"]).to_numpy(dtype=bool, na_value=False)
    collapsed = s[~s["_repeat"]]
    s["_loop"] = False
    s.loc[collapsed.index, "_loop"] = collapsed.duplicated(["journey_id", "_node"]).to_numpy()
    mapped = s[s["_order"] > 0]
    back = (mapped["_order"] < mapped.groupby("journey_id", sort=False)["_order"].shift()).to_numpy(dtype=bool, na_value=False)
    s["_return"] = False
    s.loc[mapped.index, "_return"] = back
    g = s.groupby("journey_id", sort=False)  # regroup: the flag columns were added after grouping
    j = _journeys(s, by).join(g[["_repeat", "_loop"]].any()).join(s.groupby("journey_id", sort=False)["_return"].sum())
    rows = []
    for key, jj in (j.groupby(by, sort=True, observed=True) if by else [((), j)]):
        key = key if isinstance(key, tuple) else (key,)
        w, ret = jj["_w"], jj["_return"] > 0
        base = w.sum()
        def rate(mask):
            n = w[mask].sum()
            return (jj.loc[mask, "_conv"].sum() / n if n > 0 else np.nan), n
        for metric, value, n in [("share_repeat", (w * jj["_repeat"]).sum() / base, base),
                                 ("share_loop", (w * jj["_loop"]).sum() / base, base),
                                 ("share_return", (w * ret).sum() / base, base),
                                 ("mean_returns", (w * jj["_return"]).sum() / base, base),
                                 ("conversion_rate_return", *rate(ret)),
                                 ("conversion_rate_no_return", *rate(~ret))]:
            rows.append((*key, metric, value if base > 0 else np.nan, n))
    return pd.DataFrame(rows, columns=by + ["metric", "value", "n"]).astype({"metric": "string"})


def flows(data: pd.DataFrame, *, node: str = "phase", max_steps: int = 5, collapse_repeats: bool = True,
          by=None, columns: dict | None = None, rules: dict | None = None, con=None) -> pd.DataFrame:
    """Flows between consecutive step positions for a Sankey diagram.

    Journeys are cut after *max_steps* (later touches are summarised as ``(more)``); the last
    column of flows goes to the outcome ``(conversion)`` / ``(null)``.

    Parameters
    ----------
    data : DataFrame
        Steps form (journey_id, step, channel, ...) or a path table (column ``path``).
    node : str
        Level of the path: ``channel``, ``touchpoint`` or ``phase`` (after :func:`cjkit.paths.assign_channels`).
    max_steps : int
        Step positions shown; later touches become ``(more)``.
    collapse_repeats : bool
        Merge consecutive touches of the same node into one.
    by : list of str, optional
        Segment columns; the result is computed per segment.

    Returns
    -------
    DataFrame
        (by...), step (position of *source*), source, target, n.

    Examples
    --------
    >>> import pandas as pd
    >>> from cjkit.paths.journeys import flows
    >>> t = pd.DataFrame({"path": ["a > b"], "conversions": [2.0], "nulls": [1.0]})
    >>> flows(t, node="channel")[["step", "source", "target", "n"]].values.tolist()
    [[1, 'a', 'b', 3.0], [2, 'b', '(conversion)', 2.0], [2, 'b', '(null)', 1.0]]
    """
    by = list(by or [])
    data = _from_files(data, node, by, columns, rules, con)
    s = _prep(data, node, by, collapse_repeats)
    s["_pos"] = s.groupby("journey_id", sort=False).cumcount() + 1
    n_pos = s.groupby("journey_id", sort=False)["_pos"].transform("size")
    s = s[s["_pos"] <= max_steps + 1].copy()
    s.loc[s["_pos"] == max_steps + 1, "_node"] = "(more)"
    nxt = s.groupby("journey_id", sort=False)["_node"].shift(-1)
    inner = s.assign(source=s["_node"], target=nxt, n=s["_w"]).dropna(subset=["target"])
    last = s[(s["_pos"] == n_pos.loc[s.index]) & (s["_pos"] <= max_steps)]
    parts = [inner, last.assign(source=last["_node"], target=CONV, n=last["_conv"]),
             last.assign(source=last["_node"], target=NULL, n=last["_null"])]
    t = pd.concat(parts, ignore_index=True).drop(columns="step").rename(columns={"_pos": "step"})
    out = t.groupby(by + ["step", "source", "target"], as_index=False, sort=True)["n"].sum()
    out = out[out["n"] > 0].astype({"source": "string", "target": "string"})
    return out.reset_index(drop=True)
