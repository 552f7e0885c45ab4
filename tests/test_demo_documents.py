"""The documents the demo writes open as an office would open them: Word
headings, tables, A4 with GB/T 9704 margins, and (where LibreOffice is
installed) converted to PDF without error (issue #14)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document

from rectikit.demo import run_demo

DOCUMENTS = ("整改方案", "整改工作月报", "调查报告", "分析报告", "公示")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return run_demo(tmp_path_factory.mktemp("demo") / "演示")


@pytest.mark.parametrize("name", DOCUMENTS)
def test_each_document_is_a_real_word_document(demo, name):
    doc = Document(demo["outputs"][name])
    assert any(p.style.name == "Heading 1" for p in doc.paragraphs), name
    sec = doc.sections[0]
    assert (round(sec.page_width.mm), round(sec.top_margin.mm), round(sec.left_margin.mm)) == (210, 37, 28)


@pytest.mark.parametrize("name", DOCUMENTS)
def test_each_document_has_the_official_form(demo, name):
    """The 22-line grid, no space between paragraphs, the page number 7 mm under the 版心, table rows never
    split, and the signature (when there is one) four characters in from the right (issue #26)."""
    import zipfile

    path = demo["outputs"][name]
    with zipfile.ZipFile(path) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    assert '<w:docGrid w:linePitch="580" w:type="lines"/>' in xml, name
    doc = Document(path)
    normal = doc.styles["Normal"].paragraph_format
    assert normal.space_after == 0 and round(doc.sections[0].footer_distance.mm) == 23, name
    assert xml.count("<w:tr>") + xml.count("<w:tr ") == xml.count("<w:cantSplit"), name
    dated = [p for p in doc.paragraphs if p.text.endswith("日") and p.alignment == 2 and len(p.text) <= 12]
    assert not dated or dated[-1].paragraph_format.right_indent.pt == 64, name


def test_issued_documents_carry_the_masthead_and_imprint_or_mark_them(demo):
    plan = "\n".join(p.text for p in Document(demo["outputs"]["整改方案"]).paragraphs)
    notice = next(Path(demo["outputs"]["督办通知文件夹"]).glob("督办通知-*.docx"))
    supervision = "\n".join(p.text for p in Document(notice).paragraphs)
    for text in (plan, supervision):
        assert "【请填写发文机关标志" in text and "【请填写发文字号" in text and "印发" in text.split("\n")[-1]
    assert "关于印发《" in plan.replace("\n", "") and "【请填写主送机关" in plan


def test_supervision_notices_and_the_monthly_table(demo):
    notices = sorted(Path(demo["outputs"]["督办通知文件夹"]).glob("督办通知-*.docx"))
    assert notices
    table = Document(notices[0]).tables[0]
    assert [c.text for c in table.rows[0].cells][:3] == ["序号", "编号", "意见建议内容"] and len(table.rows) > 1
    month = Document(demo["outputs"]["整改工作月报"]).tables[0]
    assert month.rows[-1].cells[0].text == "合计"


@pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice is not installed (apt-get install libreoffice-writer)"
)
def test_libreoffice_converts_them_to_pdf(demo, tmp_path):
    files = [demo["outputs"][n] for n in DOCUMENTS] + [
        str(next(Path(demo["outputs"]["督办通知文件夹"]).glob("*.docx")))
    ]
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), *files],
        check=True,
        capture_output=True,
        timeout=300,
    )
    for f in files:
        pdf = tmp_path / (Path(f).stem + ".pdf")
        assert pdf.is_file() and pdf.stat().st_size > 1000, f


def test_no_document_prints_a_date_the_machine_way(demo):
    """Dates in documents are written 2021年5月9日, never 2021-05-09."""
    import re

    paths = [demo["outputs"][name] for name in DOCUMENTS]
    paths += sorted(Path(demo["outputs"]["督办通知文件夹"]).glob("督办通知-*.docx"))
    for path in paths:
        doc = Document(path)
        text = "\n".join(
            [p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells]
        )
        assert not re.search(r"\d{4}-\d{1,2}-\d{1,2}", text), (path, re.findall(r".{20}\d{4}-\d\d-\d\d", text)[:3])
