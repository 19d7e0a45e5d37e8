"""The touchpoint catalog: where customers meet the company, and how.

Each touchpoint is direct or indirect, digital or analog, owned, paid or earned,
and names the canonical journey stages where it typically occurs, so it can be
placed in the phases of any journey model.

Examples
--------
>>> from cjkit.catalog import touchpoints
>>> tp = touchpoints.load()
>>> tp.set_index("id").loc["hotline", ["label_de", "directness", "medium"]].tolist()
['Hotline', 'direct', 'analog']
>>> touchpoints.phases_for("booking", "accra")
['conversion']
"""
from __future__ import annotations

import functools

import pandas as pd

from cjkit.catalog import i18n, models
from cjkit.catalog.config import DATA, load_config
from cjkit.errors import ParameterError, Problem

DEFAULT = DATA / "touchpoints" / "default.yaml"
COLUMNS = ["id", "label_de", "label_en", "directness", "medium", "ownership",
           "canonical_stages", "aliases_de", "aliases_en"]


def _problems(cat: dict) -> list[Problem]:
    """Duplicate ids (the schema cannot express uniqueness of one field)."""
    out, ids = [], {}
    entries = cat.get("touchpoints")
    for i, tp in enumerate(entries if isinstance(entries, (tuple, type([]))) else ()):
        tid = tp.get("id") if isinstance(tp, dict) else None
        if isinstance(tid, str) and tid in ids:
            out.append(Problem(f"touchpoints[{i}].id", f"duplicate touchpoint id '{tid}' (also touchpoints[{ids[tid]}])"))
        if isinstance(tid, str):
            ids.setdefault(tid, i)
    return out


def _read(source) -> dict:
    return load_config(source, schema="touchpoints", check=_problems)


@functools.cache
def _default() -> pd.DataFrame:
    # the shipped catalog is read and validated once per process; callers get copies
    return _frame(_read(DEFAULT))


def _frame(cat: dict) -> pd.DataFrame:
    rows = [{**{k: tp[k] for k in ("id", "label_de", "label_en", "directness", "medium", "ownership")},
             "canonical_stages": ";".join(tp["canonical"]),
             "aliases_de": ";".join(tp.get("aliases_de", [])),
             "aliases_en": ";".join(tp.get("aliases_en", []))} for tp in cat["touchpoints"]]
    return pd.DataFrame(rows, columns=COLUMNS)


def load(extra=None, *, replace: bool | None = None) -> pd.DataFrame:
    """Load the touchpoint catalog, optionally extended or replaced by a user catalog.

    Parameters
    ----------
    extra : str, Path or dict, optional
        A user catalog (schema ``touchpoints``). Its entries override default entries with
        the same id and add new ones.
    replace : bool, optional
        Use only *extra*. Defaults to the catalog's own ``mode: replace`` if it has one.

    Returns
    -------
    DataFrame
        One row per touchpoint with columns id, label_de, label_en, directness, medium,
        ownership, canonical_stages, aliases_de, aliases_en (lists ";"-joined).

    Raises
    ------
    ConfigError
        Every problem of the user catalog, with key paths.

    Examples
    --------
    >>> from cjkit.catalog import touchpoints
    >>> extra = {"touchpoints": [{"id": "spa", "label_de": "Spa", "label_en": "Spa", "directness": "direct",
    ...                           "medium": "analog", "ownership": "owned", "canonical": ["usage"]}]}
    >>> cat = touchpoints.load(extra)
    >>> cat.set_index("id").loc["spa", "canonical_stages"], len(cat) == len(touchpoints.load()) + 1
    ('usage', True)
    """
    base = _default().copy()
    if extra is None:
        return base
    user_cat = _read(extra)
    user = _frame(user_cat)
    if replace is None:
        replace = user_cat.get("mode") == "replace"
    if replace:
        return user
    kept = base[~base["id"].isin(user["id"])]
    return pd.concat([kept, user], ignore_index=True)


def phases_for(touchpoint: str, model, catalog: pd.DataFrame | None = None) -> list[str]:
    """Phases of *model* in which *touchpoint* typically occurs, in journey order.

    Parameters
    ----------
    touchpoint : str
        Touchpoint id.
    model : str or JourneyModel
        Journey model.
    catalog : DataFrame, optional
        Catalog from :func:`load` (default: the shipped one).

    Returns
    -------
    list of str

    Examples
    --------
    >>> from cjkit.catalog.touchpoints import phases_for
    >>> phases_for("hotline", "service")
    ['pre_service', 'service']
    """
    cat = load() if catalog is None else catalog
    row = cat.loc[cat["id"] == touchpoint]
    if row.empty:
        raise ParameterError("touchpoint", touchpoint, allowed=cat["id"].tolist())
    stages = row.iloc[0]["canonical_stages"].split(";")
    to_phase = models.canonical_to_phase(model)
    order = models.get(model).phase_ids
    found = {to_phase[s] for s in stages}
    return [p for p in order if p in found]


def labels(lang: str = "de", catalog: pd.DataFrame | None = None) -> dict[str, str]:
    """Mapping touchpoint id -> label in *lang* ("de" or "en").

    Parameters
    ----------
    lang : {"de", "en"}
    catalog : DataFrame, optional
        Catalog from :func:`load` (default: the shipped one).

    Returns
    -------
    dict

    Examples
    --------
    >>> from cjkit.catalog.touchpoints import labels
    >>> labels("en")["hotline"]
    'Hotline'
    """
    return i18n.touchpoint_labels(None, lang, load() if catalog is None else catalog)


def matrix(model, catalog: pd.DataFrame | None = None) -> pd.DataFrame:
    """Tidy touchpoint x phase occurrence table (touchpoint, phase, typical=True rows only).

    Parameters
    ----------
    model : str or JourneyModel
    catalog : DataFrame, optional
        Catalog from :func:`load` (default: the shipped one).

    Returns
    -------
    DataFrame
        touchpoint, phase (ordered categorical of *model*).

    Examples
    --------
    >>> from cjkit.catalog.touchpoints import matrix
    >>> m = matrix("service")
    >>> m[m["touchpoint"] == "booking"]["phase"].tolist()
    ['pre_service']
    """
    cat = load() if catalog is None else catalog
    rows = [{"touchpoint": tp, "phase": ph} for tp in cat["id"] for ph in phases_for(tp, model, cat)]
    out = pd.DataFrame(rows)
    out["phase"] = out["phase"].astype(models.phase_categories(model))
    return out
