"""The live filter panel: segment, wave, journey model and language redraw charts and tables in place.

Everything the panel shows is computed by the functions the reports use: the study is narrowed
with :meth:`cjkit.Study.scoped` (a journey model is opened once with :func:`cjkit.open_study`),
scored by :func:`cjkit.report.touchpoint_scores` and :func:`cjkit.report.key_figures`, drawn
by :func:`cjkit.satisfaction_plot`; verbatims come from :func:`cjkit.report.verbatims`
(masked, no respondent id). The chart is one image widget whose picture is replaced, the
tables are Output widgets that are cleared and filled again (itables for the long frame, the
ledger and the verbatims). The drill-down shows, for one touchpoint question, the ratings
distribution and the masked verbatims whose codes name that touchpoint. A button writes the
current filter as a ``cjkit report`` run file.

Examples
--------
>>> import cjkit as cj
>>> panel = cj.explore(cj.example_study(), lang="en")
>>> panel.filters["wave"].options[0]
'all'
"""
from __future__ import annotations

import html
import io
from pathlib import Path

import ipywidgets as W
import pandas as pd
import yaml

from cjkit.catalog.i18n import LANGS, check_lang, format_percent, label
from cjkit.catalog.models import list_models
from cjkit.errors import CjkitError, ParameterError
from cjkit.plot.charts import satisfaction_plot
from cjkit.report import sections
from cjkit.report.batch import load_run
from cjkit.report.study import ALL, Study, open_study
from cjkit.report.tables import figure_tiles

REPORTS = ("10_satisfaction_report.ipynb", "20_pain_points.ipynb", "30_journey_map.ipynb")


def _png(draw) -> bytes:
    """PNG bytes of a figure drawn by *draw(ax)* (no pyplot state: safe inside a widget callback)."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8, 5.5))
    draw(fig.subplots())
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=80)
    return buf.getvalue()


def ratings_distribution(study: Study, question: str) -> pd.DataFrame:
    """Weighted share of each answer to one rating question: value, n, share."""
    sub = study.long[(study.long["question"] == question) & study.long["value"].notna()]
    w = sub["weight"].astype(float) if "weight" in sub else pd.Series(1.0, index=sub.index)
    out = pd.DataFrame({"value": sub["value"], "w": w}).groupby("value").agg(n=("w", "size"), w=("w", "sum"))
    out["share"] = out["w"] / out["w"].sum() if len(out) else 0.0
    return out.drop(columns="w").reset_index()


class ExplorePanel(W.VBox):
    """Filter widgets over a study, redrawing its key chart and tables (see :func:`explore`)."""

    def __init__(self, study: Study, *, lang: str = "de", run_file=None, notebooks_dir=None):
        self.study, self.lang = study, check_lang(lang)
        self.run_file = Path(run_file) if run_file else None
        self.notebooks_dir = Path(notebooks_dir) if notebooks_dir else None
        self._studies = {study.model: study}
        self._coded: dict = {}
        seg_col = study.scope.get("segment_column")
        segs = sorted(study.wide[seg_col].dropna().astype(str).unique()) if seg_col in study.wide else []
        wave_col = study.spec.wave
        waves = sorted(study.wide[wave_col].dropna().astype(str).unique()) if wave_col in study.wide else []
        self.filters = {
            "segment": W.Dropdown(options=[ALL, *segs], value=ALL, description=label("segment", lang)),
            "wave": W.Dropdown(options=[ALL, *waves], value=ALL, description=label("wave", lang)),
            "model": W.Dropdown(options=list_models(), value=study.model, description=label("journey_model", lang)),
            "lang": W.Dropdown(options=list(LANGS), value=lang, description=label("ex_language", lang))}
        for name, w in self.filters.items():
            w.add_class(f"cj-filter-{name}")
            w.observe(lambda _: self.redraw(), names="value")
        self.status = W.HTML().add_class("cj-explore-status")
        self.chart = W.Image(format="png", layout=W.Layout(max_width="48em")).add_class("cj-explore-chart")
        self.figures = W.Output().add_class("cj-explore-figures")
        self.tables = W.Output().add_class("cj-explore-tables")
        self.drill = W.Dropdown(description=label("ex_drill", lang)).add_class("cj-drill")
        self.drill_out = W.Output().add_class("cj-drill-out")
        self.drill.observe(lambda _: self.show_drill(), names="value")
        self.run_button = W.Button(description=label("ex_run_file", lang), layout=W.Layout(width="auto"))
        self.run_button.add_class("cj-run-file").on_click(lambda _: self._safe(self.write_run_file))
        self.version = 0
        super().__init__([W.HBox(list(self.filters.values()), layout=W.Layout(flex_flow="row wrap")),
                          W.HBox([self.run_button, self.status]), self.figures, self.chart,
                          self.drill, self.drill_out, self.tables])
        self.redraw()

    @property
    def lang_now(self) -> str:
        return self.filters["lang"].value

    def scope(self) -> Study:
        """The study as the filters narrow it (same functions as a report run with these parameters)."""
        model = self.filters["model"].value
        if model not in self._studies:
            s = self.study
            self._studies[model] = open_study(s.spec, data=s.data_path, model=model,
                                              segment_column=s.scope.get("segment_column"))
        return self._studies[model].scoped(segment=self.filters["segment"].value, wave=self.filters["wave"].value)

    def _safe(self, fn) -> None:
        try:
            fn()
        except CjkitError as exc:
            self.status.value = f"<span style='color:#b00'>{html.escape(str(exc))}</span>"

    def redraw(self) -> None:
        """Recompute and redraw the chart and the tables for the current filters."""
        self._safe(self._redraw)

    def _redraw(self) -> None:
        study, lang = self.scope(), self.lang_now
        self.current = study
        scores = sections.touchpoint_scores(study, lang=lang)
        self.scores = scores
        self.chart.value = _png(lambda ax: satisfaction_plot(scores, x="value", y="item_label", model=study.model,
                                                               lang=lang, ax=ax))
        _fill(self.figures, figure_tiles(sections.key_figures(study), study, lang=lang))
        _fill(self.tables, study.long, sections.ledger_table(study))
        options = [(f"{lab} ({q})", q) for q, lab in zip(scores["question"], scores["item_label"])]
        self.drill.options = options
        self.version += 1
        n = len(study.wide)
        self.status.value = (f"<span data-version='{self.version}'>{label('respondents', lang)}: {n} · "
                             f"{html.escape(self.filters['segment'].value)} · "
                             f"{html.escape(self.filters['wave'].value)}</span>")

    def show_drill(self) -> None:
        """Ratings distribution and masked verbatims of the touchpoint question chosen in the drill-down."""
        q = self.drill.value
        if q is None:
            return
        study, lang = self.current, self.lang_now
        dist = ratings_distribution(study, q).assign(share=lambda d: [format_percent(x, lang=lang) for x in d["share"]])
        tp = self.scores.set_index("question").at[q, "touchpoint"]
        key = (study.model, lang)
        if key not in self._coded:
            self._coded[key] = sections.coded_comments(self._studies[study.model], lang=lang)
        coded = self._coded[key]
        coded = coded[coded["respondent_id"].isin(study.wide["respondent_id"]) & (coded["touchpoint"] == tp)]
        _fill(self.drill_out, f"<b>{label('ex_ratings', lang)}</b>", dist, sections.verbatims(study, coded, lang=lang))

    def run_parameters(self) -> dict:
        """The current filter as report parameters (spec, lang, model, segment column) and grid."""
        s = self.study
        params = {"spec": str(s.spec.path) if s.spec.path else None, "lang": self.lang_now,
                  "journey_model": self.filters["model"].value, "segment_column": s.scope.get("segment_column")}
        return {"parameters": {k: v for k, v in params.items() if v},
                "grid": {"segment": [self.filters["segment"].value], "wave": [self.filters["wave"].value]}}

    def write_run_file(self, path=None) -> Path:
        """Write the current filter as a ``cjkit report`` run file (validated by the batch runner's loader)."""
        target = Path(path or self.run_file or "explore_run.yaml").resolve()
        folder = self.notebooks_dir or Path(__file__).resolve().parents[2] / "notebooks"
        run = self.run_parameters()
        data = {"run": "explore", "notebooks": [str((folder / nb).resolve()) for nb in REPORTS
                                                 if (folder / nb).is_file()], **run}
        load_run(data, base=target.parent)       # the batch runner would refuse it: refuse it here
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        self.status.value = f"{label('wb_exported', self.lang_now)}: {html.escape(target.name)}"
        return target


def _fill(out: W.Output, *items) -> None:
    """Replace what an Output widget shows (no kernel capture: the same in a test and in JupyterLab)."""
    from IPython.display import HTML

    out.outputs = ()
    for item in items:
        if isinstance(item, pd.DataFrame):
            item = HTML(_table_html(item))
        elif isinstance(item, str):
            item = HTML(item)
        out.append_display_data(item)


def _table_html(frame: pd.DataFrame) -> str:
    """An interactive table (itables, its JavaScript embedded: works offline)."""
    from itables import to_html_datatable

    return to_html_datatable(frame, connected=False, maxBytes=2 ** 16, showIndex=False)


def explore(study: Study, *, lang: str = "de", run_file=None, notebooks_dir=None) -> ExplorePanel:
    """A live filter panel: segment, wave, journey model and language redraw the key chart and tables.

    Parameters
    ----------
    study : Study
        The whole survey (:func:`cjkit.open_study` without a segment or wave filter).
    lang : {"de", "en"}
        Language the panel starts in (a filter changes it).
    run_file : str or Path, optional
        Where the "save as report run" button writes (default ``explore_run.yaml`` in the
        working folder).
    notebooks_dir : str or Path, optional
        Folder of the report notebooks the run file names (default the ``notebooks`` folder
        next to the package).

    Returns
    -------
    ExplorePanel
        The widget (an ``ipywidgets.VBox``); ``.filters`` are its dropdowns, ``.scope()`` the
        filtered study.

    Examples
    --------
    >>> import cjkit as cj
    >>> panel = cj.explore(cj.example_study())
    >>> panel.filters["segment"].value = "Paar"
    >>> set(panel.scope().wide["persona"])
    {'Paar'}
    """
    if not isinstance(study, Study):
        raise ParameterError("study", type(study).__name__, allowed="a Study from cj.open_study")
    return ExplorePanel(study, lang=lang, run_file=run_file, notebooks_dir=notebooks_dir)
