"""One code per answer: overlapping matches count once, the part after a contrast is the point.

A small codebook of four topics on one level, so every expected code below follows by hand from
the rule in ``cjkit.coding.primary`` (pieces of evidence; on a tie the code with more evidence in
the point; then the first mention), independent of the shipped vocabulary.
"""
from __future__ import annotations

import numpy as np

from cjkit.coding import matcher as M
from cjkit.coding.coder import code_texts
from cjkit.coding.primary import in_point, pick


def _topic(id_, de, en):
    return {"id": id_, "kind": "topic", "label_de": id_, "label_en": id_,
            "match": {"de": {"keywords": de}, "en": {"keywords": en}}}


BOOK = {"id": "mini_contrast", "name_de": "Mini", "name_en": "Mini", "codes": [
    {"id": "usage", "kind": "group", "label_de": "Nutzung", "label_en": "Usage", "canonical_stage": "usage",
     "children": [_topic("friendliness", ["freundlich", "hilfsbereit"], ["friendly", "helpful"]),
                  _topic("cleanliness", ["schmutzig", "sauber"], ["dirty", "clean", "smelly"]),
                  _topic("price", ["Preis"], ["price"]),
                  _topic("waiting", ["Wartezeit"], ["it took", "took us"])]}]}


def primary(texts, lang):
    return code_texts(texts, BOOK, lang=lang, sentiment=False, single_label=True)["code"].astype(object).tolist()


def test_overlapping_phrases_of_one_code_are_one_piece_of_evidence():
    # "it took us": "it took" and "took us" overlap, one stretch (1) against "price" (1):
    # the tie goes to the first mention, the price
    assert primary(["The price was fair, it took us an hour"], "en") == ["price"]
    # the same two phrases apart are two stretches (2 > 1)
    assert primary(["The price was fair, it took an hour and the paperwork took us another"], "en") == ["waiting"]


def test_the_part_after_but_or_aber_is_the_point_in_either_order():
    # one term each: the one after the contrast word is the point and wins wherever it stands
    en = ["The staff were friendly, but the car was dirty", "The car was dirty, but the staff were friendly"]
    assert primary(en, "en") == ["cleanliness", "friendliness"]
    de = ["Das Personal war freundlich, aber das Auto war schmutzig",
          "Das Auto war schmutzig, aber das Personal war freundlich"]
    assert primary(de, "de") == ["cleanliness", "friendliness"]
    # a contrast decides ties only: two terms before it beat one after it
    assert primary(["Staff friendly and helpful, but the car was dirty"], "en") == ["friendliness"]
    # a new sentence opened by "But": the point is there
    assert primary(["The car was dirty. But the staff were friendly."], "en") == ["friendliness"]


def test_contrast_adverbs_inside_their_clause():
    # "jedoch" / "allerdings" / "however" stand inside the clause that carries the point
    assert primary(["Das Auto war sauber, der Preis jedoch zu hoch"], "de") == ["price"]
    assert primary(["Das Auto war sauber. Der Preis war allerdings zu hoch."], "de") == ["price"]
    # ", however," set off by commas is no clause of its own: "The price" is the point
    assert primary(["The car was clean. The price, however, was too high."], "en") == ["price"]


def test_a_concessive_clause_is_conceded_not_the_point():
    # obwohl / although: the conceded clause is not the point, the main clause is
    assert primary(["Although the staff were friendly, the car was dirty",
                    "The car was dirty, although the staff were friendly"], "en") == ["cleanliness", "cleanliness"]
    assert primary(["Obwohl das Personal freundlich war, war das Auto schmutzig"], "de") == ["cleanliness"]


def test_without_a_contrast_the_rule_is_unchanged():
    # no contrast word ("yet" and "while" are none): one term each, first mention
    texts = ["The staff were friendly and the car was dirty",
             "The car was dirty and not ready yet, the staff were friendly"]
    assert primary(texts, "en") == ["friendliness", "cleanliness"]


def _points(texts, words):
    t = M.TermTable()
    M.add_function_words(t, stopwords=False, sentiment=False)
    block = M.fold_block(texts)
    scan = M.Matcher(t).scan(block)
    # the folded text of each answer starts at doc_start_f (ASCII text: offsets as written)
    doc = np.array([d for d, _ in words])
    start = np.array([block.doc_start_f[d] + texts[d].index(w) for d, w in words])
    return in_point(scan, t, doc, start).tolist()


def test_in_point_by_hand():
    # only the part after "but" up to the end of its sentence is the point
    text = "Staff friendly. Car dirty, but price high. Wait long"
    assert _points([text], [(0, "Staff"), (0, "Car"), (0, "price"), (0, "Wait")]) == [False, False, True, False]
    # the same contrast in an answer of four sentences tells a story: no point
    long = "Staff friendly. Car dirty, but price high. Wait long. Nothing else"
    assert _points([text, long], [(1, "Car"), (1, "price"), (0, "price")]) == [False, False, True]
    # "yet" and "while" are no contrast words; "though" concedes its clause
    assert _points(["Car not ready yet, staff rude", "Staff rude, though car clean"],
                   [(0, "staff"), (1, "Staff"), (1, "car")]) == [False, True, False]


def test_pick_counts_stretches_then_points_by_hand():
    # answer 0: code 0 has terms 1, 2 overlapping ([0, 7) and [3, 10)) and term 1 again apart,
    # which is no new term: 1 piece of evidence; code 1 one term: 1. Tie; code 1 is in the
    # point: code 1 (its hit, index 3). Answer 1: the same, but code 0's repeated term 1 is in
    # the point; it brings no new term, so its stretch does not count: tie 0 : 0 in the point,
    # first mention: code 0 (index 4). Answer 2: code 0's overlapping hits apart ([0, 7) and
    # [8, 15)): 2 pieces against 1, code 0 wins although code 1 is in the point (index 8).
    row = np.array([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2])
    code = np.array([0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1])
    rule = np.array([1, 2, 1, 3, 1, 2, 1, 3, 1, 2, 3])
    start = np.array([0, 3, 30, 20, 0, 3, 30, 20, 0, 8, 20])
    end = np.array([7, 10, 37, 25, 7, 10, 37, 25, 7, 15, 25])
    point = np.array([0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 1], bool)
    kept = pick(row, code, rule, start, np.zeros(2, np.int64), end=end, point=point)
    assert kept.tolist() == [3, 4, 8]
