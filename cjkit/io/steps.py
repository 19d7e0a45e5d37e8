"""The long steps form (one row per touch of a journey) from event logs and path tables, and back.

Journeys are cut by the rules of :mod:`cjkit.io.journey_rules` (conversions, sessions,
inactivity, lookback and conversion windows); :func:`steps_to_paths` gives the path table again.
"""
from __future__ import annotations


import pandas as pd

from cjkit.errors import ParameterError
from cjkit.io import journey_rules as _rules
from cjkit.io.eventbase import SEP, log


def events_to_steps(events: pd.DataFrame, *, split_on_conversion: bool = True,
                    segments: list[str] | None = None, split_sessions: bool = False, session_timeout=None,
                    lookback=None, conversion_window=None) -> pd.DataFrame:
    """Turn a validated event log into the long *steps* form, one row per touch of a journey.

    A journey is a customer's touches in time order (ties: a conversion after other touches at
    the same time, then the frame's order); with *split_on_conversion* every conversion ends a
    journey and the next touch starts a new one (ChannelAttribution's convention). The journey
    rules of :mod:`cjkit.io.journey_rules` cut journeys further; durations are pandas offsets
    (``"30min"``, ``"24h"``, ``"7D"``).

    Parameters
    ----------
    events : DataFrame
        ``data`` of :func:`read_events` (customer_id, timestamp, channel, conversion, value, ...).
    split_on_conversion : bool
        End a journey at each conversion; otherwise a customer's touches form one journey.
    segments : list of str, optional
        Segment columns to carry along (taken from the journey's first touch).
    split_sessions : bool
        Also end a journey where the ``session_id`` changes.
    session_timeout : str or Timedelta, optional
        Also end a journey after this long without a touch (inactivity timeout).
    lookback : str or Timedelta, optional
        Leave out touches longer than this before the journey's last touch (the conversion).
    conversion_window : str or Timedelta, optional
        Credit a conversion only if it comes at most this long after the journey's first touch.

    Returns
    -------
    DataFrame
        journey_id, customer_id, step (1-based), n_steps, channel, timestamp, device, event,
        conversions, nulls, value (journey totals, repeated on each step) and the segment columns
        (taken from the journey's first touch).

    Examples
    --------
    >>> import pandas as pd
    >>> from cjkit.io.events import events_to_steps
    >>> ev = pd.DataFrame({"customer_id": ["a", "a", "a"], "timestamp": pd.to_datetime(["2024-01-01",
    ...     "2024-01-02", "2024-01-03"]), "channel": ["x", "y", "x"], "conversion": [0, 1, 0], "value": [0, 5.0, 0]})
    >>> events_to_steps(ev)[["journey_id", "step", "channel", "conversions"]].values.tolist()
    [['a#1', 1, 'x', 1.0], ['a#1', 2, 'y', 1.0], ['a#2', 1, 'x', 0.0]]
    """
    return steps_and_ledger(events, split_on_conversion=split_on_conversion, segments=segments,
                            split_sessions=split_sessions, session_timeout=session_timeout, lookback=lookback,
                            conversion_window=conversion_window)[0]


def steps_and_ledger(events: pd.DataFrame, *, split_on_conversion: bool = True,
                     segments: list[str] | None = None, split_sessions: bool = False, session_timeout=None,
                     lookback=None, conversion_window=None, file=None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`events_to_steps` and the ledger entries of its windows (:func:`cjkit.io.journey_rules.rule_entries`).

    Touches left out by *lookback* are ``outside_lookback`` exclusions; conversions not credited
    under *conversion_window* are ``outside_conversion_window`` changes (1 -> 0), each with its
    input row (``row`` of :func:`read_events`, else the 1-based position in *events*).
    """
    ev = _rules.order_touches(events.assign(row=events["row"] if "row" in events else range(1, len(events) + 1)))
    jnum = _rules.journey_numbers(ev, split_on_conversion=split_on_conversion, split_sessions=split_sessions,
                                  session_timeout=session_timeout)
    ev["journey_id"] = (ev["customer_id"].astype("string") + "#" + jnum.astype("string")).astype("string")
    inside = _rules.within_lookback(ev, ev["journey_id"], lookback)
    outside = ev.loc[~inside, ["row", "customer_id"]]
    if not inside.all():
        log.info("%d touches outside the lookback window of %s left out (see ledger)", int((~inside).sum()), lookback)
        ev = ev[inside].reset_index(drop=True)
    g = ev.groupby("journey_id", sort=False)
    ev["step"] = g.cumcount() + 1
    ev["n_steps"] = g["step"].transform("size")
    conv = g["conversion"].transform("max").astype("float64") if "conversion" in ev else 0.0
    ok = (_rules.credited(g["timestamp"].transform("min"), g["timestamp"].transform("max"), conversion_window)
          if conversion_window is not None else 1)
    lost = ev.loc[(ev["conversion"] == 1) & (pd.Series(ok, index=ev.index) == 0), ["row", "customer_id"]] \
        if "conversion" in ev and conversion_window is not None else ev.iloc[:0][["row", "customer_id"]]
    ledger = _rules.rule_entries(outside, lost, lookback=lookback, conversion_window=conversion_window, file=file)
    ev["conversions"] = conv * ok
    ev["nulls"] = 1.0 - ev["conversions"]
    ev["value"] = (g["value"].transform("sum").astype("float64") if "value" in ev else 0.0) * ok
    for s in segments or []:
        ev[s] = g[s].transform("first")
    keep = ["journey_id", "customer_id", "step", "n_steps", "channel", "timestamp", "device", "event",
            "conversions", "nulls", "value"]
    keep = [c for c in keep if c in ev]
    return ev[keep + [s for s in segments or [] if s not in keep]], ledger


def paths_to_steps(paths: pd.DataFrame, *, segments: list[str] | None = None) -> pd.DataFrame:
    """Expand a path table into the long *steps* form (one row per path position).

    Each path row becomes one journey (``journey_id`` ``p<row>``) that stands for ``n_journeys``
    real journeys; the counts stay on every step as weights.

    Parameters
    ----------
    paths : DataFrame
        ``data`` of :func:`read_path_table` (path, conversions, nulls, value).
    segments : list of str, optional
        Segment columns to carry along.

    Returns
    -------
    DataFrame
        journey_id, step, n_steps, channel, conversions, nulls, value, n_journeys (+ segments).

    Examples
    --------
    >>> import pandas as pd
    >>> from cjkit.io.events import paths_to_steps
    >>> t = pd.DataFrame({"path": ["a > b"], "conversions": [3.0], "nulls": [1.0], "value": [9.0]})
    >>> paths_to_steps(t)[["journey_id", "step", "channel", "n_journeys"]].values.tolist()
    [['p1', 1, 'a', 4.0], ['p1', 2, 'b', 4.0]]
    """
    t = paths.reset_index(drop=True)
    for c in ("nulls", "value"):
        if c not in t:
            t[c] = 0.0
    toks = t["path"].astype("string").str.split(SEP, regex=False)
    long = t.assign(channel=toks).explode("channel", ignore_index=False)
    long["journey_id"] = ("p" + (long.index.to_series() + 1).astype("string")).astype("string")
    long["step"] = long.groupby(level=0).cumcount() + 1
    long["n_steps"] = long.groupby(level=0)["step"].transform("size")
    long["channel"] = long["channel"].astype("string").str.strip()
    long["n_journeys"] = long["conversions"] + long["nulls"]
    cols = ["journey_id", "step", "n_steps", "channel", "conversions", "nulls", "value", "n_journeys"]
    return long[cols + list(segments or [])].reset_index(drop=True)


def steps_to_paths(steps: pd.DataFrame, *, segments: list[str] | None = None,
                   node: str = "channel") -> pd.DataFrame:
    """Aggregate the long *steps* form back into a path table.

    Parameters
    ----------
    steps : DataFrame
        The steps form (journey_id, step, the *node* column, conversions, nulls, value).
    segments : list of str, optional
        Segment columns; one row per path and segment.
    node : str
        Column whose values make up the path (``channel``, ``touchpoint``, ``phase``).

    Returns
    -------
    DataFrame
        path, (segments), conversions, nulls, value, n_journeys — one row per distinct path, most
        frequent first (ties by path).

    Examples
    --------
    >>> import pandas as pd
    >>> from cjkit.io.events import paths_to_steps, steps_to_paths
    >>> t = pd.DataFrame({"path": ["a > b", "a > b"], "conversions": [1.0, 0.0], "nulls": [0.0, 1.0]})
    >>> steps_to_paths(paths_to_steps(t))[["path", "conversions", "nulls"]].values.tolist()
    [['a > b', 1.0, 1.0]]
    """
    if node not in steps:
        raise ParameterError("node", node, allowed=list(steps.columns))
    # stable sort on step keeps the journeys in input order and puts each journey's steps in order
    s = steps.sort_values("step", kind="stable")
    s = s.assign(_node=s[node].astype(object).where(s[node].notna(), "(unmapped)").astype(str))
    g = s.groupby("journey_id", sort=False)
    seg = list(segments or [])
    per = g.agg(path=("_node", SEP.join), conversions=("conversions", "first"),
                nulls=("nulls", "first"), value=("value", "first"), **{c: (c, "first") for c in seg})
    out = per.groupby(["path", *seg], sort=False, as_index=False)[["conversions", "nulls", "value"]].sum()
    out["path"] = out["path"].astype("string")
    out["n_journeys"] = out["conversions"] + out["nulls"]
    # one fixed order (most frequent first) so that every route returns the same table
    out = out.sort_values(["n_journeys", "path", *seg], ascending=[False] + [True] * (1 + len(seg)), kind="stable")
    return out.reset_index(drop=True)
