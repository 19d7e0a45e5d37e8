"""Distinct paths with their counts: the compact input every attribution model works on.

A path table (``path``, ``conversions``, ``nulls``, ``value``) or the long steps form is reduced
to one row per distinct channel sequence (per segment), with conversions, nulls and value summed,
before any model runs. Channels are coded as integers and the sequences are stored flat (codes plus
offsets, like a sparse matrix's rows), so memory grows with the number of *distinct* paths and
their length, not with the number of touches in the log.

A ``conversion_type`` column (e.g. ``purchase``, ``lead``) is treated as a segment: every model
attributes each conversion type on its own.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cjkit.errors import DataError

SEP = " > "
COUNTS = ("conversions", "nulls", "value")
# a spelling the normalisation would change: a '>' without exactly one space on each side, or
# white space at either end (RE2's \s is ASCII; \p{Z} adds Unicode spaces, as utf8_trim_whitespace)
_NOT_NORMAL = r"[^ ]>|>[^ ]|\s\s>|>\s\s|^[\s\p{Z}]|[\s\p{Z}]$|\p{Z}>|>\p{Z}|^>"


@dataclass
class PathCounts:
    """Distinct paths of one log: a table plus the flat channel codes of every path.

    ``table`` has the segment columns, ``path``, conversions, nulls, value and ``n_rows`` (input
    rows merged into the path); ``codes[offsets[i]:offsets[i + 1]]`` are path *i*'s channels as
    positions in ``channels``; ``group`` numbers the segments (0 without segments).
    """

    table: pd.DataFrame
    codes: np.ndarray
    offsets: np.ndarray
    channels: list
    group: np.ndarray
    by: list

    @property
    def lengths(self) -> np.ndarray:
        return np.diff(self.offsets)

    def touch_index(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per touch of the distinct paths: path number, position in the path, path length."""
        lengths = self.lengths
        pid = np.repeat(np.arange(len(lengths)), lengths)
        pos = np.arange(len(self.codes)) - self.offsets[pid]
        return pid, pos, lengths[pid]

    def subset(self, mask: np.ndarray) -> PathCounts:
        """The distinct paths where *mask* is true (same channel coding)."""
        idx = np.flatnonzero(mask)
        lengths = self.lengths[idx]
        offsets = np.r_[0, np.cumsum(lengths)].astype(np.int64)
        starts = self.offsets[idx]
        take = (np.repeat(starts - offsets[:-1], lengths) + np.arange(offsets[-1])) if len(idx) else np.zeros(0, int)
        return PathCounts(self.table.iloc[idx].reset_index(drop=True), self.codes[take], offsets, self.channels,
                          self.group[idx], self.by)


    def coalitions(self) -> tuple[np.ndarray, list]:
        """Each path's *coalition* (its set of channels): the coalition number of every path
        (in order of first appearance) and each coalition's channel codes, sorted.

        Sets are bit masks (64 channels to a word) OR-ed over each path's touches, so no Python
        object is made per path; only the distinct coalitions become lists.
        """
        n_paths, n_ch = len(self.table), max(len(self.channels), 1)
        if n_paths == 0:
            return np.zeros(0, dtype=np.int64), []
        lengths = self.lengths
        words = -(-n_ch // 64)
        codes = self.codes.astype(np.uint64)
        keys = []
        for w in range(words):
            if words == 1:
                bits = np.left_shift(np.uint64(1), codes, out=codes)
            else:
                bits = np.where(codes // 64 == w, np.left_shift(np.uint64(1), codes % np.uint64(64)), np.uint64(0))
            keys.append(np.bitwise_or.reduceat(bits, self.offsets[:-1]))  # every path has a touch
            del bits
        del codes
        if words == 1:
            cid = pd.factorize(keys[0])[0]
        else:
            cid = pd.DataFrame({w: k for w, k in enumerate(keys)}).groupby(list(range(words)), sort=False).ngroup()
            cid = cid.to_numpy()
        cid = cid.astype(np.int64)
        n_c = int(cid.max()) + 1
        first = np.full(n_c, -1, dtype=np.int64)
        first[cid[::-1]] = np.arange(n_paths)[::-1]
        # the members of each coalition, from the touches of its first path only
        sel = lengths[first]
        new_off = np.r_[0, np.cumsum(sel)]
        take = np.repeat(self.offsets[first] - new_off[:-1], sel) + np.arange(new_off[-1])
        pair = np.unique(np.repeat(np.arange(n_c, dtype=np.int64), sel) * n_ch + self.codes[take])
        members = np.split(pair % n_ch, np.searchsorted(pair // n_ch, np.arange(1, n_c)))
        return cid, members

def _segments(data: pd.DataFrame, by) -> list:
    by = list(by or [])
    if "conversion_type" in data.columns and "conversion_type" not in by:
        by.append("conversion_type")
    missing = [b for b in by if b not in data.columns]
    if missing:
        raise DataError(f"segment column(s) {missing} not in the data; columns: " + ", ".join(map(str, data.columns)))
    return by


def _from_steps(data: pd.DataFrame, by: list) -> pd.DataFrame:
    """Steps form (one row per touch) -> path table with one row per journey."""
    s = data.sort_values(["journey_id", "step"], kind="stable")
    g = s.groupby("journey_id", sort=False)
    out = g["channel"].agg(lambda c: SEP.join(c.astype(str).str.strip())).rename("path").to_frame()
    for c in COUNTS:
        out[c] = g[c].first().astype("float64") if c in s else 0.0
    for b in by:
        out[b] = g[b].first()
    return out.reset_index(drop=True)


def _arrow_strings(col: pd.Series):
    """A text column as one Arrow large_string array (missing = empty), without Python objects."""
    import pyarrow as pa

    arr = pa.array(col.astype("string").fillna(""))
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.cast(pa.large_string()).combine_chunks()  # large offsets: more than 2 GB of text fits
    return arr


def path_counts(data: pd.DataFrame, *, by=None) -> PathCounts:
    """Reduce a path table or steps to distinct paths per segment (see :class:`PathCounts`).

    Parameters
    ----------
    data : DataFrame
        Path table (``path`` with channels separated by ``>``, conversions, nulls, value) or steps
        (journey_id, step, channel, ...). Missing count columns count as zero.
    by : list of str, optional
        Segment columns (``conversion_type`` is added when present).

    Returns
    -------
    PathCounts

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"path": ["a > b", "a>b", "b"], "conversions": [1, 2, 0], "nulls": [0, 1, 4]})
    >>> pc = path_counts(t)
    >>> pc.table[["path", "conversions", "nulls", "n_rows"]].values.tolist()
    [['a > b', 3.0, 1.0, 2], ['b', 0.0, 4.0, 1]]
    """
    import pyarrow as pa
    import pyarrow.compute as pac

    by = _segments(data, by)
    if "path" in data.columns:
        t = data
    elif {"journey_id", "step", "channel"} <= set(data.columns):
        t = _from_steps(data, by)
    else:
        raise DataError("expected a path table (column 'path') or steps (journey_id, step, channel); got columns "
                        + ", ".join(map(str, data.columns)))
    n_rows = len(t)
    # everything per path or per touch stays in Arrow buffers: no Python object per path or touch,
    # so millions of distinct paths fit (dictionary codes come in order of first appearance)
    raw = pac.dictionary_encode(_arrow_strings(t["path"]))
    raw_id = raw.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    norm_uniq = raw.dictionary
    del raw
    # normalise each distinct spelling once ("a>b" and "a > b" are one path); tables from the path
    # functions are normal already, and skipping spares two copies of every path's text
    if len(norm_uniq) and pac.any(pac.match_substring_regex(norm_uniq, _NOT_NORMAL)).as_py():
        norm = pac.dictionary_encode(pac.utf8_trim_whitespace(pac.replace_substring_regex(norm_uniq, r"\s*>\s*", SEP)))
        norm_uniq = norm.dictionary
        raw_id = norm.indices.to_numpy(zero_copy_only=False).astype(np.int64)[raw_id]
        del norm
    n_uniq = max(len(norm_uniq), 1)
    path_id = raw_id
    if by:
        seg_codes = t[by].groupby(by, sort=True, dropna=False).ngroup().to_numpy() if n_rows else np.zeros(0, int)
        key = seg_codes.astype(np.int64) * n_uniq + path_id
    else:
        seg_codes, key = np.zeros(n_rows, dtype=np.int64), path_id
    row_key, uniq_key = pd.factorize(key)
    first_row = np.full(len(uniq_key), -1, dtype=np.int64)
    first_row[row_key[::-1]] = np.arange(n_rows)[::-1]
    agg = pd.DataFrame({b: t[b].to_numpy()[first_row] for b in by})
    kpath = np.asarray(uniq_key) % n_uniq if by else np.asarray(uniq_key)
    paths = norm_uniq.take(pa.array(kpath, type=pa.int64()))
    agg["path"] = pd.array(paths, dtype="string")
    for c in COUNTS:
        col = pd.to_numeric(t[c], errors="coerce").to_numpy(dtype="float64") if c in t else np.zeros(n_rows)
        bad = np.flatnonzero(np.isnan(col))
        if len(bad):
            raise DataError(f"column '{c}', row(s) {(bad[:5] + 1).tolist()}: expected a number, got "
                            f"{t[c].iloc[bad[:3]].tolist()}")
        agg[c] = np.bincount(row_key, weights=col, minlength=len(uniq_key))
    agg["n_rows"] = np.bincount(row_key, minlength=len(uniq_key))
    parts = pac.split_pattern(paths, SEP)
    lengths = pac.list_value_length(parts).to_numpy(zero_copy_only=False).astype(np.int64)
    flat = pac.list_flatten(parts)
    if len(flat) and pac.any(pac.equal(flat, "")).as_py():
        raise DataError("a path is empty or has an empty channel between separators")
    touch = pac.dictionary_encode(flat)
    codes, channels = touch.indices.to_numpy(zero_copy_only=False), touch.dictionary.to_pylist()
    group = pd.factorize(seg_codes[first_row], sort=True)[0] if by else np.zeros(len(agg), dtype=np.int64)
    del parts, flat, touch
    pa.default_memory_pool().release_unused()  # hand the text buffers back before the models allocate
    return PathCounts(agg, codes.astype(np.int64), np.r_[0, np.cumsum(lengths)].astype(np.int64), channels,
                      group.astype(np.int64), by)


def touches(data: pd.DataFrame, by) -> pd.DataFrame:
    """One row per touch (jid, pos, n, channel, conversions, nulls, value, timestamp, by...).

    Only for rules that need each touch's own timestamp (time decay in days); everything else
    works on :func:`path_counts`.
    """
    by = list(by or [])
    if not {"journey_id", "step", "channel"} <= set(data.columns):
        raise DataError("decay_on='time' needs steps (journey_id, step, channel, timestamp); got columns "
                        + ", ".join(map(str, data.columns)))
    long = data.sort_values(["journey_id", "step"], kind="stable").rename(columns={"journey_id": "jid"})
    long = long.reset_index(drop=True)
    long["pos"] = long.groupby("jid", sort=False).cumcount()
    long["n"] = long.groupby("jid", sort=False)["pos"].transform("size")
    long["channel"] = long["channel"].astype("string").str.strip()
    for c in COUNTS:
        long[c] = long[c].astype("float64") if c in long else 0.0
    keep = ["jid", "pos", "n", "channel", *COUNTS] + (["timestamp"] if "timestamp" in long else [])
    return long[keep + [b for b in by if b not in keep]]
