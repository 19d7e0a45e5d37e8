"""The key figures of a report and its bases: computed once, stored for tests, audits and the deck.

:func:`key_figures` gives the headline figures with their intervals; :func:`write_key_figures`
stores them as ``key_figures.json`` (read by the run's index page and the deck, which label and
format them as :mod:`cjkit.report.figuretext` says); :func:`format_figures` prints them stably
for nbval; :func:`ledger_table` counts the data-quality ledger.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
from IPython.display import display

from cjkit.quality import ledger as ledger_mod
from cjkit.report.sections.base import memoized, positive_answer
from cjkit.report.study import Study, outcome_question
from cjkit.stats import metrics
from cjkit.stats.drivers import outcome_values


@memoized
def key_figures(study: Study) -> pd.DataFrame:
    """Headline figures: base sizes, overall satisfaction (mean, top-2-box), NPS, CES with CIs.

    Parameters
    ----------
    study : Study
        The opened study; the outcome questions are found by their spec role (``overall``,
        ``nps``) and the first CES question by its type.

    Returns
    -------
    DataFrame
        figure, value, ci_low, ci_high, n (one row per figure; rounded for display only by the caller).

    Examples
    --------
    >>> import cjkit as cj
    >>> study = cj.example_study()
    >>> cj.report.key_figures(study).round(2)
                     figure   value  ci_low  ci_high    n
    0     respondents_input  120.00     NaN      NaN  120
    1      respondents_kept  120.00     NaN      NaN  120
    2  respondents_in_scope  120.00     NaN      NaN  120
    3          overall_mean    3.50    3.33     3.67  120
    4          overall_top2    0.51    0.42     0.60  120
    5                   nps    1.04  -14.45    16.52  120
    """
    rows = [{"figure": "respondents_input", "value": float(study.n_input), "n": study.n_input},
            {"figure": "respondents_kept", "value": float(study.n_kept), "n": study.n_kept},
            {"figure": "respondents_in_scope", "value": float(len(study.wide)), "n": len(study.wide)}]
    present = set(study.long["question"])
    overall, nps = outcome_question(study.spec), outcome_question(study.spec, "nps")
    wanted = []
    if overall is not None and overall.id in present:
        if overall.positive is not None or not overall.is_scale:
            rows.append(_positive_share(study, overall.id))  # a labelled outcome: share positive
        else:
            wanted += [(overall.id, "mean"), (overall.id, "top2")]
    if nps is not None:
        wanted.append((nps.id, "nps"))
    wanted += [(q.id, "mean") for q in study.spec.questions if q.type == "ces"][:1]
    for qid, metric in wanted:
        if qid not in present or study.long.loc[study.long["question"] == qid, "value"].isna().all():
            continue
        m = metrics.metrics(study.long, by=["question"], questions=[qid], metrics=[metric], scales=study.scales)
        r = m.iloc[0]
        name = {"mean": f"{qid}_mean", "top2": f"{qid}_top2", "nps": "nps"}[metric]
        rows.append({"figure": name, "value": r["value"], "ci_low": r["ci_low"], "ci_high": r["ci_high"],
                     "n": int(r["n"])})
    return pd.DataFrame(rows, columns=["figure", "value", "ci_low", "ci_high", "n"])


def _positive_share(study: Study, qid: str) -> dict:
    """Weighted share of positive answers of a labelled outcome, with a normal-approximation
    95 % interval on the Kish effective base (the weights widen the interval, not the share)."""
    y = outcome_values(study.long, outcome=qid, positive=positive_answer(study))
    rows = study.long[study.long["question"] == qid].drop_duplicates("respondent_id")
    w = pd.Series(rows["weight"].to_numpy(float), index=rows["respondent_id"].astype(str)).reindex(y.index)
    ok = y.notna()
    y, w = y[ok].to_numpy(float), w[ok].to_numpy(float)
    n = len(y)
    if n == 0:
        return {"figure": f"{qid}_positive_share", "value": np.nan, "n": 0}
    share = float(np.average(y, weights=w))
    n_eff = w.sum() ** 2 / (w ** 2).sum()
    half = 1.959963984540054 * np.sqrt(share * (1 - share) / n_eff)
    return {"figure": f"{qid}_positive_share", "value": share, "ci_low": max(0.0, share - half),
            "ci_high": min(1.0, share + half), "n": n}


def ledger_table(study: Study) -> pd.DataFrame:
    """Data-quality ledger per check: what was excluded or flagged, and why.

    Parameters
    ----------
    study : Study
        The opened study.

    Returns
    -------
    DataFrame
        check, action, n_rows, n_entries, example_reason (no rows when every check passed).

    Examples
    --------
    >>> import cjkit as cj
    >>> study = cj.example_study()
    >>> t = cj.report.ledger_table(study)
    >>> list(t.columns), len(t)  # the synthetic survey passes every check
    (['check', 'action', 'n_rows', 'n_entries', 'example_reason'], 0)
    """
    return ledger_mod.by_check(study.ledger)


def _jsonable(v):
    if isinstance(v, (np.floating, float)):
        return None if np.isnan(v) else round(float(v), 6)
    if isinstance(v, (np.integer,)):
        return int(v)
    return v


def write_key_figures(figures: pd.DataFrame, output_dir, *, name: str = "key_figures.json") -> Path:
    """Write the key figures as JSON (``{figure: {value, ci_low, ci_high, n}}``) for tests and audits.

    Parameters
    ----------
    figures : DataFrame
        The table of :func:`key_figures`.
    output_dir : str or Path
        Folder; created if missing.
    name : str
        File name.

    Returns
    -------
    Path
        The written file.

    Examples
    --------
    >>> import cjkit as cj
    >>> study = cj.example_study()
    >>> import json, tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = cj.report.write_key_figures(cj.report.key_figures(study), tmp)
    ...     stored = json.loads(path.read_text(encoding="utf-8"))
    >>> stored["overall_mean"]["n"], round(stored["overall_mean"]["value"], 2)
    (120, 3.5)
    """
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    data = {r["figure"]: {k: _jsonable(r[k]) for k in figures.columns if k != "figure"}
            for r in figures.to_dict("records")}
    path = out / name
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    return path


def format_figures(figures: pd.DataFrame, *, decimals: int = 2) -> str:
    """Key figures as a fixed-width text table with rounded values (stable for nbval).

    Parameters
    ----------
    figures : DataFrame
        The table of :func:`key_figures`.
    decimals : int
        Decimals of value and interval; empty where a figure has no interval.

    Returns
    -------
    str

    Examples
    --------
    >>> import cjkit as cj
    >>> study = cj.example_study()
    >>> print(cj.report.format_figures(cj.report.key_figures(study).iloc[2:4]))
                  figure  value ci_low ci_high   n
    respondents_in_scope 120.00                120
            overall_mean   3.50   3.33    3.67 120
    """
    shown = figures.copy()
    for col in ("value", "ci_low", "ci_high"):
        shown[col] = shown[col].map(lambda v: "" if pd.isna(v) else f"{v:.{decimals}f}")
    return shown.to_string(index=False)
