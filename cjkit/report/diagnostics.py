"""Report tables that say what the statistics could not use, and why.

``cj.report.driver_diagnostics(study)`` is the table a driver-analysis section shows next to
the drivers: how many respondents the model used and why the others were left out, which
drivers were excluded (no answers, no variance, duplicated, almost collinear) and the VIF of the
drivers kept, or why the analysis was refused. ``cj.report.weight_diagnostics(study)`` gives
the bases a weighted figure rests on: weighted base, Kish effective base and design effect.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from cjkit.catalog import i18n
from cjkit.catalog.i18n import check_lang as _check_lang
from cjkit.report.sections.base import question_label
from cjkit.report.sections.priorities import driver_questions
from cjkit.report.study import Study
from cjkit.stats import drivers
from cjkit.stats.weighting import weight_summary


def _reason(row, lang: str, names: dict) -> str:
    """The reason in *lang*, questions named by their labels (*names*: id -> label): English is
    the statistics' own sentence (it names every question involved); German comes from the
    catalog's sentence for the check."""
    key = f"diag_reason_{row['check']}"
    if lang == "en" or key not in i18n.LABELS:
        return re.sub(r"'([^']+)'", lambda m: f"'{names.get(m.group(1), m.group(1))}'", str(row["reason"]))
    template = i18n.label(key, lang)
    value = row["value"] if np.isfinite(row["value"]) else 0.0
    threshold = row["threshold"] if np.isfinite(row["threshold"]) else 0.0
    share = 100 * value / threshold if threshold else 0.0
    return template.format(question=names.get(row["question"], row["question"]), value=value,
                           threshold=threshold, share=share)


def driver_diagnostics(study: Study, *, role: str = "overall", lang: str = "de", missing: str = "listwise",
                       **kwargs) -> pd.DataFrame:
    """Checks of the driver analysis of the outcome with *role*, with labels in *lang*.

    Parameters
    ----------
    study : Study
        The opened study.
    role : {"overall", "nps"}
        Spec role of the outcome question.
    lang : {"de", "en"}
        Language of the label columns.
    missing : {"listwise", "pairwise"}
        Missing-data handling of the driver analysis (see :func:`cjkit.key_drivers`).
    **kwargs
        Passed to :func:`cjkit.report.driver_questions` (``min_coverage``, ``max_drivers``).

    Returns
    -------
    DataFrame
        question, check, value, threshold, action, reason (see :func:`cjkit.driver_diagnostics`)
        plus item_label (the question's label), check_label, action_label and reason_label in
        *lang*.

    Examples
    --------
    >>> import cjkit as cj
    >>> study = cj.example_study()
    >>> d = cj.report.driver_diagnostics(study, lang="en")
    >>> used = d[d["check"] == "respondents_used"]
    >>> used["check_label"].item(), used["reason_label"].item()
    ('Respondents used', 'the regression uses 120 of 120 respondents (100 %)')
    >>> cj.report.driver_diagnostics(study, lang="de")["reason_label"].iloc[0][:40]
    '120 von 120 Befragten im Modell (100 %);'

    """
    _check_lang(lang)
    table = drivers.driver_diagnostics(study.long, outcome=study.outcome(role),
                                       drivers=driver_questions(study, **kwargs),
                                       positive=study.positive(role), missing=missing)
    out = table.copy()
    out["check_label"] = [i18n.label_or(f"diag_{c}", lang, c) for c in out["check"]]
    out["action_label"] = [i18n.label_or(f"diag_action_{a}", lang, a) for a in out["action"]]
    names = {q: question_label(study, q, lang=lang) for q in out["question"].dropna().unique()
             if q in {x.id for x in study.spec.questions}}
    out["item_label"] = out["question"].map(names).fillna(out["question"])
    out["reason_label"] = [_reason(r, lang, names) for _, r in out.iterrows()]
    return out


def weight_diagnostics(study: Study, *, by=(), lang: str = "de") -> pd.DataFrame:
    """Bases behind the weighted figures: weighted base, Kish effective base and design effect.

    Parameters
    ----------
    study : Study
        The opened study.
    by : str or sequence of str
        Group columns (a segment, the wave); default the whole sample.
    lang : {"de", "en"}
        Report language (checked; the columns are ids).

    Returns
    -------
    DataFrame
        by columns, n, n_weighted, n_effective, design_effect, efficiency, weight_min, weight_max,
        n_zero_weight.

    Examples
    --------
    >>> import cjkit as cj
    >>> t = cj.report.weight_diagnostics(cj.example_study(), lang="en")
    >>> t[["n", "n_effective", "design_effect"]].round(2).to_dict("records")
    [{'n': 120, 'n_effective': 116.24, 'design_effect': 1.03}]
    """
    _check_lang(lang)
    return weight_summary(study.long, by=by)
