r"""Load a survey or feedback export into cjkit's two views, with the quality ledger.

:func:`load` reads any supported file (format detected), applies the survey spec when one is
given, runs :func:`cjkit.quality.validate.validate` and returns a :class:`Loaded` with ``wide``
(kept respondents), ``long`` (tidy, via :func:`cjkit.io.spec.to_long`), ``ledger`` and
``meta``. Respondents on the survey's erasure list (:mod:`cjkit.io.erasure`) are dropped
right after reading, with a ledger entry per row that names neither the id nor a value.
Rows excluded while reading (ragged rows) and values changed while reading
(SPSS user-missing) are in the same ledger, so ``n_input == n_kept + n_excluded`` holds for
the file as a whole.

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> from cjkit.io.load import load
>>> spec = {"survey": "t", "respondent_id": "id", "questions": [
...     {"id": "q1", "type": "rating", "scale": {"min": 1, "max": 5}, "missing": [9]}]}
>>> with tempfile.TemporaryDirectory() as tmp:
...     _ = (Path(tmp) / "t.csv").write_text("id,q1\na,4\nb,9\nb,5\nc,\n", encoding="utf-8")
...     data = load(Path(tmp) / "t.csv", spec)
>>> data.summary
   n_input  n_kept  n_excluded  n_values_changed  n_flagged
0        4       2           2                 1          0
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from cjkit.quality import ledger as ledger_mod
from cjkit.io import erasure, readers
from cjkit.errors import DataError, ParameterError
from cjkit.io.readers import spss
from cjkit.io.spec import SurveySpec, check_columns, load_spec, to_long
from cjkit.quality.validate import check as run_checks


@dataclass
class Loaded:
    """The loaded data set.

    Attributes
    ----------
    wide : DataFrame
        Kept respondents, one row each, index ``row`` = 1-based data row of the file; source
        columns plus ``respondent_id`` (string).
    long : DataFrame or None
        Tidy frame (respondent_id, question, item, type, role, value, text, missing_reason,
        phase, touchpoint, weight, ...) of the kept rows; None without a spec.
    ledger : DataFrame
        Every exclusion, value change and flag (:data:`cjkit.quality.ledger.COLUMNS`).
    meta : dict
        Reader metadata (format, encoding, header rows, question texts, value labels, ...).
    spec : SurveySpec or None
        The applied, validated spec.
    n_input : int
        Data rows in the file, including rows the reader could not use.

    Examples
    --------
    See :func:`load`, which builds it.
    """

    wide: pd.DataFrame
    long: pd.DataFrame | None
    ledger: pd.DataFrame
    meta: dict
    spec: SurveySpec | None = None
    n_input: int = field(default=0)

    @property
    def summary(self) -> pd.DataFrame:
        """Row accounting (n_input, n_kept, n_excluded, n_values_changed, n_flagged); raises if
        any row is unaccounted for."""
        return ledger_mod.summary(self.ledger, self.n_input, n_kept=len(self.wide))


def _reader_ledger(meta: dict, file, ids: pd.Series | None) -> pd.DataFrame:
    parts = []
    issues = meta["issues"]
    for (check, action), grp in issues.groupby(["check", "action"], sort=False) if len(issues) else []:
        parts.append(ledger_mod.entries(file=file, rows=grp["row"].astype(int), check=check, action=action,
                                        reason=grp["reason"].to_numpy(), column=grp["column"].to_numpy(),
                                        old_values=grp["old_value"].to_numpy()))
    miss = meta["missing_values"]
    if len(miss):
        rid = None if ids is None else ids.reindex(miss["row"].to_numpy()).to_numpy()
        parts.append(ledger_mod.entries(file=file, rows=miss["row"].astype(int), check="user_missing",
                                        action="value_changed", reason=miss["reason"].to_numpy(),
                                        column=miss["column"].to_numpy(), old_values=miss["old_value"].to_numpy(),
                                        respondent_ids=rid))
    return ledger_mod.concat(*parts)


def _check_columns(wide: pd.DataFrame, spec: SurveySpec, path: Path) -> None:
    """The spec's columns must be in the data. When hardly any is, the file is probably not the
    survey export at all ('data:' pointing elsewhere): the message names the resolved file but
    quotes nothing from it, since its first line could be anything."""
    try:
        check_columns(wide, spec, file=path.name)
    except DataError as err:
        required = spec.required_columns()
        found = sum(c in wide.columns for c in required)
        if found * 2 >= len(required):
            raise
        named = ", named by the spec's 'data:'" if spec.data_path == path else ""
        raise DataError(f"{found} of the spec's {len(required)} columns are in this file; is it the survey "
                        f"export? (read from {path.resolve()}{named})", file=path.name, column=err.column) from None


def _apply_erasure(wide: pd.DataFrame, rid: pd.Series, list_file, file: str):
    """Drop the respondents on the erasure list; the ledger gets their rows, no id, no values."""
    gone = erasure.erased(rid, list_file)
    if not gone.any():
        return wide, rid, ledger_mod.empty()
    led = ledger_mod.entries(file=file, rows=wide.index[gone.to_numpy()].astype(int), check="erased",
                             action="excluded", reason="erasure request (on the erasure list)")
    return wide[~gone.to_numpy()], rid[~gone], led


LOAD_OPTIONS = ("path", "spec", "format", "validate", "actions")


def _check_load_options(reader_options: dict) -> None:
    """A misspelt option of load itself (``validat=False``) would otherwise be reported as an
    unknown reader option; name the option of load it resembles."""
    known = set().union(*(readers.options(f) for f in readers.formats()))
    for key, value in reader_options.items():
        close = difflib.get_close_matches(key, LOAD_OPTIONS, n=1, cutoff=0.75)
        if key not in known and close:
            raise ParameterError(key, value, allowed=list(LOAD_OPTIONS) + ["reader options: " + ", ".join(sorted(known))],
                                 message=f"unknown option {key!r} for load (did you mean '{close[0]}'?)")


def load(path=None, spec=None, *, format: str = "auto", validate: bool = True, actions=None,  # noqa: A002
         **reader_options) -> Loaded:
    r"""Read *path*, apply *spec*, validate, and return the wide and long views with the ledger.

    Parameters
    ----------
    path : str or Path, optional
        The export. Default: the spec's ``data`` entry (relative to the spec file).
    spec : str, Path, dict or SurveySpec, optional
        Survey spec (YAML path, its parsed content, or the result of :func:`cjkit.io.spec.load_spec`).
    format : str
        Reader name (see :func:`cjkit.io.readers.formats`) or ``"auto"`` (spec ``format`` or detected).
    validate : bool
        Run the quality checks (default True); False only records what the reader found.
    actions : dict, optional
        Passed to :func:`cjkit.quality.validate.validate` (flag instead of exclude).
    **reader_options
        Passed to the reader, e.g. ``qsf=`` (Qualtrics), ``sheet=`` (Excel), ``encoding=``.

    Raises
    ------
    DataError
        Unreadable file, or spec columns missing in the data (naming file and column).

    Returns
    -------
    Loaded
        ``wide``, ``long``, ``ledger``, ``meta``, ``spec`` and ``summary``;
        ``n_input == n_kept + n_excluded`` is checked before it is returned.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from cjkit.io.load import load
    >>> spec = {"survey": "t", "respondent_id": "id", "questions": [
    ...     {"id": "q1", "type": "rating", "scale": {"min": 1, "max": 5}, "phase": "retention"}]}
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     _ = (Path(tmp) / "t.csv").write_text("id,q1\na,4\nb,7\n", encoding="utf-8")
    ...     data = load(Path(tmp) / "t.csv", spec)
    >>> data.long[["respondent_id", "value", "missing_reason", "phase"]]
      respondent_id  value               missing_reason      phase
    0             a    4.0                         <NA>  retention
    1             b    NaN  out of range: 7 not in 1..5  retention
    >>> data.ledger[["row", "check", "action", "old_value"]]
       row         check          action old_value
    0    2  out_of_range   value_changed         7
    """
    _check_load_options(reader_options)
    spec = load_spec(spec) if spec is not None else None
    if path is None:
        if spec is None or spec.data_path is None:
            raise DataError("no data file given and the spec has no 'data' entry")
        path = spec.data_path
    path = Path(path)
    if format == "auto" and spec and spec.format:
        format = spec.format
    res = readers.read(path, format=format, **reader_options)
    wide, meta = res.wide, res.meta
    id_col = spec.respondent_id if spec else meta.get("id_column")
    if id_col == "respondent_id" and id_col not in wide:
        id_col = None  # the spec asks for the generated id: the data row number
    if spec:
        _check_columns(wide if id_col else wide.assign(respondent_id=""), spec, path)
    if id_col and id_col in wide:
        rid = wide[id_col].astype("string")
    else:
        rid = pd.Series(wide.index.astype(str), index=wide.index, dtype="string")
    if id_col != "respondent_id":
        # concat rather than insert: wide frames of text columns are one block per column
        wide = pd.concat([wide.drop(columns="respondent_id", errors="ignore"), rid.rename("respondent_id")], axis=1)
    # respondents on the survey's erasure list leave before any check, coding or copy sees them
    n_read = len(wide)
    wide, rid, erased_led = _apply_erasure(wide, rid, erasure.list_path(spec, path), path.name)
    # SPSS labels are categories in `wide`; scoring needs the codes back
    scoring = spss.codes(wide, meta["value_labels"]) if meta["format"] == "spss" else wide
    read_ledger = _reader_ledger(meta, path.name, rid)
    if len(erased_led):  # reader notes on erased rows would carry their values
        read_ledger = read_ledger[~read_ledger["row"].isin(erased_led["row"])]
    if validate:
        kept, led, long = run_checks(scoring, spec, file=path.name, actions=actions)
    else:
        kept, led = scoring, ledger_mod.empty()
        long = to_long(kept, spec, file=path.name) if spec else None
    n_input = meta["n_input"] if meta["n_input"] is not None else n_read
    out = Loaded(wide=wide if len(kept) == len(wide) else wide.loc[kept.index], long=long, ledger=ledger_mod.concat(read_ledger, erased_led, led), meta=meta,
                 spec=spec, n_input=int(n_input))
    out.summary  # noqa: B018 - raises if a row is unaccounted for
    return out
