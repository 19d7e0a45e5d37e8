"""How far journeys get along the stages of the journey model (the phase funnel), for frames or files.

The rules shared by every path function (steps, weights, ``node``, ``by``, event files) are those of
:mod:`cjkit.paths.pathbase`; files are counted per customer bucket in DuckDB
(:func:`cjkit.paths.scans.scan_funnel_counts`).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from cjkit.errors import ParameterError
from cjkit.paths import scans as _big
from cjkit.paths.pathbase import CONV, START, _journeys, _prep, is_files


def funnel(data: pd.DataFrame, *, stage: str = "phase", order=None, by=None, max_steps: int = 10,
           drop_empty: bool = True, mapping: pd.DataFrame | None = None, columns: dict | None = None,
           rules: dict | None = None, con=None) -> pd.DataFrame:
    """Funnel over ordered stages (phases) or over step positions, with conversion and drop-off.

    A journey *reaches* a stage when it gets at least that far (its furthest stage is at or after
    it); ``n_touched`` counts journeys with a touch in the stage itself. With ``stage="step"`` the
    stages are step positions 1..max_steps. A first row ``(start)`` holds all journeys and a last
    row ``(conversion)`` the converted ones; as conversion can follow any stage, that row's
    step_conversion and drop_off refer to ``(start)`` (the overall conversion rate). With
    *drop_empty*, stages no journey touched (e.g. after-sales phases in marketing paths) are left out.

    Parameters
    ----------
    data : DataFrame
        Steps form (journey_id, step, channel, ...) or a path table (column ``path``).
    stage : str
        Ordered node column (``phase``) or ``"step"`` for step positions.
    order : list of str, optional
        The stages in journey order, if *stage* is not an ordered categorical.
    by : list of str, optional
        Segment columns; the result is computed per segment.
    max_steps : int
        With ``stage="step"``: journeys longer than this count at the last position.
    drop_empty : bool
        Leave out stages no journey touched.
    mapping : DataFrame, optional
        Channel -> stage (columns ``channel`` and *stage*, e.g. :func:`cjkit.paths.map_channels`);
        needed for event files, optional for steps without a *stage* column.
    columns, rules, con
        For event files: source column names, journey rules and DuckDB connection (module description).

    Returns
    -------
    DataFrame
        (by...), stage, stage_order, n_journeys, n_touched, share_of_start, step_conversion,
        drop_off, drop_off_rate, conversions, conversion_rate.

    Examples
    --------
    >>> import pandas as pd
    >>> from cjkit.paths.journeys import funnel
    >>> t = pd.DataFrame({"path": ["a > b", "a"], "conversions": [1.0, 0.0], "nulls": [0.0, 1.0]})
    >>> funnel(t, stage="step")[["stage", "n_journeys", "drop_off"]].values.tolist()
    [['(start)', 2.0, 0.0], ['1', 2.0, 0.0], ['2', 1.0, 1.0], ['(conversion)', 1.0, 1.0]]
    """
    by = list(by or [])
    if is_files(data):
        counts, totals = _big.scan_funnel_counts(data, stage=stage, mapping=mapping, order=order,
                                                 max_steps=max_steps, columns=columns, by=by, rules=rules, con=con)
        k = int(counts["stage_order"].max()) if len(counts) else 0
        names = [str(i) for i in range(1, k + 1)] if stage == "step" else [str(o) for o in order]
        return _funnel_table(counts, totals, names, by, drop_empty)
    if stage == "step":
        s = _prep(data, "channel", by)
        s["_order"] = s["step"].clip(upper=max_steps)
        names = [str(i) for i in range(1, int(s["_order"].max() or 0) + 1)]
    else:
        if mapping is not None and stage not in data:
            data = data.assign(**{stage: data["channel"].map(mapping.set_index("channel")[stage])})
        s = _prep(data, stage, by)
        if order is not None:
            pos = {v: i + 1 for i, v in enumerate(order)}
            s["_order"] = s["_node"].map(pos).fillna(0).astype("int64")
            names = list(order)
        elif isinstance(data.get(stage, pd.Series(dtype=object)).dtype, pd.CategoricalDtype):
            names = list(data[stage].cat.categories)
        else:
            raise ParameterError("order", order, message=f"stage '{stage}' is not an ordered categorical; "
                                 "pass order=[...] with the stages in journey order")
    touched = s[s["_order"] > 0].drop_duplicates(["journey_id", "_order"])[["journey_id", "_order"]]
    j = _journeys(s, by).join(s.groupby("journey_id", sort=False)["_order"].max().rename("_max"))
    tw = touched.merge(j[["_w", *by]], left_on="journey_id", right_index=True)
    n_touched = tw.groupby(by + ["_order"], observed=True)["_w"].sum().rename("n_touched")
    reach = [j[j["_max"] >= k].groupby(by, observed=True)[["_w", "_conv"]].sum().assign(stage_order=k)
             if by else j.loc[j["_max"] >= k, ["_w", "_conv"]].sum().to_frame().T.assign(stage_order=k)
             for k in range(1, len(names) + 1)]
    counts = (pd.concat(reach).reset_index(drop=not by) if reach else
              pd.DataFrame(columns=by + ["_w", "_conv", "stage_order"]))
    counts = counts.rename(columns={"_w": "n_journeys", "_conv": "conversions", "_order": "stage_order"})
    counts = counts.merge(n_touched.reset_index().rename(columns={"_order": "stage_order"}),
                          on=by + ["stage_order"], how="outer")
    totals = (j.groupby(by, observed=True)[["_w", "_conv"]].sum().reset_index() if by
              else j[["_w", "_conv"]].sum().to_frame().T)
    totals = totals.rename(columns={"_w": "n_journeys", "_conv": "conversions"})
    return _funnel_table(counts, totals, names, by, drop_empty)


def _funnel_table(counts: pd.DataFrame, totals: pd.DataFrame, names: list, by: list, drop_empty: bool) -> pd.DataFrame:
    """Funnel rows from per-stage counts (both routes): (start), stages, (conversion) and the rates."""
    look = {}
    for rec in counts.to_dict("records"):
        key = tuple(rec[b] for b in by) + (int(rec["stage_order"]),)
        look[key] = tuple(0.0 if pd.isna(rec.get(c)) else float(rec[c]) for c in ("n_journeys", "n_touched", "conversions"))
    rows = []
    for rec in totals.sort_values(by, kind="stable").to_dict("records") if by else totals.to_dict("records"):
        key = tuple(rec[b] for b in by)
        total, conv_total = float(rec["n_journeys"]), float(rec["conversions"])
        rows.append((*key, START, 0, total, total, total, conv_total))
        for k, name in enumerate(names, start=1):
            n, touched, conv = look.get(key + (k,), (0.0, 0.0, 0.0))
            rows.append((*key, name, k, n, touched, np.nan, conv))
        rows.append((*key, CONV, len(names) + 1, conv_total, conv_total, np.nan, conv_total))
    out = pd.DataFrame(rows, columns=by + ["stage", "stage_order", "n_journeys", "n_touched", "_x", "conversions"])
    out = out.astype({"stage_order": "int64", "n_journeys": "float64", "n_touched": "float64",
                      "conversions": "float64", **{b: "string" for b in by}})
    if drop_empty:
        touched_any = out.groupby("stage", sort=False)["n_touched"].transform("sum") > 0
        out = out[touched_any | out["stage"].isin([START, CONV])].reset_index(drop=True)
    g = out.groupby(by, sort=False)["n_journeys"] if by else None
    prev = g.shift() if by else out["n_journeys"].shift()
    first = g.transform("first") if by else out["n_journeys"].iloc[0]
    out["share_of_start"] = (out["n_journeys"] / first).where(pd.Series(first, index=out.index) > 0)
    last = out["stage"] == CONV
    prev = prev.where(~last, first if not by else g.transform("first"))
    out["step_conversion"] = (out["n_journeys"] / prev).where(prev > 0)
    out["drop_off"] = (prev - out["n_journeys"]).fillna(0.0)
    out["drop_off_rate"] = 1 - out["step_conversion"]
    out["conversion_rate"] = np.divide(out["conversions"], out["n_journeys"], out=np.full(len(out), np.nan),
                                       where=out["n_journeys"] > 0)
    out["stage"] = out["stage"].astype("string")
    return out.drop(columns="_x")
