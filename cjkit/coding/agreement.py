"""Coding quality and inter-coder agreement.

* :func:`code_scores` - precision, recall and F1 per code of a coding against human codes.
* :func:`cohen_kappa` - two coders, nominal labels (Cohen 1960).
* :func:`krippendorff_alpha` - any number of coders, missing values allowed, nominal or
  interval (Krippendorff 2011, "Computing Krippendorff's alpha-reliability").
* :func:`agreement_table` - per code: percent agreement, kappa (mean over coder pairs), alpha.
* :func:`disagreements` - the review table of units where coders differ (text masked).

Codings are long frames with unit columns (``respondent_id``, ``question``), ``code`` and,
for several coders, ``coder``: one row per code a coder gave a unit.

Examples
--------
>>> import pandas as pd
>>> from cjkit.coding.agreement import cohen_kappa
>>> round(cohen_kappa([1, 1, 0, 0, 1], [1, 0, 0, 0, 1]), 3)
0.615
"""
from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from cjkit.privacy.pii import mask_pii
from cjkit.errors import DataError, ParameterError

UNITS = ("respondent_id", "question")


def _units(frame, unit_cols):
    cols = [c for c in unit_cols if c in frame.columns]
    if not cols:
        raise DataError(f"none of the unit columns {list(unit_cols)} is in the coding; columns are "
                        f"{', '.join(map(str, frame.columns))}", column=unit_cols[0])
    return cols


def _indicator(frame: pd.DataFrame, cols, code_col, units: pd.DataFrame, codes) -> pd.DataFrame:
    """0/1 matrix units x codes from a long coding."""
    sub = frame[cols + [code_col]].dropna(subset=[code_col]).drop_duplicates()
    sub = sub.assign(_one=1, **{code_col: sub[code_col].astype(str)})
    wide = sub.pivot_table(index=cols, columns=code_col, values="_one", aggfunc="max", fill_value=0,
                           observed=True)
    key = pd.MultiIndex.from_frame(units[cols].astype(str)) if len(cols) > 1 else pd.Index(units[cols[0]].astype(str))
    wide.index = wide.index.map(lambda x: tuple(map(str, x)) if isinstance(x, tuple) else str(x))
    return wide.reindex(index=key, columns=codes, fill_value=0).fillna(0).astype(int)


def code_scores(gold: pd.DataFrame, pred: pd.DataFrame, *, unit_cols=UNITS, code_col: str = "code",
                units: pd.DataFrame | None = None, codes=None) -> pd.DataFrame:
    """Precision, recall and F1 per code of *pred* against human codes *gold*.

    Parameters
    ----------
    gold, pred : DataFrame
        Long codings (unit columns + *code_col*), e.g. from :func:`cjkit.coding.coder.code_texts`.
    units : DataFrame, optional
        All coded units (so units without any code count as true negatives/false positives);
        default the union of units in *gold* and *pred*.
    codes : list, optional
        Codes to score (default: all codes in *gold* or *pred*).

    Returns
    -------
    DataFrame
        code, tp, fp, fn, support (= tp + fn), precision, recall, f1; then rows
        ``macro_avg`` (unweighted mean over codes) and ``micro_avg`` (pooled counts).

    Examples
    --------
    >>> g = pd.DataFrame({"respondent_id": ["1", "2", "3"], "code": ["price", "price", "wifi"]})
    >>> p = pd.DataFrame({"respondent_id": ["1", "3", "3"], "code": ["price", "price", "wifi"]})
    >>> float(code_scores(g, p, unit_cols=["respondent_id"]).set_index("code").loc["price", "f1"])
    0.5
    """
    cols = _units(gold, unit_cols)
    if units is None:
        units = pd.concat([gold[cols], pred[cols]]).drop_duplicates()
    if codes is None:
        codes = sorted(set(gold[code_col].dropna().astype(str)) | set(pred[code_col].dropna().astype(str)))
    G = _indicator(gold, cols, code_col, units, codes).to_numpy()
    P = _indicator(pred, cols, code_col, units, codes).to_numpy()
    tp = (G & P).sum(0)
    fp = ((1 - G) & P).sum(0)
    fn = (G & (1 - P)).sum(0)
    out = pd.DataFrame({"code": list(codes), "tp": tp, "fp": fp, "fn": fn, "support": tp + fn})
    with np.errstate(invalid="ignore", divide="ignore"):
        out["precision"] = np.where(tp + fp > 0, tp / (tp + fp), 0.0)
        out["recall"] = np.where(tp + fn > 0, tp / (tp + fn), 0.0)
        out["f1"] = np.where(2 * tp + fp + fn > 0, 2 * tp / (2 * tp + fp + fn), 0.0)
    T, F, N = tp.sum(), fp.sum(), fn.sum()
    micro = {"code": "micro_avg", "tp": T, "fp": F, "fn": N, "support": T + N,
             "precision": T / (T + F) if T + F else 0.0, "recall": T / (T + N) if T + N else 0.0,
             "f1": 2 * T / (2 * T + F + N) if T + F + N else 0.0}
    macro = {"code": "macro_avg", "tp": T, "fp": F, "fn": N, "support": T + N,
             **{m: float(out[m].mean()) if len(out) else np.nan for m in ("precision", "recall", "f1")}}
    return pd.concat([out, pd.DataFrame([macro, micro])], ignore_index=True)


def cohen_kappa(a, b) -> float:
    """Cohen's kappa of two equally long label sequences (nominal).

    Parameters
    ----------
    a, b : sequence
        The labels each coder gave, unit by unit.

    Returns
    -------
    float
        1 is perfect agreement, 0 agreement by chance.

    Examples
    --------
    >>> cohen_kappa(["x", "y", "x"], ["x", "y", "x"])
    1.0
    """
    a, b = np.asarray(a, dtype=object), np.asarray(b, dtype=object)
    if a.shape != b.shape:
        raise ParameterError("b", f"length {len(b)}", message=f"both coders need the same units; got {len(a)} and {len(b)}")
    labels, inv = np.unique(np.concatenate([a, b]).astype(str), return_inverse=True)
    ia, ib = inv[:len(a)], inv[len(a):]
    k = len(labels)
    m = np.zeros((k, k))
    np.add.at(m, (ia, ib), 1)
    n = m.sum()
    po = np.trace(m) / n
    pe = (m.sum(1) @ m.sum(0)) / n ** 2
    return 1.0 if pe == 1 else float((po - pe) / (1 - pe))


def krippendorff_alpha(data, level: str = "nominal") -> float:
    """Krippendorff's alpha for a coders x units matrix (NaN = unit not coded by that coder).

    Parameters
    ----------
    data : array-like, shape (coders, units)
    level : {"nominal", "interval"}

    Returns
    -------
    float
        NaN when nothing was coded, 1.0 when only one value occurs.

    Examples
    --------
    Krippendorff (2011), nominal example with missing values (alpha = 0.743):

    >>> nan = float("nan")
    >>> d = [[1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
    ...      [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
    ...      [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
    ...      [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan]]
    >>> round(krippendorff_alpha(d), 3)
    0.743
    """
    if level not in ("nominal", "interval"):
        raise ParameterError("level", level, allowed=["nominal", "interval"])
    x = np.asarray(pd.DataFrame(data).apply(pd.to_numeric, errors="coerce"), dtype=float)
    values = np.unique(x[~np.isnan(x)])
    if values.size < 2:
        return float("nan") if values.size == 0 else 1.0
    idx = {v: i for i, v in enumerate(values)}
    k = values.size
    o = np.zeros((k, k))
    for u in range(x.shape[1]):
        col = x[:, u][~np.isnan(x[:, u])]
        m = col.size
        if m < 2:   # units coded by fewer than two coders carry no pairable values
            continue
        ci = np.array([idx[v] for v in col])
        cnt = np.bincount(ci, minlength=k).astype(float)
        o += (np.outer(cnt, cnt) - np.diag(cnt)) / (m - 1)
    nc = o.sum(1)
    n = nc.sum()
    if level == "nominal":
        delta = 1.0 - np.eye(k)
    else:
        delta = (values[:, None] - values[None, :]) ** 2
    d_o = (o * delta).sum()
    d_e = (np.outer(nc, nc) * delta).sum() / (n - 1)
    return 1.0 if d_e == 0 else float(1 - d_o / d_e)


def _coder_matrices(codings, coder_col, cols, code_col, units, codes):
    coders = sorted(codings[coder_col].dropna().astype(str).unique())
    if len(coders) < 2:
        raise DataError(f"agreement needs at least two coders in column '{coder_col}', found {coders}",
                        column=coder_col)
    if units is None:
        units = codings[cols].drop_duplicates()
    if codes is None:
        codes = sorted(codings[code_col].dropna().astype(str).unique())
    mats = {c: _indicator(codings[codings[coder_col].astype(str) == c], cols, code_col, units, codes)
            for c in coders}
    return coders, units, codes, mats


def agreement_table(codings: pd.DataFrame, *, coder_col: str = "coder", unit_cols=UNITS,
                    code_col: str = "code", units: pd.DataFrame | None = None, codes=None) -> pd.DataFrame:
    """Agreement per code between two or more coders (each code a yes/no decision per unit).

    Every coder is assumed to have coded every unit in *units* (default: all units any
    coder coded); a code not given counts as "no".

    Parameters
    ----------
    codings : DataFrame
        Long codings of all coders: unit columns, *code_col*, *coder_col*.
    coder_col, code_col : str
        Columns naming the coder and the code.
    unit_cols : list of str
        Columns identifying a unit (default respondent_id and question).
    units : DataFrame, optional
        All units that were coded (also those no coder gave a code).
    codes : list of str, optional
        Codes to compare (default: all that occur).

    Returns
    -------
    DataFrame
        code, n_units, n_coders, n_yes (sum over coders), percent_agreement (units where all
        coders agree), cohen_kappa (mean over coder pairs), krippendorff_alpha (nominal);
        last row ``all_codes`` pools all code decisions.

    Examples
    --------
    >>> c = pd.DataFrame({"respondent_id": ["1", "2", "1", "3"], "code": ["a", "a", "a", "a"],
    ...                   "coder": ["x", "x", "y", "y"]})
    >>> agreement_table(c, unit_cols=["respondent_id"])["percent_agreement"].tolist()
    [0.3333333333333333, 0.3333333333333333]
    """
    cols = _units(codings, unit_cols)
    coders, units, codes, mats = _coder_matrices(codings, coder_col, cols, code_col, units, codes)
    rows = []
    for code in list(codes) + ["all_codes"]:
        if code == "all_codes":
            dec = np.stack([mats[c].to_numpy().ravel() for c in coders])
        else:
            dec = np.stack([mats[c][code].to_numpy() for c in coders])
        kappas = [cohen_kappa(dec[i], dec[j]) for i, j in itertools.combinations(range(len(coders)), 2)]
        rows.append({"code": code, "n_units": dec.shape[1], "n_coders": len(coders), "n_yes": int(dec.sum()),
                     "percent_agreement": float(np.mean((dec == dec[0]).all(0))),
                     "cohen_kappa": float(np.mean(kappas)), "krippendorff_alpha": krippendorff_alpha(dec)})
    return pd.DataFrame(rows)


def disagreements(codings: pd.DataFrame, texts: pd.DataFrame | None = None, *, coder_col: str = "coder",
                  unit_cols=UNITS, code_col: str = "code", text_col: str = "text",
                  units: pd.DataFrame | None = None, mask: bool = True) -> pd.DataFrame:
    """Review table: one row per unit and code on which the coders do not all agree.

    Parameters
    ----------
    texts : DataFrame, optional
        Answers with the unit columns and *text_col*; the text is added (PII-masked unless
        ``mask=False``) so a reviewer can decide.

    Returns
    -------
    DataFrame
        unit columns, code, one 0/1 column per coder (``coder_<name>``), n_yes, n_coders[, text].

    Examples
    --------
    >>> import pandas as pd
    >>> from cjkit.coding.agreement import disagreements
    >>> c = pd.DataFrame({"respondent_id": ["1", "1", "2"], "code": ["wifi", "wifi", "price"],
    ...                   "coder": ["x", "y", "x"]})
    >>> disagreements(c, unit_cols=["respondent_id"])[["respondent_id", "code", "coder_x", "coder_y"]].values.tolist()
    [['2', 'price', 1, 0]]
    """
    cols = _units(codings, unit_cols)
    coders, units, codes, mats = _coder_matrices(codings, coder_col, cols, code_col, units, None)
    frames = []
    for code in codes:
        dec = pd.DataFrame({f"coder_{c}": mats[c][code].to_numpy() for c in coders})
        n_yes = dec.sum(axis=1)
        diff = ((n_yes > 0) & (n_yes < len(coders))).to_numpy()
        if diff.any():
            base = units[cols].astype(str).reset_index(drop=True)[diff]
            frames.append(pd.concat([base.reset_index(drop=True),
                                     pd.DataFrame({"code": code}, index=range(diff.sum())),
                                     dec[diff].reset_index(drop=True),
                                     pd.DataFrame({"n_yes": n_yes[diff].to_numpy(), "n_coders": len(coders)})],
                                    axis=1))
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=cols + ["code"] + [f"coder_{c}" for c in coders] + ["n_yes", "n_coders"])
    if texts is not None:
        t = texts[cols + [text_col]].astype({c: str for c in cols}).drop_duplicates(subset=cols)
        out = out.merge(t, on=cols, how="left")
        if mask:
            out[text_col] = mask_pii(out[text_col])
    return out
