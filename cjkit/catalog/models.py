"""Journey models: the five shipped models, user-defined ones, and crosswalks.

Every model is YAML (``cjkit/data/models/<id>.yaml``) validated against the
``journey_model`` schema. Each phase names the *canonical stages* it covers;
crosswalks between any two models go through that canonical axis, so results
coded in one model can be reported in another.

Examples
--------
>>> import cjkit
>>> cjkit.catalog.models.list()
['accra', 'b2b', 'service', 'six_phases', 'six_stages']
>>> cjkit.catalog.models.crosswalk("accra", "service").query("from_phase == 'conversion'")[["to_phase", "weight"]]
      to_phase  weight
2  pre_service     1.0
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from cjkit.catalog import i18n
from cjkit.catalog.config import DATA, load_config, read_yaml
from cjkit.errors import ConfigError, ParameterError

_MODEL_DIR = DATA / "models"
_user_models: dict[str, dict] = {}


def canonical_stages() -> pd.DataFrame:
    """The canonical journey axis as a DataFrame (id, order, label_de, label_en)."""
    return pd.DataFrame(read_yaml(_MODEL_DIR / "_canonical.yaml")["stages"])


def _check_semantics(model: dict, path=None) -> dict:
    """Checks a schema cannot express: unique ids and orders, full canonical coverage."""
    seen_ids, seen_orders = {}, {}
    for i, ph in enumerate(model["phases"]):
        if ph["id"] in seen_ids:
            raise ConfigError(f"duplicate phase id '{ph['id']}' (also phases[{seen_ids[ph['id']]}])",
                              path=path, key=f"phases[{i}].id")
        if ph["order"] in seen_orders:
            raise ConfigError(f"duplicate order {ph['order']} (also phases[{seen_orders[ph['order']]}])",
                              path=path, key=f"phases[{i}].order")
        seen_ids[ph["id"]] = i
        seen_orders[ph["order"]] = i
    covered = {s for ph in model["phases"] for s in ph["canonical"]}
    missing = [s for s in canonical_stages()["id"] if s not in covered]
    if missing:
        raise ConfigError(
            "every canonical stage must belong to some phase so that crosswalks are complete; "
            f"not covered: {', '.join(missing)}", path=path, key="phases[*].canonical")
    model["phases"] = sorted(model["phases"], key=lambda p: p["order"])
    return model


def load_model(source) -> dict:
    """Load and validate a journey model from a YAML path or a dict.

    Raises
    ------
    ConfigError
        Naming the file and the offending key, e.g. ``phases[1].label_de``.
    """
    model = load_config(source, schema="journey_model")
    return _check_semantics(dict(model), path=source if isinstance(source, (str, Path)) else None)


def register(source) -> str:
    """Register a user-defined model (YAML path or dict) so that :func:`get`, :func:`list`
    and crosswalks know it. Returns its id."""
    model = load_model(source)
    _user_models[model["id"]] = model
    return model["id"]


def list_models() -> list[str]:
    """Ids of all available models (shipped and registered), sorted."""
    shipped = [p.stem for p in _MODEL_DIR.glob("*.yaml") if not p.stem.startswith("_")]
    return sorted(set(shipped) | set(_user_models))


def get(model) -> dict:
    """Return a model dict by id, by YAML path, or pass a loaded model through."""
    if isinstance(model, dict):
        return model
    if model in _user_models:
        return _user_models[model]
    path = _MODEL_DIR / f"{model}.yaml"
    if path.is_file():
        return _load_shipped(str(model))
    if str(model).endswith((".yaml", ".yml")) and Path(model).is_file():
        return load_model(model)
    raise ParameterError("model", model, allowed=list_models())


_shipped_cache: dict[str, dict] = {}


def _load_shipped(model_id: str) -> dict:
    if model_id not in _shipped_cache:
        _shipped_cache[model_id] = load_model(_MODEL_DIR / f"{model_id}.yaml")
    return _shipped_cache[model_id]


def phases(model, lang: str | None = None) -> pd.DataFrame:
    """The phases of *model* as a tidy frame, in journey order.

    Columns: model, phase, order, label_de, label_en, description_de, description_en,
    question_de, question_en, canonical (";"-joined); with *lang*, also ``label``.
    """
    m = get(model)
    rows = [{"model": m["id"], "phase": p["id"], "order": p["order"],
             "label_de": p["label_de"], "label_en": p["label_en"],
             "description_de": p.get("description_de", ""), "description_en": p.get("description_en", ""),
             "question_de": p.get("question_de", ""), "question_en": p.get("question_en", ""),
             "canonical": ";".join(p["canonical"])} for p in m["phases"]]
    out = pd.DataFrame(rows)
    if lang is not None:
        i18n.check_lang(lang)
        out["label"] = out[f"label_{lang}"]
    return out


def phase_categories(model) -> pd.CategoricalDtype:
    """Ordered categorical dtype of the phase ids of *model* (journey order)."""
    return pd.CategoricalDtype([p["id"] for p in get(model)["phases"]], ordered=True)


def phase_labels(model, lang: str = "de") -> dict[str, str]:
    """Mapping phase id -> label in *lang*."""
    return i18n.phase_labels(get(model), lang)


def canonical_to_phase(model) -> dict[str, str]:
    """Mapping canonical stage -> the phase of *model* that covers it (first by order)."""
    out: dict[str, str] = {}
    for p in get(model)["phases"]:
        for s in p["canonical"]:
            out.setdefault(s, p["id"])
    return out


def crosswalk(from_model, to_model) -> pd.DataFrame:
    """Map every phase of *from_model* onto phases of *to_model* through the canonical axis.

    Returns
    -------
    DataFrame
        from_model, from_phase, to_model, to_phase, shared (";"-joined canonical stages),
        weight (share of the from-phase's canonical stages that fall into to_phase; sums to 1
        per from_phase), primary (True for the to_phase with the largest weight, earliest on ties).
    """
    a, b = get(from_model), get(to_model)
    rows = []
    for pa in a["phases"]:
        stages = pa["canonical"]
        for pb in b["phases"]:
            shared = [s for s in stages if s in pb["canonical"]]
            if shared:
                rows.append({"from_model": a["id"], "from_phase": pa["id"], "to_model": b["id"],
                             "to_phase": pb["id"], "to_order": pb["order"], "shared": ";".join(shared),
                             "weight": len(shared) / len(stages)})
    out = pd.DataFrame(rows)
    best = out.sort_values(["from_phase", "weight", "to_order"], ascending=[True, False, True])
    out["primary"] = out.index.isin(best.groupby("from_phase", sort=False).head(1).index)
    return out.drop(columns="to_order")


def translate(frame: pd.DataFrame, from_model, to_model, *, column: str = "phase",
              how: str = "primary") -> pd.DataFrame:
    """Re-express a phase column coded in *from_model* in *to_model*.

    Parameters
    ----------
    frame : DataFrame
        Tidy frame with a phase column in *from_model*.
    how : {"primary", "split"}
        ``primary`` replaces each phase by its primary counterpart (row count unchanged);
        ``split`` duplicates rows over all counterparts and adds ``crosswalk_weight``
        (weights of one source row sum to 1), for weighted counts.

    Raises
    ------
    CjkitError
        If *frame* holds a phase unknown to *from_model* (the offending values are named).
    """
    if how not in ("primary", "split"):
        raise ParameterError("how", how, allowed=["primary", "split"])
    cw = crosswalk(from_model, to_model)
    known = set(cw["from_phase"])
    values = frame[column].dropna().astype(str)
    unknown = sorted(set(values) - known)
    if unknown:
        raise ParameterError(column, unknown, allowed=sorted(known),
                             message=f"column '{column}' holds phases unknown to model '{get(from_model)['id']}': {unknown}")
    dtype = phase_categories(to_model)
    if how == "primary":
        mapping = dict(cw.loc[cw["primary"], ["from_phase", "to_phase"]].values)
        out = frame.copy()
        out[column] = out[column].astype("string").map(mapping).astype(dtype)
        return out
    out = frame.assign(_from=frame[column].astype("string")).merge(
        cw[["from_phase", "to_phase", "weight"]].rename(columns={"weight": "crosswalk_weight"}),
        left_on="_from", right_on="from_phase", how="left")
    out[column] = out["to_phase"].astype(dtype)
    return out.drop(columns=["_from", "from_phase", "to_phase"])


list = list_models  # noqa: A001 - ``cjkit.catalog.models.list()`` is the documented API
