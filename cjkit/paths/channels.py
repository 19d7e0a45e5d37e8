"""Map analytics channel names (``organic_google``, ``paid_google_cpc``, ``email``, ``blog``) to
touchpoints of the catalog and to journey phases.

The rules are data: a YAML channel map (``cjkit/data/channels/default.yaml``, schema
``channel_map``) with ordered regex/alias rules, each naming a touchpoint id of the touchpoint
catalog and optionally the canonical stage the touch stands for. Phases follow from the canonical
stage through the journey model (``cjkit.catalog.models``), exactly as survey questions do, so path
results and survey results share the same phase axis.
"""
from __future__ import annotations

import functools
import logging
import re
from pathlib import Path

import pandas as pd

from cjkit.catalog import models as _models
from cjkit.catalog import touchpoints as _touchpoints
from cjkit.catalog.config import DATA, load_config, read_yaml
from cjkit.catalog.i18n import check_lang
from cjkit.errors import ConfigError, ParameterError

log = logging.getLogger("cjkit.paths.channels")
MAP_COLUMNS = ["channel", "touchpoint", "canonical_stage", "phase", "rule"]


def _norm(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", str(name).strip().lower())


@functools.cache
def _catalog(catalog_id: str) -> pd.DataFrame:
    """Touchpoint catalog as a frame (id, canonical_stages, aliases), via the lead's loader when present."""
    loader = getattr(_touchpoints, "load", None)
    if loader is not None and catalog_id == "default":
        tp = loader()
        return tp[["id", "canonical_stages", "aliases_de", "aliases_en"]].astype("string")
    raw = read_yaml(DATA / "touchpoints" / f"{catalog_id}.yaml")
    return pd.DataFrame([{"id": t["id"], "canonical_stages": ";".join(t["canonical"]),
                          "aliases_de": ";".join(t.get("aliases_de", [])),
                          "aliases_en": ";".join(t.get("aliases_en", []))} for t in raw["touchpoints"]]).astype("string")


def load_channel_map(source="default") -> dict:
    """Load and check a channel map (id of a shipped map, YAML path or dict).

    Raises
    ------
    ConfigError
        Naming the file and key (``rules[2].touchpoint``) when a rule names an unknown touchpoint
        or has an invalid regular expression.

    Parameters
    ----------
    source : str, Path or dict
        Id of a shipped map (``"default"``), a YAML file or a parsed map.

    Returns
    -------
    dict
        The map with its rules compiled.

    Examples
    --------
    >>> from cjkit.paths.channels import load_channel_map
    >>> m = load_channel_map()
    >>> m["rules"][0]["id"]
    'unmapped'
    """
    path = None
    if isinstance(source, str) and not source.endswith((".yaml", ".yml")):
        path = DATA / "channels" / f"{source}.yaml"
        if not path.is_file():
            shipped = sorted(p.stem for p in (DATA / "channels").glob("*.yaml"))
            raise ParameterError("channel_map", source, allowed=shipped)
        source = path
    elif isinstance(source, (str, Path)):
        path = Path(source)
    cmap = dict(load_config(source, schema="channel_map"))
    known = set(_catalog(cmap.get("touchpoint_catalog", "default"))["id"])
    compiled = []
    for i, rule in enumerate(cmap["rules"]):
        if rule["touchpoint"] is not None and rule["touchpoint"] not in known:
            raise ConfigError(f"unknown touchpoint '{rule['touchpoint']}'; expected an id of the touchpoint "
                              f"catalog ({', '.join(sorted(known))})", path=path, key=f"rules[{i}].touchpoint")
        try:
            rx = re.compile(rule["pattern"], re.IGNORECASE) if "pattern" in rule else None
        except re.error as exc:
            raise ConfigError(f"invalid regular expression: {exc}", path=path, key=f"rules[{i}].pattern") from None
        compiled.append({**rule, "_rx": rx, "_aliases": {_norm(a) for a in rule.get("aliases", [])}})
    cmap["rules"] = compiled
    return cmap


def _phase_lookup(model) -> dict[str, str]:
    if model is None:
        return {}
    helper = getattr(_models, "canonical_to_phase", None)
    if helper is not None:
        return helper(model)
    out: dict[str, str] = {}
    for ph in _models.get(model).phases:  # in journey order
        for s in ph.canonical:
            out.setdefault(s, ph.id)
    return out


def map_channels(channels, *, channel_map="default", model: str | dict | None = "accra") -> pd.DataFrame:
    """Map distinct channel names to touchpoint, canonical stage and phase.

    Parameters
    ----------
    channels : iterable of str
        Channel names as in the data (duplicates are fine).
    channel_map : str, Path or dict
        Shipped map id, YAML file or parsed map.
    model : str or dict, optional
        Journey model for the ``phase`` column; ``None`` leaves it empty.

    Returns
    -------
    DataFrame
        channel, touchpoint, canonical_stage, phase (ordered categorical of the model), rule
        (rule id, ``touchpoint_id``/``catalog_alias`` for catalog fall-backs, ``unmapped``).

    Examples
    --------
    >>> from cjkit.paths.channels import map_channels
    >>> map_channels(["organic_google", "paid_google_cpc", "blog"], model="accra")[["touchpoint", "phase"]].values.tolist()
    [['search', 'awareness'], ['advertising', 'awareness'], ['website', 'awareness']]
    """
    loaded = isinstance(channel_map, dict) and channel_map.get("rules") and "_rx" in channel_map["rules"][0]
    cmap = channel_map if loaded else load_channel_map(channel_map)
    cat = _catalog(cmap.get("touchpoint_catalog", "default"))
    tp_stage = dict(zip(cat["id"], cat["canonical_stages"].str.split(";").str[0]))
    alias = {}
    for _, r in cat.iterrows():
        for a in f"{r['aliases_de']};{r['aliases_en']}".split(";"):
            if a:
                alias.setdefault(_norm(a), r["id"])
    rows = []
    for ch in pd.unique(pd.Series(list(channels), dtype="string").dropna()):
        key, hit = _norm(ch), None
        for rule in cmap["rules"]:
            if key in rule["_aliases"] or (rule["_rx"] is not None and rule["_rx"].fullmatch(key)):
                hit = (rule["touchpoint"], rule.get("canonical") or tp_stage.get(rule["touchpoint"]), rule["id"])
                break
        if hit is None and key in tp_stage:
            hit = (key, tp_stage[key], "touchpoint_id")
        elif hit is None and key in alias:
            hit = (alias[key], tp_stage[alias[key]], "catalog_alias")
        if hit is None or hit[0] is None:
            hit = (None, None, "unmapped" if hit is None else hit[2])
        rows.append({"channel": ch, "touchpoint": hit[0], "canonical_stage": hit[1], "rule": hit[2]})
    out = pd.DataFrame(rows, columns=["channel", "touchpoint", "canonical_stage", "rule"]).astype("string")
    lookup = _phase_lookup(model)
    out["phase"] = out["canonical_stage"].map(lookup, na_action="ignore")
    if model is not None:
        out["phase"] = out["phase"].astype(_models.phase_categories(model))
    unmapped = out.loc[out["touchpoint"].isna(), "channel"].tolist()
    if unmapped:
        log.info("channels without touchpoint: %s", ", ".join(unmapped[:20]))
    return out[MAP_COLUMNS]


def assign_channels(steps: pd.DataFrame, *, channel_map="default",
                    model: str | dict | None = "accra") -> pd.DataFrame:
    """Add touchpoint, canonical_stage and phase columns to a steps (or events) frame.

    No row is dropped; unmapped channels keep ``<NA>`` in the new columns.

    Parameters
    ----------
    steps : DataFrame
        Steps form or event log with a ``channel`` column.
    channel_map : str, Path or dict
        Shipped map id, YAML file or parsed map (:func:`load_channel_map`).
    model : str or dict, optional
        Journey model for the ``phase`` column; ``None`` leaves it empty.

    Returns
    -------
    DataFrame
        *steps* with touchpoint, canonical_stage and phase (ordered categorical of the model).

    Examples
    --------
    >>> import pandas as pd
    >>> from cjkit.paths.channels import assign_channels
    >>> s = pd.DataFrame({"journey_id": ["p1", "p1"], "step": [1, 2], "channel": ["blog", "email"]})
    >>> assign_channels(s)["touchpoint"].tolist()
    ['website', 'email']
    """
    m = map_channels(steps["channel"], channel_map=channel_map, model=model).set_index("channel")
    out = steps.drop(columns=[c for c in ("touchpoint", "canonical_stage", "phase") if c in steps])
    for c in ("touchpoint", "canonical_stage", "phase"):
        out[c] = out["channel"].map(m[c]) if len(m) else pd.NA
    if model is not None:
        out["phase"] = out["phase"].astype(_models.phase_categories(model))
    return out


def node_column(steps: pd.DataFrame, *, min_share: float = 0.5) -> str:
    """``"phase"`` when at least *min_share* of the touches have a phase, else ``"channel"``.

    Lets one report handle mapped real channel names and synthetic ones (``alpha``, ``beta``).

    Parameters
    ----------
    steps : DataFrame
        Steps form after :func:`assign_channels`.
    min_share : float
        Share of touches with a phase needed to analyse at phase level.

    Returns
    -------
    str
        ``"phase"`` or ``"channel"``.

    Examples
    --------
    >>> import pandas as pd
    >>> from cjkit.paths.channels import node_column
    >>> node_column(pd.DataFrame({"channel": ["a"], "phase": [None]}))
    'channel'
    """
    if "phase" not in steps or len(steps) == 0:
        return "channel"
    return "phase" if steps["phase"].notna().mean() >= min_share else "channel"


_SPECIAL = {"(start)": ("Start", "Start"), "(conversion)": ("Konversion", "Conversion"),
            "(null)": ("ohne Konversion", "No conversion"), "(unmapped)": ("nicht zugeordnet", "Unmapped"),
            "(more)": ("weitere Schritte", "More steps"), "(any)": ("alle", "all")}


def node_labels(values, *, lang: str = "de", model: str | dict | None = "accra", catalog: str = "default") -> dict:
    """Display labels for path nodes: phase ids (model), touchpoint ids (catalog), markers such as
    ``(conversion)``; anything else (raw channel names) keeps its name.

    Parameters
    ----------
    values : iterable of str
        Node names (phase ids, touchpoint ids, channel names, markers).
    lang : {"de", "en"}
        Label language.
    model : str or dict, optional
        Journey model naming the phases.
    catalog : str
        Touchpoint catalog id naming the touchpoints.

    Returns
    -------
    dict
        node -> label.

    Examples
    --------
    >>> from cjkit.paths.channels import node_labels
    >>> node_labels(["email", "(null)", "alpha"], lang="en")
    {'email': 'E-mail', '(null)': 'No conversion', 'alpha': 'alpha'}
    """
    check_lang(lang)
    out = {}
    phase = _models.phase_labels(model, lang) if model is not None else {}
    if catalog == "default":
        tp = _touchpoints.labels(lang)  # the catalog's label function, as the survey charts use it
    else:
        raw = read_yaml(DATA / "touchpoints" / f"{catalog}.yaml")
        tp = {t["id"]: t[f"label_{lang}"] for t in raw["touchpoints"]}
    for v in pd.unique(pd.Series(list(values), dtype="string").dropna()):
        if v in _SPECIAL:
            out[v] = _SPECIAL[v][0 if lang == "de" else 1]
        else:
            out[v] = phase.get(v) or tp.get(v) or v
    return out
