"""The language and label catalog: one language check, labels, Babel number and date formats."""
import datetime
import re
from pathlib import Path

import babel.dates
import babel.numbers
import numpy as np
import pandas as pd
import pytest

from cjkit.catalog import i18n
from cjkit.errors import ParameterError
from cjkit.plot import theme

PACKAGE = Path(i18n.__file__).resolve().parents[1]


@pytest.mark.parametrize("bad", ["fr", "DE", "", None, 1])
def test_check_lang_names_parameter_and_allowed_values(bad):
    with pytest.raises(ParameterError, match=r"parameter 'lang'.*allowed: de, en"):
        i18n.check_lang(bad)
    with pytest.raises(ParameterError, match="parameter 'label_lang'"):
        i18n.check_lang(bad, "label_lang")


def test_the_language_check_is_written_once():
    # every module asks cjkit.catalog.i18n; none spells out its own list of languages
    own = re.compile(r"lang\w* not in \(|def _check_lang|def check_lang")
    offenders = [str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py")
                 if p.name != "i18n.py" and own.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_labels_exist_in_both_languages_and_unknown_keys_are_rejected():
    for key, pair in i18n.LABELS.items():
        assert len(pair) == 2 and all(isinstance(t, str) and t for t in pair), key
    assert i18n.labels(["base", "n"], "de") == {"base": "Basis", "n": "n"}
    with pytest.raises(ParameterError, match="parameter 'key' got 'nope'"):
        i18n.label("nope", "de")
    # the chart helper keeps free text, so a researcher's own title passes through
    assert theme.label("Mein Titel", "en") == "Mein Titel"
    assert theme.label("low_base", "en") == i18n.label("low_base", "en")


def test_phase_and_touchpoint_labels_come_from_the_catalogs():
    from cjkit.catalog import models, touchpoints
    m = models.get("accra")
    assert i18n.phase_labels(m, "en") == {p.id: p.label_en for p in m.phases}
    cat = touchpoints.load()
    first = cat.iloc[0]
    assert i18n.touchpoint_labels([first["id"], "zzz"], "de", cat) == {first["id"]: first["label_de"], "zzz": "zzz"}
    assert theme.phase_labels("accra", "de") == models.phase_labels("accra", "de")


VALUES = [0.0, 1.0, -1.0, 3.14159, 1234.5, -1234567.891, 0.001, 99999.95]


@pytest.mark.parametrize("locale", i18n.LOCALES)
@pytest.mark.parametrize("decimals", [0, 1, 2])
def test_format_number_follows_babel_for_each_locale(locale, decimals):
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    for x in VALUES:
        expected = babel.numbers.format_decimal(round(x, decimals), format=pattern, locale=locale)
        if round(x, decimals) == 0:
            expected = expected.lstrip("-")
        assert i18n.format_number(x, locale=locale, decimals=decimals) == expected, (x, locale)


@pytest.mark.parametrize("locale", i18n.LOCALES)
def test_format_percent_follows_babel_for_each_locale(locale):
    for x in [0.0, 0.42, -0.05, 1.0, 0.125]:
        expected = babel.numbers.format_percent(round(x * 100) / 100, locale=locale)
        assert i18n.format_percent(x, locale=locale, decimals=0) == expected, (x, locale)


def test_hand_checked_expectations():
    # written from the CLDR conventions as Babel 2.19 ships them
    assert i18n.format_number(1234.5, lang="de") == "1.234,5"                # de_DE: dot groups, decimal comma
    assert i18n.format_number(1234.5, locale="de_AT") == "1.234,5"
    assert i18n.format_number(12345.67, locale="de_CH", decimals=2) == "12'345.67"   # Swiss apostrophe
    assert i18n.format_number(1234.5, lang="en") == "1,234.5"
    assert i18n.format_number(1234.5, locale="en_US", decimals=0) == "1,234"      # round half to even
    assert i18n.format_percent(0.425, lang="de", decimals=1) == "42,5\u00a0%"       # German: no-break space
    assert i18n.format_percent(0.425, locale="de_CH", decimals=1) == "42.5%"
    assert i18n.format_percent(0.425, lang="en", decimals=1) == "42.5%"
    assert i18n.format_number(-0.04, lang="de") == "0,0"                         # no "-0,0"
    assert i18n.format_number(23, lang="en", decimals=0, sign=True) == "+23"
    assert i18n.format_number(np.nan) == i18n.format_number(None) == "–"


def test_rounding_is_that_of_the_tables():
    # f-strings round the binary value: 2.675 is 2.67499..., so tables show 2.67, and so must charts
    assert i18n.format_number(2.675, lang="en", decimals=2) == f"{2.675:.2f}" == "2.67"
    assert i18n.format_number(0.125, lang="en", decimals=2) == f"{0.125:.2f}"


@pytest.mark.parametrize("locale", i18n.LOCALES)
def test_format_date_follows_babel(locale):
    day = datetime.date(2026, 3, 7)
    for fmt in ("short", "medium", "long"):
        assert i18n.format_date(day, locale=locale, format=fmt) == babel.dates.format_date(day, fmt, locale=locale)
    assert i18n.format_date(pd.Timestamp("2026-03-07 12:30"), locale=locale) == babel.dates.format_date(day, locale=locale)
    assert i18n.format_date(pd.NaT) == "–"


def test_format_date_hand_checked():
    day = datetime.date(2026, 1, 5)
    assert i18n.format_date(day, lang="de") == "05.01.2026"
    assert i18n.format_date(day, locale="de_AT", format="long") == "5. Jänner 2026"
    assert i18n.format_date(day, locale="en_US", format="short") == "1/5/26"


def test_bad_locale_and_decimals_are_named():
    with pytest.raises(ParameterError, match=r"parameter 'locale'.*de_DE, de_AT, de_CH, en_GB, en_US"):
        i18n.format_number(1.0, locale="fr_FR")
    with pytest.raises(ParameterError, match="parameter 'decimals'"):
        i18n.format_number(1.0, decimals=-1)
    with pytest.raises(ParameterError, match="parameter 'd'"):
        i18n.format_date("2026-01-05")


def test_theme_numbers_are_the_catalog_numbers_with_a_typographic_minus():
    # the chart formatter and the catalog cannot disagree: one is the other plus U+2212
    for x in [-1234.56, -0.05, 0.0, 0.42, 7.0]:
        for lang in ("de", "en"):
            assert theme.fmt_number(x, lang) == i18n.format_number(x, lang=lang).replace("-", "\u2212")
            assert theme.fmt_number(x, lang, percent=True, decimals=0) == \
                i18n.format_percent(x, lang=lang).replace("-", "\u2212")
    assert theme.fmt_number(-1234.56, "de") == "\u22121.234,6"


def test_label_catalog_has_each_key_once():
    # a dict literal keeps the last of two equal keys silently, so a second entry would shadow the first
    import ast
    import collections
    from pathlib import Path

    tree = ast.parse(Path(i18n.__file__).read_text(encoding="utf-8"))
    twice = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            keys = [k.value for k in node.keys if isinstance(k, ast.Constant)]
            twice.update({k: node.lineno for k, n in collections.Counter(keys).items() if n > 1})
    assert twice == {}
