"""The HTML reports a CX lead hands on: one language, no internal id, no NaN, no pandas index, no
developer text, every chart with alt text and the executive summary first.

The report notebooks run with papermill and are exported by nbconvert exactly as a batch run does
(:func:`cjkit.report.batch.execute`), on small deterministic samples of the demo survey and of the
airline survey, each in German and in English; the pages are also checked as headless Chromium
renders them. The section outputs the notebooks display are checked without a kernel too.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from html.parser import HTMLParser

import pandas as pd
import pytest
import yaml

import cjkit as cj
from cjkit.catalog import i18n
from cjkit.report.execute import execute
from cjkit.report.grid import Job

REPORTS = ["10_satisfaction_report", "20_pain_points", "30_journey_map"]
DEVELOPER = ["cjkit", "cj.", "NBVAL", "Traceback", "papermill", "notebook", "DataFrame", "<IPython"]
INDEX_MARKERS = ["row_heading", "index_name", "blank level0", "Unnamed"]


class _Visible(HTMLParser):
    """Visible text of a page and the attributes of its images (styles and scripts left out)."""

    def __init__(self):
        super().__init__()
        self.text, self.images, self._skip = [], [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script"):
            self._skip += 1
        if tag == "img":
            self.images.append(dict(attrs))

    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.text.append(data.strip())


def _visible(html: str) -> tuple[str, list[dict]]:
    parser = _Visible()
    parser.feed(html)
    return "\n".join(parser.text), parser.images


def _internal_ids(spec) -> set[str]:
    """Ids a reader must never see: question, phase and touchpoint ids of the spec with an
    underscore (plain words such as 'satisfaction' may be ordinary text), and the label columns."""
    ids = {q.id for q in spec.questions}
    ids |= {q.phase for q in spec.questions if q.phase} | {q.touchpoint for q in spec.questions if q.touchpoint}
    return {i for i in ids if "_" in i} | {"item_label", "touchpoint_label", "phase_label", "unassigned"}


def _other_language(lang: str) -> set[str]:
    """Longer catalog texts of the other language that differ from this one (headings, notes)."""
    me, other = i18n.LANGS.index(lang), 1 - i18n.LANGS.index(lang)
    return {pair[other] for pair in i18n.LABELS.values()
            if pair[other] != pair[me] and len(pair[other]) >= 14 and "{" not in pair[other]}


def assert_clean(text: str, spec, lang: str, where: str) -> None:
    for word in ("NaN", "nan", "None", "<NA>", *INDEX_MARKERS):
        assert not re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text), f"{where}: '{word}' shown"
    for word in DEVELOPER:
        assert word not in text, f"{where}: developer text '{word}'"
    for ident in _internal_ids(spec):
        assert not re.search(rf"(?<![\w-]){re.escape(ident)}(?![\w-])", text), f"{where}: internal id '{ident}'"
    wrong = [t for t in _other_language(lang) if t in text]
    assert not wrong, f"{where}: text of the other language: {wrong[:3]}"


# --------------------------------------------------------------------------- the two samples
@pytest.fixture(scope="module")
def demo_survey(root, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("demo")
    raw = pd.read_csv(root / "surveys" / "demo" / "hotel_guests.csv", dtype=str)
    raw.sample(360, random_state=7).sort_index().to_csv(tmp / "sample.csv", index=False)
    spec = yaml.safe_load((root / "surveys" / "demo" / "spec.yaml").read_text(encoding="utf-8"))
    spec["data"] = "sample.csv"
    (tmp / "spec.yaml").write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    return tmp / "spec.yaml"


@pytest.fixture(scope="module")
def airline_survey(root, shared_data, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("airline")
    with zipfile.ZipFile(shared_data / "airline_satisfaction" / "airline_passenger_satisfaction.zip") as z:
        with z.open("airline_passenger_satisfaction.csv") as fh:
            wide = pd.read_csv(fh, nrows=3000)
    wide.sample(300, random_state=3).sort_index().to_csv(tmp / "sample.csv", index=False)
    spec = yaml.safe_load((root / "surveys" / "airline" / "spec.yaml").read_text(encoding="utf-8"))
    spec["data"] = "sample.csv"
    shutil.copy(root / "surveys" / "airline" / "touchpoints.yaml", tmp / "touchpoints.yaml")
    (tmp / "spec.yaml").write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    return tmp / "spec.yaml"


def _render(root, surveys: dict, out) -> dict[tuple[str, str], dict[str, str]]:
    """Every report type of every (survey, language) in one pool, as a batch run does: one
    kernel per report. *surveys*: name -> (spec path, segment column)."""
    combos = [(name, lang) for name in surveys for lang in i18n.LANGS]
    jobs = [Job(root / "notebooks" / f"{nb}.ipynb",
                {"spec": str(surveys[name][0]), "lang": lang, "segment_column": surveys[name][1]},
                f"{nb}__{name}__{lang}")
            for name, lang in combos for nb in REPORTS]
    with ProcessPoolExecutor(max_workers=2) as pool:
        rows = list(pool.map(execute, jobs, [out] * len(jobs)))
    for row in rows:
        assert row["status"] == "ok", f"{row['name']}: {row['error']}"
    return {(name, lang): {nb: (out / f"{nb}__{name}__{lang}.html").read_text(encoding="utf-8") for nb in REPORTS}
            for name, lang in combos}


@pytest.fixture(scope="module")
def pages(root, demo_survey, airline_survey, tmp_path_factory):
    return _render(root, {"demo": (demo_survey, "persona"), "airline": (airline_survey, "Class")},
                   tmp_path_factory.mktemp("reports"))


@pytest.fixture(scope="module")
def demo_html(pages):
    return pages[("demo", "de")]


@pytest.fixture(scope="module")
def airline_html(pages):
    return pages[("airline", "en")]


# --------------------------------------------------------------------------- the HTML reports
def _check_report(html: str, spec, lang: str, name: str) -> str:
    text, images = _visible(html)
    assert_clean(text, spec, lang, name)
    assert "<th class=\"row_heading" not in html and "<th class=\"blank" not in html   # no pandas row index
    assert images and all(img.get("alt") and "No description" not in img["alt"] for img in images), name
    summary = i18n.label("sec_summary", lang)
    assert text.count(summary) == 1
    # the executive summary comes right after the title, and the title is shown once
    lines = text.splitlines()
    assert lines.index(summary) < 15, name
    title = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1)
    body = html[html.index("<body"):]
    assert body.count(title) == 1
    # the browser tab shows the report's heading (not nbconvert's "Notebook")
    tab = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert tab == " ".join(re.sub(r"<[^>]+>", "", title).split()), (tab, name)
    return text


@pytest.mark.parametrize("name", REPORTS)
def test_demo_reports_in_german(demo_html, demo_survey, name):
    spec = cj.load_spec(demo_survey)
    text = _check_report(demo_html[name], spec, "de", name)
    assert i18n.label("sec_methods", "de") in text
    if name == "20_pain_points":
        assert i18n.label("note_painpoints", "de") in text       # the score explained in words
        assert "Balkendiagramm der" in demo_html[name]            # the pain-point chart, described


@pytest.mark.parametrize("name", REPORTS)
def test_airline_reports_in_english(airline_html, airline_survey, name):
    spec = cj.load_spec(airline_survey)
    text = _check_report(airline_html[name], spec, "en", name)
    assert re.search(r"\d[\d,]* respondents in this report \(\d[\d,]* usable of 300 rows\)", text)


@pytest.mark.parametrize("survey, lang", [("demo", "en"), ("airline", "de")])
@pytest.mark.parametrize("name", REPORTS)
def test_reports_in_the_other_language(pages, demo_survey, airline_survey, survey, lang, name):
    spec = cj.load_spec(demo_survey if survey == "demo" else airline_survey)
    text = _check_report(pages[(survey, lang)][name], spec, lang, f"{survey}/{lang}/{name}")
    assert i18n.label("sec_methods", lang) in text


def test_satisfaction_key_figures_are_tiles_not_print(demo_html):
    html = demo_html["10_satisfaction_report"]
    assert 'class="cj-tiles"' in html and i18n.label("tile_overall_mean", "de") in html
    assert "gesamtzufriedenheit_top2" not in html and "respondents_in_scope" not in html


def test_reports_render_clean_in_headless_chromium(pages, demo_survey, airline_survey, tmp_path):
    """What a reader's browser shows (the DOM after Chromium has run the page) holds no id, NaN,
    index or developer text either."""
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        pytest.skip("headless Chromium is not installed (make test installs the Debian package when run as root)")
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--dump-dom"]
    specs = {"demo": cj.load_spec(demo_survey), "airline": cj.load_spec(airline_survey)}
    files = {}
    for (survey, lang), reports in pages.items():
        for name, html in reports.items():
            files[(survey, lang, name)] = tmp_path / f"{survey}_{name}_{lang}.html"
            files[(survey, lang, name)].write_text(html, encoding="utf-8")

    def dump(page):
        return subprocess.run([exe, *flags, page.as_uri()], capture_output=True, text=True, timeout=180).stdout

    with ThreadPoolExecutor(max_workers=2) as pool:  # one browser per page, two at a time
        doms = dict(zip(files, pool.map(dump, files.values())))
    for (survey, lang, name), dom in doms.items():
        text, images = _visible(dom)
        assert i18n.label("sec_summary", lang) in text, f"{survey}/{name}/{lang}: Chromium rendered no report"
        assert_clean(text, specs[survey], lang, f"{survey}/{name}/{lang} in Chromium")
        assert images and all(img.get("alt") for img in images)


# --------------------------------------------------------------------------- the other language, per section
def _sections_html(study, lang) -> str:
    coded = cj.report.coded_comments(study, lang=lang)
    pains = cj.report.painpoint_table(study, coded, lang=lang)
    parts = [cj.report.heading(study, "satisfaction", lang=lang).data,
             cj.report.summary_html(cj.report.executive_summary(study, lang=lang, coded=coded,
                                                                painpoints=pains)).data,
             cj.report.figure_tiles(cj.report.key_figures(study), study, lang=lang).data,
             cj.report.format_table(cj.report.touchpoint_scores(study, lang=lang), lang=lang, kind="scores").data,
             cj.report.format_table(pains, lang=lang, kind="painpoints").data,
             cj.report.format_table(cj.report.journey_map_data(study, lang=lang), lang=lang, kind="cells").data,
             cj.report.format_table(study.summary(), lang=lang, kind="bases").data,
             cj.report.format_table(cj.report.ledger_table(study), lang=lang, kind="ledger").data,
             cj.report.methods_html(cj.report.methods_appendix(lang=lang)).data]
    if cj.report.section_status(study).set_index("section").loc["drivers", "shown"]:
        parts.append(cj.report.format_table(cj.report.driver_table(study, lang=lang), lang=lang, kind="drivers").data)
        parts.append(cj.report.format_table(cj.report.driver_diagnostics(study, lang=lang), lang=lang,
                                            kind="diagnostics").data)
    return "".join(parts)


def test_demo_sections_in_english(demo_survey):
    study = cj.open_study(demo_survey)
    text, _ = _visible(_sections_html(study, "en"))
    assert_clean(text, study.spec, "en", "demo/en")
    assert "Overall satisfaction stands at" in text


def test_airline_sections_in_german(airline_survey):
    study = cj.open_study(airline_survey)
    text, _ = _visible(_sections_html(study, "de"))
    assert_clean(text, study.spec, "de", "airline/de")
    assert "Befragten sind insgesamt zufrieden" in text
