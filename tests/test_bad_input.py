"""Every kind of bad file gets a clear Chinese message, a failed result and
an unchanged ledger."""

import io
import zipfile

import pytest

from rectikit.base.errors import InputFileError
from rectikit.files.guard import Limits, check_zip
from rectikit.files.readers import read_sheets
from rectikit.steps.ingest import import_files

from helpers import ledger_snapshot, write_xlsx

GOOD = [["意见建议", "县区"], ["路灯不亮", "城中区"]]


def _import_fails(ws, path, expect: str):
    snap = ledger_snapshot(ws)
    res = import_files(ws, [path], batch="b")
    assert not res.ok
    assert res.files[0].status == "unreadable"
    assert expect in res.files[0].message, res.files[0].message
    assert ledger_snapshot(ws) == snap


def test_empty_file(ws, tmp_path):
    (tmp_path / "空.xlsx").write_bytes(b"")
    _import_fails(ws, tmp_path / "空.xlsx", "空文件")


def test_missing_file(ws, tmp_path):
    _import_fails(ws, tmp_path / "没有.xlsx", "找不到文件")


def test_text_renamed_xlsx(ws, tmp_path):
    (tmp_path / "伪装.xlsx").write_text("这不是表格", encoding="utf-8")
    _import_fails(ws, tmp_path / "伪装.xlsx", "不是 Excel")


def test_html_saved_as_xls(ws, tmp_path):
    (tmp_path / "导出.xls").write_text("<html><table><tr><td>意见</td></tr></table></html>", encoding="utf-8")
    _import_fails(ws, tmp_path / "导出.xls", "另存为")


def test_truncated_xlsx(ws, tmp_path):
    good = write_xlsx(tmp_path / "good.xlsx", GOOD * 200)
    data = good.read_bytes()
    (tmp_path / "半截.xlsx").write_bytes(data[: len(data) // 2])
    _import_fails(ws, tmp_path / "半截.xlsx", "损坏")


def test_corrupt_member(ws, tmp_path):
    good = write_xlsx(tmp_path / "good.xlsx", GOOD)
    buf = io.BytesIO()
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(buf, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.endswith("sheet1.xml"):
                data = data[:40]  # cut mid-element: malformed XML
            dst.writestr(info, data)
    (tmp_path / "坏.xlsx").write_bytes(buf.getvalue())
    snap = ledger_snapshot(ws)
    res = import_files(ws, [tmp_path / "坏.xlsx"], batch="b")
    assert not res.ok and res.files[0].status == "unreadable"
    assert ledger_snapshot(ws) == snap


def test_garbled_compressed_sheet(ws, tmp_path):
    """Bytes flipped inside the sheet's compressed stream (a bad disk, a broken download): the zip's
    directory is whole, the stream cannot be expanded; said to be damaged, not an internal error."""
    import struct

    good = write_xlsx(tmp_path / "good.xlsx", GOOD * 400)
    data = bytearray(good.read_bytes())
    with zipfile.ZipFile(good) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
    name_len, extra_len = struct.unpack("<HH", data[info.header_offset + 26 : info.header_offset + 30])
    start = info.header_offset + 30 + name_len + extra_len
    for k in range(start + 200, start + 300):
        data[k] ^= 0x5A
    (tmp_path / "坏流.xlsx").write_bytes(bytes(data))
    _import_fails(ws, tmp_path / "坏流.xlsx", "损坏")


def test_zip_that_is_not_a_workbook(ws, tmp_path):
    with zipfile.ZipFile(tmp_path / "包.xlsx", "w") as z:
        z.writestr("readme.txt", "hello")
    _import_fails(ws, tmp_path / "包.xlsx", "不是 Excel 或 WPS 表格")


def test_zip_bomb_by_ratio(ws, tmp_path):
    with zipfile.ZipFile(tmp_path / "炸弹.xlsx", "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (64 << 20))
    assert (tmp_path / "炸弹.xlsx").stat().st_size < 1 << 20
    _import_fails(ws, tmp_path / "炸弹.xlsx", "压缩炸弹")


def test_unpacked_size_limit(tmp_path):
    good = write_xlsx(tmp_path / "good.xlsx", GOOD)
    with pytest.raises(InputFileError, match="超过上限"):
        check_zip(good, Limits(max_unpacked_bytes=100))


def test_xml_entities_refused(ws, tmp_path):
    good = write_xlsx(tmp_path / "good.xlsx", GOOD)
    evil = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
    buf = io.BytesIO()
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(buf, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = evil.encode() + (data.split(b"?>", 1)[1] if data.startswith(b"<?xml") else data)
            dst.writestr(info, data)
    (tmp_path / "实体.xlsx").write_bytes(buf.getvalue())
    _import_fails(ws, tmp_path / "实体.xlsx", "DOCTYPE")


def test_binary_csv(ws, tmp_path):
    (tmp_path / "乱码.csv").write_bytes(b"\x00\x01\x02\xff\xfe\x00abc")
    snap = ledger_snapshot(ws)
    res = import_files(ws, [tmp_path / "乱码.csv"], batch="b")
    assert not res.ok
    assert ledger_snapshot(ws) == snap


def test_sheet_without_text_column(ws, tmp_path):
    f = write_xlsx(tmp_path / "统计.xlsx", [["县区", "数量"], ["城中区", 3]])
    _import_fails(ws, f, "意见建议内容列")


def test_a_bad_file_does_not_stop_the_good_one(ws, tmp_path):
    (tmp_path / "空.xlsx").write_bytes(b"")
    good = write_xlsx(tmp_path / "good.xlsx", GOOD)
    res = import_files(ws, [tmp_path / "空.xlsx", good], batch="b")
    assert [f.status for f in res.files] == ["unreadable", "imported"]
    assert not res.ok and res.added == 1


def test_reader_reports_sheet_names_for_a_wrong_sheet(tmp_path):
    good = write_xlsx(tmp_path / "good.xlsx", GOOD, sheet="汇总")
    with pytest.raises(InputFileError, match="汇总"):
        list(read_sheets(good, "明细"))
