"""Inputs a user has: no file of a folder skipped silently; .xlsx, .doc/.wps and OFD read as documents."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import warnings
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
from click.testing import CliRunner

from policykg.cli.app import main
from policykg.loaders.errors import LoaderError
from policykg.loaders.extract import extract_path, extract_text, iter_sources
from policykg.loaders.model import ExtractedDocument
from policykg.loaders.reading.office import OfficeError, convert

PLAN = "某县实施方案\n二、主要任务\n1.推进工作。（责任单位：县民政局）\n"


def test_every_file_of_a_folder_is_built_failed_or_skipped_with_a_reason(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    (docs / ".git").mkdir(parents=True)
    (docs / ".git" / "config").write_text("x")
    (docs / "a.txt").write_text(PLAN, encoding="utf-8")
    (docs / "b.txt").write_bytes(b"")
    (docs / "scan.png").write_bytes(b"\x89PNG")
    (docs / "notes").write_text("x")
    (docs / "README.md").write_text("# about\n")
    (docs / "~$a.docx").write_bytes(b"x")
    (docs / ".DS_Store").write_bytes(b"x")
    result = CliRunner().invoke(main, ["build", str(docs), "--store", str(tmp_path / "store")])
    assert result.exit_code == 1, result.output  # b.txt failed
    out = result.output
    assert "failed: " in out and "b.txt: the file is empty" in out
    for name, reason in ((".git", "hidden folder"), (".DS_Store", "hidden file"), ("README.md", "README"),
                         ("~$a.docx", "lock file"), ("scan.png", "not a format policykg reads"),
                         ("notes", "not a format policykg reads")):
        assert f"skipped: {docs / name}: " in out and reason in out.split(f"skipped: {docs / name}: ")[1].split("\n")[0]
    assert "1 built, 0 unchanged, 0 kept, 1 failed, 6 skipped" in out


def test_the_walk_tells_what_it_skips_and_why(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text(PLAN, encoding="utf-8")
    (tmp_path / "a.txt").write_text(PLAN, encoding="utf-8")
    (tmp_path / "z.zip").write_bytes(b"PK")
    skipped: list[tuple[str, str]] = []
    found = list(iter_sources([tmp_path], on_skip=lambda p, why: skipped.append((p.name, why))))
    assert [p.relative_to(tmp_path).as_posix() for p in found] == ["a.txt", "sub/a.txt"]
    assert [name for name, _ in skipped] == ["z.zip"]


# A task-division table as the genre prints it: a title above, 领域 merged down its group.
TABLE = [["序号", "领域", "任务名称", "工作内容", "牵头单位", "责任单位"],
         ["1", "养老服务", "建设养老机构", "新增床位500张。", "区民政局", "区财政局\n各街镇"],
         ["2", "养老服务", "发展助餐服务", "扩大覆盖。", "区民政局", "区市场监管局"],
         ["3", "医养结合", "推进医养结合", "签约服务。", "区卫生健康委", "区医保局"]]
TITLE = "某区养老服务重点任务分解表"


def _tasks(doc: ExtractedDocument) -> list[tuple[str, str, str | None, list[str], list[str]]]:
    return [(t.number, t.title, t.domain, [u.text for u in t.leads], [u.text for u in t.responsible])
            for t in doc.tasks]


def _workbook(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([TITLE])
    ws.merge_cells("A1:F1")
    for row in TABLE:
        ws.append([int(c) if c.isdigit() else c for c in row])
    ws["B3"] = "养老服务"
    ws.merge_cells("B3:B4")  # the group's cell merged down: its value lives in B3 only
    ws["A7"].number_format = "0"  # a styled empty cell below: the empty rows it adds are dropped
    wb.create_sheet("Sheet2")  # an empty default sheet adds nothing
    wb.save(path)
    return path


def test_a_spreadsheet_task_table_gives_the_tasks_and_roles_of_its_tab_separated_text(tmp_path: Path) -> None:
    text = TITLE + "\n" + "\n".join("\t".join(c.replace("\n", "\u2028") for c in row) for row in TABLE) + "\n"
    from_text = extract_text(text, "plan.txt")
    from_xlsx = extract_path(_workbook(tmp_path / "plan.xlsx"))
    assert from_xlsx.source_format == "xlsx"
    assert _tasks(from_xlsx) == _tasks(from_text)
    assert [t[1] for t in _tasks(from_xlsx)] == ["建设养老机构", "发展助餐服务", "推进医养结合"]
    assert _tasks(from_xlsx)[0][4] == ["区财政局", "各街镇"]


def test_a_spreadsheet_that_is_not_one_fails_naming_the_file(tmp_path: Path) -> None:
    fake = tmp_path / "plan.xlsx"
    with zipfile.ZipFile(fake, "w") as z:
        z.writestr("xl/workbook.xml", "<not a workbook")
    result = CliRunner().invoke(main, ["build", str(fake), "--store", str(tmp_path / "store")])
    assert result.exit_code == 1 and f"failed: {fake}: damaged Excel file" in result.output
    assert "Traceback" not in result.output


def _word_plan(path: Path) -> Path:
    document = docx.Document()
    for line in ("某县养老服务实施方案", "二、主要任务", "1.建设养老机构。（责任单位：县民政局）",
                 "2.发展助餐服务。（县民政局牵头，县财政局配合）"):
        document.add_paragraph(line)
    document.save(path)
    return path


@pytest.mark.office
def test_legacy_word_wps_and_rtf_files_are_read_through_libreoffice(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    source = _word_plan(tmp_path / "src" / "plan.docx")
    (doc_file,) = convert([source], "doc", tmp_path / "legacy")
    assert doc_file.read_bytes().startswith(b"\xd0\xcf\x11\xe0")  # a real Word 97-2003 file
    wps_file = tmp_path / "legacy" / "plan.wps"  # WPS Writer saves the same OLE2 Word format
    wps_file.write_bytes(doc_file.read_bytes())
    (rtf_file,) = convert([source], "rtf", tmp_path / "rtf")
    rtf_doc = tmp_path / "legacy" / "plan-rtf.doc"  # many a published .doc is RTF inside
    rtf_doc.write_bytes(rtf_file.read_bytes())
    expected = _tasks(extract_path(source))
    assert [t[1] for t in expected] == ["建设养老机构", "发展助餐服务"]
    for legacy, kind in ((doc_file, "doc"), (wps_file, "doc"), (rtf_doc, "rtf")):
        doc = extract_path(legacy)
        assert (doc.source_format, doc.meta.title, _tasks(doc)) == (kind, "某县养老服务实施方案", expected), legacy


def test_without_libreoffice_a_legacy_word_file_fails_saying_what_is_needed(tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text(PLAN, encoding="utf-8")
    (docs / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    # A process of its own: extraction workers come from a forkserver that keeps the PATH it started with.
    policykg = Path(sys.executable).parent / "policykg"
    result = subprocess.run([str(policykg), "build", str(docs), "--store", str(tmp_path / "store")],
                            capture_output=True, text=True, timeout=300,
                            env={**os.environ, "PATH": str(tmp_path / "no-programs")})
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert f"failed: {docs / 'old.doc'}: an old binary Office file" in output
    assert "needs LibreOffice, which is not installed" in output and "Traceback" not in output
    assert "1 built, 0 unchanged, 0 kept, 1 failed, 0 skipped" in output


@pytest.mark.office
def test_a_legacy_file_libreoffice_cannot_read_fails_with_its_reason(tmp_path: Path) -> None:
    junk = tmp_path / "junk.wps"
    junk.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 8)
    with pytest.raises(LoaderError) as err:
        extract_path(junk)
    assert err.value.path == str(junk) and "not readable: LibreOffice" in err.value.message


_OFD_NS = "http://www.ofdspec.org/2016"


def _ofd(pages: list[list[str]], path: Path, per_line: int = 40) -> Path:
    """A minimal OFD (GB/T 33190): one TextObject per printed line, a paragraph wrapped every
    ``per_line`` characters on an A4 page with 25 mm margins and 4 mm characters."""
    page_refs = "".join(f'<ofd:Page ID="{n + 1}" BaseLoc="Pages/Page_{n}/Content.xml"/>' for n in range(len(pages)))
    files = {
        "OFD.xml": f'<ofd:OFD xmlns:ofd="{_OFD_NS}" Version="1.0" DocType="OFD"><ofd:DocBody>'
                   "<ofd:DocInfo><ofd:DocID>x</ofd:DocID></ofd:DocInfo>"
                   "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>",
        "Doc_0/Document.xml": f'<ofd:Document xmlns:ofd="{_OFD_NS}"><ofd:CommonData><ofd:MaxUnitID>99</ofd:MaxUnitID>'
                              "<ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea>"
                              f"</ofd:CommonData><ofd:Pages>{page_refs}</ofd:Pages></ofd:Document>",
    }
    for n, paragraphs in enumerate(pages):
        objects, y = [], 30.0
        for paragraph in paragraphs:
            for i in range(0, len(paragraph), per_line):
                line = paragraph[i:i + per_line]
                objects.append(f'<ofd:TextObject ID="{len(objects) + 10}" Boundary="25 {y} 160 6" Font="1" Size="4">'
                               f'<ofd:TextCode X="0" Y="4" DeltaX="g {len(line) - 1} 4">{line}</ofd:TextCode>'
                               "</ofd:TextObject>")
                y += 6.5
            y += 3.0
        files[f"Doc_0/Pages/Page_{n}/Content.xml"] = (
            f'<ofd:Page xmlns:ofd="{_OFD_NS}"><ofd:Content><ofd:Layer ID="2">{"".join(objects)}'
            "</ofd:Layer></ofd:Content></ofd:Page>")
    with zipfile.ZipFile(path, "w") as archive:
        for name, xml in files.items():
            archive.writestr(name, '<?xml version="1.0" encoding="UTF-8"?>' + xml)
    return path


OFD_PLAN = ["某县养老服务实施方案", "二、主要任务",
            "1.建设养老机构。到2025年，全县新增养老床位500张，建成区域性养老服务中心3家，实现镇街全覆盖。"
            "（责任单位：县民政局）",
            "2.发展助餐服务。（县民政局牵头，县财政局配合）"]


def test_an_ofd_document_is_read_from_its_text_layer_with_wrapped_lines_joined(tmp_path: Path) -> None:
    doc = extract_path(_ofd([OFD_PLAN[:3], OFD_PLAN[3:]], tmp_path / "plan.ofd"))
    assert doc.source_format == "ofd"
    assert doc.text.split("\n")[:4] == [*OFD_PLAN[:3], OFD_PLAN[3]]  # the wrapped paragraph is one line again
    assert _tasks(doc) == _tasks(extract_text("\n".join(OFD_PLAN) + "\n", "plan.txt"))
    assert [t[1] for t in _tasks(doc)] == ["建设养老机构", "发展助餐服务"]
    assert len(doc.pages) == 2 and doc.text[doc.pages[1][0]:].startswith("2.发展助餐服务")


def test_a_broken_or_textless_ofd_fails_naming_the_file(tmp_path: Path) -> None:
    good = _ofd([OFD_PLAN], tmp_path / "good.ofd").read_bytes()
    no_page = tmp_path / "no-page.ofd"
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(no_page, "w") as dst:
        for name in src.namelist():
            if not name.endswith("Content.xml"):
                dst.writestr(name, src.read(name))
    cases = {no_page: "page 1", _ofd([[]], tmp_path / "scan.ofd"): "no text layer"}
    bad_xml = tmp_path / "bad.ofd"
    with zipfile.ZipFile(bad_xml, "w") as archive:
        archive.writestr("OFD.xml", "<ofd:OFD")
    cases[bad_xml] = "damaged OFD"
    for path, expected in cases.items():
        with pytest.raises(LoaderError) as err:
            extract_path(path)
        assert err.value.path == str(path) and expected in err.value.message, err.value.message


def test_a_sheet_whose_used_range_is_absurd_fails_instead_of_filling_memory(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active["A1"] = "序号"
    wb.active["XFD1048576"] = "x"  # one stray mark in the last cell Excel has
    path = tmp_path / "stray.xlsx"
    wb.save(path)
    with pytest.raises(LoaderError) as err:
        extract_path(path)
    assert err.value.path == str(path) and "1048576 rows × 16384 columns, over the" in err.value.message


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status  # a zombie has ended, only its exit status is left


def test_a_conversion_that_hangs_is_ended_with_its_whole_process_group(tmp_path: Path) -> None:
    fake = tmp_path / "bin" / "soffice"
    fake.parent.mkdir()
    # like soffice, which starts soffice.bin: a child that would outlive its parent
    fake.write_text(f"#!/bin/sh\nsleep 300 &\necho $! > {tmp_path / 'child.pid'}\nsleep 300\n")
    fake.chmod(0o755)
    with pytest.raises(OfficeError, match="did not finish the conversion within 1 seconds"):
        convert([tmp_path / "a.doc"], "docx", tmp_path / "out", timeout=1, soffice=str(fake))
    assert not _alive(int((tmp_path / "child.pid").read_text()))


@pytest.mark.office
def test_legacy_files_converted_in_parallel_do_not_clash(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    sources = [_word_plan(tmp_path / "src" / f"plan{n}.docx") for n in range(3)]
    docs = tmp_path / "docs"
    convert(sources, "doc", docs)
    result = CliRunner().invoke(main, ["build", str(docs), "--jobs", "3", "--store", str(tmp_path / "store")])
    assert result.exit_code == 0, result.output
    assert "3 built, 0 unchanged, 0 kept, 0 failed, 0 skipped" in result.output


def test_openpyxls_complaints_about_a_workbook_do_not_reach_the_user(tmp_path: Path) -> None:
    made = _workbook(tmp_path / "made.xlsx")
    # Excel's data-validation extension, which openpyxl warns it drops
    ext = ('<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
           'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
           '<x14:dataValidations count="0"/></ext></extLst></worksheet>')
    validated = tmp_path / "validated.xlsx"
    with zipfile.ZipFile(made) as src, zipfile.ZipFile(validated, "w") as dst:
        for name in src.namelist():
            data = src.read(name)
            if name == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</worksheet>", ext.encode())
            dst.writestr(name, data)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        doc = extract_path(validated)
    assert [str(w.message) for w in caught] == [] and len(doc.tasks) == 3
