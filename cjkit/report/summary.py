"""The executive summary: the findings of a report in plain sentences, each with its numbers.

Every sentence is computed from the study: the overall level with its interval, the change
against the previous wave (when the report spans several waves), the strongest and weakest
touchpoints, the top pain points with their evidence, the significant persona differences and
the data basis (n, fieldwork period, weighting, effective n). The thresholds deciding what is
"significant" and how many findings are named live in :mod:`cjkit.report.methods`, which
states them in the methods appendix.
"""
from __future__ import annotations

import html
from pathlib import Path

import numpy as np
import pandas as pd
from IPython.display import HTML

from cjkit.catalog import i18n
from cjkit.report import sections
from cjkit.report.methods import ALPHA, TOP_PAINPOINTS, TOP_SEGMENT_DIFFERENCES
from cjkit.report.sections.base import UNASSIGNED
from cjkit.report.plan import section_status
from cjkit.report.study import Study, open_study, outcome_question

COLUMNS = ["topic", "topic_label", "text", "value", "n"]


def executive_summary(study: Study, *, lang: str = "de", locale: str | None = None, coded=None,
                      painpoints=None) -> pd.DataFrame:
    """Findings of the report in plain sentences, computed from the data, most important first.

    Parameters
    ----------
    study : Study
        The opened study.
    lang : {"de", "en"}
        Language of the sentences.
    locale : {"de_DE", "de_AT", "de_CH", "en_GB", "en_US"}, optional
        Number and date format; default the locale of *lang*.
    coded : DataFrame, optional
        Coded open answers (:func:`~cjkit.report.sections.coded_comments`): negative mentions
        then count as pain-point evidence.
    painpoints : DataFrame, optional
        An already computed :func:`~cjkit.report.sections.painpoint_table` (saves the work).

    Returns
    -------
    DataFrame
        topic (level, change, touchpoints, painpoints, segments, basis), topic_label, text (the
        sentence), value (the headline number of the finding), n (its base); one row per finding.

    Examples
    --------
    >>> import cjkit as cj
    >>> s = cj.report.executive_summary(cj.example_study(), lang="en")
    >>> s["topic"].tolist()
    ['level', 'change', 'touchpoints', 'painpoints', 'segments', 'basis']
    >>> s.loc[s["topic"] == "painpoints", "text"].item()  # no touchpoint is both important and weak here
    'No touchpoint meets the pain-point rule (see methods).'
    >>> s["text"].iloc[0]
    'Overall satisfaction stands at 3.50 on a scale of 1 to 5 (95% CI 3.33 to 3.67; n = 120). 51% of respondents give one of the two best ratings.'
    """
    i18n.check_lang(lang)
    fmt = _Format(lang, locale)
    shown = section_status(study, lang=lang).set_index("section")["shown"].to_dict()
    rows = _level(study, fmt) + _change(study, fmt)
    if shown.get("touchpoint_scores"):
        rows += _touchpoints(study, fmt)
    if shown.get("painpoints"):
        pains = painpoints if painpoints is not None else sections.painpoint_table(study, coded, lang=lang)
        rows += _painpoints(pains, fmt)
    if shown.get("segments"):
        rows += _segments(study, fmt)
    rows += _basis(study, fmt)
    out = pd.DataFrame(rows, columns=["topic", "text", "value", "n"])
    out.insert(1, "topic_label", [i18n.label(f"sum_topic_{t}", lang) for t in out["topic"]])
    return out[COLUMNS]


def summary_html(summary: pd.DataFrame) -> HTML:
    """The findings as an escaped HTML list, the first thing a report shows.

    Parameters
    ----------
    summary : DataFrame
        The table of :func:`executive_summary`.

    Returns
    -------
    IPython.display.HTML

    Examples
    --------
    >>> import cjkit as cj
    >>> s = cj.report.executive_summary(cj.example_study(), lang="de")
    >>> cj.report.summary_html(s).data[:60]
    '<ul class="cj-summary"><li><b>Gesamtniveau:</b> Die Gesamtzu'
    """
    items = []
    # findings of one topic (three pain points, several persona differences) under one bullet
    for _, group in summary.groupby("topic", sort=False):
        texts = [html.escape(x) for x in group["text"]]
        body = texts[0] if len(texts) == 1 else "<ul>" + "".join(f"<li>{x}</li>" for x in texts) + "</ul>"
        items.append(f"<li><b>{html.escape(group['topic_label'].iloc[0])}:</b> {body}</li>")
    items = "".join(items)
    return HTML(f'<ul class="cj-summary">{items}</ul>')


class _Format:
    """Number, percent and date formatting in one locale."""

    def __init__(self, lang: str, locale):
        self.lang, self.locale = lang, i18n.resolve_locale(lang, locale)

    def num(self, x, decimals=2, sign=False) -> str:
        return i18n.format_number(x, locale=self.locale, lang=self.lang, decimals=decimals, sign=sign)

    def pct(self, x, sign=False) -> str:
        return i18n.format_percent(x, locale=self.locale, lang=self.lang, sign=sign)

    def date(self, d) -> str:
        return i18n.format_date(d, locale=self.locale, lang=self.lang)

    def p(self, p) -> str:
        """"p = 0,012", or "p < 0,001" where three decimals would show zero."""
        return f"p < {self.num(0.001, 3)}" if p < 0.0005 else f"p = {self.num(p, 3)}"

    def label(self, key: str) -> str:
        return i18n.label(key, self.lang)


def _figure(figures: pd.DataFrame, name: str):
    hit = figures[figures["figure"] == name]
    return None if hit.empty or pd.isna(hit["value"].iloc[0]) else hit.iloc[0]


def _level(study: Study, fmt: _Format) -> list[dict]:
    figures = sections.key_figures(study)
    q = outcome_question(study.spec)
    if q is not None:
        mean, top2 = _figure(figures, f"{q.id}_mean"), _figure(figures, f"{q.id}_top2")
        share = _figure(figures, f"{q.id}_positive_share")
        if mean is not None:
            low, high = study.scales[q.id]
            text = fmt.label("sum_level_mean").format(
                value=fmt.num(mean["value"]), low=fmt.num(low, 0), high=fmt.num(high, 0),
                ci_low=fmt.num(mean["ci_low"]), ci_high=fmt.num(mean["ci_high"]), n=fmt.num(mean["n"], 0))
            if top2 is not None:
                text += " " + fmt.label("sum_level_top2").format(value=fmt.pct(top2["value"]))
            return [{"topic": "level", "text": text, "value": mean["value"], "n": int(mean["n"])}]
        if share is not None:
            text = fmt.label("sum_level_share").format(value=fmt.pct(share["value"]), ci_low=fmt.pct(share["ci_low"]),
                                                       ci_high=fmt.pct(share["ci_high"]), n=fmt.num(share["n"], 0))
            return [{"topic": "level", "text": text, "value": share["value"], "n": int(share["n"])}]
    nps = _figure(figures, "nps")
    if nps is None:
        return []
    text = fmt.label("sum_level_nps").format(value=fmt.num(nps["value"], 0, sign=True),
                                             ci_low=fmt.num(nps["ci_low"], 0, sign=True),
                                             ci_high=fmt.num(nps["ci_high"], 0, sign=True), n=fmt.num(nps["n"], 0))
    return [{"topic": "level", "text": text, "value": nps["value"], "n": int(nps["n"])}]


def _change(study: Study, fmt: _Format) -> list[dict]:
    q = outcome_question(study.spec)
    if q is None or not q.is_scale or q.positive is not None or not study.spec.wave:
        return []
    wave = study.scope.get("wave")
    scoped = wave not in (None, "", "all")
    if scoped and not Path(study.data_path).is_file():
        return []  # the data file is gone (a temporary example): the other waves cannot be read
    # a report on one wave compares it with the wave before it, so the waves are read again unscoped
    source = (open_study(study.spec, data=study.data_path, model=study.model,
                         segment_column=study.scope.get("segment_column"), segment=study.scope.get("segment", "all"))
              if scoped else study)
    trend = sections.trend_table(source)
    if trend.empty:
        return []
    own = trend[trend["question"] == q.id].sort_values("wave_order").reset_index(drop=True)
    at = own.index[own["wave"].astype(str) == str(wave)] if scoped else own.index[-1:]
    if len(at) == 0 or at[0] == 0 or pd.isna(own.loc[at[0], "change"]):
        return []
    last, previous = own.loc[at[0]], own.loc[at[0] - 1]
    sig = "sum_change_sig" if bool(last["significant"]) else "sum_change_not_sig"
    text = fmt.label("sum_change").format(previous=previous["wave"], change=fmt.num(last["change"], sign=True),
                                          sig=fmt.label(sig).format(p=fmt.p(last["p_adjusted"])))
    return [{"topic": "change", "text": text, "value": last["change"], "n": int(last["n"])}]


def _touchpoints(study: Study, fmt: _Format) -> list[dict]:
    scores = sections.touchpoint_scores(study, lang=fmt.lang, metric="index")
    scores = scores[scores["value"].notna() & (scores["touchpoint"] != sections.UNASSIGNED)]
    if len(scores) < 2:
        return []
    ranked = scores.sort_values("value", ascending=False, kind="stable")
    best, worst = ranked.iloc[0], ranked.iloc[-1]
    text = fmt.label("sum_strongest").format(label=best["item_label"], value=fmt.num(best["value"], 0),
                                             n=fmt.num(best["n"], 0), weak_label=worst["item_label"],
                                             weak_value=fmt.num(worst["value"], 0), weak_n=fmt.num(worst["n"], 0))
    return [{"topic": "touchpoints", "text": text, "value": best["value"] - worst["value"], "n": int(best["n"])}]


def _painpoints(pains: pd.DataFrame, fmt: _Format) -> list[dict]:
    rows = []
    ranked = pains[pains["rank"].notna()] if "rank" in pains.columns else pains
    if len(pains) and ranked.empty:  # touchpoints were judged, none met the pain-point rule: say so
        return [{"topic": "painpoints", "text": fmt.label("note_no_painpoints"), "value": None, "n": None}]
    for _, p in ranked.sort_values("rank").head(TOP_PAINPOINTS).iterrows():
        evidence = []
        if pd.notna(p.get("low_share")):
            evidence.append(fmt.label("sum_ev_low").format(share=fmt.pct(p["low_share"])))
        if pd.notna(p.get("n_mentions")) and p["n_mentions"] > 0:
            evidence.append(fmt.label("sum_ev_mentions").format(count=fmt.num(p["n_mentions"], 0)))
        if pd.notna(p.get("driver_impact")):
            evidence.append(fmt.label("sum_ev_driver").format(share=fmt.pct(p["driver_impact"] / 100)))
        if not evidence:
            continue
        where = (fmt.label("sum_unassigned_where") if str(p.get("touchpoint")) == UNASSIGNED
                 else f"{p['touchpoint_label']} ({p['phase_label']})")
        text = fmt.label("sum_painpoint").format(rank=int(p["rank"]), label=where, evidence=", ".join(evidence))
        rows.append({"topic": "painpoints", "text": text, "value": p["score"],
                     "n": int(p["n"]) if pd.notna(p["n"]) else None})  # raised unprompted: no rating base
    return rows


def _segments(study: Study, fmt: _Format) -> list[dict]:
    column = study.scope.get("segment_column")
    # persona segments read as personas; any other column (a region, a question) as groups by its name
    persona = "persona" in str(column).lower()
    name = sections.question_label(study, column, lang=fmt.lang) if column in {q.id for q in study.spec.questions} \
        else str(column)
    table = sections.segment_comparison(study, lang=fmt.lang)
    sig = table[table["significant"].fillna(False).astype(bool) & table["difference_vs_rest"].notna()]
    if sig.empty:
        text = fmt.label("sum_no_segment" if persona else "sum_no_segment_group").format(
            column=column, name=name, alpha=fmt.num(ALPHA))
        return [{"topic": "segments", "text": text, "value": np.nan, "n": int(len(study.wide))}]
    top = sig.reindex(sig["difference_vs_rest"].abs().sort_values(ascending=False, kind="stable").index)
    rows = []
    for _, r in top.head(TOP_SEGMENT_DIFFERENCES).iterrows():
        direction = fmt.label("sum_higher" if r["difference_vs_rest"] > 0 else "sum_lower")
        text = fmt.label("sum_segment" if persona else "sum_segment_group").format(
                                               segment=r["segment"], name=name, label=r["item_label"],
                                               direction=direction,
                                               value=fmt.num(r["value"]), total=fmt.num(r["total"]),
                                               p=fmt.p(r["p_adjusted"]))
        rows.append({"topic": "segments", "text": text, "value": r["difference_vs_rest"], "n": int(r["n"])})
    return rows


def _basis(study: Study, fmt: _Format) -> list[dict]:
    wide, spec = study.wide, study.spec
    period = ""
    if spec.date and spec.date in wide.columns:
        dates = pd.to_datetime(wide[spec.date], errors="coerce", dayfirst=True).dropna()
        if len(dates):
            period = fmt.label("sum_period").format(start=fmt.date(dates.min()), end=fmt.date(dates.max()))
    n_eff = float(len(wide))
    if spec.weight and spec.weight in wide.columns:
        w = pd.to_numeric(wide[spec.weight], errors="coerce").dropna().to_numpy(float)
        n_eff = float(w.sum() ** 2 / (w ** 2).sum()) if len(w) and (w ** 2).sum() > 0 else np.nan
        weighting = fmt.label("sum_weighted").format(column=spec.weight, n_eff=fmt.num(n_eff, 0))
    else:
        weighting = fmt.label("sum_unweighted")
    text = fmt.label("sum_basis").format(n=fmt.num(len(wide), 0), kept=fmt.num(study.n_kept, 0),
                                         input=fmt.num(study.n_input, 0), period=period, weighting=weighting)
    return [{"topic": "basis", "text": text, "value": n_eff, "n": int(len(wide))}]
