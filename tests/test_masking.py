"""Personal data never reaches a public output (issue #12, high 4)."""

from __future__ import annotations

import sqlite3

from hypothesis import given, settings
from hypothesis import strategies as st

from rectikit.documents.annexes import build_table
from rectikit.steps.ingest import import_files
from rectikit.text.masking import mask

from helpers import write_xlsx

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
    return prefix + (body.translate(str.maketrans("0123456789", "０１２３４５６７８９")) if draw(st.booleans()) else body), number


@st.composite
def ids(draw):
    body = draw(st.text("0123456789", min_size=17, max_size=17)) + draw(st.sampled_from("0123456789X"))
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
    for text in ("群众反映路灯不亮。", "我是一名教师。", "本人于去年反映过。", "该问题，曾多次反映。", "市民来电反映。",
                 "2020年6月10日，编号12345。", "希望政府加大力度。"):
        assert mask(text) == text


def test_every_free_text_cell_of_an_annex_is_masked(ws, tmp_path):
    import_files(ws, [write_xlsx(tmp_path / "a.xlsx", [["意见建议内容"], ["我叫欧阳娜娜，电话138 1234 5678，路灯不亮。"]])],
                 batch="b")
    con = sqlite3.connect(ws.ledger_path)
    con.execute("UPDATE items SET is_key_task=1, progress='已完成', result='已回访张三（13912345678），已修复',"
                " evidence='联系人：李四 0771-5551234', measures='与王小明反映人沟通' WHERE id=1")
    con.commit()
    con.close()
    cells = " ".join(" ".join(r) for kind, r in build_table(ws, "annex2").rows if kind == "row")
    for secret in ("娜娜", "1234 5678", "12345678", "13912345678", "李四", "5551234"):
        assert secret not in cells, secret
