"""The official-document frame (GB/T 9704-2012, issue #26): every part of the 版头, 主送 and 版记 is in the
document or is a visible place to fill in; the page has the 22-line grid, no space between paragraphs, the
signature stands in from the right, the page number 7 mm under the 版心, table rows never split; titles
break between words."""

from __future__ import annotations

import datetime as dt
import zipfile

from docx import Document
from hypothesis import given
from hypothesis import strategies as st

from rectikit.documents.builder import OfficialDocument
from rectikit.documents.plan import plan
from rectikit.documents.wording import _width, break_title
from rectikit.steps.ingest import import_files

from helpers import write_xlsx

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _xml(path) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read("word/document.xml").decode("utf-8")


def test_the_frame_parts_and_the_form(tmp_path):
    doc = OfficialDocument(
        "某市绩效考评领导小组办公室关于印发《2020年度社会评价群众意见建议整改方案》的通知",
        head=("某市绩效考评领导小组办公室文件", "某绩办发〔2020〕6号"),
        to="各县（市、区）人民政府",
    )
    doc.paragraph("正文。")
    doc.table(("序号", "内容"), [(1, "长" * 300)])
    doc.attachments(["某市整改任务清单，名称很长很长很长很长很长很长很长很长很长很长"])
    doc.signature("某市绩效考评领导小组办公室", dt.date(2020, 6, 10))
    doc.imprint("市委办公室", "某市绩效考评领导小组办公室", dt.date(2020, 6, 10))
    path = doc.save(tmp_path / "通知.docx")
    d = Document(path)
    texts = [p.text for p in d.paragraphs]
    assert texts[0] == "某市绩效考评领导小组办公室文件" and "某绩办发〔2020〕6号" in texts
    assert "各县（市、区）人民政府：" in texts and "2020年6月10日" in texts
    assert "抄送：市委办公室。" in texts and "某市绩效考评领导小组办公室\t2020年6月10日印发" in texts
    assert d.paragraphs[0].runs[0].font.color.rgb == (0xFF, 0, 0)  # the mark in red
    title = next(p for p in d.paragraphs if "关于印发" in p.text)
    assert all(_width(line) <= 18 for line in title.text.split("\n"))
    xml = _xml(path)
    assert '<w:docGrid w:linePitch="580" w:type="lines"/>' in xml  # 225 mm / 22 lines
    assert 'w:color="FF0000"' in xml  # the red line under the number
    assert xml.count("<w:cantSplit") == 2  # both rows of the table
    normal = d.styles["Normal"].paragraph_format
    assert normal.space_after == 0 and normal.space_before == 0 and round(normal.line_spacing.pt, 1) == 29.0
    date = next(p for p in d.paragraphs if p.text == "2020年6月10日")
    assert date.paragraph_format.right_indent.pt == 64  # four characters from the right
    sign = next(p for p in d.paragraphs if p.text == "某市绩效考评领导小组办公室")
    assert sign.paragraph_format.right_indent.pt > 0
    annex = next(p for p in d.paragraphs if p.text.startswith("附件："))
    assert annex.paragraph_format.left_indent.pt == 16 * 6 and annex.paragraph_format.first_line_indent.pt == -16 * 4
    section = d.sections[0]
    assert round(section.footer_distance.mm) == 23 and round(section.bottom_margin.mm) == 35


def test_missing_parts_are_marked_not_dropped(ws, tmp_path):
    import_files(ws, [write_xlsx(tmp_path / "a.xlsx", [["意见建议内容"], ["路灯不亮。"]])], batch="2019年度")
    out = plan(ws, today=dt.date(2020, 6, 10), out_dir=tmp_path / "方案")
    d = Document(out["path"])
    text = "\n".join(p.text for p in d.paragraphs)
    for part in (
        "【请填写发文机关标志",
        "【请填写发文字号",
        "【请填写主送机关",
        "【请填写审定机构",
        "【请填写反馈方",
        "【请填写时段",
        "抄送：【请填写抄送机关",
        "印发",
    ):
        assert part in text, part
    assert "关于印发《2019年度社会评价群众意见建议的整改方案》的通知" in text.replace("\n", "")
    marked = [r for p in d.paragraphs for r in p.runs if r.text.startswith("【请填写")]
    assert marked and all(r.font.highlight_color is not None for r in marked)


def test_the_frame_from_the_config(ws, tmp_path):
    import_files(ws, [write_xlsx(tmp_path / "a.xlsx", [["意见建议内容"], ["路灯不亮。"]])], batch="2019年度")
    text = ws.config_path.read_text(encoding="utf-8")
    for key, value in (
        ("place", "防城港市"),
        ("mark", "防城港市绩效考评领导小组办公室文件"),
        ("number", "防绩办发〔2020〕6号"),
        ("plan_to", "各县（市、区）党委和人民政府"),
        ("plan_cc", "市委办公室"),
        ("plan_approved_by", "市绩效考评领导小组"),
        ("feedback_from", "自治区"),
    ):
        text = text.replace(f'{key} = ""', f'{key} = "{value}"', 1)
    text = text.replace("plan_stages = []", 'plan_stages = ["2020年5月至6月", "2020年7月至11月", "2020年12月前"]')
    ws.config_path.write_text(text, encoding="utf-8")
    out = plan(ws, today=dt.date(2020, 6, 10), out_dir=tmp_path / "方案")
    text = "\n".join(p.text for p in Document(out["path"]).paragraphs)
    assert "【" not in text.split("根据")[0]  # the notice part is whole
    assert "各县（市、区）党委和人民政府：" in text and "防绩办发〔2020〕6号" in text
    assert (
        "经市绩效考评领导小组同意，现将《自治区反馈2019年度社会评价防城港市群众意见建议的整改方案》印发给你们" in text
    )
    assert "查找问题根源，明确责任主体。（2020年5月至6月）" in text and "抄送：市委办公室。" in text


@given(
    st.text(
        alphabet="社会评价群众意见建议整改方案的通知关于印发《》（）2019年度某市绩效办abc、", min_size=1, max_size=120
    ),
    st.integers(8, 24),
)
def test_title_lines_keep_every_character_and_fit(title, per_line):
    lines = break_title(title, per_line)
    assert "".join(lines) == title
    assert all(_width(line) <= per_line for line in lines)
