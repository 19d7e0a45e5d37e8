"""Identity stitching: touches of one customer on several devices or cookies become one customer.

An id-mapping table (device id / cookie id -> customer id, e.g. from logins or a CRM match) is
applied to the event log before journeys are built. Every touch whose id is replaced is recorded
in the shared ledger (:mod:`cjkit.quality.ledger`) as ``value_changed`` with old and new id, so the
merge can be audited and undone.
"""
from __future__ import annotations

import logging

import pandas as pd

from cjkit.errors import DataError
from cjkit.io.eventbase import PathInput
from cjkit.io.journey_rules import order_touches
from cjkit.quality import ledger as _ledger_mod

log = logging.getLogger("cjkit.paths.stitching")


def _text(s: pd.Series) -> pd.Series:
    if pd.api.types.is_float_dtype(s) and (s.dropna() % 1 == 0).all():
        s = s.astype("Int64")
    return s.astype("string").str.strip().replace("", pd.NA)


def clean_id_map(id_map: pd.DataFrame, *, id_column: str = "id", customer_column: str = "customer_id",
                 file=None) -> pd.DataFrame:
    """The id mapping as trimmed text (columns ``id``, ``customer_id``); DataError for a clash or missing column."""
    for c in (id_column, customer_column):
        if c not in id_map:
            raise DataError(f"id mapping lacks column '{c}'; available: {', '.join(map(str, id_map.columns))}",
                            file=file, column=c)
    m = pd.DataFrame({"id": _text(id_map[id_column]), "customer_id": _text(id_map[customer_column])})
    m = m.dropna().drop_duplicates().reset_index(drop=True)
    clash = m[m["id"].duplicated(keep=False)]
    if len(clash):
        ids = ", ".join(sorted(clash["id"].unique())[:5])
        raise DataError(f"the id mapping sends an id to two customers: {ids}", file=file, column=id_column)
    return m


def stitch_identities(events, *, id_map: pd.DataFrame, id_column: str = "id",
                      customer_column: str = "customer_id", file=None) -> PathInput:
    """Replace device/cookie ids in an event log by the customer ids of an id-mapping table.

    Parameters
    ----------
    events : DataFrame or PathInput
        ``data`` of :func:`cjkit.io.events.read_events` (or the PathInput itself, whose ledger is kept).
    id_map : DataFrame
        One row per known id: *id_column* (the device or cookie id as in the log's ``customer_id``)
        and *customer_column* (the customer it belongs to).
    id_column, customer_column : str
        Columns of *id_map*.
    file : str, optional
        Name of the mapping file, for the ledger.

    Returns
    -------
    PathInput
        ``data`` with stitched ``customer_id`` (and the original in ``source_id``), re-sorted by
        customer and time; ``ledger``: the input ledger plus one ``identity_stitched`` entry per
        touch whose id changed (its input ``row`` from :func:`cjkit.io.events.read_events`, else its
        1-based position in *events*).

    Raises
    ------
    DataError
        If the mapping lacks a column or sends one id to two customers (the message names the ids).

    Examples
    --------
    >>> import pandas as pd
    >>> from cjkit.paths.stitching import stitch_identities
    >>> ev = pd.DataFrame({"customer_id": ["cookie1", "c9", "cookie2"], "channel": ["ad", "mail", "shop"],
    ...                    "timestamp": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03"], utc=True)})
    >>> m = pd.DataFrame({"id": ["cookie1", "cookie2"], "customer_id": ["c9", "c9"]})
    >>> res = stitch_identities(ev, id_map=m)
    >>> res.data["customer_id"].tolist(), res.ledger["old_value"].tolist()
    (['c9', 'c9', 'c9'], ['cookie1', 'cookie2'])
    """
    led_in, n_input = (events.ledger, events.n_input) if isinstance(events, PathInput) else (None, None)
    data = events.data if isinstance(events, PathInput) else events
    m = clean_id_map(id_map, id_column=id_column, customer_column=customer_column, file=file)
    out = data.reset_index(drop=True).copy()
    src = out["customer_id"].astype("string")
    new = src.map(m.set_index("id")["customer_id"]).astype("string")
    changed = new.notna() & (new != src)
    out["source_id"] = src
    out["customer_id"] = new.where(changed, src).astype("string")
    rows = out.loc[changed, "row"] if "row" in out else pd.Series(out.index[changed] + 1)
    entries = _ledger_mod.entries(file=file, rows=rows.astype(int).tolist(), check="identity_stitched",
                                  action="value_changed", reason="device/cookie id merged into its customer",
                                  column="customer_id", old_values=src[changed].tolist(),
                                  new_values=out.loc[changed, "customer_id"].tolist())
    log.info("%d touches of %d ids stitched to customers", int(changed.sum()), src[changed].nunique())
    out = order_touches(out)  # the tie rule of every journey
    ledger = _ledger_mod.concat(*([led_in] if led_in is not None else []), entries)
    return PathInput(out, ledger, n_input if n_input is not None else len(out))
