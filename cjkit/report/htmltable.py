"""Cells already written as text, rendered as the report's HTML table.

:func:`~cjkit.report.tables.format_table` formats the columns its catalog knows. Tables whose
cells are written elsewhere (the journey-path report's counts and shares, amounts in a chosen
currency) are rendered here with the same look: the ``cj-table`` class of the report's
stylesheet, no row index, figures right-aligned under a right-aligned header, a legend line
under the table, and the same HTML for the same table (a stable id, so nbval and the manifest
hashes see no change between runs).
"""
from __future__ import annotations

import hashlib
import html

import pandas as pd
from IPython.display import HTML


def html_table(cells: pd.DataFrame, *, numeric=(), legend=()) -> HTML:
    """A table of text cells in the report's table style.

    Parameters
    ----------
    cells : DataFrame
        Headers as column names and every cell as the text the reader sees.
    numeric : iterable of str
        Headers of the columns holding figures (right-aligned).
    legend : iterable of str
        Lines shown under the table, each once, in order.

    Returns
    -------
    IPython.display.HTML

    Examples
    --------
    >>> import pandas as pd
    >>> from cjkit.report.htmltable import html_table
    >>> t = html_table(pd.DataFrame({"Kanal": ["E-Mail"], "Journeys": ["1.234"]}), numeric=["Journeys"]).data
    >>> 'class="cj-table"' in t and "1.234" in t and "row_heading" not in t
    True
    """
    table = cells.reset_index(drop=True).astype(str)
    numeric = [h for h in numeric if h in table.columns]
    classes = pd.DataFrame({h: ["cj-num" if h in numeric else "" for _ in range(len(table))]
                            for h in table.columns})
    uid = hashlib.sha1(table.to_json().encode("utf-8")).hexdigest()[:10]
    styler = (table.style.hide(axis="index").format(escape="html").set_uuid(uid)
              .set_td_classes(classes).set_table_attributes('class="cj-table"'))
    styler = styler.set_table_styles({h: [{"selector": "th", "props": "text-align:right !important"}]
                                      for h in numeric}, overwrite=False)
    notes = "".join(f'<p class="cj-legend">{html.escape(str(t))}</p>' for t in dict.fromkeys(legend))
    return HTML(f"{styler.to_html()}{notes}")
