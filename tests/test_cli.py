import csv
import subprocess
import sys

from python_calamine import CalamineWorkbook

from helpers import write_xlsx

ROWS = [
    ["序号", "意见建议", "县区", "反映时间"],
    [1, "=1+2 路灯不亮", "城中区", "2020年6月26日"],
    [2, "@所有人 噪音扰民", "江南区", "2020.6.27"],
]


def _formula_text_xlsx(tmp_path):
    return write_xlsx(tmp_path / "意见.xlsx", ROWS)


def test_init_import_status_export_round(cli, tmp_path):
    r = cli("init", tmp_path / "工作区", "--office", "某市绩效办", "--year", "2020", "--json")
    assert r.code == 0 and r.json()["workspace"].endswith("工作区")
    ws = tmp_path / "工作区"
    r = cli("import", _formula_text_xlsx(tmp_path), "--batch", "2019年度", "--json", cwd=ws)
    assert r.code == 0, r.err
    assert r.json()["added"] == 2
    r = cli("status", "--json", cwd=ws)
    st = r.json()
    assert st["batches"][0].pop("sources") == [{"source": "未注明", "raw_items": 2, "items": 2, "key_tasks": 0}]
    assert st["batches"][0] == {
        "batch": "2019年度",
        "kind": "社会评价",
        "files": 1,
        "raw_items": 2,
        "items": 2,
        "repeats": 0,
        "classified": 0,
        "unclassified": 2,
        "key_tasks": 0,
        "assigned": 0,
        "done": 0,
        "closed": 0,
        "overdue": 0,
        "first_date": "2020-06-26",
        "last_date": "2020-06-27",
    }
    assert st["office"] == "某市绩效办"
    r = cli("export", ws / "台账.xlsx", "--json", cwd=ws)
    assert r.code == 0 and r.json()["items"] == 2
    sheet = CalamineWorkbook.from_path(str(ws / "台账.xlsx")).get_sheet_by_index(0).to_python()
    assert sheet[0][:5] == ["编号", "批次", "原序号", "标题", "意见建议内容"]
    assert sheet[1][4] == "=1+2 路灯不亮"  # text, not the formula's result
    assert "意见.xlsx/Sheet1/第2行" in sheet[1][sheet[0].index("原始出处（文件/工作表/行）")]


def test_exported_xlsx_has_no_formulas(cli, tmp_path):
    import zipfile

    cli("init", tmp_path / "w")
    cli("import", _formula_text_xlsx(tmp_path), "-b", "b", "-w", tmp_path / "w")
    cli("export", tmp_path / "out.xlsx", "-w", tmp_path / "w")
    with zipfile.ZipFile(tmp_path / "out.xlsx") as z:
        assert b"<f>" not in z.read("xl/worksheets/sheet1.xml")


def test_csv_export_defuses_formulas_and_opens_in_excel(cli, tmp_path):
    cli("init", tmp_path / "w")
    cli("import", _formula_text_xlsx(tmp_path), "-b", "b", "-w", tmp_path / "w")
    r = cli("export", tmp_path / "out.csv", "-w", tmp_path / "w")
    assert r.code == 0
    raw = (tmp_path / "out.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel on Windows reads UTF-8
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[1][4] == "'=1+2 路灯不亮" and rows[2][4] == "'@所有人 噪音扰民"


def test_exit_codes(cli, tmp_path):
    assert cli("init", tmp_path / "w").code == 0
    w = tmp_path / "w"
    assert cli("import", "--bogus", cwd=w).code == 2
    assert cli("nonexistent-command").code == 2
    assert cli("import", tmp_path / "missing.xlsx", "-b", "x", cwd=w).code == 1
    bad = write_xlsx(tmp_path / "bad.xlsx", [["意见建议", "县区"], [None, "城中区"]])
    r = cli("import", bad, "-b", "x", "--json", cwd=w)
    assert r.code == 1
    assert r.json()["files"][0]["status"] == "rejected"
    assert r.json()["report"]["issues"][0]["row"] == 2
    assert cli("export", tmp_path / "out.pdf", cwd=w).code == 2
    assert cli("init", w).code == 1  # already a workspace


def test_outside_a_workspace_is_a_message_not_a_traceback(cli, tmp_path, monkeypatch):
    monkeypatch.delenv("RECTIKIT_WORKSPACE", raising=False)
    r = cli("status", cwd=tmp_path)
    assert r.code == 1
    assert "rectikit init" in r.err and "Traceback" not in r.err
    assert r.out == ""


def test_json_goes_to_stdout_and_people_text_to_stderr(cli, tmp_path):
    cli("init", tmp_path / "w")
    r = cli("status", "--json", cwd=tmp_path / "w")
    assert r.json()["total_items"] == 0
    assert "台账" in r.err


def test_dry_run_via_cli(cli, tmp_path):
    cli("init", tmp_path / "w")
    r = cli("import", _formula_text_xlsx(tmp_path), "-b", "b", "--dry-run", "--json", cwd=tmp_path / "w")
    assert r.code == 0 and r.json()["added"] == 0
    assert r.json()["files"][0]["status"] == "would-import"
    assert cli("status", "--json", cwd=tmp_path / "w").json()["total_items"] == 0


def test_map_option(cli, tmp_path):
    cli("init", tmp_path / "w")
    f = write_xlsx(tmp_path / "a.xlsx", [["工单", "诉求描述"], ["1", "路灯不亮"]])
    r = cli("import", f, "-b", "b", "--map", "诉求描述=意见建议内容", "--json", cwd=tmp_path / "w")
    assert r.code == 0 and r.json()["added"] == 1
    r = cli("import", f, "-b", "b", "--map", "诉求描述=天气", cwd=tmp_path / "w")
    assert r.code == 2 and "未知字段" in r.err


def test_demo(cli, tmp_path):
    r = cli("demo", tmp_path / "演示", "--json")
    assert r.code == 0, r.err
    st = r.json()["status"]
    assert [(b["batch"], b["raw_items"], b["items"]) for b in st["batches"]] == [
        ("2019年度", 547, 538),
        ("2020年中期", 447, 443),
    ]
    assert (tmp_path / "演示" / "台账.xlsx").exists()
    assert (tmp_path / "演示" / "rules" / "单位名录.xlsx").exists()
    counts = r.json()["track"]["counts"]
    assert sum(counts.values()) == r.json()["assign"]["assigned"] and counts["红灯"] > 0
    assert len(list((tmp_path / "演示" / "交办").glob("*.xlsx"))) > 5
    assert (tmp_path / "演示" / "输出" / "分析报告.docx").exists()
    assert (tmp_path / "演示" / "输出" / "公示" / "整改情况公示.docx").exists()
    assert cli("demo", tmp_path / "演示").code == 1  # not over an existing folder
    assert cli("demo", tmp_path / "演示", "--force").code == 0


def test_demo_never_deletes_a_folder_that_is_not_a_demo(cli, tmp_path):
    precious = tmp_path / "材料"
    precious.mkdir()
    (precious / "重要.docx").write_text("x")
    assert cli("demo", precious, "--force").code == 1
    assert (precious / "重要.docx").exists()


def test_help_is_chinese_and_fast_to_import():
    out = subprocess.run([sys.executable, "-m", "rectikit", "--help"], capture_output=True, text=True)
    assert out.returncode == 0
    assert "命令" in out.stdout and "显示本帮助并退出" in out.stdout
    heavy = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, rectikit.cli; print(sorted(m for m in ('pandas','openpyxl','docx',"
            "'python_calamine','xlsxwriter') if m in sys.modules))",
        ],
        capture_output=True,
        text=True,
    )
    assert heavy.stdout.strip() == "[]"


def test_debug_shows_the_traceback(tmp_path, monkeypatch):
    monkeypatch.delenv("RECTIKIT_WORKSPACE", raising=False)
    out = subprocess.run(
        [sys.executable, "-m", "rectikit", "status", "--debug"], capture_output=True, text=True, cwd=tmp_path
    )
    assert out.returncode != 0 and "Traceback" in out.stderr and "WorkspaceError" in out.stderr


def test_dedupe_and_unmerge_commands(cli, tmp_path):
    w = tmp_path / "w"
    cli("init", w)
    rows = [["意见建议"], ["民主路路灯不亮，希望尽快维修。"], ["民主路路灯不亮,希望尽快维修"], ["学校门口交通拥堵"]]
    cli("import", write_xlsx(tmp_path / "a.xlsx", rows), "-b", "b", cwd=w)
    r = cli("dedupe", "--json", cwd=w)
    assert r.code == 0 and len(r.json()["groups"]) == 1 and r.json()["merged_groups"] == 0
    r = cli("dedupe", "--auto", "--json", cwd=w)
    assert r.json()["merged_groups"] == 1
    assert r.json()["summary"][0] == {"batch": "b", "raw_items": 3, "items": 2, "repeats": 0}
    assert "归纳为 2 条" in r.err
    assert cli("unmerge", "1", "--json", cwd=w).json()["restored"] == [1, 2]
    assert cli("unmerge", "3", cwd=w).code == 2
    assert cli("dedupe", "--apply", "x.xlsx", "--auto", cwd=w).code == 2
    bad = write_xlsx(tmp_path / "审核.xlsx", [["组号", "编号"], [1, 1]])
    r = cli("dedupe", "--apply", bad, cwd=w)
    assert r.code == 1 and "处理意见" in r.err


def test_running_out_of_memory_is_a_message_and_leaves_the_ledger(cli, tmp_path, monkeypatch):
    from rectikit.store.workspace import Workspace

    from helpers import ledger_snapshot

    cli("init", tmp_path / "w")
    ws = Workspace(tmp_path / "w")
    before = ledger_snapshot(ws)

    def exhausted(*a, **k):
        raise MemoryError

    monkeypatch.setattr("rectikit.files.readers._open_workbook", exhausted)
    r = cli("import", _formula_text_xlsx(tmp_path), "-b", "x", "--json", cwd=tmp_path / "w")
    assert r.code == 1 and "内存不足" in r.err and "Traceback" not in r.err
    assert r.json()["error"]["code"] == "memory"
    assert ledger_snapshot(ws) == before
