"""Feedback data — reviews, tickets, app-store or NPS-tool comments — in one tidy form.

Whatever the source calls them, the result has the columns ``feedback_id``, ``text``,
``rating``, ``date``, ``channel``, ``language`` (then the source's other columns). Columns are
found by name (English and German aliases) unless given; the language, when the source has
none, is guessed per text from function words (de/en; ``und`` if unsure).

Examples
--------
>>> import pandas as pd
>>> from cjkit.io.readers.feedback import to_feedback
>>> fb = to_feedback(pd.DataFrame({"Bewertung": [5], "Kommentar": ["Das Zimmer war sehr sauber"]}))
>>> fb[["text", "language"]].iloc[0].tolist(), float(fb["rating"].iloc[0])
(['Das Zimmer war sehr sauber', 'de'], 5.0)
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from cjkit.coding.texts import guess_language, guess_languages
from cjkit.errors import DataError
from ._base import ReadResult

FEEDBACK_COLUMNS = ["feedback_id", "text", "rating", "date", "channel", "language"]
ALIASES = {
    "feedback_id": ["feedback_id", "id", "review_id", "ticket_id", "response_id", "respondent_id", "reviewid"],
    "text": ["text", "comment", "review", "review_text", "body", "content", "message", "feedback",
             "kommentar", "bewertungstext", "nachricht", "anmerkung", "freitext", "description"],
    "rating": ["rating", "stars", "score", "nps", "bewertung", "sterne", "note", "punkte"],
    "date": ["date", "created_at", "timestamp", "time", "datum", "erstellt", "submitted_at", "review_date"],
    "channel": ["channel", "source", "platform", "kanal", "quelle", "store"],
    "language": ["language", "lang", "sprache", "locale"],
}
# the one language guesser of cjkit (function words and umlauts), re-exported for readers
__all__ = ["FEEDBACK_COLUMNS", "ALIASES", "guess_language", "to_feedback", "read"]


def _find(frame: pd.DataFrame, role: str, given):
    if given is not None:
        if given not in frame.columns:
            raise DataError(f"the {role} column '{given}' does not exist; columns: {list(frame.columns)[:30]}",
                            column=given)
        return given
    lower = {str(c).strip().lower(): c for c in frame.columns}
    return next((lower[a] for a in ALIASES[role] if a in lower), None)


def to_feedback(frame: pd.DataFrame, *, text=None, rating=None, date=None, channel=None, language=None,
                id=None, default_channel: str | None = None, file=None) -> pd.DataFrame:  # noqa: A002
    """Map a frame of feedback records onto the fixed feedback columns.

    Parameters
    ----------
    text, rating, date, channel, language, id : str, optional
        Source column names; found by alias when omitted. A text column is required.
    default_channel : str, optional
        Channel for all rows when the source has no channel column (e.g. ``"app_store"``).

    Returns
    -------
    DataFrame
        feedback_id (string), text (string), rating (float64), date (datetime64), channel
        (string), language (string), then the remaining source columns.

    Raises
    ------
    DataError
        If no text column can be found, naming the columns that exist.

    Examples
    --------
    >>> import pandas as pd
    >>> from cjkit.io.readers.feedback import to_feedback
    >>> raw = pd.DataFrame({"Sterne": [5, 2], "Kommentar": ["Super Service und nettes Team", "The app keeps crashing"]})
    >>> fb = to_feedback(raw, default_channel="app_store")
    >>> fb.columns.tolist()
    ['feedback_id', 'text', 'rating', 'date', 'channel', 'language']
    >>> fb[["rating", "channel", "language"]]
       rating    channel language
    0     5.0  app_store       de
    1     2.0  app_store       en
    """
    cols = {"text": _find(frame, "text", text), "rating": _find(frame, "rating", rating),
            "date": _find(frame, "date", date), "channel": _find(frame, "channel", channel),
            "language": _find(frame, "language", language), "feedback_id": _find(frame, "feedback_id", id)}
    if cols["text"] is None and all(re.fullmatch(r"col_\d+", str(c)) for c in frame.columns):
        # a header-less dump has no names to go by: the text is the column with the longest answers
        lengths = {c: frame[c].astype("string").str.len().mean() for c in frame.columns
                   if pd.api.types.is_string_dtype(frame[c]) or frame[c].dtype == object}
        cols["text"] = max(lengths, key=lambda c: lengths[c]) if lengths else None
    if cols["text"] is None:
        raise DataError("no feedback text column found; name it with text=... (columns: "
                        f"{list(frame.columns)[:30]})", file=file)
    out = pd.DataFrame(index=frame.index)
    out["feedback_id"] = (frame[cols["feedback_id"]].astype("string") if cols["feedback_id"]
                          else pd.Series([str(i) for i in frame.index], index=frame.index, dtype="string"))
    out["text"] = frame[cols["text"]].astype("string")
    if cols["rating"]:
        raw = frame[cols["rating"]]
        out["rating"] = (raw.astype("float64") if pd.api.types.is_numeric_dtype(raw) else pd.to_numeric(
            raw.astype("string").str.replace(",", ".", regex=False).str.extract(r"(-?\d+(?:\.\d+)?)")[0],
            errors="coerce")).astype("float64")
    else:
        out["rating"] = float("nan")
    out["date"] = (pd.to_datetime(frame[cols["date"]], errors="coerce", format="mixed", dayfirst=False)
                   if cols["date"] else pd.NaT)
    out["channel"] = (frame[cols["channel"]].astype("string") if cols["channel"]
                      else pd.Series(default_channel, index=frame.index, dtype="string"))
    out["language"] = (frame[cols["language"]].astype("string").str.lower().str[:2] if cols["language"]
                       else pd.Series(guess_languages(out["text"].tolist()), index=out.index, dtype="string"))
    rest = frame.drop(columns=[c for c in cols.values() if c is not None])
    rest = rest.drop(columns=[c for c in rest.columns if c in FEEDBACK_COLUMNS])
    return pd.concat([out, rest], axis=1)


def read(path, *, source_format: str = "auto", text=None, rating=None, date=None, channel=None,
         language=None, id=None, default_channel=None, **kw) -> ReadResult:  # noqa: A002
    """Read a feedback export (any format cjkit reads) into the feedback columns.

    Parameters
    ----------
    path : str or Path
        The export file.
    source_format : str
        Format of the file (``"auto"`` detects it).
    text, rating, date, channel, language, id, default_channel
        As in :func:`to_feedback`; *default_channel* defaults to the file name.
    **kw
        Passed to the format's reader.

    Returns
    -------
    ReadResult
        ``wide`` holds the feedback columns, ``meta`` the format and source format.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from cjkit.io.readers.feedback import read
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "reviews.csv"
    >>> _ = path.write_text("review,stars\\nThe room was very clean,5\\n", encoding="utf-8")
    >>> res = read(path, text="review", rating="stars", default_channel="app_store")
    >>> res.wide.columns[:6].tolist(), res.wide["language"].tolist()
    (['feedback_id', 'text', 'rating', 'date', 'channel', 'language'], ['en'])
    """
    from . import read as read_any  # the registry imports this module

    base = read_any(path, format=source_format, **kw)
    wide = to_feedback(base.wide, text=text, rating=rating, date=date, channel=channel, language=language,
                       id=id, default_channel=default_channel or Path(path).stem, file=path)
    meta = dict(base.meta, format="feedback", source_format=base.meta["format"], id_column="feedback_id")
    return ReadResult(wide, meta)
