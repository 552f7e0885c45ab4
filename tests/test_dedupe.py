import sqlite3

import pytest
from openpyxl import load_workbook

from rectikit.base.errors import InvalidDataError, NotFoundError, UsageError
from rectikit.base.resources import examples_dir
from rectikit.documents.export import export_ledger
from rectikit.figures import ledger_status
from rectikit.steps.dedupe import dedupe, propose
from rectikit.steps.ingest import import_files
from rectikit.steps.mergereview import apply_review
from rectikit.steps.merging import unmerge
from rectikit.store.sources import original_rows

from helpers import ledger_snapshot, set_items, write_xlsx

ROWS = [
    ["序号", "意见建议内容", "县区", "来源"],
    [1, "民主路路灯不亮，晚上出行很不安全，希望尽快维修。", "城中区", "城乡居民"],
    [2, "民主路路灯不亮,晚上出行很不安全,希望尽快维修", "城中区", "企业开办"],
    [3, "建议：民主路路灯不亮，晚上出行很不安全，希望尽快维修，谢谢！", "城中区", "城乡居民"],
    [4, "石门村到镇上的村道坑洼不平，下雨天泥泞难行，希望硬化。", "平山县", "乡村振兴"],
    [5, "大塘村到镇上的村道坑洼不平，下雨天泥泞难行，希望硬化。", "平山县", "乡村振兴"],
    [6, "学校门口上下学时段交通拥堵，缺少交警疏导，存在安全隐患。", "江南区", "城乡居民"],
    [7, "学校门口上下学时段交通拥堵，缺少交警疏导。", "江南区", "城乡居民"],
]


@pytest.fixture
def loaded(ws, tmp_path):
    import_files(ws, [write_xlsx(tmp_path / "a.xlsx", ROWS)], batch="2019年度")
    return ws


def active(ws):
    con = sqlite3.connect(ws.ledger_path)
    return [r[0] for r in con.execute("SELECT id FROM items WHERE merged_into IS NULL ORDER BY id")]


def test_propose_changes_nothing(loaded):
    snap = ledger_snapshot(loaded)
    res = propose(loaded)
    groups = sorted(sorted(g.item_ids) for g in res.groups)
    assert groups == [[1, 2, 3], [6, 7]]  # different villages (4, 5) are not merged
    assert ledger_snapshot(loaded) == snap


def test_representative_is_the_most_complete_text(loaded):
    g = next(g for g in propose(loaded).groups if 6 in g.item_ids)
    assert g.item_ids[0] == 6


def test_auto_merges_only_nearly_identical_groups(loaded):
    res = dedupe(loaded, auto=True)
    assert res.merged_groups == 1  # 1-2-3 are identical once normalised; 6-7 scores below 0.9
    assert active(loaded) == [3, 4, 5, 6, 7]
    st = ledger_status(loaded)
    assert (st["batches"][0]["raw_items"], st["batches"][0]["items"]) == (7, 5)


def test_merged_item_keeps_every_raw_item(loaded, tmp_path):
    dedupe(loaded, auto=True)
    res = export_ledger(loaded, tmp_path / "台账.csv")
    assert (res["items"], res["raw_items"]) == (5, 7)
    con = sqlite3.connect(loaded.ledger_path)
    assert con.execute("SELECT COUNT(*) FROM items WHERE merged_into=3").fetchone()[0] == 2
    sources = {r[0] for r in con.execute("SELECT source FROM items WHERE id=3 OR merged_into=3")}
    assert sources == {"城乡居民", "企业开办"}
    with loaded.ledger() as led:
        assert [r["row"] for r in original_rows(led, 3)] == [2, 3, 4]


def test_auto_twice_changes_nothing_more(loaded):
    dedupe(loaded, auto=True)
    snap = ledger_snapshot(loaded)
    assert dedupe(loaded, auto=True).merged_groups == 0
    assert ledger_snapshot(loaded) == snap


def test_unmerge_restores_and_is_not_redone(loaded):
    dedupe(loaded, auto=True)
    res = unmerge(loaded, 3)
    assert res["restored"] == [1, 2, 3]
    assert active(loaded) == [1, 2, 3, 4, 5, 6, 7]
    assert dedupe(loaded, auto=True).merged_groups == 0  # people said no: never proposed again
    con = sqlite3.connect(loaded.ledger_path)
    actions = [r[0] for r in con.execute("SELECT action FROM history ORDER BY id")]
    assert actions.count("merge") == 1 and actions.count("unmerge") == 1 and actions.count("keep-apart") == 3


def test_merging_a_merged_item_stays_flat_and_unmerges_whole(loaded):
    from rectikit.steps.merging import merge_items as _merge

    with loaded.ledger() as led, led.transaction():
        _merge(led, [4, 5], method="test")
        _merge(led, [5, 6], method="test")
    (rep,) = set(active(loaded)) - {1, 2, 3, 7}
    con = sqlite3.connect(loaded.ledger_path)
    assert {r[0] for r in con.execute("SELECT merged_into FROM items WHERE id IN (4, 5, 6) AND id != ?", (rep,))} == {
        rep
    }
    with loaded.ledger() as led:
        assert sorted(r["row"] for r in original_rows(led, rep)) == [5, 6, 7]
    assert unmerge(loaded, rep)["restored"] == [4, 5, 6]
    assert active(loaded) == [1, 2, 3, 4, 5, 6, 7]


def test_unmerge_errors(loaded):
    dedupe(loaded, auto=True)
    with pytest.raises(UsageError, match="已并入"):
        unmerge(loaded, 1)
    with pytest.raises(UsageError, match="不是合并"):
        unmerge(loaded, 4)
    with pytest.raises(NotFoundError, match="没有编号"):  # the data asked for, not the call: exit 1
        unmerge(loaded, 999)


def _decide(path, decisions: dict[int, str]):
    """Set 处理意见 by item id, as a person would in Excel."""
    wb = load_workbook(path)
    ws = wb["合并审核"]
    head = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        item = row[head.index("编号")].value
        if item in decisions:
            row[head.index("处理意见")].value = decisions[item]
    wb.save(path)


def test_review_round_trip(loaded, tmp_path):
    path = tmp_path / "合并审核.xlsx"
    res = dedupe(loaded, review=path)
    assert res.review_path == str(path)
    wb = load_workbook(path)
    sheet = wb["合并审核"]
    assert [c.value for c in sheet[1]][:4] == ["组号", "相似度", "依据", "编号"]
    reasons = [r[2] for r in sheet.iter_rows(min_row=2, values_only=True) if r[2]]
    assert reasons and all(r.startswith("内容相似度") for r in reasons)
    scores = [r[1] for r in sheet.iter_rows(min_row=2, values_only=True) if r[1] is not None]
    assert scores == sorted(scores)  # the least certain group first
    assert sheet.data_validations.dataValidation[0].formula1 == "选项!$A$1:$A$3"
    assert [c.value for c in wb["选项"]["A"]] == ["合并", "不合并", "移出此项"]
    assert "说明" in wb.sheetnames
    _decide(path, {2: "移出此项", 6: "不合并"})
    out = apply_review(loaded, path)
    assert out.merged_groups == 1
    assert active(loaded) == [2, 3, 4, 5, 6, 7]
    # item 2 was taken out: it is never proposed with 1 or 3 again; 6 and 7 neither
    again = sorted(sorted(g.item_ids) for g in propose(loaded).groups)
    assert again == []


def test_applying_a_review_twice_changes_nothing(loaded, tmp_path):
    path = tmp_path / "合并审核.xlsx"
    dedupe(loaded, review=path)
    apply_review(loaded, path)
    snap = ledger_snapshot(loaded)
    res = apply_review(loaded, path)
    assert res.merged_groups == 0 and res.kept_apart == 0
    assert ledger_snapshot(loaded) == snap


@pytest.mark.parametrize(
    "edit,message",
    [
        ({"编号": 999}, "编号 999 不在这份合并审核表中"),
        ({"处理意见": "同意"}, "处理意见应为"),
        ({"组号": "第一组"}, "组号应为整数"),
    ],
)
def test_nonsense_review_changes_nothing(loaded, tmp_path, edit, message):
    path = tmp_path / "合并审核.xlsx"
    dedupe(loaded, review=path)
    wb = load_workbook(path)
    ws = wb["合并审核"]
    head = [c.value for c in ws[1]]
    for col, value in edit.items():
        ws.cell(row=2, column=head.index(col) + 1).value = value
    wb.save(path)
    snap = ledger_snapshot(loaded)
    with pytest.raises(InvalidDataError) as e:
        apply_review(loaded, path)
    issue = e.value.report.errors[0]
    assert message in issue.message and issue.row == 2 and issue.file == "合并审核.xlsx"
    assert ledger_snapshot(loaded) == snap


def test_review_with_a_deleted_column_changes_nothing(loaded, tmp_path):
    path = tmp_path / "合并审核.xlsx"
    dedupe(loaded, review=path)
    wb = load_workbook(path)
    ws = wb["合并审核"]
    ws.delete_cols([c.value for c in ws[1]].index("处理意见") + 1)
    wb.save(path)
    snap = ledger_snapshot(loaded)
    with pytest.raises(InvalidDataError) as e:
        apply_review(loaded, path)
    assert e.value.report.errors[0].column == "处理意见"
    assert ledger_snapshot(loaded) == snap


def test_review_mixing_batches_is_refused(loaded, tmp_path):
    import_files(loaded, [write_xlsx(tmp_path / "b.xlsx", [["意见建议"], ["另一批次的意见"]])], batch="2020年中期")
    path = tmp_path / "合并审核.xlsx"
    dedupe(loaded, review=path)
    wb = load_workbook(path)
    ws = wb["合并审核"]
    ws.cell(row=2, column=4).value = 8  # an item of the other batch
    wb.save(path)
    with pytest.raises(InvalidDataError, match="错误"):
        apply_review(loaded, path)


def test_across_batches_flags_repeats_without_merging(loaded, tmp_path):
    rows = [["意见建议"], ["民主路路灯不亮，晚上出行很不安全，希望尽快维修！"], ["江北区新问题：公厕太少"]]
    import_files(loaded, [write_xlsx(tmp_path / "b.xlsx", rows)], batch="2020年中期")
    res = dedupe(loaded, across_batches=True)
    assert [(r.item_id, r.batch, r.earlier_batch) for r in res.repeats] == [(8, "2020年中期", "2019年度")]
    st = {b["batch"]: b for b in ledger_status(loaded)["batches"]}
    assert st["2020年中期"]["repeats"] == 1 and st["2020年中期"]["items"] == 2


def test_examples_auto_merge_to_538_and_443(ws):
    ex = examples_dir()
    import_files(ws, [ex / "2019年度社会评价群众意见建议.xlsx"], batch="2019年度")
    import_files(ws, [ex / "2020年中期社会评价群众意见建议.csv"], batch="2020年中期")
    dedupe(ws, auto=True)
    st = {b["batch"]: b["items"] for b in ledger_status(ws)["batches"]}
    assert st == {"2019年度": 538, "2020年中期": 443}


def test_threshold_bounds(loaded):
    with pytest.raises(UsageError):
        propose(loaded, threshold=0.2)


def test_a_tracked_item_stays_in_view(loaded):
    set_items(loaded, "id=2", progress="已完成", closed=1, is_key_task=1)  # not the longest text
    dedupe(loaded, auto=True)
    assert 2 in active(loaded) and 1 not in active(loaded) and 3 not in active(loaded)  # 1 and 3 joined 2


def test_two_tracked_items_are_never_merged(loaded, tmp_path):
    set_items(loaded, "id IN (2, 3)", progress="推进中")
    res = dedupe(loaded, auto=True, review=tmp_path / "审核.xlsx")
    assert res.merged_groups == 0 and {2, 3} <= set(active(loaded))
    before = ledger_snapshot(loaded)
    with pytest.raises(InvalidDataError) as e:
        apply_review(loaded, res.review_path)
    assert "tracked-items" in [i.code for i in e.value.report.errors]
    assert ledger_snapshot(loaded) == before


def test_each_group_says_why(ws, tmp_path):
    rows = [
        ["标题", "意见建议内容", "联系电话"],
        ["民主路路灯不亮", "我要投诉民主路路灯不亮，晚上出行很不安全，希望尽快维修。", "13812345678"],
        ["民主路路灯不亮", "我要投诉民主路路灯不亮,晚上出行很不安全,希望尽快维修", "13812345678"],
    ]
    import_files(ws, [write_xlsx(tmp_path / "t.xlsx", rows)], batch="b")
    [group] = propose(ws).groups
    assert "标题相同" in group.reasons and "同一地点：民主路" in group.reasons  # the place whole, not 我要投诉民主路
    assert group.reasons.endswith("联系电话相同")


def test_words_alike_join_a_retold_repost_for_review_but_not_other_places(ws, tmp_path):
    from rectikit.text.neardup import find_groups

    texts = [
        "龙盛矿业拖欠我42天的维修工资6000元，多次讨要没有结果，希望劳动监察部门帮忙追讨。",
        "本人在龙盛矿业做维修工42天，工资6000元至今被拖欠，讨要多次没有结果，请劳动监察部门帮忙追讨工资。",
        "城东街道坡头村的集中供水点旱季断水，村民要到3公里外挑水。",
        "城东街道水口村的集中供水点旱季断水，村民要到8公里外挑水。",
    ]
    assert find_groups(texts, 0.8) == []
    [g] = find_groups(texts, 0.8, words=0.6)
    assert g.members == (0, 1) and g.signals == ("words",) and g.score < 0.8  # goes to a reviewer


def test_a_group_joined_by_titles_is_never_merged_automatically():
    from rectikit.steps.merging import ProposedGroup

    g = ProposedGroup("b", [1, 2], 0.95, ["a", "b"], ["", ""], ["", ""], [1, 1], signals=("body", "title"))
    assert not g.automatic(0.9) and ProposedGroup("b", [1, 2], 0.95, [], [], [], [], signals=("body",)).automatic(0.9)


def test_a_problem_raised_again_in_a_later_batch_is_found_by_its_title(ws, tmp_path):
    first = [
        ["标题", "内容"],
        ["希望解决清水塘三小学生出行安全问题", "清水塘三小门口没有红绿灯，学生过马路很危险，请尽快安装。"],
    ]
    later = [
        ["标题", "内容"],
        [
            "希望解决清水塘三小学生出行安全问题",
            "去年反映过，清水塘三小门口车辆多、车速快，孩子上学放学过马路仍然很危险，至今没有解决。",
        ],
    ]
    import_files(ws, [write_xlsx(tmp_path / "a.xlsx", first)], batch="2019年度")
    import_files(ws, [write_xlsx(tmp_path / "b.xlsx", later)], batch="2020年中期")
    res = dedupe(ws, across_batches=True)
    assert [(r.item_id, r.earlier_id) for r in res.repeats] == [(2, 1)]


def test_an_item_gone_between_proposing_and_merging_stops_the_merge(loaded, monkeypatch):
    """The merges run without per-row foreign-key checks, so every item they point at is checked first: one
    withdrawn meanwhile (another command's import --replace) stops the run with nothing changed."""
    from rectikit.base.errors import LedgerBusyError
    from rectikit.steps import dedupe as dd

    proposed = dd.propose(loaded)
    con = sqlite3.connect(loaded.ledger_path)
    con.execute("DELETE FROM items WHERE id=?", (proposed.groups[0].item_ids[-1],))  # withdrawn meanwhile
    con.commit()
    monkeypatch.setattr(dd, "propose", lambda *a, **k: proposed)
    before = ledger_snapshot(loaded)
    with pytest.raises(LedgerBusyError):
        dedupe(loaded, auto=True)
    assert ledger_snapshot(loaded) == before
    con = sqlite3.connect(loaded.ledger_path)
    assert con.execute("SELECT COUNT(*) FROM items WHERE merged_into IS NOT NULL").fetchone()[0] == 0


def test_merges_without_per_row_checks_leave_every_reference_sound(loaded):
    dedupe(loaded, auto=True)
    con = sqlite3.connect(loaded.ledger_path)
    assert con.execute("SELECT COUNT(*) FROM items WHERE merged_into IS NOT NULL").fetchone()[0] > 0
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []
