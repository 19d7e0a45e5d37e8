"""Journey rules: where a customer's touches are cut into journeys, and which touches count.

The same rules run in SQL for logs larger than memory (:mod:`cjkit.paths.eventsql`); this module
is the in-memory side used by :func:`cjkit.io.events.events_to_steps`.

* **tie rule**: touches are ordered by time; at the same time a conversion comes after the other
  touches, then file (frame) order decides;
* a journey ends at a conversion (``split_on_conversion``), when the session id changes
  (``split_sessions``) or after more than ``session_timeout`` without a touch;
* ``lookback``: touches longer than this before the journey's last touch (its conversion, for
  converting journeys) are left out of the journey;
* ``conversion_window``: a conversion more than this after the journey's first (remaining) touch
  is not credited to it (the journey counts as not converted, its value as 0).

Durations are pandas offsets such as ``"30min"``, ``"7D"``, ``"24h"`` or a ``Timedelta``.
"""
from __future__ import annotations

import pandas as pd

from cjkit.errors import ParameterError
from cjkit.quality import ledger as _ledger

TIE_RULE = "time, then conversion last, then file order"


def duration_seconds(value, name: str) -> float:
    """Seconds of a duration parameter (``"30min"``, ``"7D"``, a Timedelta); ParameterError otherwise.

    Parameters
    ----------
    value : str or Timedelta
        The duration.
    name : str
        Parameter name for the error message.

    Returns
    -------
    float

    Examples
    --------
    >>> from cjkit.io.journey_rules import duration_seconds
    >>> duration_seconds("30min", "session_timeout"), duration_seconds("2D", "lookback")
    (1800.0, 172800.0)
    """
    try:
        secs = pd.Timedelta(value).total_seconds()
    except (ValueError, TypeError):
        secs = float("nan")
    if not secs > 0:
        raise ParameterError(name, value, message=f"{name} must be a positive duration such as '30min', "
                             f"'24h' or '7D'; received {value!r}")
    return secs


def order_touches(ev: pd.DataFrame) -> pd.DataFrame:
    """Sort by customer and the tie rule (time, conversion last, then input ``row`` or the frame's order)."""
    ev = ev.assign(_file_order=ev["row"].to_numpy() if "row" in ev else range(len(ev)))
    key = ["customer_id", "timestamp"] + (["conversion"] if "conversion" in ev else []) + ["_file_order"]
    return ev.sort_values(key, kind="stable").drop(columns="_file_order").reset_index(drop=True)


def journey_numbers(ev: pd.DataFrame, *, split_on_conversion: bool = True, split_sessions: bool = False,
                    session_timeout=None) -> pd.Series:
    """1-based journey number of each touch within its customer (*ev* sorted by :func:`order_touches`)."""
    cust = ev["customer_id"]
    first = cust.ne(cust.shift())
    brk = pd.Series(False, index=ev.index)
    if split_on_conversion and "conversion" in ev:
        brk |= ev["conversion"].shift().eq(1).fillna(False).astype(bool)
    if split_sessions:
        if "session_id" not in ev:
            raise ParameterError("split_sessions", True, message="split_sessions=True needs a session_id column")
        sess = ev["session_id"].astype("string")
        changed = sess.ne(sess.shift())
        brk |= changed.fillna(sess.isna() != sess.shift().isna()).astype(bool)
    if session_timeout is not None:
        gap = ev["timestamp"].diff().dt.total_seconds()
        brk |= (gap > duration_seconds(session_timeout, "session_timeout")).fillna(False).astype(bool)
    brk = brk & ~first
    return brk.astype("int64").groupby(cust, sort=False).cumsum() + 1


def within_lookback(ev: pd.DataFrame, journey_id: pd.Series, lookback) -> pd.Series:
    """True for touches at most *lookback* before their journey's last touch."""
    if lookback is None:
        return pd.Series(True, index=ev.index)
    end = ev["timestamp"].groupby(journey_id, sort=False).transform("max")
    return (end - ev["timestamp"]).dt.total_seconds() <= duration_seconds(lookback, "lookback")


def credited(start: pd.Series, end: pd.Series, conversion_window) -> pd.Series:
    """1 where a journey's conversion falls inside *conversion_window* after its first touch."""
    if conversion_window is None:
        return pd.Series(1, index=start.index)
    secs = (end - start).dt.total_seconds()
    return (secs <= duration_seconds(conversion_window, "conversion_window")).astype("int64")


def rule_entries(outside: pd.DataFrame, uncredited: pd.DataFrame, *, lookback=None, conversion_window=None,
                 file=None, columns: dict | None = None) -> pd.DataFrame:
    """Ledger entries for what the windows take away: touches before *lookback*, uncredited conversions.

    Parameters
    ----------
    outside : DataFrame
        Touches left out by the lookback: ``row`` (1-based input row) and ``customer_id``.
    uncredited : DataFrame
        Conversion touches (``row``, ``customer_id``) of journeys whose conversion falls outside the
        conversion window: the touch stays in its journey, the conversion counts as 0.
    lookback, conversion_window : str or Timedelta, optional
        The rules, quoted in the reasons.
    file : str, optional
        The event file (None for a frame).
    columns : dict, optional
        cjkit name -> source column, for the ledger's ``column`` (``timestamp``, ``conversion``).

    Returns
    -------
    DataFrame
        Ledger entries (:mod:`cjkit.quality.ledger`): ``outside_lookback`` (excluded) and
        ``outside_conversion_window`` (conversion changed from 1 to 0), in row order.

    Examples
    --------
    >>> import pandas as pd
    >>> from cjkit.io.journey_rules import rule_entries
    >>> led = rule_entries(pd.DataFrame({"row": [1], "customer_id": ["a"]}), pd.DataFrame({"row": [4], "customer_id": ["b"]}),
    ...                    lookback="7D", conversion_window="1D")
    >>> led[["row", "column", "check", "action"]].values.tolist()
    [[1, 'timestamp', 'outside_lookback', 'excluded'], [4, 'conversion', 'outside_conversion_window', 'value_changed']]
    >>> led.loc[1, ["old_value", "new_value"]].tolist()
    ['1', '0']
    """
    cols = {"timestamp": "timestamp", "conversion": "conversion", **(columns or {})}
    parts = []
    if len(outside):
        parts.append(_ledger.entries(file=file, rows=outside["row"].astype(int).tolist(), check="outside_lookback",
                                     action="excluded", column=cols["timestamp"],
                                     reason=f"touch more than lookback={lookback} before its journey's last touch",
                                     respondent_ids=outside["customer_id"].astype(str).tolist()))
    if len(uncredited):
        parts.append(_ledger.entries(file=file, rows=uncredited["row"].astype(int).tolist(),
                                     check="outside_conversion_window", action="value_changed", column=cols["conversion"],
                                     reason=f"conversion more than conversion_window={conversion_window} after its "
                                            "journey's first touch: not credited",
                                     respondent_ids=uncredited["customer_id"].astype(str).tolist(),
                                     old_values="1", new_values="0"))
    led = _ledger.concat(*parts)
    return led.sort_values("row", kind="stable").reset_index(drop=True)
