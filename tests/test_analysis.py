import datetime as dt
from fractions import Fraction

from docx import Document
from hypothesis import given
from hypothesis import strategies as st

from rectikit.documents.analysis import analyse, share_text
from rectikit.steps.ingest import import_files

from helpers import write_xlsx


def test_shares_are_cut_as_offices_write_them():
    # seed 004: 127 items
    assert [share_text(n, 127) for n in (30, 19, 14, 13, 8, 1, 0)] == [
        "23.6%", "14.9%", "11%", "10.2%", "6.2%", "0.7%", "0%"]
    assert share_text(3, 0) == "0%"


@given(st.integers(0, 10_000), st.integers(1, 10_000))
def test_a_share_is_never_more_than_the_truth_nor_a_tenth_less(n, total):
    shown = Fraction(share_text(n, total).rstrip("%"))
    truth = Fraction(100 * n, total)
    assert shown <= truth < shown + Fraction(1, 10)


ROWS = [["意见建议内容", "县(市、区)", "乡(镇、街道)"],
        ["民主路路灯不亮。", "城中区", "中山街道"],
        ["中山街道垃圾清运不及时。", "城中区", "中山街道"],
        ["村道坑洼不平。", "平山县", "石门镇"],
        ["学校门口拥堵。", "江南区", "沙井街道"],
        ["希望干部多下基层。", "", ""]]


def test_report_counts_and_sentences(ws, tmp_path):
    import_files(ws, [write_xlsx(tmp_path / "a.xlsx", ROWS)], batch="2020年中期")
    res = analyse(ws, today=dt.date(2020, 9, 30), out=tmp_path / "分析报告.docx")
    assert res.total == res.total_raw == 5
    region = res.sections[0]
    assert region.rows[0] == ("城中区", 2, "40%")
    assert region.sentence == "从区域分布来看，城中区 2 件、占 40%，平山县、江南区、未注明各 1 件、各占 20%。"
    assert res.sections[1].rows[0] == ("城中区中山街道", 2, "40%")
    text = "\n".join(p.text for p in Document(res.path).paragraphs)
    assert "2020年中期共收到群众意见建议 5 条" in text and region.sentence in text
    tables = Document(res.path).tables
    assert [c.text for c in tables[0].rows[1].cells] == ["城中区", "2", "40%"]


def test_sections_are_word_headings_in_gb9704_form(ws, tmp_path):
    import_files(ws, [write_xlsx(tmp_path / "a.xlsx", ROWS)], batch="2020年中期")
    doc = Document(analyse(ws, today=dt.date(2020, 9, 30), out=tmp_path / "r.docx").path)
    heads = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert heads[:3] == ["一、总体情况", "二、区域分布", "三、反映量居前3位的乡（镇、街道）"]
    sec = doc.sections[0]
    assert (round(sec.top_margin.mm), round(sec.left_margin.mm), round(sec.page_width.mm)) == (37, 28, 210)
    assert doc.styles["Heading 1"].font.color.rgb == (0, 0, 0)
