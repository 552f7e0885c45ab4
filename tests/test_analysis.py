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
        "23.6%",
        "14.9%",
        "11%",
        "10.2%",
        "6.2%",
        "0.7%",
        "0%",
    ]
    assert share_text(3, 0) == "0%"


@given(st.integers(0, 10_000), st.integers(1, 10_000))
def test_a_share_is_never_more_than_the_truth_nor_a_tenth_less(n, total):
    shown = Fraction(share_text(n, total).rstrip("%"))
    truth = Fraction(100 * n, total)
    assert shown <= truth < shown + Fraction(1, 10)


ROWS = [
    ["意见建议内容", "县(市、区)", "乡(镇、街道)"],
    ["民主路路灯不亮。", "城中区", "中山街道"],
    ["中山街道垃圾清运不及时。", "城中区", "中山街道"],
    ["村道坑洼不平。", "平山县", "石门镇"],
    ["学校门口拥堵。", "江南区", "沙井街道"],
    ["希望干部多下基层。", "", ""],
]


def test_report_counts_and_sentences(ws, tmp_path):
    import_files(ws, [write_xlsx(tmp_path / "a.xlsx", ROWS)], batch="2020年中期")
    res = analyse(ws, today=dt.date(2020, 9, 30), out=tmp_path / "分析报告.docx")
    assert res.total == res.total_raw == 5
    region = res.sections[0]
    assert region.rows[0] == ("城中区", 2, "40%")
    assert region.sentence == "从区域分布来看，城中区 2 件、占 40%，平山县、江南区、未注明各 1 件、各占 20%。如下图："
    assert res.sections[1].rows[0] == ("城中区中山街道", 2, "40%")
    text = "\n".join(p.text for p in Document(res.path).paragraphs)
    assert "2020年中期共收到群众意见建议 5 条" in text and region.sentence in text
    tables = Document(res.path).tables
    assert [c.text for c in tables[0].rows[1].cells] == ["城中区", "2", "40%"]


def test_sections_are_word_headings_in_gb9704_form(ws, tmp_path):
    import_files(ws, [write_xlsx(tmp_path / "a.xlsx", ROWS)], batch="2020年中期")
    doc = Document(analyse(ws, today=dt.date(2020, 9, 30), out=tmp_path / "r.docx").path)
    heads = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert heads == ["一、办件综述", "二、领导批示情况", "三、存在问题", "四、原因分析", "五、工作建议"]  # seed 004
    parts = [p.text for p in doc.paragraphs if p.style.name == "Heading 2"]
    assert parts[:2] == ["（一）区域分布", "（二）反映量居前3位的乡（镇、街道）"]
    sec = doc.sections[0]
    assert (round(sec.top_margin.mm), round(sec.left_margin.mm), round(sec.page_width.mm)) == (37, 28, 210)
    assert doc.styles["Heading 1"].font.color.rgb == (0, 0, 0)


def test_native_charts_their_captions_and_the_tables_behind_them(ws, tmp_path):
    import zipfile

    from openpyxl import load_workbook

    rows = ROWS + [["学校门口拥堵。", "江南区", "沙井街道"]]
    import_files(ws, [write_xlsx(tmp_path / "a.xlsx", rows)], batch="2020年中期")
    res = analyse(ws, today=dt.date(2020, 9, 30), out=tmp_path / "r.docx")
    with zipfile.ZipFile(res.path) as z:
        charts = [n for n in z.namelist() if n.startswith("word/charts/chart")]
        embedded = [n for n in z.namelist() if n.startswith("word/embeddings/")]
        first = z.read("word/charts/chart1.xml").decode()
    assert len(charts) >= 3 and len(embedded) == len(charts)  # each chart carries its own data
    assert "<c:pieChart>" in first and "城中区" in first
    # the pie's labels are the shares the sentence prints (33.3%, cut), not a percentage the renderer rounds
    assert 'formatCode="General&quot;%&quot;"' in first and '<c:showPercent val="0"/>' in first
    assert "<c:v>33.3</c:v>" in first and "<c:v>16.6</c:v>" in first
    with zipfile.ZipFile(res.path) as z:
        bars = [z.read(n).decode() for n in charts if "<c:barChart>" in z.read(n).decode()]
    assert bars and all('<c:tickLblSkip val="1"/>' in b for b in bars)  # every category named
    text = "\n".join(p.text for p in Document(res.path).paragraphs)
    assert "图1　各县（市、区）分布" in text and "如下图：" in text
    assert "【请在此写明领导批示" in text
    sheet = list(load_workbook(res.tables).active.values)
    assert ("城中区", 2, "33.3%") in [tuple(r) for r in sheet]
    plain = analyse(ws, today=dt.date(2020, 9, 30), out=tmp_path / "plain.docx", charts=False, rounding="round")
    with zipfile.ZipFile(plain.path) as z:
        assert not [n for n in z.namelist() if n.startswith("word/charts/")]
    assert "如下图" not in plain.sections[0].sentence and "33.3%" in plain.sections[0].sentence


def test_rounding_as_asked():
    assert share_text(19, 127) == "14.9%" and share_text(19, 127, "round") == "15%"
    assert share_text(1, 8, "round") == "12.5%" and share_text(1, 6, "round") == "16.7%" and share_text(1, 6) == "16.6%"


def test_categories_from_the_offices_file_count_each_value(ws, tmp_path):
    rows = [
        ["意见建议内容", "问题类别"],
        ["危房改造补助未兑现。", "住房保障、社会保障"],
        ["低保未批。", "社会保障"],
        ["道路未硬化。", "基础设施建设"],
    ]
    import_files(ws, [write_xlsx(tmp_path / "a.xlsx", rows)], batch="2020年12345热线")
    res = analyse(ws, today=dt.date(2020, 9, 30), out=tmp_path / "r.docx", charts=False)
    cats = next(s for s in res.sections if s.heading == "事项分类")
    assert cats.rows[0] == ("社会保障", 2, "66.6%") and sum(n for _, n, _ in cats.rows) == 4
    assert "分别计入" in cats.sentence
    assert res.title == "2020年12345热线群众诉求办理情况分析报告" and res.overview.startswith(
        "2020年12345热线共受理群众诉求 3 件"
    )
    assert "重点整改任务" not in res.overview  # none chosen yet: the sentence says nothing about them


SEED_004_COUNTIES = [
    ("威宁自治县", 30),
    ("七星关区", 19),
    ("金沙县", 17),
    ("大方县", 14),
    ("黔西县", 13),
    ("赫章县", 13),
    ("纳雍县", 12),
    ("织金县", 8),
    ("金海湖新区", 1),
]


def _seed_004_workbook(path):
    """127 hotline items laid out as seed 004's source data: county, township,
    category (some with two), unit, nature, reported satisfaction, callback, date."""
    rows = [
        [
            "序号",
            "县(市、区)",
            "乡(镇)",
            "问题类别",
            "承办单位",
            "问题性质",
            "县区上报满意度",
            "省回访结果",
            "来电时间",
            "诉求内容",
        ]
    ]
    reported = ["满意"] * 107 + ["基本满意"] * 12 + ["不满意"] * 8
    called = ["满意"] * 99 + ["不满意"] * 18 + ["停机"] * 4 + ["关机"] * 3 + ["无人接听"] * 3
    k = 0
    for county, n in SEED_004_COUNTIES:
        for j in range(n):
            cat = (
                "住房保障、社会保障"
                if k < 5
                else "住房保障"
                if k < 60
                else "易地扶贫搬迁"
                if k < 78
                else "基础设施建设"
            )
            rows.append(
                [
                    k + 1,
                    county,
                    f"{county[:2]}第{j % 4}乡",
                    cat,
                    "住建部门" if k < 60 else "移民部门",
                    "政策咨询" if k % 3 else "资金未兑现",
                    reported[k],
                    called[k],
                    f"2020-0{1 + k % 6}-15",
                    f"第{k + 1}件诉求：危房改造补助未到位",
                ]
            )
            k += 1
    return write_xlsx(path, rows)


def test_every_figure_seed_004_prints(ws, tmp_path):
    config = ws.config_path.read_text(encoding="utf-8").replace(
        "counties = []",
        'counties = ["威宁自治县", "七星关区", "金沙县", "大方县", "黔西县", "赫章县", "纳雍县", "织金县", '
        '"金海湖新区", "百里杜鹃管理区"]',
    )
    ws.config_path.write_text(config, encoding="utf-8")
    import_files(ws, [_seed_004_workbook(tmp_path / "专线.xlsx")], batch="2020年上半年扶贫专线")
    res = analyse(ws, today=dt.date(2020, 7, 27), out=tmp_path / "报告.docx")
    text = {s.heading: s.sentence for s in res.sections}
    assert res.overview.startswith("2020年上半年扶贫专线共受理群众诉求 127 件")
    region = text["区域分布"]
    for phrase in (
        "威宁自治县 30 件、占 23.6%",
        "七星关区 19 件、占 14.9%",
        "金沙县 17 件、占 13.3%",
        "大方县 14 件、占 11%",
        "黔西县、赫章县各 13 件、各占 10.2%",
        "纳雍县 12 件、占 9.4%",
        "织金县 8 件、占 6.2%",
        "金海湖新区 1 件、占 0.7%",
        "百里杜鹃管理区 0 件",
    ):
        assert phrase in region, phrase
    cats = dict((n, c) for n, c, _ in next(s for s in res.sections if s.heading == "事项分类").rows)
    assert cats["住房保障"] == 60 and cats["社会保障"] == 5 and sum(cats.values()) > 127
    assert "住建部门 60 件、占 47.2%" in text["承办单位"]
    sat = text["满意度"]
    assert "满意的 107 件、占 84.2%，基本满意的 12 件、占 9.4%，不满意的 8 件、占 6.2%" in sat
    assert "回访 127 件，联系上 117 件" in sat and "满意 99 件、占联系上的 84.6%、占回访的 77.9%" in sat
    assert "不满意 18 件、占联系上的 15.3%、占回访的 14.1%" in sat and "未完成回访的 10 件" in sat
    assert "问题性质" in text and "反映趋势" in text
    assert "2020年1月至2020年6月共 6 个月，2020年1月最多（22 件）；2020年6月 21 件，环比持平" in text["反映趋势"]
    problems = {s.heading: s.sentence for s in res.problems}
    housing = problems["住房保障方面问题较为突出。"]  # the cross-tab within the leading category (seed 004 (二))
    assert housing.startswith(
        "127 件中，涉及住房保障的 60 件、占 47.2%。其中，政策咨询 40 件、占 66.6%；资金未兑现 20 件、占 33.3%。"
    )
    assert (
        "分县（市、区）看，威宁自治县（50%）、七星关区（31.6%）、金沙县（18.3%）的群众在住房保障方面反映较多。"
        in housing
    )
    assert "反映资金、补助未兑现或发放不及时的 127 件" in problems["反映资金兑现不及时的问题偏多。"]
    import zipfile

    with zipfile.ZipFile(res.path) as z:
        assert len([n for n in z.namelist() if n.startswith("word/charts/chart")]) >= 5


def test_the_opening_compares_with_the_batch_before(ws, tmp_path):
    import_files(ws, [write_xlsx(tmp_path / "a.xlsx", ROWS)], batch="2020年中期")
    import_files(ws, [write_xlsx(tmp_path / "b.xlsx", ROWS[:3])], batch="2020年度")
    res = analyse(ws, batches=["2020年度"], today=dt.date(2020, 12, 30), out=tmp_path / "r.docx", charts=False)
    assert "与上期（2020年中期，5 条）相比减少 3 条、60%。" in res.overview


def test_the_most_names_every_one_tied():
    from rectikit.figures import most

    assert most([("5月", 4), ("6月", 4), ("7月", 1)]) == ["5月", "6月"] and most([("5月", 0)]) == []


def test_a_county_offices_list_is_analysed_by_township_and_the_trend_by_year(ws, tmp_path):
    rows = [["意见建议内容", "乡镇", "反映时间"]]
    for k in range(30):
        rows.append([f"第{k}条：河道垃圾。", f"第{k % 12}镇", f"{2006 + k % 15}-0{1 + k % 9}-10"])
    rows.append(["没有日期的一条。", "第1镇", ""])
    import_files(ws, [write_xlsx(tmp_path / "a.xlsx", rows)], batch="河道投诉")
    res = analyse(ws, today=dt.date(2020, 12, 30), out=tmp_path / "r.docx", charts=False)
    text = {s.heading: s.sentence for s in res.sections}
    assert "未注明" not in text["区域分布"] and "共有 12 个乡（镇、街道）" in text["区域分布"]
    assert "第1镇（12.9%），第0镇（9.6%）" in text["区域分布"] and "以及6个乡（镇、街道）各 2 件" in text["区域分布"]
    trend = text["反映趋势"]
    assert trend.startswith("从反映时间来看，2006年至2020年共 15 年") and "另有 1 件未注明反映时间。" in trend
    assert len(next(s for s in res.sections if s.heading == "反映趋势").rows) == 15
