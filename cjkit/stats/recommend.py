"""What to improve first: touchpoints ranked by the expected gain in an outcome, per persona.

The driver model is a linear regression of the outcome (overall satisfaction, the 0-10
recommendation score, a 0/1 conversion) on the touchpoint scores, fitted per persona. The
expected gain of a touchpoint is ``effect x gap``: the predicted change in the persona's mean
outcome if the persona's mean score of the touchpoint rose to the target, the gap being
``max(target - current mean, 0)``. Targets:

* ``"top_quartile"`` — the 75th percentile of the touchpoint's scores over all respondents;
* ``"best_segment"`` — the best persona's mean score of the touchpoint;
* a number, or a mapping driver -> number, entered by the researcher.

The interval is a seeded percentile bootstrap over respondents within the persona (effect and
current mean re-estimated, target held fixed). Missing scores (touchpoint not used) are set to the
persona's mean for the fit, so a respondent is not dropped for one unused touchpoint; respondents
without the outcome are not in the fit (``n`` is the base). Assumptions: the effect is causal and
linear over the gap, and other touchpoints stay where they are.

Examples
--------
>>> import cjkit as cj
>>> rec = cj.recommendations(cj.example_data(300), outcome="overall", drivers=["tp_room", "tp_wifi"],
...                          n_boot=50)
>>> rec.columns[:6].tolist()
['segment', 'driver', 'rank', 'current', 'target', 'gap']
"""
from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from cjkit.errors import ParameterError

log = logging.getLogger("cjkit")

ALL = "all"
TARGETS = ("top_quartile", "best_segment")
COLUMNS = ["segment", "driver", "rank", "current", "target", "gap", "effect", "expected_gain", "ci_low",
           "ci_high", "share_below_target", "n", "effort", "gain_per_effort"]


LONG = {"respondent_id", "question", "value"}


def _as_wide(data: pd.DataFrame, segment: str | None, weight: str | None) -> pd.DataFrame:
    """The long frame (``study.long``: missing codes already missing) as one row per respondent."""
    if not LONG <= set(data.columns):
        return data
    wide = data.pivot_table(index="respondent_id", columns="question", values="value", aggfunc="first")
    extra = [c for c in dict.fromkeys([segment, weight]) if c and c in data.columns]
    if extra:
        wide = wide.join(data.groupby("respondent_id")[extra].first())
    return wide.reset_index()


def _check(data: pd.DataFrame, outcome: str, drivers, segment, weight) -> list[str]:
    drivers = [drivers] if isinstance(drivers, str) else list(drivers)
    wanted = [outcome, *drivers, *[c for c in (segment, weight) if c]]
    missing = [c for c in wanted if c not in data.columns]
    if missing:
        raise ParameterError("drivers" if set(missing) & set(drivers) else "outcome", missing,
                             allowed=list(data.columns))
    if not drivers:
        raise ParameterError("drivers", drivers, allowed="one or more score columns")
    return drivers


def _groups(data: pd.DataFrame, segment: str | None):
    if segment is None:
        yield ALL, data
        return
    for value, grp in data.groupby(segment, sort=True, observed=True):
        yield str(value), grp


def _fit(y: np.ndarray, X: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted least squares slopes (intercept dropped)."""
    A = np.column_stack([np.ones(len(y)), X]) * np.sqrt(w)[:, None]
    coef, *_ = np.linalg.lstsq(A, y * np.sqrt(w), rcond=None)
    return coef[1:]


def _prepare(grp: pd.DataFrame, outcome: str, drivers: list[str], weight: str | None):
    grp = grp[grp[outcome].notna()]
    vals = grp[drivers].astype(float).to_numpy()
    w = grp[weight].astype(float).to_numpy() if weight else np.ones(len(grp))
    return grp[outcome].astype(float).to_numpy(), vals, w


def _means(vals: np.ndarray, w: np.ndarray) -> np.ndarray:
    ok = ~np.isnan(vals)
    return np.where(ok, vals, 0).T @ w / np.maximum(ok.T @ w, 1e-12)


def _filled(vals: np.ndarray, means: np.ndarray) -> np.ndarray:
    """Missing scores (touchpoint not used) set to the mean, so the respondent stays in the fit."""
    return np.where(np.isnan(vals), np.nan_to_num(means)[None, :], vals)


def _targets(data, drivers, segment, target, weight) -> dict[str, float]:
    if isinstance(target, (int, float)) and not isinstance(target, bool):
        return dict.fromkeys(drivers, float(target))
    if isinstance(target, dict):
        unknown = sorted(set(drivers) - set(target))
        if unknown:
            raise ParameterError("target", target, allowed=f"a number for every driver (missing: {unknown})")
        return {d: float(target[d]) for d in drivers}
    if target == "top_quartile":
        return {d: float(data[d].astype(float).quantile(0.75)) for d in drivers}
    if target == "best_segment":
        if segment is None:
            raise ParameterError("target", target, allowed="'top_quartile', a number or a mapping when no "
                                 "segment is given")
        best = {}
        for _, grp in _groups(data, segment):
            w = grp[weight].astype(float).to_numpy() if weight else np.ones(len(grp))
            for d, m in zip(drivers, _means(grp[drivers].astype(float).to_numpy(), w)):
                best[d] = max(best.get(d, -np.inf), float(m))
        return best
    raise ParameterError("target", target, allowed=[*TARGETS, "a number", "a mapping driver -> number"])


def _segment_table(seg, grp, outcome, drivers, weight, tvec, n_boot, rng, alpha) -> list[pd.DataFrame]:
    """Effects, gains and bootstrap interval of one persona (empty when too few respondents)."""
    y, vals, w = _prepare(grp, outcome, drivers, weight)
    if len(y) <= len(drivers) + 1:
        log.warning("recommendations: segment %r has %d respondents for %d drivers; left out", seg, len(y),
                    len(drivers))
        return []
    current = _means(vals, w)
    effect = _fit(y, _filled(vals, current), w)
    boot = np.empty((n_boot, len(drivers)))
    for b in range(n_boot):
        idx = rng.integers(0, len(y), len(y))
        bvals, bw = vals[idx], w[idx]
        bmeans = _means(bvals, bw)
        boot[b] = _fit(y[idx], _filled(bvals, bmeans), bw) * np.maximum(tvec - bmeans, 0)
    used = ~np.isnan(vals)
    below = np.array([np.mean(vals[used[:, j], j] < tvec[j]) if used[:, j].any() else np.nan
                      for j in range(len(drivers))])
    gap = np.maximum(tvec - current, 0)
    return [pd.DataFrame({"segment": seg, "driver": drivers, "current": current, "target": tvec, "gap": gap,
                          "effect": effect, "expected_gain": effect * gap,
                          "ci_low": np.quantile(boot, alpha, axis=0), "ci_high": np.quantile(boot, 1 - alpha, axis=0),
                          "share_below_target": below, "n": len(y)})]


def _one_thread():
    """BLAS on one thread: thousands of small least-squares fits are many times slower when a
    multi-threaded BLAS waits for busy cores."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1)


def recommendations(data: pd.DataFrame, *, outcome: str, drivers, segment: str | None = None,
                    target="top_quartile", weight: str | None = None, effort: dict | None = None,
                    evidence: pd.DataFrame | None = None, n_boot: int = 500, seed: int = 0,
                    confidence: float = 0.95) -> pd.DataFrame:
    """Touchpoints ranked per persona by the expected gain in the outcome, with bootstrap intervals.

    Parameters
    ----------
    data : DataFrame
        One row per respondent with the outcome, the touchpoint scores and the persona column, or the
        long frame (``study.long``; question ids are the columns, ``weight="weight"``). Scores must be
        clean: the long frame has missing codes ("not used") set to missing, a raw export does not.
    outcome : str
        Outcome column: overall satisfaction, the 0-10 recommendation score, or a 0/1 conversion
        (the gain is then a change in the conversion rate).
    drivers : list of str
        Touchpoint score columns.
    segment : str, optional
        Persona column; one ranking per persona (default: the whole sample, segment ``all``).
    target : {"top_quartile", "best_segment"}, number or dict
        Level each touchpoint's mean score is raised to (see the module notes).
    weight : str, optional
        Weight column (weighted fit and means).
    effort : dict, optional
        Driver -> effort or cost the researcher enters (any unit); gives ``gain_per_effort``.
    evidence : DataFrame, optional
        Columns ``driver`` (and optionally ``segment``) plus any evidence (coded complaints,
        path drop-offs), joined to the table.
    n_boot : int
        Bootstrap resamples (seeded by *seed*).
    seed : int
    confidence : float
        Level of the percentile interval.

    Returns
    -------
    DataFrame
        Columns :data:`COLUMNS` (plus the evidence columns): one row per persona and driver, ``rank``
        1 = largest expected gain within the persona.

    Raises
    ------
    ParameterError
        Unknown column, target or confidence.

    Examples
    --------
    >>> import cjkit as cj
    >>> rec = cj.recommendations(cj.example_data(400), outcome="overall", segment="persona",
    ...                          drivers=["tp_room", "tp_wifi", "tp_check_in"], n_boot=100,
    ...                          effort={"tp_room": 3, "tp_wifi": 1, "tp_check_in": 2})
    >>> sorted(rec["segment"].unique()), int(rec["rank"].max())
    (['Familie', 'Paar'], 3)
    """
    data = _as_wide(data, segment, weight)
    drivers = _check(data, outcome, drivers, segment, weight)
    if not 0 < confidence < 1:
        raise ParameterError("confidence", confidence, allowed="a number between 0 and 1")
    targets = _targets(data, drivers, segment, target, weight)
    tvec = np.array([targets[d] for d in drivers])
    rng = np.random.default_rng(seed)
    alpha = (1 - confidence) / 2
    frames = []
    with _one_thread():
        for seg, grp in _groups(data, segment):
            frames += _segment_table(seg, grp, outcome, drivers, weight, tvec, n_boot, rng, alpha)
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=COLUMNS)
    out["rank"] = out.groupby("segment")["expected_gain"].rank(ascending=False, method="first").astype(int)
    out["effort"] = out["driver"].map(effort or {}).astype(float)
    out["gain_per_effort"] = out["expected_gain"] / out["effort"]
    out = out[COLUMNS].sort_values(["segment", "rank"]).reset_index(drop=True)
    if evidence is not None:
        keys = ["segment", "driver"] if "segment" in evidence.columns else ["driver"]
        out = out.merge(evidence, on=keys, how="left", validate="many_to_one")
    return out


def what_if(data: pd.DataFrame, *, outcome: str, drivers, changes: dict, segment: str | None = None,
            weight: str | None = None) -> pd.DataFrame:
    """Predicted change in the mean outcome if touchpoint mean scores moved to new levels.

    Parameters
    ----------
    data : DataFrame
        One row per respondent, or the long frame (as for :func:`recommendations`).
    outcome : str
        Outcome column.
    drivers : list of str
        Touchpoint score columns of the driver model.
    changes : dict
        Driver -> new mean score (a level on the rating scale).
    segment : str, optional
        Persona column (default: the whole sample).
    weight : str, optional
        Weight column.

    Returns
    -------
    DataFrame
        ``segment, driver, current, new, effect, predicted_change`` per persona and changed driver,
        plus a row ``driver="total"`` with the outcome's mean ``current`` and predicted ``new``.

    Raises
    ------
    ParameterError
        A changed driver that is not in *drivers*, or an unknown column.

    Examples
    --------
    >>> import cjkit as cj
    >>> wi = cj.what_if(cj.example_data(300), outcome="overall", drivers=["tp_room", "tp_wifi"],
    ...                 changes={"tp_wifi": 4.5})
    >>> wi["driver"].tolist()
    ['tp_wifi', 'total']
    """
    data = _as_wide(data, segment, weight)
    drivers = _check(data, outcome, drivers, segment, weight)
    unknown = sorted(set(changes) - set(drivers))
    if unknown or not changes:
        raise ParameterError("changes", changes, allowed=f"new mean scores of the drivers {drivers}")
    rows = []
    for seg, grp in _groups(data, segment):
        y, vals, w = _prepare(grp, outcome, drivers, weight)
        current = _means(vals, w)
        effect = _fit(y, _filled(vals, current), w)
        total = 0.0
        for j, d in enumerate(drivers):
            if d in changes:
                delta = effect[j] * (float(changes[d]) - current[j])
                total += delta
                rows.append({"segment": seg, "driver": d, "current": current[j], "new": float(changes[d]),
                             "effect": effect[j], "predicted_change": delta})
        before = float(np.average(y, weights=w))
        rows.append({"segment": seg, "driver": "total", "current": before, "new": before + total,
                     "effect": np.nan, "predicted_change": total})
    return pd.DataFrame(rows)
