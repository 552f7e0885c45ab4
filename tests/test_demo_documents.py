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


def test_supervision_notices_and_the_monthly_table(demo):
    notices = sorted(Path(demo["outputs"]["督办通知文件夹"]).glob("督办通知-*.docx"))
    assert notices
    table = Document(notices[0]).tables[0]
    assert [c.text for c in table.rows[0].cells][:3] == ["序号", "编号", "意见建议内容"] and len(table.rows) > 1
    month = Document(demo["outputs"]["整改工作月报"]).tables[0]
    assert month.rows[-1].cells[0].text == "合计"


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed (apt-get install libreoffice-writer)")
def test_libreoffice_converts_them_to_pdf(demo, tmp_path):
    files = [demo["outputs"][n] for n in DOCUMENTS] + [str(next(Path(demo["outputs"]["督办通知文件夹"]).glob("*.docx")))]
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), *files],
                   check=True, capture_output=True, timeout=300)
    for f in files:
        pdf = tmp_path / (Path(f).stem + ".pdf")
        assert pdf.is_file() and pdf.stat().st_size > 1000, f
