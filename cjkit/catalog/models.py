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

import builtins
import functools
from pathlib import Path

import pandas as pd

from cjkit.catalog import i18n
from cjkit.catalog.config import DATA, load_config, read_yaml
from cjkit.catalog.types import JourneyModel, Phase  # noqa: F401 - Phase: part of the models API
from cjkit.errors import ConfigError, ParameterError, Problem

_MODEL_DIR = DATA / "models"
_user_models: dict[str, JourneyModel] = {}


@functools.cache
def _canonical() -> tuple[dict, ...]:
    return tuple(read_yaml(_MODEL_DIR / "_canonical.yaml")["stages"])


def canonical_stages() -> pd.DataFrame:
    """The canonical journey axis every model maps onto.

    Returns
    -------
    DataFrame
        id, order, label_de, label_en; one row per canonical stage, in order.

    Examples
    --------
    >>> from cjkit.catalog.models import canonical_stages
    >>> canonical_stages()["id"].head(3).tolist()
    ['awareness', 'information', 'evaluation']
    """
    return pd.DataFrame(builtins.list(_canonical()))


def _problems(model: dict) -> list[Problem]:
    """Checks a schema cannot express: unique ids and orders, full canonical coverage.
    Wrongly typed entries are skipped: the schema reports them."""
    out = []
    phase_list = model.get("phases")
    phase_list = [p for p in phase_list if isinstance(p, dict)] if isinstance(phase_list, builtins.list) else []
    seen_ids: dict = {}
    seen_orders: dict = {}
    for i, ph in enumerate(phase_list):
        pid, order = ph.get("id"), ph.get("order")
        if isinstance(pid, str) and pid in seen_ids:
            out.append(Problem(f"phases[{i}].id", f"duplicate phase id '{pid}' (also phases[{seen_ids[pid]}])"))
        if isinstance(order, int) and order in seen_orders:
            out.append(Problem(f"phases[{i}].order", f"duplicate order {order} (also phases[{seen_orders[order]}])"))
        if isinstance(pid, str):
            seen_ids.setdefault(pid, i)
        if isinstance(order, int):
            seen_orders.setdefault(order, i)
    covered = {s for ph in phase_list if isinstance(ph.get("canonical"), builtins.list) for s in ph["canonical"]}
    missing = [s["id"] for s in _canonical() if s["id"] not in covered]
    if phase_list and missing:
        out.append(Problem("phases[*].canonical",
                           "every canonical stage must belong to some phase so that crosswalks are complete; "
                           f"not covered: {', '.join(missing)}"))
    return out


def load_model(source) -> JourneyModel:
    """Load and validate a journey model from a YAML path or a dict.

    Parameters
    ----------
    source : str, Path, dict or JourneyModel
        Model file, its parsed content, or a loaded model (returned as it is).

    Returns
    -------
    JourneyModel
        Phases sorted by ``order``.

    Raises
    ------
    ConfigError
        Naming the file and every offending key, e.g. ``phases[1].label_de``.

    Examples
    --------
    >>> from cjkit.catalog.models import load_model
    >>> m = load_model({"id": "mini", "name_de": "Mini", "name_en": "Mini", "phases": [
    ...     {"id": "nachher", "order": 2, "label_de": "Nachher", "label_en": "After", "description_de": "",
    ...      "description_en": "", "canonical": ["delivery", "usage", "service", "retention", "advocacy"]},
    ...     {"id": "vorher", "order": 1, "label_de": "Vorher", "label_en": "Before", "description_de": "",
    ...      "description_en": "", "canonical": ["awareness", "information", "evaluation", "decision", "purchase"]}]})
    >>> m.phase_ids
    ('vorher', 'nachher')
    """
    if isinstance(source, JourneyModel):
        return source
    path = source if isinstance(source, (str, Path)) else None
    return JourneyModel.from_dict(load_config(source, schema="journey_model", check=_problems), path=path)


def register(source) -> str:
    """Register a user-defined model so that :func:`get`, :func:`list` and crosswalks know it.

    Parameters
    ----------
    source : str, Path, dict or JourneyModel

    Returns
    -------
    str
        The model id.

    Examples
    --------
    >>> from cjkit.catalog import models
    >>> m = models.get("accra")
    >>> models.register(m)
    'accra'
    """
    model = load_model(source)
    _user_models[model.id] = model
    return model.id


def list_models() -> list[str]:
    """Ids of all available models (shipped and registered), sorted.

    Returns
    -------
    list of str

    Examples
    --------
    >>> from cjkit.catalog.models import list_models
    >>> list_models()[:2]
    ['accra', 'b2b']
    """
    shipped = [p.stem for p in _MODEL_DIR.glob("*.yaml") if not p.stem.startswith("_")]
    return sorted(set(shipped) | set(_user_models))


def get(model) -> JourneyModel:
    """Return a model by id or YAML path; a loaded model or a dict is validated and returned.

    Parameters
    ----------
    model : str, Path, dict or JourneyModel

    Returns
    -------
    JourneyModel

    Raises
    ------
    ParameterError
        Unknown model id (the known ids are listed).

    Examples
    --------
    >>> from cjkit.catalog import models
    >>> models.get("accra").phase_ids
    ('awareness', 'consideration', 'conversion', 'retention', 'advocacy')
    """
    if isinstance(model, (JourneyModel, dict)):
        return load_model(model)
    if model in _user_models:
        return _user_models[model]
    path = _MODEL_DIR / f"{model}.yaml"
    if path.is_file():
        return _load_shipped(str(model))
    if str(model).endswith((".yaml", ".yml")) and Path(model).is_file():
        return load_model(model)
    raise ParameterError("model", model, allowed=list_models())


@functools.cache
def _load_shipped(model_id: str) -> JourneyModel:
    return load_model(_MODEL_DIR / f"{model_id}.yaml")


def phases(model, lang: str | None = None) -> pd.DataFrame:
    """The phases of *model* as a tidy frame, in journey order.

    Parameters
    ----------
    model : str, Path, dict or JourneyModel
    lang : {"de", "en"}, optional
        Adds a ``label`` column in this language.

    Returns
    -------
    DataFrame
        model, phase, order, label_de, label_en, description_de, description_en,
        question_de, question_en, canonical (";"-joined); with *lang*, also ``label``.

    Examples
    --------
    >>> from cjkit.catalog.models import phases
    >>> phases("service", "en")[["phase", "order", "label"]]
              phase  order         label
    0   pre_service      1   Pre-service
    1       service      2       Service
    2  post_service      3  Post-service
    """
    m = get(model)
    rows = [{"model": m.id, "phase": p.id, "order": p.order, "label_de": p.label_de, "label_en": p.label_en,
             "description_de": p.description_de, "description_en": p.description_en,
             "question_de": p.question_de, "question_en": p.question_en,
             "canonical": ";".join(p.canonical)} for p in m.phases]
    out = pd.DataFrame(rows)
    if lang is not None:
        i18n.check_lang(lang)
        out["label"] = out[f"label_{lang}"]
    return out


def phase_categories(model) -> pd.CategoricalDtype:
    """Ordered categorical dtype of the phase ids of *model* (journey order).

    Parameters
    ----------
    model : str, Path, dict or JourneyModel

    Returns
    -------
    pandas.CategoricalDtype
        Ordered, so phases sort and compare in journey order.

    Examples
    --------
    >>> from cjkit.catalog.models import phase_categories
    >>> phase_categories("service").categories.tolist()
    ['pre_service', 'service', 'post_service']
    """
    return pd.CategoricalDtype(get(model).phase_ids, ordered=True)


def phase_labels(model, lang: str = "de") -> dict[str, str]:
    """Mapping phase id -> label in *lang*.

    Parameters
    ----------
    model : str, Path, dict or JourneyModel
    lang : {"de", "en"}

    Returns
    -------
    dict
        In journey order.

    Examples
    --------
    >>> from cjkit.catalog.models import phase_labels
    >>> phase_labels("service", "de")
    {'pre_service': 'Pre-Service', 'service': 'Service', 'post_service': 'Post-Service'}
    """
    return i18n.phase_labels(get(model), lang)


def canonical_to_phase(model) -> dict[str, str]:
    """Mapping canonical stage -> the phase of *model* that covers it (first by order).

    Parameters
    ----------
    model : str, Path, dict or JourneyModel

    Returns
    -------
    dict
        Every canonical stage (a valid model covers them all).

    Examples
    --------
    >>> from cjkit.catalog.models import canonical_to_phase
    >>> canonical_to_phase("accra")["purchase"]
    'conversion'
    """
    out: dict[str, str] = {}
    for p in get(model).phases:
        for s in p.canonical:
            out.setdefault(s, p.id)
    return out


def crosswalk(from_model, to_model) -> pd.DataFrame:
    """Map every phase of *from_model* onto phases of *to_model* through the canonical axis.

    Parameters
    ----------
    from_model, to_model : str, Path, dict or JourneyModel

    Returns
    -------
    DataFrame
        from_model, from_phase, to_model, to_phase, shared (";"-joined canonical stages),
        weight (share of the from-phase's canonical stages that fall into to_phase; sums to 1
        per from_phase), primary (True for the to_phase with the largest weight, earliest on ties).

    Examples
    --------
    >>> from cjkit.catalog.models import crosswalk
    >>> crosswalk("service", "accra").query("from_phase == 'pre_service'")[["to_phase", "weight", "primary"]]
            to_phase  weight  primary
    0      awareness     0.4     True
    1  consideration     0.2    False
    2     conversion     0.4    False
    """
    a, b = get(from_model), get(to_model)
    rows = []
    for pa in a.phases:
        stages = pa.canonical
        for pb in b.phases:
            shared = [s for s in stages if s in pb.canonical]
            if shared:
                rows.append({"from_model": a.id, "from_phase": pa.id, "to_model": b.id,
                             "to_phase": pb.id, "to_order": pb.order, "shared": ";".join(shared),
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

    Returns
    -------
    DataFrame
        A copy of *frame* with *column* in *to_model* (ordered categorical).

    Raises
    ------
    ParameterError
        If *frame* holds a phase unknown to *from_model* (the offending values are named).

    Examples
    --------
    >>> import pandas as pd
    >>> from cjkit.catalog.models import translate
    >>> translate(pd.DataFrame({"phase": ["conversion", "advocacy"]}), "accra", "service")["phase"].tolist()
    ['pre_service', 'post_service']
    """
    if how not in ("primary", "split"):
        raise ParameterError("how", how, allowed=["primary", "split"])
    cw = crosswalk(from_model, to_model)
    known = set(cw["from_phase"])
    values = frame[column].dropna().astype(str)
    unknown = sorted(set(values) - known)
    if unknown:
        raise ParameterError(column, unknown, allowed=sorted(known),
                             message=f"column '{column}' holds phases unknown to model '{get(from_model).id}': {unknown}")
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


# ``cjkit.catalog.models.list()`` is the documented API; inside this module the builtin is
# ``builtins.list``
list = list_models  # noqa: A001
