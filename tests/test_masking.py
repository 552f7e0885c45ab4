"""Personal data never reaches a public output (issue #12, high 4)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rectikit.documents.annextable import build_table
from rectikit.steps.ingest import import_files
from rectikit.text.masking import mask

from helpers import set_items, write_xlsx

SURNAMES = ["王", "李", "张", "陈", "黄", "欧阳", "司马", "诸葛", "覃", "韦"]
GIVEN = "小明娜伟芳军丽静强磊洋艳勇杰娟涛超秀霞平刚桂英华"
digits = st.text("0123456789", min_size=1, max_size=1)


@st.composite
def names(draw):
    return draw(st.sampled_from(SURNAMES)) + draw(st.text(GIVEN, min_size=1, max_size=2))


@st.composite
def mobiles(draw):
    d = draw(st.text("0123456789", min_size=8, max_size=8))
    number = "1" + draw(st.sampled_from("3456789")) + draw(digits) + d
    sep = draw(st.sampled_from(["", " ", "-"]))
    body = number[:3] + sep + number[3:7] + sep + number[7:]
    prefix = draw(st.sampled_from(["", "+86 ", "+86", "86-", "(+86)"]))
    return prefix + (
        body.translate(str.maketrans("0123456789", "０１２３４５６７８９")) if draw(st.booleans()) else body
    ), number


@st.composite
def ids(draw):  # a region code never starts with 0 or 9
    body = (
        draw(st.sampled_from("12345678"))
        + draw(st.text("0123456789", min_size=16, max_size=16))
        + draw(st.sampled_from("0123456789X"))
    )
    if draw(st.booleans()):
        return body[:6] + " " + body[6:14] + " " + body[14:], body
    if draw(st.booleans()):
        old = body[:15]
        return old, old
    return body, body


INTRO = ["我叫{}", "本人{}，家住民主路", "我是{}，", "联系人：{}", "姓名：{}", "{}反映：", "{}来电称", "来电人{}"]


@settings(max_examples=300)
@given(names(), st.sampled_from(INTRO), mobiles(), ids())
def test_names_phones_and_ids_never_survive(name, intro, mobile, id_number):
    typed, number = mobile
    shown_id, digits_only = id_number
    text = f"{intro.format(name)}路灯坏了很久。电话{typed}，身份证号{shown_id}。"
    out = mask(text)
    assert name not in out
    compact = out.translate(str.maketrans("０１２３４５６７８９", "0123456789")).replace(" ", "").replace("-", "")
    assert number[:7] not in compact and "****" in out
    assert digits_only[:12] not in compact and "******" in out
    surname = next(s for s in sorted(SURNAMES, key=len, reverse=True) if name.startswith(s))
    assert f"{surname}某" in out


def test_ordinary_words_are_left_alone():
    for text in (
        "群众反映路灯不亮。",
        "我是一名教师。",
        "本人于去年反映过。",
        "该问题，曾多次反映。",
        "市民来电反映。",
        "2020年6月10日，编号12345。",
        "希望政府加大力度。",
    ):
        assert mask(text) == text


def test_every_free_text_cell_of_an_annex_is_masked(ws, tmp_path):
    import_files(
        ws,
        [write_xlsx(tmp_path / "a.xlsx", [["意见建议内容"], ["我叫欧阳娜娜，电话138 1234 5678，路灯不亮。"]])],
        batch="b",
    )
    set_items(
        ws,
        "id=1",
        is_key_task=1,
        progress="已完成",
        result="已回访张三（13912345678），已修复",
        evidence="联系人：李四 0771-5551234",
        measures="与王小明反映人沟通",
    )
    cells = " ".join(" ".join(r) for kind, r in build_table(ws, "annex2").rows if kind == "row")
    for secret in ("娜娜", "1234 5678", "12345678", "13912345678", "李四", "5551234"):
        assert secret not in cells, secret


SEPARATORS = ["", " ", "-", "\u00a0", "–", "—", "/", "_", "－", "　"]
CN_DIGITS = str.maketrans("0123456789", "〇一二三四五六七八九")


@st.composite
def typed_mobiles(draw):
    """A mobile as people write it: any separator, digit by digit, full-width or in Chinese numerals."""
    number = "1" + draw(st.sampled_from("3456789")) + draw(st.text("0123456789", min_size=9, max_size=9))
    form = draw(st.sampled_from(["grouped", "spaced", "fullwidth", "chinese"]))
    sep = draw(st.sampled_from(SEPARATORS))
    if form == "spaced":
        return draw(st.sampled_from([" ", "-"])).join(number), number
    typed = number[:3] + sep + number[3:7] + sep + number[7:]
    if form == "fullwidth":
        typed = typed.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    if form == "chinese":
        typed = number.translate(CN_DIGITS)
    return typed, number


@st.composite
def grouped_numbers(draw):
    """An ID (18 digits) or a bank card (16–19) in any grouping."""
    n = draw(st.sampled_from([16, 18, 19]))
    digits = draw(st.sampled_from("12345678")) + draw(st.text("0123456789", min_size=n - 1, max_size=n - 1))
    size = draw(st.sampled_from([4, 6, 0]))
    typed = " ".join(digits[k : k + size] for k in range(0, n, size)) if size else digits
    return typed, digits


INTRODUCED = [
    "村民{}反映",
    "业主{}投诉",
    "群众{}来电",
    "市民{}说",
    "回访{}，",
    "来电人{}",
    "反映人：{}",
    "联系人{}",
    "居民{}反映",
    "家长{}称",
]


@settings(max_examples=300)
@given(names(), st.sampled_from(INTRODUCED), typed_mobiles(), grouped_numbers())
def test_every_way_of_writing_a_phone_a_number_or_a_name(name, intro, mobile, number):
    typed, digits = mobile
    grouped, long_digits = number
    out = mask(f"{intro.format(name)}路灯坏了。手机{typed}，证件{grouped}。")
    plain = out.translate(str.maketrans("０１２３４５６７８９〇一二三四五六七八九", "01234567890123456789"))
    assert f"{digits[:3]}****{digits[-4:]}" in plain  # the mobile, as the ledger shows it
    assert max(len(run) for run in re.findall(r"\d+", plain)) <= 4  # nothing longer survives anywhere
    assert name not in out


@pytest.mark.parametrize(
    "text,hidden",
    [
        ("电话5501206", "5501206"),
        ("座机0771—5501207", "5501207"),
        ("联系电话(0771)5501207", "5501207"),
        ("住民主路某小区3栋2单元501室", "501"),
        ("邮箱zhang.san@qq.com", "zhang.san"),
        ("QQ：123456789", "123456789"),
        ("微信号 wx_abc123", "wx_abc123"),
        ("车牌桂A·12345", "12345"),
        ("桂B6789D 长期占道", "6789D"),
    ],
)
def test_other_ways_to_reach_a_person(text, hidden):
    assert hidden not in mask(text)


@pytest.mark.parametrize(
    "text",
    [
        "群众路线教育",
        "市民中心",
        "村民小组",
        "联系方式",
        "3户人家",
        "2020年6月26日",
        "20200626",
        "共547条",
        "投入资金120万元",
        "12345热线",
        "家住三楼",
        "石桥市民安镇",
        "江南市民主路",
    ],
)
def test_what_is_not_personal_stays(text):
    assert mask(text) == text


# Every form of issue #25 seeded into a workspace; none may reach a public document.
HOSTILE = [
    ["意见建议内容", "县区", "乡镇", "来源", "问题类别", "承办单位", "问题性质", "办理状态"],
    [
        "村民孙七反映，民主路路灯坏了，电话138 1234 5678，住3栋2单元501室。",
        "江南区13912345678",
        "13700001111",
        "来电人李雷13812348888",
        "城乡建设",
        "市住建局",
        "政策咨询",
        "已办结",
    ],
    [
        "业主冯十一投诉噪音，身份证4501 0219 9001 0112 34，邮箱zhangsan@qq.com，车牌桂A·54321。",
        "城中区",
        "中山街道",
        "城乡居民",
        "环境保护",
        "市生态环境局",
        "噪音",
        "办理中",
    ],
    [
        "手机一三八一二三四五六七八，QQ号123456789，微信 wx_secret99。",
        "平山县",
        "石门镇",
        "城乡居民",
        "交通运输",
        "市交通局",
        "道路",
        "办理中",
    ],
]
SECRETS = [
    "12345678",
    "1234 5678",
    "一二三四五六七八",
    "19900101",
    "0219 9001",
    "孙七",
    "冯十一",
    "李雷",
    "zhangsan",
    "54321",
    "501室",
    "00001111",
    "12348888",
    "123456789",
    "wx_secret99",
    "13912345678",
]


def _texts_of(data: bytes) -> list[str]:
    """Every XML part of a docx/xlsx (document properties included), and those of workbooks embedded in it."""
    import io
    import zipfile

    out = []
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            part = z.read(name)
            if name.endswith((".xlsx", ".xlsm")):
                out += _texts_of(part)
            elif name.endswith((".xml", ".rels", ".vml")):
                out.append(part.decode("utf-8", "replace"))
    return out


def test_no_public_document_shows_what_masking_must_hide(ws, tmp_path):
    import datetime as dt
    from pathlib import Path

    from rectikit.documents.analysis import analyse
    from rectikit.documents.annexes import render
    from rectikit.documents.boards import boards
    from rectikit.documents.investigation import investigation_reports
    from rectikit.documents.notice import notice
    from rectikit.documents.plan import plan
    from rectikit.documents.supervision import supervise

    import_files(ws, [write_xlsx(tmp_path / "a.xlsx", HOSTILE)], batch="2020年中期")
    set_items(
        ws,
        is_key_task=1,
        lead_unit="市住建局",
        deadline="2020-09-01",
        category="城乡建设",
        measures="联系人李雷13812348888负责",
        goal="回访孙七",
        result="已回访业主冯十一，电话138-1234-5678",
        evidence="照片，3栋2单元501室",
        progress="推进中",
    )
    day = dt.date(2020, 10, 1)
    out = tmp_path / "公开"
    files = [
        p
        for r in (
            render(ws, "annex1", out_dir=out, key_only=False, today=day),
            render(ws, "annex2", out_dir=out, key_only=False, today=day),
        )
        for p in r["files"].values()
    ]
    files.append(notice(ws, today=day, out_dir=out / "公示")["path"])
    files += [p for a in notice(ws, today=day, out_dir=out / "公示")["attachments"] for p in a["files"].values()]
    files.append(plan(ws, today=day, out_dir=out / "方案")["path"])
    files.append(analyse(ws, today=day, out=out / "分析报告.docx").path)
    files.append(boards(ws, today=day, out=out / "公示牌.docx")["path"])
    files += list(supervise(ws, today=day, out_dir=out / "督办")["files"].values())
    files += list(investigation_reports(ws, [1], today=day, out_dir=out / "调查")["files"].values())
    files += [str(p) for p in out.rglob("*.xlsx")]  # the charts' data beside the report, annex workbooks
    assert len(files) >= 10
    for f in set(map(str, files)):
        for text in _texts_of(Path(f).read_bytes()):
            for secret in SECRETS:
                assert secret not in text, (Path(f).name, secret)
