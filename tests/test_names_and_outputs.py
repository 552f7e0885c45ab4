"""Names that would escape the workspace, outputs that would overwrite the
office's own files, and files colleagues cannot read (issues #12, #17)."""

from __future__ import annotations

import datetime as dt
import os
import stat
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rectikit.base.errors import InvalidDataError, UsageError
from rectikit.base.names import check_name, file_part, name_problem
from rectikit.documents.analysis import analyse
from rectikit.documents.annexes import render
from rectikit.documents.export import export_ledger
from rectikit.steps.ingest import import_files
from rectikit.steps.tracking import track
from rectikit.steps.units import load as load_units

from helpers import ledger_snapshot, write_xlsx

CSV = "意见建议内容,县(市、区)\n民主路路灯不亮。,城中\x01区\x7f\n村道坑洼。,平山县\n"


def _csv(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text(CSV, encoding="utf-8")
    return path


@pytest.mark.parametrize("batch", ["../../x", "a/b", "a\\b", "CON", "lpt1.2019", "批次\x07", "x" * 61, "..", "年度."])
def test_batch_names_that_cannot_be_file_names_are_refused(ws, tmp_path, batch):
    before = ledger_snapshot(ws)
    with pytest.raises(UsageError, match="批次名称"):
        import_files(ws, [_csv(tmp_path)], batch=batch)
    assert ledger_snapshot(ws) == before


@given(st.text(min_size=1, max_size=80))
def test_a_file_part_is_always_one_plain_file_name(name):
    part = file_part(name)
    assert part and "/" not in part and "\\" not in part and part not in (".", "..")
    assert len(part) <= 61 and not part.endswith((".", " "))
    plain = unicodedata.normalize("NFC", name).strip()
    if name_problem(plain) is None:
        assert check_name(name, "x") == plain


def test_control_characters_are_taken_out_on_import(ws, tmp_path):
    import_files(ws, [_csv(tmp_path)], batch="2020年")
    res = analyse(ws, today=dt.date(2020, 9, 30))
    assert res.sections[0].rows[0][0] in ("城中区", "平山县")
    assert any(name == "城中区" for name, *_ in res.sections[0].rows)


def test_units_whose_names_cannot_name_a_file_or_would_share_one(tmp_path):
    path = write_xlsx(
        tmp_path / "单位名录.xlsx",
        [
            ["单位全称", "简称/别名（用;分隔）"],
            ["甲/乙局", ""],
            ["丙:丁局", ""],
            ["ABC局", ""],
            ["abc局", ""],
            ["市住建局", "住建局"],
        ],
    )
    with pytest.raises(InvalidDataError) as e:
        load_units(path)
    codes = [(i.row, i.code) for i in e.value.report.errors]
    assert (2, "bad-unit-name") in codes and (3, "bad-unit-name") in codes and (5, "same-file-name") in codes
    assert all(i.column == "单位全称" for i in e.value.report.errors)


@pytest.fixture
def loaded(ws, tmp_path):
    import_files(ws, [_csv(tmp_path)], batch="2020年")
    return ws


def test_outputs_never_overwrite_the_workspace_or_an_imported_file(loaded, tmp_path):
    rules = loaded.rules_dir / "分类体系.xlsx"
    before = rules.read_bytes()
    with pytest.raises(UsageError, match="规则表"):
        export_ledger(loaded, rules)
    with pytest.raises(UsageError, match="规则表"):
        export_ledger(loaded, loaded.rules_dir / "新表.csv")
    assert rules.read_bytes() == before
    with pytest.raises(UsageError, match="导入过的原始文件"):
        export_ledger(loaded, tmp_path / "a.csv")
    with pytest.raises(UsageError, match="扩展名"):
        track(loaded, out=tmp_path / "催办清单.csv")
    with pytest.raises(UsageError, match="扩展名"):
        analyse(loaded, out=tmp_path / "报告.pdf")


def test_files_are_readable_by_colleagues(loaded, tmp_path):
    old = os.umask(0o022)
    try:
        made = [
            export_ledger(loaded, tmp_path / "台账.xlsx")["path"],
            export_ledger(loaded, tmp_path / "台账.csv")["path"],
            *render(loaded, "annex1", out_dir=tmp_path / "out", key_only=False)["files"].values(),
            analyse(loaded, today=dt.date(2020, 9, 30), out=tmp_path / "r.docx").path,
        ]
    finally:
        os.umask(old)
    for path in made:
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o644, path
