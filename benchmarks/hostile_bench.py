"""Crafted files under 5 MB against `import`: each must be refused with a
message or read, in bounded memory (goal: peak under 1 GB).

    python benchmarks/hostile_bench.py

Each file is written into benchmarks/out/hostile/ and imported in a fresh
subprocess (`rectikit import --json`), so the peak RSS printed is the import's
own. Prints one line per file: size, exit code, seconds, peak MB, message.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out" / "hostile"

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    'spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WB = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
    'main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
    '<sheet name="汇总" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WB_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
    '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)


def xlsx(
    path: Path,
    rows,
    strings: list[str],
    refs: bool = True,
    *,
    target: str = "worksheets/sheet1.xml",
    prefix: str = "",
    copies: int = 1,
) -> Path:
    """A workbook from (row number, [(column letters, shared string index)]) written as a stream;
    ``refs=False`` leaves out the positions (allowed, and it packs a thousand times tighter); ``target``
    puts the sheet where the relationships say (any folder or case), ``prefix`` writes rows and cells with
    a namespace prefix (x:), ``copies`` writes the same sheet that many times."""
    p = prefix

    def sheet():
        yield (
            b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
            b'spreadsheetml/2006/main" xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            b"<sheetData>"
        )
        for r, cells in rows:
            if refs:
                yield (
                    f'<{p}row r="{r}">'
                    + "".join(f'<{p}c r="{c}{r}" t="s"><{p}v>{k}</{p}v></{p}c>' for c, k in cells)
                    + f"</{p}row>"
                ).encode()
            else:
                yield (
                    f"<{p}row>" + "".join(f'<{p}c t="s"><{p}v>{k}</{p}v></{p}c>' for _, k in cells) + f"</{p}row>"
                ).encode()
        yield b"</sheetData></worksheet>"

    targets = [target] if copies == 1 else [f"worksheets/sheet{k}.xml" for k in range(1, copies + 1)]
    book = WB.replace(
        '<sheet name="汇总" sheetId="1" r:id="rId1"/>',
        "".join(f'<sheet name="汇总{k}" sheetId="{k}" r:id="rS{k}"/>' for k in range(1, len(targets) + 1)),
    )
    book_rels = WB_RELS.replace(
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/worksheet" Target="worksheets/sheet1.xml"/>',
        "".join(
            f'<Relationship Id="rS{k}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            f'worksheet" Target="{t}"/>'
            for k, t in enumerate(targets, 1)
        ),
    )
    sst = (
        '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
        'main">' + "".join(f"<si><t>{s}</t></si>" for s in strings) + "</sst>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", RELS)
        z.writestr("xl/workbook.xml", book)
        z.writestr("xl/_rels/workbook.xml.rels", book_rels)
        z.writestr("xl/sharedStrings.xml", sst)
        for t in targets:
            with z.open(t[3:] if t.startswith("../") else "xl/" + t, "w", force_zip64=True) as f:
                for part in sheet():
                    f.write(part)
    return path


def ods(path: Path, body: str) -> Path:
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:'
        'opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body>'
        f'<office:spreadsheet><table:table table:name="S">{body}</table:table></office:spreadsheet>'
        "</office:body></office:document-content>"
    )
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return path


def xls(path: Path, sheets: int, rows, value: str) -> Path:
    """A legacy BIFF8 workbook (xlwt, from the test extras): ``rows`` (row, col) cells showing ``value``
    on each of ``sheets`` sheets."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    cells = list(rows)
    for k in range(sheets):
        sheet = book.add_sheet(f"S{k}")
        sheet.write(0, 0, "意见建议内容")
        for r, c in cells:
            sheet.write(r, c, value)
    book.save(str(path))
    return path


HEAD = (1, [("A", 0)])


def edited(path: Path, source: Path, member: str, old: str, new: str) -> Path:
    """``source`` with one member's text edited: the forms Excel never writes but a reader accepts."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            dst.writestr(
                info.filename, data.decode().replace(old, new, 1).encode() if info.filename == member else data
            )
    return path


def xls_declaring(path: Path, source: Path, rows: int, cols: int) -> Path:
    """``source`` (an xlwt file) with its DIMENSIONS record declaring ``rows`` x ``cols``."""
    import struct

    data = bytearray(source.read_bytes())
    at = data.find(b"\x00\x02\x0e\x00")
    data[at + 4 : at + 16] = struct.pack("<IIHH", 0, rows, 0, cols)
    path.write_bytes(bytes(data))
    return path


def crafted() -> list[Path]:
    OUT.mkdir(parents=True, exist_ok=True)
    strings = ["意见建议内容", "路灯不亮，希望尽快修复。"]
    cell = '<table:table-cell office:value-type="string"><text:p>意见建议</text:p></table:table-cell>'
    files = [
        xlsx(OUT / "far-cell-XFD.xlsx", [HEAD, (2, [("A", 1)]), (1048576, [("XFD", 1)])], strings),
        xlsx(OUT / "far-cell-CV.xlsx", [HEAD, (2, [("A", 1)]), (1048576, [("CV", 1)])], strings),
        xlsx(
            OUT / "rows-8.8M-packed.xlsx", [HEAD, *((r, [("A", 1)]) for r in range(2, 8_800_000))], strings, refs=False
        ),
        xlsx(
            OUT / "rows-600k-wide-packed.xlsx",
            [HEAD, *((r, [(c, 1) for c in "ABCDEFGH"]) for r in range(2, 600_000))],
            strings,
            refs=False,
        ),
        xlsx(
            OUT / "rows-300k-real-form.xlsx",
            [HEAD, *((r, [(c, 1) for c in "ABCDEFGH"]) for r in range(2, 300_000))],
            strings,
        ),
        xlsx(
            OUT / "long-shared-string.xlsx",
            [HEAD, *((r, [("A", 1), ("B", 2)]) for r in range(2, 150_000))],
            [*strings, "长" * 32_000],
        ),
        xlsx(OUT / "relocated-sheet.xlsx", [HEAD, (1048576, [("XFD", 1)])], strings, target="../data/s.XML"),
        xlsx(OUT / "prefixed-cells.xlsx", [HEAD, (1048576, [("XFD", 1)])], strings, prefix="x:"),
        xlsx(
            OUT / "no-refs-A-Z-30KB.xlsx",
            [HEAD, *((r, [(chr(65 + c), 2) for c in range(26)]) for r in range(2, 3000))],
            [*strings, "长" * 10_000],
            refs=False,
        ),
        xlsx(
            OUT / "A-Z-30KB.xlsx",
            [HEAD, *((r, [(chr(65 + c), 2) for c in range(26)]) for r in range(2, 3000))],
            [*strings, "长" * 10_000],
        ),
        xlsx(
            OUT / "100-sheets.xlsx",
            [HEAD, *((r, [("A", 1)]) for r in range(2, 50_000))],
            strings,
            refs=False,
            copies=100,
        ),
        ods(
            OUT / "ods-text-repeated.ods",
            '<table:table-row table:number-rows-repeated="10000"><table:table-cell '
            'table:number-columns-repeated="26" office:value-type="string"><text:p>'
            + "长" * 10_000
            + "</text:p></table:table-cell></table:table-row>",
        ),
        ods(
            OUT / "repeated.ods",
            f"<table:table-row>{cell}</table:table-row>"
            '<table:table-row table:number-rows-repeated="1000000"><table:table-cell '
            'table:number-columns-repeated="1000"/></table:table-row>'
            f'<table:table-row><table:table-cell table:number-columns-repeated="900"/>{cell}</table:table-row>',
        ),
        xls(OUT / "xls-30KB-string.xls", 1, ((r, c) for r in range(1, 3000) for c in range(26)), "长" * 30_000),
        xls(OUT / "xls-far-cell.xls", 1, [(1, 0), (65535, 255)], "路灯不亮"),
        xls(OUT / "xls-70-sheets.xls", 70, ((r, 0) for r in range(1, 2000)), "路灯不亮，希望尽快修复。"),
        xls(OUT / "xls-1400-sheets.xls", 1400, ((r, c) for r in range(1, 20) for c in range(10)), "路灯不亮"),
    ]
    plain = xlsx(OUT / "plain.xlsx", [HEAD, (2, [("A", 1)]), (3, [("B", 1)])], strings)
    sheet = "xl/worksheets/sheet1.xml"
    files += [
        edited(OUT / "far-cell-lowercase.xlsx", plain, sheet, '<c r="B3"', '<c r="xfd1048576"'),
        edited(OUT / "far-cell-single-quotes.xlsx", plain, sheet, '<c r="B3"', "<c r='XFD1048576'"),
        edited(OUT / "far-cell-after-gt.xlsx", plain, sheet, '<c r="B3"', '<c s=">" r="XFD1048576"'),
        edited(
            OUT / "unique-count-1e10.xlsx", plain, "xl/sharedStrings.xml", "<sst ", '<sst uniqueCount="10000000000" '
        ),
        edited(OUT / "unclosed-quotes.xlsx", plain, sheet, "<sheetData>", "<sheetData>" + '<c a="' * 300_000),
        xls_declaring(
            OUT / "xls-declares-1M-x-16384.xls", xls(OUT / "plain.xls", 1, [(1, 0)], "路灯不亮"), 1_000_000, 16384
        ),
        ods(
            OUT / "ods-repeat-single-quotes.ods",
            f"<table:table-row>{cell}</table:table-row><table:table-row table:number-rows-repeated='1000000'>"
            f'<table:table-cell table:number-columns-repeated="90"/>{cell}</table:table-row>',
        ),
    ]
    big_cell = OUT / "csv-1MB-cell.csv"
    big_cell.write_text("意见建议内容\n" + "长" * 400_000 + "\n", encoding="utf-8")
    newlines = OUT / "csv-5M-empty-rows.csv"
    newlines.write_text("意见建议内容\n路灯不亮\n" + "\n" * 4_900_000, encoding="utf-8")
    return files + [big_cell, newlines]


def run(path: Path) -> dict:
    with tempfile.TemporaryDirectory() as d:
        ws = Path(d) / "ws"
        subprocess.run([sys.executable, "-m", "rectikit", "init", str(ws)], check=True, capture_output=True)
        code = (
            "import resource, subprocess, sys, time, json\n"
            "t = time.perf_counter()\n"
            f"p = subprocess.run([sys.executable, '-m', 'rectikit', 'import', {str(path)!r}, '-b', 'x', '--json',"
            f" '-w', {str(ws)!r}], capture_output=True, text=True)\n"
            "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
            "print(json.dumps({'code': p.returncode, 's': time.perf_counter() - t, 'peak': peak,"
            " 'out': p.stdout}))"
        )
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        return json.loads(out.stdout)


def main() -> None:
    print(f"{'file':28} {'size':>8} {'exit':>4} {'s':>6} {'peak MB':>8}  message")
    for path in crafted():
        r = run(path)
        size = path.stat().st_size
        res = json.loads(r["out"]) if r["out"].strip() else {}
        message = (
            "; ".join(
                f.get("message") or f"导入 {sum(s['rows'] for s in f['sheets'])} 行" for f in res.get("files", [])
            )
            or r["out"][:90]
        )
        print(f"{path.name:28} {size / 1024:7.0f}K {r['code']:>4} {r['s']:6.2f} {r['peak']:8.0f}  {message[:90]}")


if __name__ == "__main__":
    main()
