"""Two or more coders: agreement per code, the disagreements side by side, one consolidated file.

Each coder codes into their own coding file (:mod:`cjkit.workbench.store`). The units compared
are the answers every coder finished; a code a coder did not give counts as "no". Agreement and
the review table come from :mod:`cjkit.coding.agreement` (the same functions a report uses).
The consolidated coding is a coding file too (coder ``consolidated``): a code is kept where a
majority of coders gave it, unless a resolution says otherwise.

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> from cjkit.workbench import store
>>> from cjkit.workbench.review import file_codings
>>> with tempfile.TemporaryDirectory() as tmp:
...     for coder, code in (("anna", "wifi"), ("ben", "price")):
...         _ = store.append(Path(tmp) / f"{coder}.csv", coder, [("r1", "q", "add", code), ("r1", "q", "done", None)])
...     codings, units = file_codings([Path(tmp) / "anna.csv", Path(tmp) / "ben.csv"])
>>> codings[["coder", "code"]].values.tolist(), len(units)
([['anna', 'wifi'], ['ben', 'price']], 1)
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from cjkit.coding.agreement import agreement_table, disagreements
from cjkit.errors import DataError, ParameterError
from cjkit.workbench import store

UNIT = ["respondent_id", "question"]


def file_codings(paths, *, erasure=None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The finished codes of several coding files and the units all coders finished.

    Parameters
    ----------
    paths : list of str or Path
        One coding file per coder (a file may also hold several coders).
    erasure : str or Path, optional
        The survey's erasure list.

    Returns
    -------
    (DataFrame, DataFrame)
        Codings (respondent_id, question, code, coder) restricted to the common units, and
        those units (respondent_id, question).
    """
    actions = store.read_actions(list(paths), erasure=erasure)
    if not len(actions):
        raise DataError(f"no codings in {', '.join(str(p) for p in paths)}", file=str(paths[0]) if paths else None)
    rows, unit_sets = [], []
    for coder, g in actions.groupby("coder", sort=True):
        state = store.replay(g)
        unit_sets.append(set(state.done))
        rows += [(u[0], u[1], c, coder) for u in state.done for c in state.codes.get(u, [])]
    common = set.intersection(*unit_sets)
    units = pd.DataFrame(sorted(common), columns=UNIT)
    codings = pd.DataFrame(rows, columns=[*UNIT, "code", "coder"])
    keep = pd.MultiIndex.from_frame(codings[UNIT]).isin(list(common)) if len(codings) else []
    return codings[keep].reset_index(drop=True), units


def coding_agreement(paths, *, erasure=None) -> pd.DataFrame:
    """Agreement per code (percent, Cohen's kappa, Krippendorff's alpha) between coders' files.

    Parameters
    ----------
    paths : list of str or Path
        The coders' coding files.
    erasure : str or Path, optional
        The survey's erasure list.

    Returns
    -------
    DataFrame
        :func:`cjkit.coder_agreement` on the answers all coders finished: code, n_units,
        n_coders, n_yes, percent_agreement, cohen_kappa, krippendorff_alpha; last row ``all_codes``.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from cjkit.workbench import store
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     for coder, codes in (("anna", ["wifi", "wifi"]), ("ben", ["wifi", "price"])):
    ...         rows = [r for i, c in enumerate(codes) for r in ((f"r{i}", "q", "add", c), (f"r{i}", "q", "done", None))]
    ...         _ = store.append(Path(tmp) / f"{coder}.csv", coder, rows)
    ...     t = coding_agreement([Path(tmp) / "anna.csv", Path(tmp) / "ben.csv"])
    >>> t.set_index("code")["percent_agreement"].to_dict()
    {'price': 0.5, 'wifi': 0.5, 'all_codes': 0.5}
    """
    codings, units = file_codings(paths, erasure=erasure)
    if not len(units):
        raise DataError("the coders have no finished answer in common; nothing to compare")
    return agreement_table(codings, units=units, unit_cols=UNIT)


def coding_disagreements(paths, texts: pd.DataFrame | None = None, *, erasure=None) -> pd.DataFrame:
    """Units and codes on which the coders differ, side by side (text masked), for resolution.

    Parameters
    ----------
    paths : list of str or Path
    texts : DataFrame, optional
        Answers (respondent_id, question, text) to show beside the decisions.
    erasure : str or Path, optional

    Returns
    -------
    DataFrame
        respondent_id, question, code, coder_<name> (0/1 each), n_yes, n_coders[, text].

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from cjkit.workbench import store
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     for coder, code in (("anna", "wifi"), ("ben", "price")):
    ...         _ = store.append(Path(tmp) / f"{coder}.csv", coder, [("r1", "q", "add", code), ("r1", "q", "done", None)])
    ...     d = coding_disagreements([Path(tmp) / "anna.csv", Path(tmp) / "ben.csv"])
    >>> d[["code", "coder_anna", "coder_ben"]].values.tolist()
    [['price', 0, 1], ['wifi', 1, 0]]
    """
    codings, units = file_codings(paths, erasure=erasure)
    if texts is not None:
        texts = texts.assign(respondent_id=texts["respondent_id"].astype(str),
                             question=texts["question"].astype(str) if "question" in texts else "text")
    return disagreements(codings, texts, units=units, unit_cols=UNIT)


def consolidate_codings(paths, out, *, resolutions=None, erasure=None) -> pd.DataFrame:
    """Write the consolidated coding: majority codes, overridden by *resolutions*.

    Parameters
    ----------
    paths : list of str or Path
        The coders' coding files.
    out : str or Path
        The consolidated coding file (a coding file of coder ``consolidated``; replaced).
    resolutions : DataFrame, optional
        respondent_id, question, code, keep (bool): the reviewer's decision on a disagreement.
    erasure : str or Path, optional

    Returns
    -------
    DataFrame
        The consolidated codings (respondent_id, question, code).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from cjkit.workbench import store
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     files = [Path(tmp) / f"{c}.csv" for c in ("anna", "ben", "cem")]
    ...     for f, code in zip(files, ("wifi", "wifi", "price")):
    ...         _ = store.append(f, f.stem, [("r1", "q", "add", code), ("r1", "q", "done", None)])
    ...     final = consolidate_codings(files, Path(tmp) / "consolidated.csv")
    >>> final["code"].tolist()
    ['wifi']
    """
    codings, units = file_codings(paths, erasure=erasure)
    n_coders = codings["coder"].nunique() if len(codings) else 1
    n_coders = max(n_coders, len({Path(p) for p in paths}))
    votes = codings.groupby([*UNIT, "code"]).size().rename("n_yes").reset_index()
    votes["keep"] = votes["n_yes"] * 2 > n_coders
    if resolutions is not None and len(resolutions):
        missing = [c for c in [*UNIT, "code", "keep"] if c not in resolutions.columns]
        if missing:
            raise ParameterError("resolutions", list(resolutions.columns),
                                 allowed=f"a DataFrame with {', '.join([*UNIT, 'code', 'keep'])}")
        r = resolutions.astype({"respondent_id": str, "question": str, "code": str})[[*UNIT, "code", "keep"]]
        votes = votes.merge(r, on=[*UNIT, "code"], how="outer", suffixes=("", "_r"))
        votes["keep"] = votes["keep_r"].where(votes["keep_r"].notna(), votes["keep"]).astype(bool)
    final = votes[votes["keep"]][[*UNIT, "code"]].sort_values([*UNIT, "code"]).reset_index(drop=True)
    out = Path(out)
    tmp = out.with_name(f".{out.name}.new")
    tmp.unlink(missing_ok=True)
    rows = [(r, q, "add", c) for r, q, c in final.itertuples(index=False)]
    rows += [(r, q, "done", None) for r, q in units.itertuples(index=False)]
    store.append(tmp, "consolidated", rows)
    tmp.replace(out)
    return final
