"""What every chart shares: input checks, category order, flags, significance marks, alt texts.

:func:`as_frame` refuses a non-DataFrame or a missing column with a message naming it;
:func:`level_order` keeps the journey order of an ordered Categorical; :func:`flag_values`
reads the ``low_base``/``suppressed`` flags; :func:`significant_marks` decides which cells get
a significance mark; :func:`set_alt_text` and :func:`alt_text` give every chart a text for
screen readers and the HTML report.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from cjkit.errors import DataError, ParameterError
from cjkit.plot import theme


def as_frame(data, func: str, required) -> pd.DataFrame:
    """*data* with a fresh index; a non-DataFrame or a missing column is refused, naming *func*."""
    if not isinstance(data, pd.DataFrame):
        raise ParameterError("data", type(data).__name__, allowed="a pandas DataFrame",
                             message=f"{func}: parameter 'data' must be a DataFrame, got {type(data).__name__}")
    for col in required:
        if col is not None and col not in data.columns:
            raise DataError(f"{func}: column is missing; the frame has {list(data.columns)}", column=col)
    return data.reset_index(drop=True)  # positions double as 1-based row numbers in messages


def level_order(values: pd.Series, order=None) -> list:
    """Category order: explicit, else the ordered Categorical's order, else first appearance."""
    if order is not None:
        return list(order)
    if isinstance(values.dtype, pd.CategoricalDtype):
        present = set(values.dropna())
        return [c for c in values.cat.categories if c in present]
    return list(pd.unique(values.dropna()))


def flag_values(data: pd.DataFrame, flag: str | None) -> pd.Series:
    """The flag of every row as text (``""`` where there is no flag column)."""
    if flag is None or flag not in data.columns:
        return pd.Series("", index=data.index)
    return data[flag].astype("string").fillna("")


def current_axes(ax):
    """*ax*, or pyplot's current Axes."""
    return plt.gca() if ax is None else ax


def significant_marks(data: pd.DataFrame, sig, alpha: float, func: str = "persona_plot") -> pd.Series:
    """Boolean marks from a bool column (True = significant) or a p-value column (< alpha).

    ``sig="auto"`` takes ``significant``, else ``p_adjusted``, else ``p_value``, else none.
    """
    if sig == "auto":
        sig = next((c for c in ("significant", "p_adjusted", "p_value") if c in data.columns), None)
    elif sig is not None and sig not in data.columns:
        raise DataError(f"{func}: significance column is missing", column=sig)
    if sig is None:
        return pd.Series(False, index=data.index)
    col = data[sig]
    if pd.api.types.is_bool_dtype(col) or set(col.dropna().unique()) <= {True, False}:
        return col.map(lambda v: v is True or v is np.True_ or v == 1).astype(bool)
    return pd.to_numeric(col, errors="coerce").lt(alpha).fillna(False).astype(bool)


def set_alt_text(fig, text: str):
    """Attach an alt text to a figure (shown to screen readers and in the HTML report).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    text : str

    Returns
    -------
    matplotlib.figure.Figure
        *fig*, for chaining.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = set_alt_text(plt.figure(), "Two bars")
    >>> alt_text(fig)
    'Two bars'
    """
    fig._cjkit_alt_text = str(text)
    return fig


def alt_text(fig, *, lang="de") -> str:
    """The alt text of a figure: the one a chart set, else a description from its titles and axes.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    lang : {"de", "en"}
        Language of the generic words.

    Returns
    -------
    str

    Examples
    --------
    >>> import cjkit as cj
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> ax.set_title("NPS"); ax.set_xlabel("Score");  # doctest: +ELLIPSIS
    Text(...)
    >>> cj.alt_text(fig, lang="en")
    'Chart: NPS; Score.'
    """
    theme.check_lang(lang)
    own = getattr(fig, "_cjkit_alt_text", None)
    if own:
        return own
    parts = []
    title = fig._suptitle.get_text() if getattr(fig, "_suptitle", None) is not None else ""
    if title:
        parts.append(title)
    for ax in fig.axes:
        texts = [ax.get_title(loc=loc) for loc in ("left", "center", "right")]
        parts += [t for t in texts if t]
        parts += [t for t in (ax.get_xlabel(), ax.get_ylabel()) if t]
        ticks = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
        if ticks and not any(c.isdigit() for c in "".join(ticks)):
            parts.append(", ".join(ticks[:12]))
    body = "; ".join(dict.fromkeys(p.strip() for p in parts if p.strip()))
    return f"{theme.label('alt_chart', lang)}: {body}." if body else theme.label("alt_chart", lang)
