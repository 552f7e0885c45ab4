import shutil
import subprocess
import zipfile

import pytest
from docx import Document
from openpyxl import load_workbook

from rectikit.base.errors import UsageError
from rectikit.documents.annexes import render
from rectikit.documents.annextable import TemplateError, build_table
from rectikit.documents.wording import cn_ordinal
from rectikit.steps.ingest import import_files
from rectikit.text.masking import mask

from helpers import write_xlsx

ROWS = [
    ["意见建议", "县区"],
    ['=HYPERLINK("http://x") 民主路路灯不亮，联系电话13812345678。', "城中区"],
    ["实验小学班额过大，一个班有六十多名学生。", "江南区"],
    ["@所有人 噪音扰民", "城中区"],
]
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture
def loaded(ws, tmp_path):
    import_files(ws, [write_xlsx(tmp_path / "a.xlsx", ROWS)], batch="2019年度")
    return ws


def test_cn_ordinal():
    assert [cn_ordinal(n) for n in (1, 9, 10, 11, 20, 35)] == ["一", "九", "十", "十一", "二十", "三十五"]


def test_mask_personal_data():
    assert mask("电话13812345678，身份证450102198601011234") == "电话138****5678，身份证45**************34"
    assert mask("我叫张三丰，座机0771-5501234") == "我叫张某，座机0771-****34"


def test_unprocessed_ledger_renders_with_empty_cells(loaded, tmp_path):
    res = render(loaded, "annex1", out_dir=tmp_path)
    assert res["rows"] == 3
    sh = load_workbook(res["files"]["xlsx"]).active
    assert sh["A1"].value == "附件1"
    assert sh["A2"].value == "测试市绩效办落实2019年度社会评价反馈群众意见建议整改任务清单"
    assert [c.value for c in sh[4]] == [
        "序号",
        "意见建议内容",
        "领域",
        "整改目标",
        "整改措施",
        "牵头单位",
        "配合单位",
        "责任领导",
        "责任人",
        "整改时限",
        "备注",
    ]
    assert sh["A5"].value == "1" and sh["F5"].value is None  # not assigned yet: empty, not broken


def test_xlsx_form(loaded, tmp_path):
    path = render(loaded, "annex1", out_dir=tmp_path, formats=["xlsx"])["files"]["xlsx"]
    assert path.endswith("附件1-整改任务清单-全部批次.xlsx")
    sh = load_workbook(path).active
    assert {str(r) for r in sh.merged_cells.ranges} >= {"A2:K2", "A3:K3"}
    assert sh.print_title_rows == "$4:$4"
    assert sh.page_setup.orientation == "landscape" and sh.page_setup.paperSize == 9
    assert sh.sheet_properties.pageSetUpPr.fitToPage and sh.page_setup.fitToHeight == 0  # one page wide
    assert sh.freeze_panes == "A5"
    assert "&P" in sh.oddFooter.center.text
    assert sh["B4"].font.name == "黑体" and sh["B5"].font.name == "仿宋_GB2312"


def test_formula_looking_text_stays_text(loaded, tmp_path):
    path = render(loaded, "annex1", out_dir=tmp_path, formats=["xlsx"])["files"]["xlsx"]
    sh = load_workbook(path).active
    texts = [sh.cell(r, 2).value for r in range(5, 8)]
    assert texts[0].startswith("=HYPERLINK") and texts[2].startswith("@所有人")
    with zipfile.ZipFile(path) as z:
        assert b"<f>" not in z.read("xl/worksheets/sheet1.xml")


def test_phone_numbers_are_masked_in_annexes(loaded, tmp_path):
    res = render(loaded, "annex1", out_dir=tmp_path)
    sh = load_workbook(res["files"]["xlsx"]).active
    assert "138****5678" in sh["B5"].value and "13812345678" not in sh["B5"].value
    doc = Document(res["files"]["docx"])
    assert "13812345678" not in "".join(c.text for c in doc.tables[0]._cells)


def test_docx_form(loaded, tmp_path):
    doc = Document(render(loaded, "annex1", out_dir=tmp_path, formats=["docx"])["files"]["docx"])
    paras = [p.text for p in doc.paragraphs]
    assert paras[0] == "附件1"
    assert paras[2] == "测试市绩效办落实2019年度社会评价反馈群众意见建议整改任务清单"
    assert "[[表格]]" not in "".join(paras)
    mark_font = doc.paragraphs[0].runs[0]._element.rPr.rFonts
    assert mark_font.get(W + "eastAsia") == "黑体"
    assert doc.paragraphs[2].runs[0]._element.rPr.rFonts.get(W + "eastAsia") == "方正小标宋简体"
    assert doc.paragraphs[2].runs[0].font.size.pt == 22
    sec = doc.sections[0]
    assert sec.page_width > sec.page_height  # landscape
    table = doc.tables[0]
    header = table.rows[0]
    assert [c.text for c in header.cells][:3] == ["序号", "意见建议内容", "领域"]
    assert header._tr.trPr.find(W + "tblHeader") is not None  # repeats on every page
    assert all(r._tr.trPr.find(W + "cantSplit") is not None for r in table.rows)
    assert table.rows[1].cells[1].text.startswith("=HYPERLINK")
    body = table.rows[1].cells[1].paragraphs[0].style  # the body's look is a style, not repeated in each cell
    assert body.element.rPr.rFonts.get(W + "eastAsia") == "仿宋_GB2312" and body.font.size.pt == 10.5
    centred = table.rows[1].cells[0].paragraphs[0]  # 序号: centred, in a style based on the body's
    assert centred.style.paragraph_format.alignment == 1 and centred.style.base_style.style_id == body.style_id
    footer = "".join(p.text for p in sec.footer.paragraphs)
    assert footer.startswith("— ") and footer.endswith(" —")
    assert doc.settings.odd_and_even_pages_header_footer


def test_grouping_and_numbering(loaded, tmp_path):
    from rectikit.steps.classify import classify

    classify(loaded)
    t = build_table(loaded, "annex1", key_only=False, group_by="county", numbering="per-group")
    kinds = [(k, v if k == "group" else v[0]) for k, v in t.rows]
    assert kinds == [
        ("group", "一、城中区（2项）"),
        ("row", "1"),
        ("row", "2"),
        ("group", "二、江南区（1项）"),
        ("row", "1"),
    ]
    t = build_table(loaded, "annex1", key_only=False, group_by="county")
    assert [v[0] for k, v in t.rows if k == "row"] == ["1", "2", "3"]


def test_annex2_has_empty_tracking_columns(loaded, tmp_path):
    res = render(loaded, "annex2", out_dir=tmp_path)
    sh = load_workbook(res["files"]["xlsx"]).active
    assert [c.value for c in sh[4]][5:] == ["完成情况", "整改成效", "是否销号", "销号时间", "佐证材料"]
    assert Document(res["files"]["docx"]).paragraphs[0].text == "附件2"


def test_unknown_field_in_a_layout_fails_up_front(loaded, tmp_path):
    layout = loaded.root / "templates" / "annex1.toml"
    layout.write_text(
        layout.read_text(encoding="utf-8").replace('field = "goal"', 'field = "weather"'), encoding="utf-8"
    )
    with pytest.raises(TemplateError, match="annex1.toml 第4列.*weather"):
        render(loaded, "annex1", out_dir=tmp_path)


def test_unknown_variable_in_a_word_template(loaded, tmp_path):
    from docx import Document as New

    tpl = loaded.root / "templates" / "annex1.docx"
    doc = New(str(tpl))
    doc.add_paragraph("{{ secret.__class__ }}{{ mayor }}")
    doc.save(str(tpl))
    with pytest.raises(TemplateError, match="mayor"):
        render(loaded, "annex1", out_dir=tmp_path, formats=["docx"])


def test_citizen_text_is_never_template_code(ws, tmp_path):
    rows = [["意见建议"], ["{{ office }}{% for x in range(9) %}x{% endfor %} 路灯不亮"]]
    import_files(ws, [write_xlsx(tmp_path / "a.xlsx", rows)], batch="b")
    doc = Document(render(ws, "annex1", out_dir=tmp_path, formats=["docx"])["files"]["docx"])
    assert doc.tables[0].rows[1].cells[1].text == "{{ office }}{% for x in range(9) %}x{% endfor %} 路灯不亮"


def test_bad_options(loaded, tmp_path):
    with pytest.raises(UsageError):
        render(loaded, "annex3", out_dir=tmp_path)
    with pytest.raises(UsageError):
        render(loaded, "annex1", out_dir=tmp_path, formats=["pdf"])
    with pytest.raises(UsageError):
        render(loaded, "annex1", out_dir=tmp_path, batches=["无此批次"])


def _soffice():
    return shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(
    not _soffice() or not shutil.which("pdftotext"),
    reason="LibreOffice and poppler-utils are not installed (apt-get install libreoffice-writer "
    "libreoffice-calc poppler-utils)",
)
@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
def test_converts_to_landscape_pdf_with_the_header_on_every_page(ws, tmp_path, fmt):
    rows = [["意见建议", "县区"]] + [
        [f"第{i}条：民主路路灯不亮，晚上出行很不安全，希望有关部门尽快维修。" * 2, "城中区"] for i in range(120)
    ]
    import_files(ws, [write_xlsx(tmp_path / "a.xlsx", rows)], batch="b")
    path = render(ws, "annex1", out_dir=tmp_path / "out", formats=[fmt])["files"][fmt]
    subprocess.run(
        [_soffice(), "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path / "pdf"), path],
        check=True,
        capture_output=True,
        timeout=240,
    )
    pdf = next((tmp_path / "pdf").glob("*.pdf"))
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages")))
    size = next(line for line in info.splitlines() if line.startswith("Page size")).split()
    assert pages >= 3 and float(size[2]) > float(size[4])  # several pages, all landscape (width > height)
    for page in range(1, pages + 1):
        text = subprocess.run(
            ["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"], capture_output=True, text=True
        ).stdout
        assert "意见建议内容" in text and "牵头单位" in text, f"page {page} lacks the header row"


def test_the_table_styles_go_into_a_document_once():
    """The body's two styles are added to the rendered document; a template that carries them already (one
    saved from a rendered annex) keeps its own and gets no second copy."""
    from docx import Document

    from rectikit.documents.annexdocx import _add_styles

    doc = Document()
    _add_styles(doc)
    _add_styles(doc)
    ids = [s.style_id for s in doc.styles if s.style_id.startswith("Rectikit")]
    assert ids == ["RectikitCell", "RectikitCellCentred"]
    assert doc.styles["rectikit 表格居中"].base_style.name == "rectikit 表格"
