"""The plan draft's counted sentence comes from the list's own heading rows
(issue #14): 15 sources in file order, their counts, the total; a heading
whose stated count is wrong is reported."""

from __future__ import annotations

import datetime as dt

from docx import Document

from rectikit.documents.plan import plan
from rectikit.figures import ledger_status
from rectikit.steps.ingest import import_files

from helpers import write_xlsx

SOURCES = [
    "城乡居民（含村委、社区工作人员）",
    "反馈问题整改专项评议",
    "政府推动经济社会发展满意度问卷调查",
    "企业开办",
    "不动产登记",
    "信贷办理",
    "工程报建",
    "用水、用气、用电",
    "党代表、人大代表、政协委员",
    "乡村振兴（含贫困户、普通村民、村委和社区工作人员）",
    "饮水安全",
    "千村万企贫困户",
    "义务教育家庭困难寄宿生生活补助项目",
    "棚户区改造",
    "易地扶贫搬迁",
]
NUMERALS = "一二三四五六七八九十"


def _list(n_per_source: list[int], wrong: int) -> list[list]:
    rows = [["某市社会评价群众意见建议汇总表"], ["序号", "意见建议内容", "县区"]]
    seq = 0
    for k, (source, n) in enumerate(zip(SOURCES, n_per_source)):
        label = NUMERALS[k] if k < 10 else "十" + NUMERALS[k - 10]
        stated = n + 1 if k == wrong else n
        rows.append([f"{label}、{source}（{stated}条）"])
        for j in range(n):
            seq += 1
            rows.append([seq, f"{source}方面的第{j + 1}条意见：希望尽快解决第{seq}号问题。", "城中区"])
    return rows


def test_the_counted_sentence_lists_every_source_in_file_order(ws, tmp_path):
    counts = [14, 6, 2, 1, 1, 1, 1, 1, 3, 9, 1, 1, 1, 2, 2]
    res = import_files(ws, [write_xlsx(tmp_path / "清单.xlsx", _list(counts, wrong=3))], batch="2019年度")
    assert res.added == sum(counts)
    [warning] = [i for i in res.report.issues if i.code == "group-count"]
    assert (
        warning.row == 3 + sum(counts[:3]) + 3 and "写明 2 条" in warning.message and "实际有 1 条" in warning.message
    )
    out = plan(ws, today=dt.date(2020, 6, 10), out_dir=tmp_path / "方案")
    expected = "；".join(f"{s}的意见建议{n}条" for s, n in zip(SOURCES, counts))
    assert f"共{sum(counts)}条。其中：{expected}。" in out["content"]
    text = "\n".join(p.text for p in Document(out["path"]).paragraphs)
    assert expected in text and "附件：1." in text
    heads = [p.text for p in Document(out["path"]).paragraphs if p.style.name == "Heading 1"]
    assert heads == ["一、指导思想", "二、整改目标", "三、整改内容", "四、组织实施", "五、工作要求"]
    assert "【请填写依据文件名称和文号" in text  # the basis is the office's to give
    by_source = {s["source"]: s["raw_items"] for s in ledger_status(ws)["batches"][0]["sources"]}
    assert list(by_source) == SOURCES and list(by_source.values()) == counts


def test_the_plan_uses_the_config(ws, tmp_path):
    import_files(ws, [write_xlsx(tmp_path / "清单.xlsx", _list([2] + [0] * 14, wrong=-1))], batch="2019年度")
    config = (
        ws.config_path.read_text(encoding="utf-8")
        .replace('feedback_from = ""', 'feedback_from = "自治区"')
        .replace('basis = ""', 'basis = "《关于反馈2019年度绩效考评结果的通知》（桂绩办发〔2020〕2号）"')
        .replace('platform_due = ""', 'platform_due = "2020-06-26"')
        .replace('monthly_report_day = ""', "monthly_report_day = 5")
        .replace('place = ""', 'place = "防城港市"')
    )
    ws.config_path.write_text(config, encoding="utf-8")
    out = plan(ws, today=dt.date(2020, 6, 10), out_dir=tmp_path / "方案")
    text = "\n".join(p.text for p in Document(out["path"]).paragraphs)
    assert out["title"] == "自治区反馈2019年度社会评价防城港市群众意见建议的整改方案"  # seed 001's title
    assert "根据《关于反馈2019年度绩效考评结果的通知》（桂绩办发〔2020〕2号）精神" in text
    assert "2020年6月26日前在平台上填报" in text and "每月5日前报送上月整改进展" in text
    assert "自治区反馈我市2019年度社会评价群众意见建议共2条" in out["content"]
