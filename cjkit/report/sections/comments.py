"""Sections on the open answers: coded comments, code counts, shown verbatims, sentiment vs rating.

Verbatims are personal data: they are masked and pass :func:`cjkit.report.quotes.safe_quotes`
before anything is shown.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from IPython.display import Markdown, display

from cjkit.catalog import i18n
from cjkit.catalog.i18n import check_lang as _check_lang
from cjkit.coding.codebook import load_codebook
from cjkit.coding.coder import code_texts
from cjkit.coding.industry import pick_industry, propose_industry
from cjkit.coding.sentiment import agreement_with_rating, score_sentiment
from cjkit.errors import ParameterError
from cjkit.report import quotes
from cjkit.report.methods import STRONG_RHO, WEAK_RHO
from cjkit.report.sections.base import add_labels
from cjkit.report.study import Study, outcome_question


def report_codebook(study: Study) -> dict:
    """Which codebooks code the study's open answers in a report, and why.

    The shared (cross-industry) codebook, then the spec's ``industry:`` — or, when the spec names
    none, the industry codebook that clearly fits the open answers of the whole file
    (:func:`cjkit.coding.industry.pick_industry`; every segment's report gets the same one) —
    then the spec's own ``codebook:`` file.

    Parameters
    ----------
    study : Study

    Returns
    -------
    dict
        ``sources`` (for :func:`cjkit.coding.codebook.load_codebook`), ``industry`` (or None),
        ``how`` (``"spec"``, ``"proposed"`` or ``"shared"``), ``score`` of the proposal (NaN when
        the spec names the industry) and ``own`` (the spec's own codebook file or None).

    Examples
    --------
    >>> import cjkit as cj
    >>> basis = cj.report.report_codebook(cj.example_study())
    >>> basis["sources"], basis["how"]
    (['shared', 'hospitality'], 'proposed')
    """
    def choose() -> dict:
        spec = study.spec
        own = str(spec.codebook_path) if spec.codebook else None
        industry, how, score = spec.industry, "spec", float("nan")
        if industry is None:
            whole = study.long if study.whole_long is None else study.whole_long
            texts = whole.loc[(whole["type"] == "open") & whole["text"].notna(), "text"].astype(str).tolist()
            ranking = propose_industry(texts, sample=2000) if texts else pd.DataFrame(columns=["industry", "score"])
            industry = pick_industry(ranking)
            how = "proposed" if industry else "shared"
            score = float(ranking["score"].iloc[0]) if len(ranking) else float("nan")
        sources = ["shared", *([industry] if industry else []), *([own] if own else [])]
        return {"sources": sources, "industry": industry, "how": how, "score": score, "own": own}
    return study.memo(("report_codebook",), choose)


def coding_note(study: Study, *, lang: str = "de") -> str:
    """One sentence for the methods appendix: which codebooks coded the open answers, and why.

    Parameters
    ----------
    study : Study
    lang : {"de", "en"}
        Language of the sentence.

    Returns
    -------
    str
        Empty when the study has no open answer (nothing was coded).

    Examples
    --------
    >>> import cjkit as cj
    >>> cj.report.coding_note(cj.example_study(), lang="en")[:60]
    'Open answers were coded with the cross-industry codebook and'
    """
    _check_lang(lang)
    if not ((study.long["type"] == "open") & study.long["text"].notna()).any():
        return ""  # nothing was coded
    basis = report_codebook(study)
    parts = [i18n.label("coding_shared", lang)]
    if basis["industry"]:
        meta = load_codebook(basis["industry"]).meta
        parts.append(i18n.label("coding_industry", lang).format(name=meta.get(f"name_{lang}") or basis["industry"]))
    if basis["own"]:
        parts.append(i18n.label("coding_own", lang).format(file=Path(basis["own"]).name))
    books = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + i18n.label("and_sep", lang) + parts[-1]
    why = i18n.label(f"coding_why_{basis['how']}", lang).format(
        score=i18n.format_number(basis["score"], lang=lang, decimals=2) if basis["score"] == basis["score"] else "")
    return i18n.label("method_coding", lang).format(books=books, why=why)


def coded_comments(study: Study, *, codebook=None, lang: str = "de") -> pd.DataFrame:
    """Code every open answer of the study with the rule coder (codes, evidence spans, polarity).

    Parameters
    ----------
    study : Study
        The opened study; its ``open`` questions are coded, phases in the study's model.
    codebook : str, Path, dict or list, optional
        Codebook id, file, mapping or list to compose (see
        :func:`cjkit.coding.codebook.load_codebook`); default the report's codebooks
        (:func:`report_codebook`: shared + industry + the spec's own).
    lang : {"de", "en"}
        Language of ``code_label``.

    Returns
    -------
    DataFrame
        The coded-text frame of :func:`cjkit.coding.coder.code_texts`: one row per coded span.

    Examples
    --------
    >>> import cjkit as cj
    >>> study = cj.example_study()
    >>> coded = cj.report.coded_comments(study, lang="en")
    >>> coded[["respondent_id", "code", "polarity"]].head(3)
      respondent_id          code  polarity
    0         r0002      check_in        -1
    1         r0002  waiting_time        -1
    2         r0004          room         1
    """
    texts = study.long[(study.long["type"] == "open") & study.long["text"].notna()]
    if codebook is None:
        codebook = report_codebook(study)["sources"]
    ident = tuple(map(str, codebook)) if isinstance(codebook, list) else (
        codebook if isinstance(codebook, (str, Path)) else id(codebook))
    key = ("coded_comments", ident, lang)
    return study.memo(key, lambda: code_texts(texts, codebook, model=study.model,
                                              label_lang=_check_lang(lang))).copy()


def verbatims(study: Study, coded: pd.DataFrame, *, polarity: int | None = None, lang: str = "de",
              allow=quotes.DEFAULT_ALLOW, min_group: int = quotes.DEFAULT_MIN_GROUP) -> pd.DataFrame:
    """Open answers with their codes and evidence, safe to show in a report.

    Personal data in the texts is masked, answers that are the same after masking are shown
    once, no respondent id stands beside a quote, and segment columns appear only when
    ``allow`` names them and only for segments of at least ``min_group`` respondents
    (:func:`cjkit.report.quotes.safe_quotes`).

    Parameters
    ----------
    study : Study
        The opened study (gives the answer texts and the segment columns).
    coded : DataFrame
        Coded open answers (:func:`coded_comments`).
    polarity : {-1, 0, 1}, optional
        Keep only answers with at least one coded span of this polarity.
    lang : {"de", "en"}
        Report language (checked; the code labels come from *coded*).
    allow : sequence of str
        Columns that may stand beside a quote: any of question, codes, evidence, polarity and
        the study's segment columns (default: no segment column).
    min_group : int
        Segments with fewer respondents are shown as "(small group)" (default 10).

    Returns
    -------
    DataFrame
        text (masked), the allowed columns (codes "; "-joined, evidence "; "-joined matched spans,
        masked, polarity the mean of the spans), mentions.

    Examples
    --------
    >>> import cjkit as cj
    >>> study = cj.example_study()
    >>> coded = cj.report.coded_comments(study, lang="en")
    >>> cj.report.verbatims(study, coded, polarity=-1, lang="en")[["codes", "polarity", "mentions"]].head(3)
                                  codes  polarity  mentions
    0  Check-in / arrival; Waiting time      -1.0        20
    1    Wi-Fi / internet; Waiting time      -1.0        22
    """
    _check_lang(lang)
    keys = ["respondent_id", "question"]
    spans = coded if polarity is None else coded[coded["polarity"] == polarity]
    per = (spans.groupby(keys, observed=True)
           .agg(codes=("code_label", lambda s: "; ".join(dict.fromkeys(s.astype(str)))),
                evidence=("evidence", lambda s: "; ".join(dict.fromkeys(s.astype(str)))),
                polarity=("polarity", "mean"))
           .reset_index())
    segs = [c for c in study.spec.segments if c in study.long.columns]
    texts = study.long.loc[study.long["type"] == "open", [*keys, "text", *segs]]
    out = per.merge(texts, on=keys, how="left")
    respondents = study.long.drop_duplicates("respondent_id")[segs]
    return quotes.safe_quotes(out, allow=allow, respondents=respondents, min_group=min_group, lang=lang)


def code_counts(study: Study, coded: pd.DataFrame, *, lang: str = "de") -> pd.DataFrame:
    """How often each code was mentioned, and with which polarity.

    Parameters
    ----------
    study : Study
        The opened study (gives the number of respondents who answered an open question).
    coded : DataFrame
        Coded open answers (:func:`coded_comments`).
    lang : {"de", "en"}
        Language of the label columns.

    Returns
    -------
    DataFrame
        code, code_label, phase, touchpoint, n_respondents (with the code), share (of all who
        answered the open question), negative, neutral, positive (respondents per polarity),
        plus the label columns; most frequent first.

    Examples
    --------
    >>> import cjkit as cj
    >>> study = cj.example_study()
    >>> coded = cj.report.coded_comments(study, lang="en")
    >>> cj.report.code_counts(study, coded, lang="en")[["code", "n_respondents", "share", "negative"]].head(3).round(2)
               code  n_respondents  share  negative
    0  waiting_time             42   0.47        42
    1   cleanliness             26   0.29         0
    2          room             26   0.29         0
    """
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


def sentiment_vs_rating(study: Study, *, role: str = "overall", lang: str = "de") -> pd.DataFrame:
    """Agreement of open-answer sentiment with the respondent's outcome rating.

    Displays the agreement in words: strong from Spearman's rho 0.5, moderate from 0.3, weak below
    0.3 (or with fewer than 30 pairs), and then a warning that the text sentiment is no stand-in for
    the rating. The sentence is also kept in ``attrs["summary"]``.

    Parameters
    ----------
    study : Study
        The opened study.
    role : {"overall", "nps"}
        Spec role of the rating compared with the sentiment.
    lang : {"de", "en"}
        Language of the sentence.

    Returns
    -------
    DataFrame
        metric (spearman_rho, p_value, exact_agreement, cohen_kappa, opposite), value, n; see
        :func:`cjkit.coding.sentiment.agreement_with_rating`.

    Examples
    --------
    >>> import cjkit as cj
    >>> study = cj.example_study()
    >>> table = cj.report.sentiment_vs_rating(study, lang="en")
    <IPython.core.display.Markdown object>
    >>> table.attrs["summary"][:40]
    'Text sentiment and rating agree weakly ('
    >>> table.round(3)
                metric  value   n
    0     spearman_rho  0.052  90
    1          p_value  0.628  90
    2  exact_agreement  0.389  90
    3      cohen_kappa  0.056  90
    4         opposite  0.289  90
    """
    _check_lang(lang)
    texts = study.long[(study.long["type"] == "open") & study.long["text"].notna()]
    q = outcome_question(study.spec, role)
    if q is None or q.positive is not None or not q.is_scale:
        raise ParameterError("role", role, message=f"sentiment_vs_rating needs a numeric rating with role "
                                                   f"'{role}'; the spec has {'none' if q is None else repr(q.id)}")
    scores = score_sentiment(texts)
    qid = q.id
    rating = study.long.loc[study.long["question"] == qid].set_index("respondent_id")["value"]
    scale = study.scales[qid]
    out = agreement_with_rating(scores, scores["respondent_id"].map(rating).to_numpy(), scale=scale)
    v = out.set_index("metric")["value"]
    n = int(out["n"].iloc[0])
    rho = float(v["spearman_rho"]) if np.isfinite(v["spearman_rho"]) else 0.0
    strength = "strong" if rho >= STRONG_RHO else "moderate" if rho >= WEAK_RHO else "weak"
    if n < 30:
        strength = "weak"
    text = i18n.label("sentiment_agreement", lang).format(
        strength=i18n.label(f"agreement_{strength}", lang), rho=i18n.format_number(rho, lang=lang, decimals=2),
        exact=i18n.format_percent(v["exact_agreement"], lang=lang),
        opposite=i18n.format_percent(v["opposite"], lang=lang), n=i18n.format_number(n, lang=lang, decimals=0)) + "."
    if strength == "weak":
        text += " " + i18n.label("sentiment_weak_warning", lang)
    out.attrs["summary"] = text
    display(Markdown(text))
    return out
