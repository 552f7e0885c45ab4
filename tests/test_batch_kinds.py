"""Each batch has a kind (社会评价, 热线, 专线, 信访, 其他), set at import or read from its name, shown in
status, and documents speak of its items by it: a hotline's are 群众诉求 (件), never 社会评价 (issue #26)."""

from __future__ import annotations

import datetime as dt

from docx import Document

from rectikit.documents.analysis import analyse
from rectikit.documents.annexes import render
from rectikit.documents.notice import notice
from rectikit.figures import ledger_status
from rectikit.steps.ingest import import_files

from helpers import set_items, write_xlsx

ROWS = [["意见建议内容", "县区"], ["路灯不亮。", "城中区"], ["道路坑洼。", "江南区"]]


def test_kinds_from_the_name_or_the_import(ws, tmp_path):
    import_files(ws, [write_xlsx(tmp_path / "a.xlsx", ROWS)], batch="2020年12345热线")
    import_files(ws, [write_xlsx(tmp_path / "b.xlsx", ROWS[:2])], batch="2019年度")
    import_files(
        ws, [write_xlsx(tmp_path / "c.xlsx", ROWS[:2] + [["噪音扰民。", "北湖区"]])], batch="四月来信", kind="信访"
    )
    kinds = {b["batch"]: b["kind"] for b in ledger_status(ws)["batches"]}
    assert kinds == {"2020年12345热线": "热线", "2019年度": "社会评价", "四月来信": "信访"}


def test_a_hotline_batch_is_never_called_social_evaluation(ws, tmp_path):
    import_files(ws, [write_xlsx(tmp_path / "a.xlsx", ROWS)], batch="2020年市长热线")
    set_items(ws, is_key_task=1, lead_unit="市住建局", progress="已完成")
    day = dt.date(2020, 12, 31)
    out = notice(ws, today=day, out_dir=tmp_path / "公示")
    assert out["title"].endswith("落实2020年市长热线群众诉求整改情况公示")
    assert "2020年市长热线群众诉求共2件" in out["opening"] and "社会评价" not in out["opening"]
    annex = render(ws, "annex1", out_dir=tmp_path / "附件", today=day)
    assert "社会评价" not in annex["title"] and "群众诉求" in annex["title"]
    report = analyse(ws, today=day, out=tmp_path / "r.docx", charts=False)
    assert report.title == "2020年市长热线群众诉求办理情况分析报告"
    text = "\n".join(p.text for p in Document(report.path).paragraphs)
    assert "社会评价" not in text


def test_mixed_batches_say_both(ws, tmp_path):
    import_files(ws, [write_xlsx(tmp_path / "a.xlsx", ROWS)], batch="2020年12345热线")
    import_files(ws, [write_xlsx(tmp_path / "b.xlsx", ROWS[:2])], batch="2020年度")
    report = analyse(ws, today=dt.date(2020, 12, 31), out=tmp_path / "r.docx", charts=False)
    assert "群众意见建议和诉求" in report.title and report.overview.startswith(
        "2020年12345热线、2020年度共收到群众意见建议和诉求 3 件"
    )
