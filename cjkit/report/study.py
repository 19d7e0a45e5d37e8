"""A study: one survey loaded, validated and scoped, ready for the report notebooks.

This is the one place with real state (the loaded data and its ledger), so it is a
small dataclass; everything else in cjkit stays functions. Notebooks call
:func:`open_study` with their parameters and hand ``study.long`` to the measure
functions.

Examples
--------
>>> from cjkit.report.study import open_study
>>> st = open_study("surveys/demo/spec.yaml", segment="Geschaeftsreisender")  # doctest: +SKIP
>>> st.summary()                                                              # doctest: +SKIP
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from cjkit.quality import ledger as ledger_mod
from cjkit.catalog import models
from cjkit.errors import ConfigError, ParameterError
from cjkit.io.load import load
from cjkit.io.spec import SurveySpec, load_spec

log = logging.getLogger("cjkit.report.study")
ALL = "all"


@dataclass
class Study:
    """A loaded survey: spec, kept respondents (wide and long), the ledger and the scope."""

    spec: SurveySpec
    data_path: Path
    wide: pd.DataFrame
    long: pd.DataFrame
    ledger: pd.DataFrame
    n_input: int
    n_kept: int
    scope: dict = field(default_factory=dict)
    model: str = "accra"

    @property
    def questions(self) -> pd.DataFrame:
        """The spec's question table (question, type, role, phase, touchpoint, scale...)."""
        qt = self.spec.question_table()
        if self.model != self.spec.journey_model:
            qt = models.translate(qt, self.spec.journey_model, self.model)
        return qt

    @property
    def scales(self) -> dict:
        """``{question: (min, max)}`` from the spec, for top/bottom-box definitions."""
        qt = self.spec.question_table().dropna(subset=["scale_min"])
        return {q: (lo, hi) for q, lo, hi in qt[["question", "scale_min", "scale_max"]].itertuples(index=False)}

    def outcome(self, role: str = "overall") -> str:
        """Question id of the outcome with *role* ("overall" or "nps")."""
        ids = [q.id for q in self.spec.questions_with(role=role)]
        if not ids:
            raise ConfigError(f"the spec has no question with role '{role}'", path=self.spec.path)
        return ids[0]

    def summary(self) -> pd.DataFrame:
        """Base sizes: input rows, excluded per check, kept, in scope — checked to add up."""
        ledger_mod.summary(self.ledger, self.n_input, n_kept=self.n_kept)  # raises if rows are unaccounted
        checks = ledger_mod.by_check(self.ledger)
        excluded = checks[checks["action"] == "excluded"]
        rows = [("input_rows", self.n_input)]
        rows += [(f"excluded: {c}", int(n)) for c, n in zip(excluded["check"], excluded["n_rows"])]
        rows += [("kept", self.n_kept), ("in_scope", int(self.wide.shape[0]))]
        return pd.DataFrame(rows, columns=["measure", "n"])


def _resolve_data(spec: SurveySpec, data) -> Path:
    if data:
        path = Path(data)
        return path if path.is_absolute() else Path.cwd() / path
    if spec.data_path is None:
        raise ParameterError("data", data, message="no data file given and the spec names none ('data:')")
    return spec.data_path


def _filter(wide: pd.DataFrame, column: str | None, value, what: str) -> pd.DataFrame:
    if value in (None, "", ALL):
        return wide
    if column not in wide.columns:
        raise ParameterError(what, column, allowed=list(wide.columns))
    values = wide[column].astype("string")
    if str(value) not in set(values.dropna()):
        raise ParameterError(what, value, allowed=sorted(values.dropna().unique()),
                             message=f"no respondent has {column} = {value!r}")
    return wide[values == str(value)]


def open_study(spec, data: str | None = None, *, model: str | None = None,
               segment_column: str | None = None, segment: str = ALL, wave: str = ALL) -> Study:
    """Load, validate and scope a survey.

    Parameters
    ----------
    spec : str, Path, dict or SurveySpec
        Survey spec (YAML path) or a spec from :func:`cjkit.io.spec.load_spec`.
    data : str, optional
        Data file; default the spec's ``data`` (relative to the spec).
    model : str, optional
        Journey model to report in; phases are translated through the crosswalk.
    segment_column, segment : str
        Keep only respondents whose *segment_column* equals *segment* (``"all"``: everyone).
    wave : str
        Keep only this wave (``"all"``: every wave).

    Returns
    -------
    Study
        With ``n_input = n_kept + excluded`` recorded in the ledger; the scope filter is
        reported separately (``summary()``), it is not a data-quality exclusion.
    """
    spec = load_spec(spec)
    path = _resolve_data(spec, data)
    loaded = load(path, spec)
    seg_col = segment_column or (spec.segments[0] if spec.segments else None)
    scoped = _filter(loaded.wide, seg_col, segment, "segment")
    scoped = _filter(scoped, spec.wave, wave, "wave")
    long = loaded.long[loaded.long["respondent_id"].isin(scoped["respondent_id"])].reset_index(drop=True)
    target = model or spec.journey_model
    if target != spec.journey_model:
        long = models.translate(long, spec.journey_model, target)
    log.info("%s: %d input rows, %d kept, %d in scope", path.name, loaded.n_input, len(loaded.wide), len(scoped))
    return Study(spec=spec, data_path=path, wide=scoped, long=long, ledger=loaded.ledger,
                 n_input=loaded.n_input, n_kept=len(loaded.wide),
                 scope={"segment_column": seg_col, "segment": segment, "wave": wave}, model=target)


def grid_values(parameters: dict, name: str) -> list:
    """Expand ``'@values'`` in a batch grid: the distinct values of a segment or wave column."""
    spec = load_spec(parameters["spec"])
    column = {"segment": parameters.get("segment_column") or (spec.segments or [None])[0],
              "wave": spec.wave}.get(name, name)
    st = open_study(spec, parameters.get("data") or None)
    full = st.wide
    if column not in full.columns:
        raise ParameterError(name, column, allowed=list(full.columns))
    return sorted(full[column].dropna().astype(str).unique())


def run_context(parameters: dict) -> dict:
    """Run-level facts for a batch manifest: the data-quality ledger summary of the input."""
    st = open_study(parameters["spec"], parameters.get("data") or None)
    totals = ledger_mod.summary(st.ledger, st.n_input, n_kept=st.n_kept).iloc[0]
    checks = ledger_mod.by_check(st.ledger)
    excluded = checks[checks["action"] == "excluded"]
    return {"ledger_summary": {"data": st.data_path.name, **{k: int(v) for k, v in totals.items()},
                               "excluded_by_reason": dict(zip(excluded["check"], excluded["n_rows"].astype(int)))}}
