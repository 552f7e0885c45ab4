import datetime as dt

from docx import Document
from openpyxl import load_workbook

from rectikit.documents.notice import notice
from rectikit.steps.ingest import import_files

from helpers import set_items, write_xlsx

ROWS_2019 = [
    ["意见建议内容", "联系电话"],
    ["民主路路灯不亮，我叫张三，电话13812345678。", "13812345678"],
    ["民主路路灯不亮，我叫张三，电话13812345678", ""],
    ["村道坑洼不平。", ""],
]
ROWS_2020 = [["意见建议内容"], ["学校门口拥堵。"]]


def test_notice_figures_attachments_and_no_personal_data(ws, tmp_path):
    import_files(ws, [write_xlsx(tmp_path / "a.xlsx", ROWS_2019)], batch="2019年度")
    import_files(ws, [write_xlsx(tmp_path / "b.xlsx", ROWS_2020)], batch="2020年中期")
    set_items(ws, "id=2", merged_into=1)
    set_items(ws, is_key_task=1, lead_unit="市住建局")
    set_items(ws, "id=1", progress="已完成", closed=1, result="已更换路灯")
    res = notice(ws, today=dt.date(2020, 12, 31), out_dir=tmp_path / "公示")
    # basis and feedback party not set: marked places, never dropped silently
    assert res["opening"] == (
        "根据【请填写依据文件名称和文号，如《……的通知》（……〔2020〕2号）】要求，【请填写反馈方，如自治区】反馈"
        "2019年度社会评价群众意见建议共3条、2020年中期社会评价群众意见建议共1条。"
        "由于部分意见建议内容相似或相同，经梳理归纳，2019年度共归纳为2条意见建议。"
        "其中列为重点整改任务3项，截至2020年12月31日，已完成整改1项，已销号1项。现将整改情况公示如下。"
    )
    text = "\n".join(p.text for p in Document(res["path"]).paragraphs)
    assert res["opening"] in text and "三、下一步措施" in text
    assert "附件：1.2019年度社会评价群众意见建议整改完成情况一览表" in text
    assert [a["number"] for a in res["attachments"]] == [1, 2]
    first = res["attachments"][0]["files"]
    doc = Document(first["docx"])
    published = "\n".join(p.text for p in doc.paragraphs) + "".join(
        c.text for t in doc.tables for r in t.rows for c in r.cells
    )
    sheet = "".join(str(v) for row in load_workbook(first["xlsx"]).active.values for v in row if v)
    for out in (published, sheet):
        assert "13812345678" not in out and "张三" not in out
        assert "已更换路灯" in out
    assert doc.paragraphs[0].text == "附件1"


def test_notice_gives_the_basis_the_areas_and_can_attach_every_item(ws, tmp_path):
    import_files(ws, [write_xlsx(tmp_path / "a.xlsx", ROWS_2019)], batch="2019年度")
    set_items(ws, category="基础设施建设")
    set_items(ws, "id=3", category="社会治安", is_key_task=0)
    set_items(ws, "id IN (1, 2)", is_key_task=1, lead_unit="市住建局")
    config = (
        ws.config_path.read_text(encoding="utf-8")
        .replace('basis = ""', 'basis = "自治区绩效办《2020年度社会评价工作方案》（桂绩办发〔2020〕6号）"')
        .replace('feedback_from = ""', 'feedback_from = "自治区"')
    )
    ws.config_path.write_text(config, encoding="utf-8")
    res = notice(ws, today=dt.date(2020, 12, 31), out_dir=tmp_path / "公示", include_all=True)
    assert res["opening"].startswith(
        "根据自治区绩效办《2020年度社会评价工作方案》（桂绩办发〔2020〕6号）要求，"
        "自治区反馈2019年度社会评价群众意见建议共3条。"
    )
    assert "反馈的问题涉及基础设施建设、社会治安等多个领域。" in res["opening"]
    rows = list(load_workbook(res["attachments"][0]["files"]["xlsx"]).active.values)
    assert sum(1 for r in rows if r and isinstance(r[0], (int, str)) and str(r[0]).isdigit()) == 3  # all items
