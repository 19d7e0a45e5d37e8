"""Report sections: the tables each report notebook shows, computed from a :class:`~cjkit.report.study.Study`.

Notebooks stay thin by calling these; each returns one tidy DataFrame with readable
labels in the report language next to the ids. :func:`write_key_figures` stores the
figures that tests and nbval check.
"""
from __future__ import annotations

import html
import json
from pathlib import Path

import numpy as np
import pandas as pd
from IPython.display import HTML

from cjkit.catalog import models, touchpoints
from cjkit.coding.coder import code_texts
from cjkit.coding.pii import mask_pii
from cjkit.coding.sentiment import agreement_with_rating, score_sentiment
from cjkit.errors import ParameterError
from cjkit.quality import ledger as ledger_mod
from cjkit.report.study import Study
from cjkit.stats import compare, drivers, ipa, metrics
from cjkit.stats.painpoints import rank_painpoints


RATING_TYPES = ("likert", "rating", "csat")  # satisfaction ratings; effort (CES) and NPS have scales of their own


def _ratings(study: Study, roles=("driver",)) -> pd.DataFrame:
    """The satisfaction ratings of the study with the given roles."""
    long = study.long
    return long[long["role"].isin(roles) & long["type"].isin(RATING_TYPES)]


def _check_lang(lang: str) -> str:
    if lang not in ("de", "en"):
        raise ParameterError("lang", lang, allowed=["de", "en"])
    return lang


def add_labels(frame: pd.DataFrame, study: Study, *, lang: str = "de") -> pd.DataFrame:
    """Add ``phase_label``/``touchpoint_label`` columns in *lang* next to the id columns."""
    _check_lang(lang)
    out = frame.copy()
    if "phase" in out.columns:
        out["phase_label"] = out["phase"].astype("string").map(models.phase_labels(study.model, lang))
    if "touchpoint" in out.columns:
        labels = touchpoints.labels(lang, study.spec["_catalog"])
        out["touchpoint_label"] = out["touchpoint"].astype("string").map(labels).fillna(out["touchpoint"])
    return out


def key_figures(study: Study) -> pd.DataFrame:
    """Headline figures: base sizes, overall satisfaction (mean, top-2-box), NPS, CES with CIs.

    Returns
    -------
    DataFrame
        figure, value, ci_low, ci_high, n (one row per figure; rounded for display only by the caller).
    """
    rows = [{"figure": "respondents_input", "value": float(study.n_input), "n": study.n_input},
            {"figure": "respondents_kept", "value": float(study.n_kept), "n": study.n_kept},
            {"figure": "respondents_in_scope", "value": float(len(study.wide)), "n": len(study.wide)}]
    roles = {q["role"]: q["id"] for q in reversed(study.spec["questions"])}
    wanted = [("overall", "mean"), ("overall", "top2"), ("nps", "nps")]
    wanted += [(q["id"], "mean") for q in study.spec["questions"] if q["type"] == "ces"][:1]
    for role_or_id, metric in wanted:
        qid = roles.get(role_or_id, role_or_id)
        if qid not in set(study.long["question"]):
            continue
        m = metrics.metrics(study.long, by=["question"], questions=[qid], metrics=[metric], scales=study.scales)
        r = m.iloc[0]
        name = {"mean": f"{qid}_mean", "top2": f"{qid}_top2", "nps": "nps"}[metric]
        rows.append({"figure": name, "value": r["value"], "ci_low": r["ci_low"], "ci_high": r["ci_high"],
                     "n": int(r["n"])})
    return pd.DataFrame(rows, columns=["figure", "value", "ci_low", "ci_high", "n"])


def touchpoint_scores(study: Study, *, lang: str = "de", metric: str = "mean") -> pd.DataFrame:
    """Score per touchpoint question in journey order, with CI, bases and base-rule flag."""
    m = metrics.metrics(_ratings(study), by=["phase", "touchpoint", "question"], metrics=[metric],
                        scales=study.scales)
    m = m[m["touchpoint"].notna()].sort_values(["phase", "value"], ascending=[True, False])
    return add_labels(m, study, lang=lang).reset_index(drop=True)


def phase_scores(study: Study, *, lang: str = "de") -> pd.DataFrame:
    """Satisfaction index (0-100) per journey phase: the emotion curve of the journey map."""
    m = metrics.metrics(_ratings(study), by=["phase"], metrics=["index"], scales=study.scales)
    return add_labels(m.sort_values("phase"), study, lang=lang).reset_index(drop=True)


def driver_questions(study: Study, *, min_coverage: float = 0.75, max_drivers: int = 15) -> list[str]:
    """Driver ratings fit for a regression: answered by at least *min_coverage* of the respondents
    in scope (touchpoints few guests use would shrink the listwise sample), at most *max_drivers*
    (LMG is exponential in their number), best covered first."""
    d = _ratings(study)
    coverage = d.groupby("question")["value"].apply(lambda v: v.notna().mean()).sort_values(ascending=False)
    return coverage[coverage >= min_coverage].index[:max_drivers].tolist()


def driver_table(study: Study, *, role: str = "overall", lang: str = "de", **kwargs) -> pd.DataFrame:
    """Key drivers of the outcome with *role*: coefficients, relative weights and LMG (both sum to R²).

    Keyword arguments go to :func:`driver_questions`.
    """
    d = drivers.key_drivers(study.long, outcome=study.outcome(role), drivers=driver_questions(study, **kwargs))
    return add_labels(d, study, lang=lang)


def ipa_table(study: Study, *, role: str = "overall", lang: str = "de", **kwargs) -> pd.DataFrame:
    """Importance-performance per driver with quadrant names in *lang*."""
    out = ipa.ipa(study.long, outcome=study.outcome(role), drivers=driver_questions(study, **kwargs), lang=lang)
    return add_labels(out, study, lang=lang)


def segment_comparison(study: Study, *, segment_column: str | None = None, metric: str = "mean",
                       lang: str = "de") -> pd.DataFrame:
    """Score per segment and touchpoint next to the total, each segment tested against the rest."""
    column = segment_column or study.scope.get("segment_column")
    if column is None or column not in study.long.columns:
        raise ParameterError("segment_column", column, allowed=study.spec.get("segments", []))
    out = compare.persona_comparison(_ratings(study), segment=column, by=["phase", "touchpoint", "question"], metric=metric,
                                     scales=study.scales)
    return add_labels(out, study, lang=lang)


def trend_table(study: Study, *, role: str = "overall", metric: str = "mean", lang: str = "de") -> pd.DataFrame:
    """Outcome (role) and touchpoint scores per wave, with the change against the previous wave.

    Returns an empty frame when the study has fewer than two waves in scope.
    """
    wave = study.spec.get("wave")
    if not wave or study.long[wave].nunique() < 2:
        return pd.DataFrame()
    out = compare.wave_trend(_ratings(study, ("driver", role)), wave=wave, by=["phase", "touchpoint", "question"], metric=metric, scales=study.scales)
    return add_labels(out, study, lang=lang)


def ledger_table(study: Study) -> pd.DataFrame:
    """Data-quality ledger per check: check, action, n_rows, n_entries, example_reason."""
    return ledger_mod.by_check(study.ledger)


def _jsonable(v):
    if isinstance(v, (np.floating, float)):
        return None if np.isnan(v) else round(float(v), 6)
    if isinstance(v, (np.integer,)):
        return int(v)
    return v


def write_key_figures(figures: pd.DataFrame, output_dir, *, name: str = "key_figures.json") -> Path:
    """Write the key figures as JSON (``{figure: {value, ci_low, ci_high, n}}``) for tests and audits."""
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    data = {r["figure"]: {k: _jsonable(r[k]) for k in figures.columns if k != "figure"}
            for r in figures.to_dict("records")}
    path = out / name
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    return path


_TITLES = {"satisfaction": ("Zufriedenheitsbericht", "Satisfaction report"),
           "painpoints": ("Pain-Point-Bericht", "Pain-point report"),
           "journeymap": ("Customer Journey Map", "Customer journey map"),
           "explore": ("Exploration", "Exploration")}


def heading(study: Study, kind: str, *, lang: str = "de") -> HTML:
    """Report heading (survey title, scope, bases) as escaped HTML for the notebook."""
    _check_lang(lang)
    if kind not in _TITLES:
        raise ParameterError("kind", kind, allowed=list(_TITLES))
    title = _TITLES[kind][0 if lang == "de" else 1]
    scope = study.scope
    all_ = "alle" if lang == "de" else "all"
    seg = scope.get("segment") if scope.get("segment") not in (None, "", "all") else all_
    wave = scope.get("wave") if scope.get("wave") not in (None, "", "all") else all_
    words = (("Segment", "Welle", "Befragte", "Journey-Modell") if lang == "de"
             else ("Segment", "Wave", "Respondents", "Journey model"))
    model = models.get(study.model)[f"name_{lang}"]
    return HTML(f"<h1>{html.escape(title)}: {html.escape(study.spec.get('title', study.spec['survey']))}</h1>"
                f"<p>{words[0]} ({html.escape(str(scope.get('segment_column')))}): <b>{html.escape(str(seg))}</b>"
                f" · {words[1]}: <b>{html.escape(str(wave))}</b> · {words[2]}: <b>{len(study.wide):,}</b>"
                f" · {words[3]}: {html.escape(model)}</p>")


def format_figures(figures: pd.DataFrame, *, decimals: int = 2) -> str:
    """Key figures as a fixed-width text table with rounded values (stable for nbval)."""
    shown = figures.copy()
    for col in ("value", "ci_low", "ci_high"):
        shown[col] = shown[col].map(lambda v: "" if pd.isna(v) else f"{v:.{decimals}f}")
    return shown.to_string(index=False)


def save_figure(fig, output_dir, name: str) -> Path:
    """Save a figure as PNG (150 dpi) into *output_dir*; returns the path."""
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{name}.png"
    fig.savefig(path, dpi=150, bbox_inches="tight")
    return path


def journey_map_data(study: Study, *, lang: str = "de") -> pd.DataFrame:
    """Satisfaction index (0-100) per phase x touchpoint, the cells of the journey map.

    Several rating questions on one touchpoint in one phase are averaged per respondent
    (each rescaled to 0-100), so every cell has one value whatever the scales.
    """
    m = metrics.metrics(_ratings(study), by=["phase", "touchpoint"], metrics=["index"], scales=study.scales)
    return add_labels(m[m["touchpoint"].notna()].reset_index(drop=True), study, lang=lang)


def painpoint_table(study: Study, coded: pd.DataFrame | None = None, *, role: str = "overall",
                    lang: str = "de", **kwargs) -> pd.DataFrame:
    """Ranked pain points per phase x touchpoint: low ratings, negative mentions in the coded open
    answers, driver impact and effect on the outcome, with PII-masked example verbatims.

    Keyword arguments go to :func:`cjkit.stats.painpoints.rank_painpoints`.
    """
    outcome = study.outcome(role)
    drv = drivers.key_drivers(study.long, outcome=outcome, drivers=driver_questions(study))
    ranked = rank_painpoints(study.long, coded=coded, drivers=drv, outcome=outcome, scales=study.scales, **kwargs)
    return add_labels(ranked.sort_values("rank").reset_index(drop=True), study, lang=lang)


def coded_comments(study: Study, *, codebook="default", lang: str = "de") -> pd.DataFrame:
    """Code every open answer of the study with the rule coder (codes, evidence spans, polarity).

    Returns the coded-text frame of :func:`cjkit.coding.coder.code_texts` (phases in the study's model).
    """
    texts = study.long[(study.long["type"] == "open") & study.long["text"].notna()]
    return code_texts(texts, codebook, model=study.model, label_lang=_check_lang(lang))


def verbatims(study: Study, coded: pd.DataFrame, *, polarity: int | None = None, lang: str = "de") -> pd.DataFrame:
    """Open answers with their codes and evidence, PII masked — safe to show in a report.

    Parameters
    ----------
    polarity : {-1, 0, 1}, optional
        Keep only answers with at least one coded span of this polarity.

    Returns
    -------
    DataFrame
        respondent_id, question, text (masked), codes (labels, "; "-joined), evidence
        ("; "-joined matched spans, masked), polarity (mean of the spans), plus the segment columns.
    """
    _check_lang(lang)
    keys = ["respondent_id", "question"]
    spans = coded if polarity is None else coded[coded["polarity"] == polarity]
    per = (spans.groupby(keys, observed=True)
           .agg(codes=("code_label", lambda s: "; ".join(dict.fromkeys(s.astype(str)))),
                evidence=("evidence", lambda s: "; ".join(dict.fromkeys(s.astype(str)))),
                polarity=("polarity", "mean"))
           .reset_index())
    segs = [c for c in study.spec.get("segments", []) if c in study.long.columns]
    texts = study.long.loc[study.long["type"] == "open", [*keys, "text", *segs]]
    out = per.merge(texts, on=keys, how="left")
    out["text"] = mask_pii(out["text"].astype("string"))
    out["evidence"] = mask_pii(out["evidence"].astype("string"))
    return out[[*keys, "text", "codes", "evidence", "polarity", *segs]]


def code_counts(study: Study, coded: pd.DataFrame, *, lang: str = "de") -> pd.DataFrame:
    """How often each code was mentioned: respondents with the code, their share of all who
    answered the open question, and how many mentions were negative, neutral or positive."""
    n_answered = study.long.loc[(study.long["type"] == "open") & study.long["text"].notna(), "respondent_id"].nunique()
    if coded.empty:
        return pd.DataFrame(columns=["code", "code_label", "phase", "touchpoint", "n_respondents", "share",
                                     "negative", "neutral", "positive"])
    pol = coded.assign(pol=coded["polarity"].map({-1: "negative", 0: "neutral", 1: "positive"}))
    counts = pol.pivot_table(index="code", columns="pol", values="respondent_id", aggfunc="nunique", fill_value=0)
    base = (coded.groupby("code", observed=True)
            .agg(code_label=("code_label", "first"), phase=("phase", "first"), touchpoint=("touchpoint", "first"),
                 n_respondents=("respondent_id", "nunique")))
    out = base.join(counts.reindex(columns=["negative", "neutral", "positive"], fill_value=0)).reset_index()
    out["share"] = out["n_respondents"] / n_answered if n_answered else np.nan
    out = out.sort_values("n_respondents", ascending=False, ignore_index=True)
    return add_labels(out[["code", "code_label", "phase", "touchpoint", "n_respondents", "share",
                           "negative", "neutral", "positive"]], study, lang=lang)


def sentiment_vs_rating(study: Study, *, role: str = "overall") -> pd.DataFrame:
    """Agreement of open-answer sentiment with the respondent's outcome rating (Spearman, kappa)."""
    texts = study.long[(study.long["type"] == "open") & study.long["text"].notna()]
    scores = score_sentiment(texts)
    qid = study.outcome(role)
    rating = study.long.loc[study.long["question"] == qid].set_index("respondent_id")["value"]
    scale = study.scales[qid]
    return agreement_with_rating(scores, scores["respondent_id"].map(rating).to_numpy(), scale=scale)
