import csv
import random

from python_calamine import CalamineWorkbook

from rectikit.base.resources import examples_dir
from rectikit.text.minhash import lsh_candidates, minhash_signatures
from rectikit.text.neardup import find_groups


def _expected(batch):
    pairs = [
        (r["original_seq"], r["repeat_seq"])
        for r in csv.DictReader(open(examples_dir() / "expected_duplicates.csv", encoding="utf-8"))
        if r["batch"] == batch
    ]
    groups: dict[str, set] = {}
    for a, b in pairs:
        groups.setdefault(a, {a}).add(b)
    return sorted(sorted(g) for g in groups.values())


def test_examples_2019_merge_to_538_with_exactly_the_planted_groups():
    rows = (
        CalamineWorkbook.from_path(str(examples_dir() / "2019年度社会评价群众意见建议.xlsx"))
        .get_sheet_by_index(0)
        .to_python()
    )
    items = [
        (str(int(float(r[0]))), r[2])
        for r in rows[4:]
        if isinstance(r[2], str) and r[2].strip() and str(r[0]).replace(".0", "").isdigit()
    ]
    assert len(items) == 547
    groups = find_groups([t for _, t in items], 0.8)
    got = sorted(sorted(items[i][0] for i in g.members) for g in groups)
    assert got == _expected("2019年度")
    assert len(items) - sum(len(g.members) - 1 for g in groups) == 538


def test_examples_2020_merge_to_443():
    with open(examples_dir() / "2020年中期社会评价群众意见建议.csv", encoding="gbk") as f:
        rows = list(csv.reader(f))[1:]
    groups = find_groups([r[2] for r in rows], 0.8)
    assert sorted(sorted(rows[i][0] for i in g.members) for g in groups) == _expected("2020年中期")
    assert len(rows) - sum(len(g.members) - 1 for g in groups) == 443


def test_no_chaining_through_a_middle_item():
    # b is close to a and to c, but a and c are not close: no group of three
    a = "城中区民主路的路灯坏了很久一直没有人来修理"
    b = "城中区民主路的路灯坏了很久一直没有人来修理希望尽快派人维修"
    c = "城中区民主路的路灯坏了很久希望尽快派人维修更换灯泡并加强日常巡查管理"
    groups = find_groups([a, b, c], 0.75)
    assert all(len(g.members) == 2 for g in groups)


def test_forbidden_pairs_stay_apart():
    texts = ["民主路路灯不亮，希望尽快维修。", "民主路路灯不亮,希望尽快维修", "希望民主路路灯不亮，希望尽快维修！"]
    assert [g.members for g in find_groups(texts, 0.8)] == [(0, 1, 2)]
    groups = find_groups(texts, 0.8, forbidden=[(0, 2)])
    assert all(not {0, 2} <= set(g.members) for g in groups)


def test_exact_duplicates_score_one():
    [g] = find_groups(["小区停水三天。", "小区停水3天", "其他问题完全不同的内容"], 0.8)
    assert g.members == (0, 1) and g.score == 1.0


def test_lsh_finds_light_edits_among_many():
    rng = random.Random(3)
    chars = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经"
    base = ["".join(rng.choice(chars) for _ in range(30)) for _ in range(3000)]
    edited = [t[:10] + t[11:] for t in base[:300]]  # one character deleted
    rows, sig = minhash_signatures(base + edited)
    cand = {tuple(p) for p in lsh_candidates(rows, sig).tolist()}
    found = sum((i, 3000 + i) in cand for i in range(300))
    assert found >= 294  # >= 98% of true pairs become candidates
    assert len(cand) < 20_000  # and nowhere near all 5.4 million pairs


def test_empty_and_tiny_texts():
    assert find_groups([], 0.8) == []
    assert find_groups(["", "", "a"], 0.8)[0].members == (0, 1)


def test_a_repost_with_its_body_rewritten_is_found_by_its_title():
    from rectikit.text.neardup import find_groups

    texts = [
        "民主路路灯已经坏了三个月，晚上出行很不安全，老人小孩经常摔倒，希望相关部门尽快派人维修。",
        "上次反映的问题还没有解决：民主路的路灯到现在还是不亮，晚上黑漆漆的，请尽快处理。",
        "中山路路灯不亮，晚上出行很不安全。",
        "学校门口拥堵，希望增派交警。",
    ]
    titles = [
        "反映民主路路灯长期不亮的问题",
        "再次反映民主路路灯长期不亮的问题",
        "反映中山路路灯长期不亮的问题",
        "道路问题",
    ]
    assert find_groups(texts, 0.8) == []  # the bodies alone are too far apart
    [group] = find_groups(texts, 0.8, titles=titles)
    assert group.members == (0, 1) and group.score < 0.8  # a reviewer decides; --auto never merges it
    # a generic title says too little, and a title naming another road is another problem
    assert find_groups(texts[2:], 0.8, titles=["道路问题", "道路问题"]) == []
    assert find_groups(texts[:1] + texts[2:3], 0.8, titles=titles[:1] + titles[2:3]) == []


def test_a_generic_hotline_title_joins_nothing_but_a_title_naming_the_place_does():
    from rectikit.text.neardup import find_groups

    bodies = [
        "仓山区摩卡生活馆门口的金港河施工工地凌晨0点14分还在施工，噪音严重扰民。特此投诉，望处理。",
        "仓山区白湖亭河下濂段晚上11点多还有钩机在作业，噪音严重扰民。特此投诉，望处理。",
    ]
    assert find_groups(bodies, 0.8, titles=["河道施工扰民", "河道施工扰民"]) == []
    retold = [
        "仓山区三叉街地铁口旁边的龙津河晚上时不时会有一股化学臭味飘出，很臭，希望尽快解决这个问题。",
        "从去年起就说近期整治，到现在都没有任何处理，时不时有化学臭味飘出，前段时间咳嗽鼻炎严重，希望尽快解决。",
    ]
    [g] = find_groups(retold, 0.8, titles=["龙津河很臭的问题", "龙津河很臭的问题"])
    assert g.signals == ("title",) and g.score < 0.8


def _noise(n: int) -> list[str]:
    """Texts of characters drawn at random, each with the words every complaint uses."""
    rng = random.Random(3)
    return [
        "".join(chr(rng.randrange(0x4E00, 0x9FA5)) for _ in range(40)) + "已经投诉多次，一直没有解决，晚上营业"
        for _ in range(n)
    ]


def test_a_repost_retold_with_new_details_is_found_by_the_particulars_both_letters_name():
    from rectikit.text.neardup import find_groups

    first = "泉星社区的海阔天空KTV和飞歌KTV每天晚上营业到凌晨，鬼哭狼嚎，已经多人投诉多次，一直没有解决。"
    again = "网上几次投诉过海阔天空KTV和飞歌KTV晚上营业扰民，3月12日晚上又吵到两点，孩子要中考，政府一直没有处理。"
    texts = _noise(300) + [first, again]
    titles = [""] * 300 + [
        "投诉A7县泉星社区海阔天空KTV和飞歌KTV噪音扰民",
        "投诉泉星社区“海阔天空KTV”和“飞歌KTV”噪声扰民",
    ]
    assert find_groups(texts, 0.8, titles=titles[:300] + ["", ""]) == []  # the bodies alone are too far apart
    [group] = find_groups(texts, 0.8, titles=titles)
    assert group.members == (300, 301) and group.signals == ("rewrite",) and group.score < 0.8
    assert group.shared[:2] == ("海阔天空", "飞歌")  # the particulars first; 投诉, 没有 are in every letter
    # titles naming two different places are two problems, whatever the letters share
    apart = titles[:300] + ["投诉渌口区海阔天空KTV噪音扰民", "投诉芦淞区海阔天空KTV噪音扰民"]
    assert find_groups(texts, 0.8, titles=apart) == []
    # in a small batch every word is uncommon: the signal stays off
    assert find_groups(texts[-2:], 0.8, titles=titles[-2:]) == []
