"""Fewer channels for attribution: keep the top channels (or a given list), merge the rest.

Attribution on millions of distinct paths over many channels is slow to compute and hard to
read; analysts usually report the main channels and one remainder. :func:`collapse_channels`
rewrites every path with the kept channels and, by default, every other touch as one channel
``(other)``, then adds up identical paths again:

* **merge** (``other="(other)"``, the default): every journey, conversion and touch is kept; the
  credit a rule based on touches (first/last touch, linear, position based) gives ``(other)``
  is the sum of the credit of the channels merged into it, because touches keep their places;
* **drop** (``other=None``): touches of the other channels are removed; journeys left without a
  touch are left out of the table (the number is logged), so totals shrink.

The top channels are ranked by the journeys that touched them (conversions + nulls of the paths
containing them), ties by name, over all segments together. Everything runs on integer channel
codes and Arrow strings (:func:`cjkit.paths.pathcounts.path_counts`), so millions of distinct
paths need no Python object per path.
"""
from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from cjkit.errors import ParameterError
from cjkit.paths.pathcounts import SEP, path_counts

log = logging.getLogger("cjkit.paths.collapse")
OTHER = "(other)"


def _kept(pc, top, channels) -> list[str]:
    """The channels kept: the *top* most touched ones, or those of *channels* found in the data."""
    if (top is None) == (channels is None):
        raise ParameterError("top", top, message="give either top= (number of channels) or channels= (a list), "
                             f"not both and not neither; received top={top!r}, channels={channels!r}")
    if channels is not None:
        wanted = [str(c).strip() for c in ([channels] if isinstance(channels, str) else channels)]
        missing = sorted(set(wanted) - set(pc.channels))
        if missing:
            log.warning("collapse_channels: channel(s) %s not in the paths", missing)
        return [c for c in wanted if c in set(pc.channels)]
    if isinstance(top, bool) or not isinstance(top, (int, np.integer)) or top < 1:
        raise ParameterError("top", top, message=f"parameter 'top' must be a whole number >= 1, got {top!r}")
    n_ch = len(pc.channels)
    # journeys, not touches: each channel once per path, through the paths' channel sets
    cid, members = pc.coalitions()
    w = np.bincount(cid, weights=(pc.table["conversions"] + pc.table["nulls"]).to_numpy(dtype="float64"),
                    minlength=len(members))
    reach = np.zeros(n_ch)
    for m, wk in zip(members, w):
        reach[m] += wk
    rank = sorted(range(n_ch), key=lambda c: (-reach[c], pc.channels[c]))
    return [pc.channels[c] for c in rank[:top]]


def collapse_channels(data: pd.DataFrame, *, top: int | None = None, channels=None, other: str | None = OTHER,
                      by=None) -> pd.DataFrame:
    """A path table over the top channels (or the given ones), the rest merged into ``(other)``.

    Parameters
    ----------
    data : DataFrame
        Path table (path, conversions, nulls, value; e.g. from :func:`cjkit.paths.path_table`) or
        steps form. A ``conversion_type`` column is kept as a segment.
    top : int, optional
        Keep the *top* channels with the most journeys touching them.
    channels : list of str, optional
        Keep these channels instead (give either *top* or *channels*).
    other : str or None
        Name of the channel the other touches become (default ``"(other)"``); ``None`` drops
        those touches, and journeys left without a touch.
    by : list of str, optional
        Segment columns kept in the result (identical paths are added up per segment).

    Returns
    -------
    DataFrame
        path, (by...), conversions, nulls, value, n_journeys — one row per distinct path, most
        journeys first; ready for :func:`cjkit.paths.markov_attribution`,
        :func:`cjkit.paths.shapley_attribution` and the rules.

    Examples
    --------
    >>> import pandas as pd
    >>> import cjkit as cj
    >>> t = pd.DataFrame({"path": ["a > b", "a > c", "d", "a"], "conversions": [1.0, 2.0, 0.0, 1.0],
    ...                   "nulls": [3.0, 0.0, 1.0, 1.0]})
    >>> cj.paths.collapse_channels(t, top=1)[["path", "conversions", "n_journeys"]].values.tolist()
    [['a > (other)', 3.0, 6.0], ['a', 1.0, 2.0], ['(other)', 0.0, 1.0]]
    >>> cj.paths.collapse_channels(t, channels=["a"], other=None)[["path", "conversions", "nulls"]].values.tolist()
    [['a', 4.0, 4.0]]
    """
    import pyarrow as pa
    import pyarrow.compute as pac

    if other is not None and (not isinstance(other, str) or not other.strip() or ">" in other):
        raise ParameterError("other", other, message="parameter 'other' must be a channel name (text without '>') "
                             f"or None; got {other!r}")
    pc = path_counts(data, by=by)
    kept = _kept(pc, top, channels)
    if other is not None and other.strip() in kept:
        raise ParameterError("other", other, message=f"parameter 'other' names a kept channel ({other!r}); "
                             "choose another name for the merged channels")
    names = list(kept) + ([other.strip()] if other is not None else [])
    position = {c: i for i, c in enumerate(kept)}
    # old channel code -> new code: kept channels, then 'other' (or -1: dropped)
    recode = np.array([position.get(c, len(kept) if other is not None else -1) for c in pc.channels] or [0],
                      dtype=np.int64)
    new = recode[pc.codes]
    lengths = pc.lengths
    if other is None:
        pid, _, _ = pc.touch_index()
        keep = new >= 0
        new = new[keep]
        lengths = np.bincount(pid[keep], minlength=len(lengths))
    offsets = np.r_[0, np.cumsum(lengths)].astype(np.int64)
    touches = pa.array(np.asarray(names, dtype=object), type=pa.large_string()).take(pa.array(new.astype(np.int32)))
    del new
    paths = pac.binary_join(pa.LargeListArray.from_arrays(pa.array(offsets), touches), pa.scalar(SEP, pa.large_string()))
    del touches
    empty = lengths == 0
    if empty.any():
        log.warning("collapse_channels: %d journeys (%g conversions) touched none of the kept channels and are "
                    "left out", pc.table.loc[empty, ["conversions", "nulls"]].to_numpy().sum(),
                    pc.table.loc[empty, "conversions"].sum())
    # identical new paths (per segment) are added up on their dictionary codes
    enc = pac.dictionary_encode(paths)
    n_uniq = max(len(enc.dictionary), 1)
    key = pc.group.astype(np.int64) * n_uniq + enc.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    key = np.where(empty, -1, key)
    row_key, uniq = pd.factorize(key)
    first = np.full(len(uniq), -1, dtype=np.int64)
    first[row_key[::-1]] = np.arange(len(key))[::-1]
    if empty.any():  # the left-out journeys form one group of their own: drop it
        drop = int(row_key[np.flatnonzero(empty)[0]])
        first, uniq = np.delete(first, drop), np.delete(uniq, drop)
        row_key = np.where(row_key > drop, row_key - 1, row_key)
        row_key[empty] = len(uniq)
    new_paths = enc.dictionary.take(pa.array(np.asarray(uniq) % n_uniq))
    out = pd.DataFrame({"path": pd.array(new_paths, dtype="string")})
    for b in pc.by:
        out[b] = pc.table[b].to_numpy()[first]
    for c in ("conversions", "nulls", "value"):
        out[c] = np.bincount(row_key, weights=pc.table[c].to_numpy(dtype="float64"), minlength=len(uniq) + 1)[:len(uniq)]
    out["n_journeys"] = out["conversions"] + out["nulls"]
    del enc, paths, key, row_key
    pa.default_memory_pool().release_unused()
    if pc.by:
        out = out.sort_values(["n_journeys", "path", *pc.by], ascending=[False] + [True] * (1 + len(pc.by)),
                              kind="stable")
    else:  # sorted by Arrow: pandas would turn millions of path strings into Python objects to sort them
        order = pac.sort_indices(pa.table({"n": out["n_journeys"].to_numpy(), "path": new_paths}),
                                 sort_keys=[("n", "descending"), ("path", "ascending")])
        out = out.take(order.to_numpy())
    return out.reset_index(drop=True)
