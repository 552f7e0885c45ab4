"""Crafted workbooks that pass a byte search but not calamine: references written in a form Excel never
uses, a shared-string count no table could hold, strings hidden behind comments or empty ones, and parts
found where calamine looks rather than where Excel does. Each is refused with a Chinese message instead
of taking the process down (calamine aborts on an allocation it cannot make)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rectikit.files.guard import Limits, check_zip
from rectikit.steps.ingest import import_files
from test_hostile_files import SHEET_HEAD, _ods, _package, _refused

FAR_REFS = [
    "r='XFD1048576'",  # single quotes
    'r="xfd1048576"',  # lower case
    'r="Xfd1048576"',  # mixed case
    'foo=">" r="XFD1048576"',  # a '>' inside an earlier attribute's value
    'foo="' + ">" * 3000 + "\" r='XFD1048576'",  # and a tag longer than the guard's old overlap
]


@pytest.mark.parametrize("ref", FAR_REFS)
def test_a_far_cell_in_a_form_excel_never_writes_is_measured(ws, tmp_path, ref):
    rows = f'<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c {ref} t="s"><v>1</v></c></row>'
    path = _package(
        tmp_path / "远.xlsx",
        [("worksheets/sheet1.xml", SHEET_HEAD + rows + "</sheetData></worksheet>")],
        ["意见建议", "x"],
    )
    _refused(ws, path, "超过上限")


def _rewrite(path: Path, name: str, old: str, new: str) -> Path:
    """The same package with one member's text edited."""
    out = path.with_name("改" + path.name)
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            dst.writestr(info.filename, data.decode().replace(old, new).encode() if info.filename == name else data)
    return out


ROWS = SHEET_HEAD + '<row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>'


@pytest.mark.parametrize(
    "attrs",
    [
        'uniqueCount="10000000000"',
        'uniqueCount="1000000000000000000000"',
        "uniqueCount='99999999999'",
        'a=">" uniqueCount="99999999999"',  # after a '>' inside another attribute's value
        'a=\' uniqueCount="1"\' uniqueCount="99999999999"',  # behind a decoy inside another value
        '--><sst uniqueCount="99999999999"',  # behind a decoy table in a comment (parsed, not searched)
    ],
)
def test_a_shared_string_count_no_table_could_hold_is_refused(ws, tmp_path, attrs):
    """calamine sets aside room for uniqueCount strings before it reads one: ten billion is 240 GB."""
    path = _package(tmp_path / "数.xlsx", [("worksheets/sheet1.xml", ROWS)], ["意见建议"])
    tag = f'<!-- <sst uniqueCount="1"> {attrs} ' if attrs.startswith("--") else f"<sst {attrs} "
    path = _rewrite(path, "xl/sharedStrings.xml", "<sst ", tag)
    _refused(ws, path, "共享字符串表声明有")


def test_a_writer_that_counts_references_is_not_refused(tmp_path):
    path = _package(tmp_path / "引用.xlsx", [("worksheets/sheet1.xml", ROWS)], ["意见建议"])
    assert check_zip(_rewrite(path, "xl/sharedStrings.xml", "<sst ", '<sst count="5000" uniqueCount="5000" ')) == "xlsx"


def _long_string_in_every_cell(tmp_path: Path, name: str, before: list[str]) -> Path:
    """3,000 cells showing one 10,000-character string, which sits after ``before`` in the table."""
    rows = "".join(f'<row r="{r}"><c r="A{r}" t="s"><v>{len(before)}</v></c></row>' for r in range(1, 3001))
    return _package(
        tmp_path / name,
        [("worksheets/sheet1.xml", SHEET_HEAD + rows + "</sheetData></worksheet>")],
        [*before, "长" * 10_000],
    )


def test_empty_strings_before_a_long_one_do_not_move_it(ws, tmp_path):
    """``<si/>`` is a string of its own to calamine: 50 of them put the long string at index 50."""
    path = _long_string_in_every_cell(tmp_path, "空.xlsx", ["意见建议"] * 50)
    path = _rewrite(path, "xl/sharedStrings.xml", "<si><t>意见建议</t></si>", "<si/>")
    _refused(ws, path, "读入后的文字")


@pytest.mark.parametrize("hide", ["<!--<si><t>x</t></si>-->", "<?pi <si>?>"])
def test_markup_that_hides_a_string_tag_does_not_hide_the_text(ws, tmp_path, hide):
    path = _long_string_in_every_cell(tmp_path, "藏.xlsx", ["意见建议"])
    path = _rewrite(path, "xl/sharedStrings.xml", "长" * 5000, "长" * 5000 + hide)
    _refused(ws, path, "读入后的文字")


def test_the_shared_strings_calamine_reads_are_the_ones_measured(ws, tmp_path):
    """The workbook's relationships may name another table; calamine reads sharedStrings.xml beside it."""
    path = _long_string_in_every_cell(tmp_path, "换.xlsx", ["意见建议"])
    with zipfile.ZipFile(path, "a") as z:
        z.writestr("xl/decoy.xml", '<?xml version="1.0"?><sst xmlns="x"><si><t>a</t></si><si><t>b</t></si></sst>')
    path = _rewrite(path, "xl/_rels/workbook.xml.rels", 'Target="sharedStrings.xml"', 'Target="decoy.xml"')
    _refused(ws, path, "读入后的文字")


def test_a_sheet_where_calamine_looks_is_measured(ws, tmp_path):
    """calamine joins a sheet's target to the workbook's folder as written: xl/../far.xml is its own part."""
    path = _package(tmp_path / "径.xlsx", [("worksheets/sheet1.xml", ROWS)], ["意见建议"])
    with zipfile.ZipFile(path, "a") as z:
        z.writestr("xl/../far.xml", SHEET_HEAD + '<row r="1048576"><c r="XFD1048576"/></row></sheetData></worksheet>')
    path = _rewrite(path, "xl/_rels/workbook.xml.rels", 'Target="worksheets/sheet1.xml"', "Target='../far.xml'")
    _refused(ws, path, "超过上限")


def test_limits_are_not_loosened_for_an_ordinary_workbook(tmp_path):
    path = _package(tmp_path / "常.xlsx", [("worksheets/sheet1.xml", ROWS)], ["意见建议"])
    assert check_zip(path, Limits()) == "xlsx"


@pytest.mark.parametrize("name", ["二进制.xlsb", "二进制.dat"])
def test_a_binary_workbook_is_refused_before_calamine_reads_its_unmeasured_sheets(ws, tmp_path, name):
    path = _package(tmp_path / "常.xlsx", [("worksheets/sheet1.xml", ROWS)], ["意见建议"])
    with zipfile.ZipFile(path, "a") as z:
        z.writestr("xl/workbook.bin", b"\x83\x01\x00")
    _refused(ws, path.rename(tmp_path / name), "二进制工作簿")


def _small_xls(path: Path) -> Path:
    """A legacy workbook of a header and one item, as xlwt writes it."""
    import xlwt

    book = xlwt.Workbook()
    sheet = book.add_sheet("意见")
    sheet.write(0, 0, "意见建议")
    sheet.write(1, 0, "路灯不亮")
    book.save(str(path))
    return path


def _declaring(path: Path, rows: int, cols: int) -> Path:
    """A small .xls whose DIMENSIONS record (BIFF8) declares ``rows`` x ``cols``."""
    import struct

    data = bytearray(_small_xls(path).read_bytes())
    at = data.find(b"\x00\x02\x0e\x00")
    data[at + 4 : at + 16] = struct.pack("<IIHH", 0, rows, 0, cols)
    path.write_bytes(bytes(data))
    return path


def test_an_xls_declaring_more_cells_than_it_holds_is_refused(ws, tmp_path):
    """calamine reserves a sheet's declared DIMENSIONS before reading a cell: a million rows by 16,384
    columns in a 5 KB file was 655 GB, and the process aborted."""
    assert import_files(ws, [_small_xls(tmp_path / "正常.xls")], batch="b").files[0].status == "imported"
    _refused(ws, _declaring(tmp_path / "声明.xls", 1_000_000, 16384), "超出 .xls 格式本身的上限")


def test_an_xls_declaring_every_sheet_at_full_size_is_read(ws, tmp_path):
    """Some writers declare 65,536 x 256 whatever a sheet holds; that is within the format and is read."""
    assert import_files(ws, [_declaring(tmp_path / "满.xls", 65536, 256)], batch="b").files[0].status == "imported"


def test_a_panic_in_calamine_is_a_damaged_file_not_a_crash(ws, tmp_path, monkeypatch):
    """pyo3 raises a Rust panic as PanicException, a BaseException: the import says the file is damaged
    and goes on to the next file."""
    import python_calamine

    class PanicException(BaseException):  # pyo3 gives it no importable name
        pass

    def panics(path):
        raise PanicException("capacity overflow")

    good = _package(tmp_path / "好.xlsx", [("worksheets/sheet1.xml", ROWS)], ["意见建议"])
    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_path", panics)
    res = import_files(ws, [good, good], batch="b")
    assert [f.status for f in res.files] == ["unreadable", "unreadable"]
    assert "文件已损坏" in res.files[0].message


@pytest.mark.parametrize(
    "rel",
    [
        '<Relationship Id="a>b" Type="{t}" Target="xl/workbook.xml"/>',
        "<Relationship Id='rId1' Note=' Type=\"x\"' Type='{t}' Target='xl/workbook.xml'/>",
    ],
)
def test_the_workbook_is_found_however_its_relationship_is_written(ws, tmp_path, rel):
    """A '>' inside a value, or a decoy inside another attribute, does not hide the workbook's folder, and
    so the shared strings calamine reads there are measured."""
    office = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
    path = _long_string_in_every_cell(tmp_path, "关系.xlsx", ["意见建议"])
    with zipfile.ZipFile(path) as z:
        rels = z.read("_rels/.rels").decode()
    start, end = rels.index("<Relationship "), rels.index("</Relationships>")
    path = _rewrite(path, "_rels/.rels", rels[start:end], rel.format(t=office))
    _refused(ws, path, "读入后的文字")


@pytest.mark.parametrize(
    "repeat",
    [
        "table:number-rows-repeated='100000'",  # single quotes
        'table:number-rows-repeated = "100000"',  # spaces around '='
        'table:style-name="a>b" table:number-rows-repeated="100000"',  # after a '>' inside a value
    ],
)
def test_ods_repeats_written_in_any_form_are_counted(ws, tmp_path, repeat):
    cell = '<table:table-cell office:value-type="string"><text:p>意见建议</text:p></table:table-cell>'
    body = (
        f"<table:table-row>{cell}</table:table-row>"
        f'<table:table-row {repeat}><table:table-cell table:number-columns-repeated="100"/></table:table-row>'
        f'<table:table-row><table:table-cell table:number-columns-repeated="90"/>{cell}</table:table-row>'
    )
    _refused(ws, _ods(tmp_path / "重复.ods", body), "超过上限")


def test_ods_header_rows_do_not_split_a_table_in_two(ws, tmp_path):
    """Rows inside table-header-rows belong to the same table: one wide row, then 100,000 narrow rows in
    such a group, is 100,001 rows by 1,000 columns to a reader, not 1,000 cells and then 100,000."""
    cell = '<table:table-cell office:value-type="string"><text:p>意见建议</text:p></table:table-cell>'
    body = (
        f'<table:table-row><table:table-cell table:number-columns-repeated="999" office:value-type="string">'
        f"<text:p>x</text:p></table:table-cell>{cell}</table:table-row>"
        f'<table:table-header-rows><table:table-row table:number-rows-repeated="100000">{cell}</table:table-row>'
        "</table:table-header-rows>"
    )
    _refused(ws, _ods(tmp_path / "分组.ods", body), "超过上限")


def test_a_relationship_with_a_bracket_in_a_value_is_refused(ws, tmp_path):
    """'<' inside an attribute value is no well-formed XML; the guard will not guess how a reader takes it."""
    path = _package(tmp_path / "尖.xlsx", [("worksheets/sheet1.xml", ROWS)], ["意见建议"])
    path = _rewrite(path, "_rels/.rels", 'Id="rId1"', 'Id="a<b"')
    _refused(ws, path, "残缺的 XML 标记")


def _text_sheet(cells: int) -> str:
    """A sheet whose ``cells`` cells all show shared string 1."""
    rows = "".join(f'<row r="{r}"><c r="A{r}" t="s"><v>1</v></c></row>' for r in range(1, cells + 1))
    return SHEET_HEAD + rows + "</sheetData></worksheet>"


def test_the_text_of_several_sheets_is_added_up(ws, tmp_path):
    """Three sheets each holding 30 MB once read are 90 MB together, over the 64 MB a small file may hold;
    one of them alone is within it."""
    long = "长" * 10_000
    one = _package(tmp_path / "一.xlsx", [("worksheets/sheet1.xml", _text_sheet(1000))], ["意见建议", long])
    assert check_zip(one) == "xlsx"
    sheets = [(f"worksheets/sheet{k}.xml", _text_sheet(1000)) for k in (1, 2, 3)]
    _refused(ws, _package(tmp_path / "三.xlsx", sheets, ["意见建议", long]), "读入后的文字")


def test_a_sheet_listed_three_times_is_read_three_times(ws, tmp_path):
    """calamine reads a part once for every sheet the workbook lists with it."""
    long = "长" * 10_000
    path = _package(tmp_path / "重.xlsx", [("worksheets/sheet1.xml", _text_sheet(1000))], ["意见建议", long])
    sheet = '<sheet name="S1" sheetId="1" r:id="rS1"/>'
    again = "".join(f'<sheet name="S{k}" sheetId="{k}" r:id="rS1"/>' for k in (2, 3))
    path = _rewrite(path, "xl/workbook.xml", sheet, sheet + again)
    _refused(ws, path, "读入后的文字")


@pytest.mark.parametrize("second", ["xl/worksheets/sheet1.xml", "XL/Worksheets/Sheet1.xml"])
def test_a_package_with_two_parts_of_one_name_is_refused(ws, tmp_path, second):
    """Which of two same-named parts a reader takes is its own affair: the guard could measure the other."""
    import warnings

    path = _package(tmp_path / "重名.xlsx", [("worksheets/sheet1.xml", ROWS)], ["意见建议"])
    with warnings.catch_warnings(), zipfile.ZipFile(path, "a") as z:
        warnings.simplefilter("ignore")  # zipfile warns of the duplicate it is asked to write
        z.writestr(second, SHEET_HEAD + '<row r="1048576"><c r="XFD1048576"/></row></sheetData></worksheet>')
    _refused(ws, path, "重名的文件")


def test_an_encrypted_or_unknown_zip_member_is_a_message_and_the_batch_goes_on(ws, tmp_path):
    """Zip encryption, a compression method or a zip version zipfile does not know once ended the whole
    import with an internal error."""
    import struct

    two = SHEET_HEAD + '<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="s"><v>1</v></c></row>'
    good = _package(
        tmp_path / "好.xlsx", [("worksheets/sheet1.xml", two + "</sheetData></worksheet>")], ["意见建议", "路灯不亮"]
    )
    for name, offset, value in (("密.xlsx", (6, 8), 1), ("怪.xlsx", (8, 10), 99), ("新.xlsx", (4, 6), 138)):
        data = bytearray(good.read_bytes())
        for magic, at in ((b"PK\x03\x04", offset[0]), (b"PK\x01\x02", offset[1])):
            pos = 0
            while (j := data.find(magic, pos)) >= 0:
                old = struct.unpack_from("<H", data, j + at)[0]
                struct.pack_into("<H", data, j + at, old | value if value == 1 else value)
                pos = j + 4
        (tmp_path / name).write_bytes(bytes(data))
    res = import_files(ws, [tmp_path / "密.xlsx", tmp_path / "怪.xlsx", tmp_path / "新.xlsx", good], batch="b")
    assert [f.status for f in res.files] == ["unreadable", "unreadable", "unreadable", "imported"]
    assert "加密" in res.files[0].message and "损坏" in res.files[1].message and "损坏" in res.files[2].message


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(["xlsx", "ods", "xls"]),
    st.one_of(st.none(), st.integers(0, 8)),
    st.lists(
        st.tuples(st.one_of(st.just(0.0), st.floats(0, 1, exclude_max=True)), st.integers(0, 255)),
        min_size=1,
        max_size=24,
    ),
    st.one_of(st.just(1.0), st.floats(0.05, 1)),  # the whole file, or cut short
)
def test_a_damaged_workbook_is_a_message_never_an_internal_error(kind, member, edits, keep):
    """Bytes changed anywhere, or inside one zip member's compressed data, or the file cut short: the
    import says what is wrong with it (or reads it), and never fails with an error of its own."""
    import tempfile

    from rectikit.base.errors import RectikitError
    from rectikit.store.workspace import init_workspace

    with tempfile.TemporaryDirectory() as d:
        good = _damaged_sources(Path(d))[kind]
        data = bytearray(good.read_bytes())
        start, length = 0, len(data)
        if member is not None and kind != "xls":
            with zipfile.ZipFile(good) as z:
                info = z.infolist()[member % len(z.infolist())]
            start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
            length = max(1, info.compress_size)
        for where, value in edits:
            data[start + int(where * length)] = value
        path = Path(d) / f"坏.{kind}"
        path.write_bytes(bytes(data[: max(1, int(keep * len(data)))]))
        try:
            import_files(init_workspace(Path(d) / "ws"), [path], batch="b")
        except RectikitError:
            pass


def _damaged_sources(folder: Path) -> dict[str, Path]:
    """A small good workbook of each kind, to be damaged."""
    two = SHEET_HEAD + '<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="s"><v>1</v></c></row>'
    xlsx = _package(
        folder / "好.xlsx", [("worksheets/sheet1.xml", two + "</sheetData></worksheet>")], ["意见建议", "路灯"]
    )
    cells = "".join(
        f'<table:table-row><table:table-cell office:value-type="string"><text:p>{t}</text:p></table:table-cell>'
        "</table:table-row>"
        for t in ("意见建议", "路灯")
    )
    return {"xlsx": xlsx, "ods": _ods(folder / "好.ods", cells), "xls": _small_xls(folder / "好.xls")}
