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
