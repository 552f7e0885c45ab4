import pytest
from hypothesis import given
from hypothesis import strategies as st

from rectikit.base.errors import UsageError
from rectikit.files.columns import detect_header, map_columns, norm, resolve_field


def test_header_below_title_rows():
    rows = [
        ["某市2019年度社会评价群众意见建议汇总表", "", "", ""],
        ["填报单位：某市绩效办", "", "", "填报日期：2020年5月20日"],
        ["", "", "", ""],
        ["序号", "问卷类型", "意见建议内容", "反映时间"],
        [1, "城乡居民", "道路坑洼不平，希望尽快修补。", "2019-10-01"],
    ]
    h = detect_header(rows)
    assert (h.row, h.depth) == (3, 1)
    m = map_columns(h.names)
    assert m == {"seq": 0, "source": 1, "text": 2, "received_on": 3}


def test_two_row_merged_header():
    rows = [
        ["汇总表", "", "", "", "", ""],
        ["序号", "来源", "意见建议", "反映地点", "", "反映时间"],
        ["", "", "", "县(市、区)", "乡(镇、街道)", ""],
        ["1", "企业开办", "办照要跑三次。", "城中区", "中山街道", "2019年10月1日"],
    ]
    h = detect_header(rows)
    assert (h.row, h.depth) == (1, 2)
    assert h.names == ["序号", "来源", "意见建议", "县(市、区)", "乡(镇、街道)", "反映时间"]
    m = map_columns(h.names)
    assert m["county"] == 3 and m["township"] == 4 and m["text"] == 2


def test_data_row_is_not_taken_for_a_second_header():
    rows = [["序号", "意见建议内容", "县区"], [1, "路灯不亮", "城中区"]]
    assert detect_header(rows).depth == 1


@pytest.mark.parametrize(
    "header,field",
    [
        ("投诉件内容", "text"),
        ("留言详情", "text"),
        ("问题描述", "text"),
        ("反映内容", "text"),
        ("县（市、区）", "county"),
        ("县 区", "county"),
        ("乡（镇、街道）", "township"),
        ("调查类别", "source"),
        ("受访者类型", "source"),
        ("信息 来源", "source"),
        ("留言时间", "received_on"),
        ("联系电话", "contact_phone"),
        ("编号", "seq"),
        ("留言主题", "title"),
        ("一级标签", "category_given"),
        ("群众意见建议（原文）", "text"),
    ],
)
def test_synonyms(header, field):
    names = ["无关列", header]
    assert map_columns(names).get(field) == 1


def test_each_column_serves_one_field_and_unknown_columns_stay_unmapped():
    names = ["标题", "投诉件内容", "河流", "时间"]
    m = map_columns(names)
    assert m == {"title": 0, "text": 1, "received_on": 3}


def test_override_wins_and_can_ignore():
    names = ["诉求描述", "备注", "反映时间"]
    m = map_columns(names, overrides={"诉求描述": "意见建议内容", "反映时间": "忽略"})
    assert m == {"text": 0}


def test_override_of_missing_column_is_a_usage_error():
    with pytest.raises(UsageError, match="不存在"):
        map_columns(["意见建议"], overrides={"没有这列": "text"})


def test_unknown_field_lists_choices():
    with pytest.raises(UsageError, match="可用字段"):
        resolve_field("天气")


def test_header_found_by_map_name_alone():
    rows = [["甲", "诉求描述", "乙"], ["x", "路灯不亮", "y"]]
    assert detect_header(rows) is None
    h = detect_header(rows, extra_names={"诉求描述"})
    assert h.row == 0


def test_duplicate_and_empty_header_names_made_unique():
    h = detect_header([["意见建议", "", "结果", "结果"], ["a", "b", "c", "d"]])
    assert h.names == ["意见建议", "列B", "结果", "结果(2)"]


@given(st.text(max_size=20))
def test_norm_is_idempotent(s):
    assert norm(norm(s)) == norm(s)


@given(st.sampled_from(["意见建议内容", "县(市、区)", "联系电话"]), st.sampled_from(["", " ", "\n", "　"]))
def test_norm_ignores_width_and_spaces(name, pad):
    import unicodedata

    wide = name.replace("(", "（").replace(")", "）")
    assert norm(pad + wide + pad) == norm(unicodedata.normalize("NFKC", name))
