"""What the journey map shows, before it is drawn: phases, touchpoints in journey order, lanes.

:func:`prepare` validates the metric table and orders it (phases by the journey model,
touchpoints by the given journey order or the touchpoint catalog's), and :class:`Prepared`
derives the emotion curve, the phase means, the pain points with their quotes and the
opportunities. :class:`Lanes` stacks the lanes of the map from top to bottom. Drawing is
:mod:`cjkit.plot.journeymap`'s job.

Examples
--------
>>> import pandas as pd
>>> t = pd.DataFrame({"phase": ["retention", "retention"], "touchpoint": ["wifi", "check_in"],
...                   "value": [2.8, 3.9]})
>>> prepare(t, model="accra").by_phase["retention"]
['check_in', 'wifi']
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cjkit.catalog import models, touchpoints
from cjkit.errors import DataError
from cjkit.plot import layout, theme

log = logging.getLogger("cjkit.plot.journeymap")


@dataclass
class Lane:
    key: str
    label: str | None
    top: float
    height: float


@dataclass
class Lanes:
    """Lanes stacked from y = 0 downwards (the map's y axis grows downwards)."""

    lanes: list = field(default_factory=list)

    def add(self, key: str, label, height: float) -> Lane:
        lane = Lane(key, label, self.bottom, height)
        self.lanes.append(lane)
        return lane

    @property
    def bottom(self) -> float:
        return self.lanes[-1].top + self.lanes[-1].height if self.lanes else 0.0

    def body(self) -> list:
        return [lane for lane in self.lanes if lane.label is not None]

    def __contains__(self, key) -> bool:
        return any(lane.key == key for lane in self.lanes)

    def __getitem__(self, key) -> Lane:
        return next(lane for lane in self.lanes if lane.key == key)


def _phases(data: pd.DataFrame, phase: str, model) -> list:
    """Column order: the model's phases; else the Categorical's categories; else appearance."""
    values = data[phase].dropna().astype(str)
    if model is not None:
        order = list(models.phase_categories(model).categories)
        unknown = sorted(set(values) - set(order))
        if unknown:
            raise DataError(f"journey_map: phases {unknown} are not in model "
                            f"'{models.get(model).id}' (phases: {order})", column=phase)
        return order
    if isinstance(data[phase].dtype, pd.CategoricalDtype):
        return [str(c) for c in data[phase].cat.categories]
    return list(pd.unique(values))


@dataclass
class Prepared:
    phases: list
    cells: pd.DataFrame       # indexed by (touchpoint, phase): _v, _n, _flag
    by_phase: dict            # phase -> touchpoints in journey order
    norm: object
    emo_norm: object
    curve: pd.Series          # (touchpoint, phase) -> value, journey order, shown cells only
    phase_mean: dict          # phase -> mean (phase-level row, else n-weighted mean of the touchpoints)

    def pain_items(self, pains, labels: dict, top: int, per_phase: int, keywords: dict):
        """phase -> [(rank marker, touchpoint, quote)] and (touchpoint, phase) -> rank of the top pain points."""
        if pains is None or len(pains) == 0:
            return {}, {}
        for col in ("phase", "rank"):
            if col not in pains.columns:
                raise DataError(f"journey_map: pain_points needs columns phase and rank; it has "
                                f"{list(pains.columns)}", column=col)
        p = pains.dropna(subset=["rank"]).sort_values("rank")
        p = p[p["rank"] <= top] if top else p
        items, ranks = {}, {}
        for r in p.itertuples(index=False):
            ph, tp = getattr(r, "phase"), getattr(r, "touchpoint", None)
            ph, tp = (None if pd.isna(ph) else str(ph)), (None if tp is None or pd.isna(tp) else str(tp))
            if ph not in self.phases:
                log.info("journey_map: pain point rank %s (phase %r, touchpoint %r) has no place on the map",
                         r.rank, ph, tp)
                continue
            rank = int(r.rank)
            if tp is not None and (tp, ph) in self.cells.index:
                ranks[(tp, ph)] = rank
            shown = items.setdefault(ph, [])
            if len(shown) < per_phase:
                quote = layout.short_quote(getattr(r, "examples", None), keywords.get(tp, ()))
                shown.append((f"⚠{rank}", labels.get(tp, tp) if tp else "", f"„{quote}“" if quote else ""))
        return items, ranks

    def opportunity_items(self, opps, pains, labels: dict, per_phase: int) -> dict:
        """phase -> [("▲", touchpoint, "")] of the highest-impact improvements."""
        if opps is None and pains is not None and "driver_impact" in pains.columns:
            opps = pains.rename(columns={"driver_impact": "impact"})
        if opps is None or len(opps) == 0:
            return {}
        if "impact" not in opps.columns:
            if not {"importance", "performance"} <= set(opps.columns):
                raise DataError("journey_map: opportunities need an impact column, or importance and "
                                f"performance; they have {list(opps.columns)}", column="impact")
            perf = opps["performance"].astype(float)
            gap = (perf.max() - perf) / ((perf.max() - perf.min()) or 1.0)
            opps = opps.assign(impact=opps["importance"].astype(float) * gap)
        o = opps.dropna(subset=["impact"])
        o = o[o["impact"] > 0].sort_values("impact", ascending=False)
        out = {}
        for r in o.itertuples(index=False):
            ph, tp = str(r.phase), getattr(r, "touchpoint", None)
            if ph in self.phases and tp is not None and not pd.isna(tp) and len(out.setdefault(ph, [])) < per_phase:
                out[ph].append(("▲", labels.get(str(tp), str(tp)), ""))
        return {k: v for k, v in out.items() if v}


def _order(cells: pd.DataFrame, touchpoint_order) -> list:
    seen = list(pd.unique(cells["_tp"]))
    if touchpoint_order is None:  # the catalog lists touchpoints roughly in journey order
        touchpoint_order = list(touchpoints.load()["id"])
    rank = {tp: k for k, tp in enumerate(touchpoint_order)}
    return sorted(seen, key=lambda tp: (rank.get(tp, len(rank)), seen.index(tp)))


def prepare(data, *, model=None, phase="phase", touchpoint="touchpoint", value="value", n="n", flag="flag",
            scale=None, touchpoint_order=None) -> Prepared:
    """Validate the metric table and order it for the map (see the module docstring)."""
    for col in (phase, touchpoint, value):
        if col not in data.columns:
            raise DataError(f"journey_map: column is missing; the frame has {list(data.columns)}", column=col)
    phases = _phases(data, phase, model)
    frame = data.assign(_phase=data[phase].astype("string"), _tp=data[touchpoint].astype("string"),
                        _v=pd.to_numeric(data[value], errors="coerce"),
                        _n=pd.to_numeric(data[n], errors="coerce") if n in data.columns else np.nan,
                        _flag=data[flag].astype("string").fillna("") if flag in data.columns else "")
    unplaced = frame["_phase"].isna()
    if unplaced.any():  # not silently: say which rows the map cannot show
        log.info("journey_map: %d rows without a phase are not shown (touchpoints: %s)", int(unplaced.sum()),
                 sorted(frame.loc[unplaced, "_tp"].dropna().unique()))
    cells = frame[frame["_tp"].notna() & ~unplaced]
    dup = cells.duplicated(["_phase", "_tp"], keep=False)
    if dup.any():
        first = cells.loc[dup, ["_phase", "_tp"]].iloc[0].tolist()
        raise DataError(f"journey_map: more than one row for phase '{first[0]}', touchpoint '{first[1]}'; "
                        "filter the metric table to one metric (and one wave/segment) first",
                        row=int(np.flatnonzero(dup.to_numpy())[0]) + 1)
    order = _order(cells, touchpoint_order)
    if touchpoint_order is not None:
        left_out = sorted(set(cells["_tp"]) - set(touchpoint_order))
        if left_out:
            log.info("journey_map: touchpoints not in touchpoint_order come last: %s", left_out)
    pairs = set(zip(cells["_tp"], cells["_phase"]))
    by_phase = {p: [tp for tp in order if (tp, p) in pairs] for p in phases}
    shown = cells[(cells["_flag"] != "suppressed") & cells["_v"].notna()]
    values = dict(zip(zip(shown["_tp"], shown["_phase"]), shown["_v"]))
    curve = pd.Series({(tp, p): values[(tp, p)] for p in phases for tp in by_phase[p] if (tp, p) in values},
                      dtype=float)
    w = shown["_n"].fillna(1.0) if shown["_n"].notna().any() else pd.Series(1.0, index=shown.index)
    mean = ((shown["_v"] * w).groupby(shown["_phase"]).sum() / w.groupby(shown["_phase"]).sum()).to_dict()
    level = frame[frame["_tp"].isna() & ~unplaced & frame["_v"].notna() & (frame["_flag"] != "suppressed")]
    mean.update(dict(zip(level["_phase"], level["_v"])))
    norm = theme.satisfaction_norm(shown["_v"], scale)
    # the curve spans its own values (centred on their mean), so its shape shows even when the
    # answer scale is much wider than the range the touchpoints use
    emo_norm = theme.satisfaction_norm(pd.concat([curve, pd.Series(mean, dtype=float)]), None)
    return Prepared(phases=phases, cells=cells.set_index(["_tp", "_phase"]), by_phase=by_phase, norm=norm,
                    emo_norm=emo_norm, curve=curve, phase_mean=mean)
