"""Every event row the file route leaves out, with file, row and reason, in the shared ledger.

The checks are those of :mod:`cjkit.paths.eventsql` (mirroring :func:`cjkit.io.events.read_events`);
the lookback and conversion window of the journey rules add their own entries. Only the excluded
rows reach pandas, so the ledger stays small however large the files are.
"""
from __future__ import annotations

import logging
from typing import NamedTuple

import pandas as pd

from cjkit.io import journey_rules as _rules
from cjkit.paths import buckets as _buckets
from cjkit.paths import eventsql as _sql
from cjkit.paths import stitching as _stitch
from cjkit.paths.scanbase import _steps_sql
from cjkit.quality import ledger as _ledger_mod

log = logging.getLogger("cjkit.paths.bigpaths")


class ScanLedger(NamedTuple):
    """Row accounting of a scan.

    Attributes
    ----------
    ledger : DataFrame
        Excluded rows in the :mod:`cjkit.quality.ledger` format (file, row, column, check, reason, ...).
    n_input : int
        Data rows in all files.
    n_kept : int
        Rows the path functions use.
    """

    ledger: pd.DataFrame
    n_input: int
    n_kept: int

    @property
    def summary(self) -> pd.DataFrame:
        """Row accounting (:func:`cjkit.quality.ledger.summary`); raises if a row is unaccounted for."""
        return _ledger_mod.summary(self.ledger, self.n_input, n_kept=self.n_kept)


def scan_ledger(source, *, columns: dict | None = None, drop_duplicates: bool = True,
                identity_map: pd.DataFrame | None = None, rules: dict | None = None, con=None) -> ScanLedger:
    """Every input row the path functions leave out of a file source, with file, row and reason.

    The checks are those of :func:`cjkit.io.events.read_events`: customer id, channel, a readable
    timestamp, a conversion flag and value that can be read, and duplicates. Only the excluded rows
    reach pandas, so the ledger stays small however large the files are.

    Parameters
    ----------
    source : str, Path or list
        Event files (CSV or Parquet), globs allowed.
    columns : dict, optional
        cjkit name -> source column (``customer_id``, ``timestamp``, ``channel``, ``conversion``, ...).
    drop_duplicates : bool
        Exclude duplicates (the first in file order is kept).
    identity_map : DataFrame, optional
        Columns ``id`` and ``customer_id``: kept touches whose id it replaces are listed as
        ``identity_stitched`` (``value_changed``), as by :func:`cjkit.paths.stitch_identities`.
    rules : dict, optional
        The journey rules of the path functions: touches left out by ``lookback`` are listed as
        ``outside_lookback`` (excluded), conversions not credited under ``conversion_window`` as
        ``outside_conversion_window`` (conversion 1 -> 0), as by :func:`cjkit.paths.load_journeys`.
    con : duckdb connection, optional
        From :func:`scan_connection`.

    Returns
    -------
    ScanLedger
        ``ledger``, ``n_input``, ``n_kept`` and the ``summary`` of the accounting.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from cjkit.paths.bigpaths import scan_ledger
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "events.csv"
    >>> _ = f.write_text("customer_id,timestamp,channel,conversion\\nu1,2024-01-01,email,0\\n,2024-01-02,email,0\\n"
    ...                  "u2,someday,search,0\\nu2,2024-01-03,,0\\nu2,2024-01-04,shop,2\\n", encoding="utf-8")
    >>> acc = scan_ledger(str(f))
    >>> acc.ledger[["row", "column", "check"]].values.tolist()
    [[2, 'customer_id', 'missing_customer_id'], [3, 'timestamp', 'bad_timestamp'], [4, 'channel', 'missing_channel'], [5, 'conversion', 'bad_conversion']]
    >>> acc.summary[["n_input", "n_kept", "n_excluded"]].values.tolist()
    [[5, 1, 4]]
    """
    paths = _sql.files(source)
    cols, _ = _sql.resolve(paths, columns)
    tables = {} if identity_map is None else {_sql.ID_MAP: _stitch.clean_id_map(identity_map)}
    new_id = (f"CASE WHEN t.why IS NULL AND m.customer_id <> t.customer_id THEN m.customer_id END"
              if tables else "CAST(NULL AS VARCHAR)")
    join = f"LEFT JOIN {_sql.ID_MAP} m ON t.customer_id = m.id" if tables else ""
    # per customer bucket like the path functions (duplicates never span customers); each bucket's
    # first row carries its row count
    frames, _ = _buckets.run_all(con, lambda b: f"""WITH {_sql.checked_sql(
        paths, columns, drop_duplicates=drop_duplicates, bucket=b, identity_map=bool(tables))}
    SELECT t._file, t._row, t.customer_id AS rid, t.why, t.ts_text, t.conv_text, t.value_text,
           {new_id} AS new_id, COUNT(*) OVER () AS n_input, ROW_NUMBER() OVER () = 1 AS first FROM typed t {join}
    QUALIFY t.why IS NOT NULL OR new_id IS NOT NULL OR first""", paths, tables)
    got = pd.concat(frames, ignore_index=True)
    n_input = int(got.loc[got["first"], "n_input"].sum())
    bad = got[got["why"].notna()]
    parts = []
    for fi, grp in got[got["new_id"].notna()].groupby("_file", sort=False):
        parts.append(_ledger_mod.entries(file=paths[int(fi)], rows=grp["_row"].astype(int).tolist(),
                                         check="identity_stitched", action="value_changed",
                                         reason="device/cookie id merged into its customer", column=cols["customer_id"],
                                         old_values=grp["rid"].tolist(), new_values=grp["new_id"].tolist(),
                                         respondent_ids=grp["rid"].tolist()))
    old_of = {"timestamp": "ts_text", "conversion": "conv_text", "value": "value_text", "customer_id": "rid"}
    for (fi, why), grp in bad.groupby(["_file", "why"], sort=False):
        reason, name = _sql.CHECKS[why]
        old = grp[old_of[name]].tolist() if name in old_of else None
        parts.append(_ledger_mod.entries(file=paths[int(fi)], rows=grp["_row"].astype(int).tolist(), check=why,
                                         action="excluded", reason=reason, column=cols[name], old_values=old,
                                         respondent_ids=grp["rid"].tolist()))
    rules = {**(rules or {}), "drop_duplicates": drop_duplicates, "identity_map": identity_map}
    if rules.get("lookback") is not None or rules.get("conversion_window") is not None:
        parts.append(_window_ledger(paths, cols, columns, rules, con))
    led = _ledger_mod.concat(*parts)
    led = led.sort_values(["file", "row"], kind="stable").reset_index(drop=True)
    n_excluded = int((led["action"] == "excluded").sum())
    if n_excluded:
        log.warning("%d of %d event rows excluded (see ledger)", n_excluded, n_input)
    return ScanLedger(led, n_input, n_input - n_excluded)


def _window_ledger(paths, cols, columns, rules, con) -> pd.DataFrame:
    """Ledger entries of the lookback and conversion window, per customer bucket (as the path functions)."""
    _, steps, tables = _steps_sql(paths, columns, None, {k: v for k, v in rules.items() if v is not None})
    lookback = rules.get("lookback")
    left = ("SELECT _file, _row, customer_id, 'lb' AS why FROM (SELECT *, MAX(ts) OVER (PARTITION BY journey_id) "
            f"AS j_end FROM j) WHERE epoch(j_end) - epoch(ts) > {_rules.duration_seconds(lookback, 'lookback')}"
            if lookback is not None else "SELECT 0 AS _file, 0 AS _row, '' AS customer_id, 'lb' AS why WHERE FALSE")
    frames, _ = _buckets.run_all(con, lambda b: f"""WITH {steps(b)}
    {left} UNION ALL
    SELECT s._file, s._row, s.customer_id, 'cw' FROM steps s JOIN journeys USING (journey_id)
    WHERE s.conversion = 1 AND journeys.conversions = 0""", paths, tables)
    got = pd.concat(frames, ignore_index=True).rename(columns={"_row": "row"})
    parts = [_rules.rule_entries(grp[grp["why"] == "lb"], grp[grp["why"] == "cw"], lookback=lookback,
                                 conversion_window=rules.get("conversion_window"), file=paths[int(fi)], columns=cols)
             for fi, grp in got.groupby("_file", sort=True)]
    return _ledger_mod.concat(*parts)
