import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rectikit.text.normalise import FILLERS, cn_number, normalise, normalise_many, same_problem


@pytest.mark.parametrize(
    "s,n",
    [
        ("三", 3),
        ("十", 10),
        ("十一", 11),
        ("二十六", 26),
        ("三百五十", 350),
        ("二〇二〇", 2020),
        ("一万二千", 12000),
        ("两", 2),
        ("天", None),
        ("", None),
    ],
)
def test_cn_number(s, n):
    assert cn_number(s) == n


@pytest.mark.parametrize(
    "a,b",
    [
        ("希望尽快修复民主路的路灯，谢谢！", "尽快修复民主路的路灯。"),
        ("建议：民主路路灯不亮已经三个月了", "民主路路灯不亮已经3个月了"),
        ("ＡＢＣ小区停水１２小时", "abc小区停水12小时"),
        ("關於學校門口交通擁堵的問題", "关于学校门口交通拥堵的问题"),
        ("我想反映一下，8路公交班次少", "8路公交班次少"),
    ],
)
def test_same_comparison_form(a, b):
    assert normalise(a) == normalise(b)


def test_words_with_numerals_are_left_alone():
    assert normalise("我们一直统一十分重视") == "一直统一十分重视"


def test_stored_text_is_not_touched():
    texts = ["希望修路。"]
    normalise_many(texts)
    assert texts == ["希望修路。"]


@given(st.text(max_size=40))
def test_normalise_is_idempotent(s):
    n = normalise(s)
    assert normalise(n) == n


@given(st.text(alphabet="路灯不亮小区停水民主城中区，。！ 希望建议谢谢0123456789", max_size=30))
def test_width_and_punctuation_do_not_matter(s):
    wide = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in s)
    assert normalise(wide) == normalise(s)
    assert normalise(s.replace("，", ",").replace("。", ".")) == normalise(s)


@pytest.mark.parametrize(
    "a,b,same",
    [
        ("尽快解决民主路路灯不亮的问题", "望尽快解决民主路路灯不亮的问题", True),
        ("请有关部门重视石门村道路问题", "请相关部门重视石门村道路问题", True),
        ("中山街道脱贫户公益性岗位工资发放不及时", "河东街道脱贫户公益性岗位工资发放不及时", False),
        ("市人民医院部分医务人员态度生硬", "市第二人民医院部分医务人员态度生硬", False),
        ("石门村到镇上的3公里村道坑洼不平", "石门村到镇上的5公里村道坑洼不平", False),
        ("大平山镇部分工作人员上班玩手机", "平山镇部分工作人员上班玩手机", False),
        ("民主路路灯不亮", "民主路的路灯不亮", True),
    ],
)
def test_same_problem(a, b, same):
    assert same_problem(normalise(a), normalise(b)) is same


def test_nfkc_width_forms_compare_equal():
    assert normalise("（城中区）") == normalise(unicodedata.normalize("NFKC", "（城中区）"))


def test_a_filler_character_that_slipped_in_changes_nothing():
    assert same_problem(normalise("高新区人民医院门口路灯不亮"), normalise("高新区人民了医院门口路灯不亮"))
    assert not same_problem(normalise("东村路灯不亮"), normalise("西村路灯不亮"))  # another village still is


def test_template_texts_about_other_complaints_are_other_problems():
    from rectikit.text.specificity import topics

    a = normalise("城中区公交班次少，路灯不亮，已经24天了，希望尽快解决。")
    b = normalise("城中区公交班次少，噪音扰民，已经24天了，希望尽快解决。")
    assert same_problem(a, b) and not same_problem(a, b, topics)
    c = normalise("城中区公交班次少，路灯不亮，已经24天了，请相关部门尽快处理。")
    assert same_problem(a, c, topics)  # the closing formula differs, not the complaint


@given(
    st.text(alphabet="东西村路灯不亮噪音扰民已经天了希望尽快解决0123456789", min_size=4, max_size=40),
    st.integers(min_value=0, max_value=40),
    st.sampled_from(sorted(FILLERS)),
)
def test_inserting_a_filler_keeps_the_same_problem(text, at, filler):
    from rectikit.text.specificity import topics

    at = min(at, len(text))
    assert same_problem(text, text[:at] + filler + text[at:], topics)


@given(
    st.sampled_from(["", "+86 ", "+86-", "86-", "0086 ", "(+86)"]),
    st.sampled_from(["", " ", "-", "—", "."]),
    st.booleans(),
    st.text("0123456789", min_size=9, max_size=9),
    st.sampled_from("3456789"),
)
def test_a_phone_has_one_key_however_it_is_typed(prefix, sep, fullwidth, tail, second):
    from rectikit.text.normalise import phone_key

    number = "1" + second + tail
    typed = prefix + number[:3] + sep + number[3:7] + sep + number[7:]
    if fullwidth:
        typed = typed.translate(str.maketrans("0123456789+", "０１２３４５６７８９＋"))
    assert phone_key(typed) == number


def test_what_is_not_a_phone_has_no_key():
    from rectikit.text.normalise import phone_key

    assert [phone_key(x) for x in ("12345", "电话", "", None, "0771-5501234", "(0771)5501234", "5501234")] == [
        None,
        None,
        None,
        None,
        "07715501234",
        "07715501234",
        "5501234",
    ]


def test_a_number_only_one_text_names_is_another_problem():
    # "已经19天" against "已经10天": decided before any alignment, and either way round
    a, b = (
        normalise("城中区停水停电，已经19天了，希望尽快解决。"),
        normalise("城中区停水停电，已经10天了，希望尽快解决。"),
    )
    assert not same_problem(a, b) and not same_problem(b, a)
    # a number both name, the wording around it changed: still one problem
    assert same_problem(normalise("3号楼电梯坏了，希望尽快修好"), normalise("3号楼电梯坏了，希望尽快修"))


def _facts_by_scanning(text: str, lo: int, hi: int) -> list[str]:
    """What _facts means, read straight off the text: every run of digits that overlaps [lo, hi) with the
    character after it, and the stretch up to the first place suffix starting from lo to hi + 2."""
    import re

    from rectikit.text.normalise import PLACE_SUFFIX

    out = [text[m.start() : m.end() + 1] for m in re.finditer(r"\d+", text) if m.end() > lo and m.start() < hi]
    for p in range(lo, min(hi + 2, len(text) - 1) + 1):
        if m := PLACE_SUFFIX.match(text, p):
            out.append(text[lo : p + len(m.group(1))])
            break
    return out


@given(
    st.text(alphabet="12345中山路村镇小区医院卫生院街道三小门学灯民", max_size=30),
    st.integers(0, 30),
    st.integers(0, 5),
)
def test_facts_read_from_a_text_layout_are_the_facts_of_the_stretch(text, lo, width):
    from rectikit.text.normalise import _facts

    lo = min(lo, len(text))
    hi = min(lo + width, len(text))
    assert _facts(text, lo, hi) == _facts_by_scanning(text, lo, hi)
