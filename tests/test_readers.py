"""File → stored text: decoding, clean-up, line repair, and .docx/.pdf reading on files made here."""

from __future__ import annotations

import importlib.util
import io
import os
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml import OxmlElement
from docx.oxml.xmlchemy import BaseOxmlElement
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fpdf import FPDF
from pypdf import PdfWriter

from index.errors import UnreadableFile
from index.readers import ENCRYPTED, decode_text, normalise, read_document, repair_breaks

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "briefings" / "宁波支援合作工作简报_2022第10期.txt"
GOLDEN = Path(__file__).parent / "golden" / "seed_text.txt"
FIXTURES = Path(__file__).parent / "fixtures"

EXCERPT = (
    "（一）工业园区引领经济发展。依托余姚工业优势，在松阳建成全省 9 个工业类协作产业园之一的"
    "“松阳-余姚山海协作产业园”。截至目前，园区累计开发土地 7.1 平方公里，入驻企业 65 家。"
)
SPLIT_SENTENCE = (
    "2017 年以来，共到位援建资金 1264.5 万元，实施协作项目 46 个，合作共建产业园区 3 个，"
    "打造省级乡村振兴示范村 1 个，助力松阳消费帮扶超 1 亿元。"
)

# A briefing laid out line by line as a word processor would print it: lines cut at the page width in the
# middle of words, one sentence running over a page break, and a page number at each page's foot.
TITLE, ISSUE = "宁波支援合作工作简报", "(2022 第 10 期)"
PARAGRAPH = (
    "近年来，余姚市坚持产业引领、资源互补、社会联动，"
    "持续推动和丽水市松阳县的山海协作，探索形成造血帮扶新模式。"
)
HEADING = "三、坚持社会联动，在共促互利共赢上合心合拍"
PARAGRAPH_2 = (
    "（一）干部组织联动开拓思路。通过互派党政干部，组织基层结对等方式，实现双方互学互鉴、互帮互助、"
    "互促互进，落实村村结对帮扶资金40万元。"
)
PAGES = (
    (
        TITLE,
        ISSUE,
        "近年来，余姚市坚持产业引领、资源互补、社会联动，持续推动和丽水",
        "市松阳县的山海协作，探索形成造血帮扶新模式。2017 年以来，共到位",
        "援建资金 1264.5 万元，实施协作项目 46 个，",
    ),
    (
        "合作共建产业园区 3 个，打造省级乡村振兴示范村 1 个，助力松阳消费帮扶超 1 亿元。",
        HEADING,
        "（一）干部组织联动开拓思路。通过互派党政干部，组织基",
        "层结对等方式，实现双方互学互鉴、互帮互助、互促互进，落实村村",
        "结对帮扶资金40万元。",
    ),
)
LAID_OUT_TEXT = "\n".join((TITLE, ISSUE, PARAGRAPH + SPLIT_SENTENCE, HEADING, PARAGRAPH_2))


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _reason(path: Path) -> str:
    with pytest.raises(UnreadableFile) as caught:
        read_document(path)
    assert caught.value.file == path.name
    return caught.value.reason


# -- decoding ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16"])
def test_each_encoding_staff_save_decodes_to_the_same_text(encoding: str) -> None:
    assert decode_text(EXCERPT.encode(encoding)) == EXCERPT


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_a_gbk_file_reads_like_the_utf8_file(tmp_path: Path, encoding: str) -> None:
    path = _write(tmp_path, "简报.txt", f"{TITLE}\r\n\r\n{EXCERPT}\r\n".encode(encoding))
    assert read_document(path) == f"{TITLE}\n{EXCERPT}"


@pytest.mark.parametrize(
    "data",
    [b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", bytes(range(1, 32)) * 20, "简报".encode("utf-16-le") + b"\x00"],
)
def test_binary_content_is_rejected(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(ValueError, match="binary"):
        decode_text(data)
    assert _reason(_write(tmp_path, "image.txt", data)) == "binary content, not text"


def test_utf8_with_a_cut_last_character_is_not_read_as_gbk() -> None:
    assert decode_text(EXCERPT.encode()[:-1]) == EXCERPT[:-1] + "\ufffd"


def test_bytes_neither_utf8_nor_gb18030_are_rejected(tmp_path: Path) -> None:
    data = "简报".encode() + b"\x80\xff\xfe"
    assert _reason(_write(tmp_path, "odd.md", data)) == "not UTF-8 or GB18030 text"


@pytest.mark.parametrize("data", [b"", b"  \r\n\t\r\n", "\ufeff\u3000\u200b\n".encode()])
def test_empty_files_are_rejected(tmp_path: Path, data: bytes) -> None:
    assert _reason(_write(tmp_path, "empty.txt", data)) == "empty file"


def test_unsupported_and_missing_files_say_so(tmp_path: Path) -> None:
    assert _reason(_write(tmp_path, "表格.xls", b"data")).startswith("unsupported file type .xls")
    assert "cannot be opened" in _reason(tmp_path / "missing.txt")


def test_the_name_given_is_the_one_reported(tmp_path: Path) -> None:
    path = _write(tmp_path, "x.txt", b"")
    with pytest.raises(UnreadableFile, match=r"^2022/第10期\.txt: empty file$"):
        read_document(path, "2022/第10期.txt")


# -- normalising ------------------------------------------------------------------------------------------


def test_markdown_of_the_seed_format_is_removed() -> None:
    text = (
        "\ufeff\n# 宁波支援合作工作简报\r\n\r\n(2022 第 10 期)\r\n**【编者按】**近日，市长作出批示。\r\n"
        "## 一、坚持产业引领 ##\n---\n* * *\n__报__：省对口办。"
    )
    assert normalise(text).split("\n") == [
        "",
        "宁波支援合作工作简报",
        "",
        "(2022 第 10 期)",
        "【编者按】近日，市长作出批示。",
        "一、坚持产业引领",
        "",
        "",
        "报：省对口办。",
    ]


def test_invisible_characters_and_indentation_go_but_characters_stay() -> None:
    text = "\u3000\u3000截至目前，\u200b园区\u00a0累计「开发」土地７.１平方公里；\u3000入驻\ufeff企业。\t"
    assert normalise(text) == "截至目前，园区 累计「开发」土地７.１平方公里；\u3000入驻企业。"


def test_hash_without_a_space_is_not_a_heading() -> None:
    assert normalise("#1机组检修完成。") == "#1机组检修完成。"


# -- repairing breaks -------------------------------------------------------------------------------------


def test_a_sentence_broken_after_a_comma_is_joined() -> None:
    text = "实施协作项目 46 个，\n\n合作共建产业园区 3 个"
    assert repair_breaks(text) == "实施协作项目 46 个，合作共建产业园区 3 个"


def test_a_long_line_ending_mid_word_is_joined() -> None:
    text = "（一）干部组织联动开拓思路。通过互派党政干部，组织基\n\n层结对等方式，实现双方互学互鉴。"
    assert (
        repair_breaks(text)
        == "（一）干部组织联动开拓思路。通过互派党政干部，组织基层结对等方式，实现双方互学互鉴。"
    )


@pytest.mark.parametrize(
    "second",
    [
        "一、坚持产业引领，在共筑载体平台上同心同向",
        "（二）飞地经济引领消薄增收。",
        "第一章 总则",
        "第三条 本办法自印发之日起施行。",
        "第一，支援工业建设和国防建设。",
        "1. 完成固定资产投资 82.06 亿元。",
        "2、入驻企业 65 家。",
        "（1）培育规上企业 16 家。",
        "①消费帮扶专区。",
        "一是加快建设“消薄飞地”。",
        "【编者按】近日，市长作出批示。",
        "——更加注重强化战略引领。",
        "- 项目援建",
    ],
)
def test_headings_and_list_items_are_not_joined(second: str) -> None:
    first = "同时，按照“一次规划、分期建设”方式探索推进“产业飞地”建设，规划建设面积"
    assert repair_breaks(f"{first}\n{second}") == f"{first}\n{second}"
    assert repair_breaks(f"主要做法：\n{second}") == f"主要做法：\n{second}"


def test_short_standalone_lines_stay_apart() -> None:
    lines = [
        "宁波支援合作工作简报",
        "(2022 第 10 期)",
        "宁波市对口支援和区域合作局",
        "2022 年 9 月 20 日",
        "各位代表：",
    ]
    text = "\n\n".join([*lines, "现在，我代表市人民政府向大会报告工作。"])
    assert repair_breaks(text).split("\n") == [*lines, "现在，我代表市人民政府向大会报告工作。"]


def test_titles_without_punctuation_are_not_joined_however_long() -> None:
    title = "2025年1月14日在浙江省第十四届人民代表大会第三次会议上浙江省代省长刘捷作政府工作报告"
    assert repair_breaks(f"{title}\n各位代表：") == f"{title}\n各位代表："


def test_a_long_heading_is_not_joined_to_its_first_paragraph() -> None:
    text = "二、坚持资源互补，在共崛特色优势上尽心尽力，推动山海协作提质增效\n近年来，两地互相借鉴。"
    assert repair_breaks(text) == text


def test_a_line_that_cannot_start_a_paragraph_goes_on_the_one_before() -> None:
    assert repair_breaks("完成工业设备更新14.2万台（套）\n、电梯更新10025台。") == (
        "完成工业设备更新14.2万台（套）、电梯更新10025台。"
    )


def test_closing_quotes_after_a_full_stop_end_a_paragraph() -> None:
    first = "他说：“坚持产业引领、资源互补、社会联动，持续推动山海协作，探索形成新模式。”"
    assert repair_breaks(f"{first}\n近年来，两地互相借鉴。") == f"{first}\n近年来，两地互相借鉴。"


def test_joining_adds_a_space_only_between_english_words() -> None:
    assert repair_breaks(
        "Cooperation between Ningbo and Songyang, in Zhejiang, has produced the\nresults."
    ) == ("Cooperation between Ningbo and Songyang, in Zhejiang, has produced the results.")
    assert repair_breaks("重点流域、区域水污染防治攻坚持续推进，重点地区细颗粒物（PM\n2.5）浓度下降。") == (
        "重点流域、区域水污染防治攻坚持续推进，重点地区细颗粒物（PM2.5）浓度下降。"
    )


def test_markdown_headings_rules_and_table_rows_stand_alone() -> None:
    text = "## 余姚市“三坚持”推动山海协作，探索形成造血帮扶新模式\n近年来，两地互相借鉴。\n"
    assert repair_breaks(text) == "余姚市“三坚持”推动山海协作，探索形成造血帮扶新模式\n近年来，两地互相借鉴。"
    assert (
        repair_breaks("主要领导和分管领导，\n---\n发：各区（县、市）。")
        == "主要领导和分管领导，\n发：各区（县、市）。"
    )
    rows = "项目\t金额\t备注\n松阳-余姚山海协作产业园，累计开发土地\t7.1 平方公里\t入驻企业 65 家"
    assert repair_breaks(rows) == rows


def test_repair_is_idempotent_and_leaves_no_blank_lines() -> None:
    once = repair_breaks(SEED.read_text(encoding="utf-8"))
    assert repair_breaks(once) == once
    assert "" not in once.split("\n")
    assert normalise(once) == once


# -- the seed briefing ------------------------------------------------------------------------------------


def test_seed_sentences_are_whole_and_headings_stand_alone() -> None:
    lines = read_document(SEED).split("\n")
    assert any(line.endswith(SPLIT_SENTENCE) for line in lines)
    assert any("组织基层结对" in line for line in lines)
    for heading in (
        "宁波支援合作工作简报",
        "(2022 第 10 期)",
        "宁波市对口支援和区域合作局",
        "2022 年 9 月 20 日",
        "余姚市“三坚持”推动山海协作 探索形成造血帮扶新模式",
        "一、坚持产业引领，在共筑载体平台上同心同向",
        "二、坚持资源互补，在共崛特色优势上尽心尽力",
        "三、坚持社会联动，在共促互利共赢上合心合拍",
        "2022年9月20日印发",
    ):
        assert heading in lines
    assert lines[4].startswith("【编者按】近日，")


def test_seed_matches_the_golden_text() -> None:
    text = read_document(SEED)
    if os.environ.get("UPDATE_GOLDEN") == "1":
        GOLDEN.write_bytes(text.encode("utf-8"))
    assert GOLDEN.read_bytes().decode("utf-8") == text, "run with UPDATE_GOLDEN=1 if the change is intended"


# -- .docx ------------------------------------------------------------------------------------------------


def _content_control(text: str) -> BaseOxmlElement:
    """A w:sdt block (as Word templates put around cover lines) holding one paragraph."""
    sdt, content, paragraph, run, run_text = (
        OxmlElement(tag) for tag in ("w:sdt", "w:sdtContent", "w:p", "w:r", "w:t")
    )
    run_text.text = text
    run.append(run_text)
    paragraph.append(run)
    content.append(paragraph)
    sdt.append(content)
    return sdt


def test_docx_gives_body_paragraphs_and_table_rows_in_order(tmp_path: Path) -> None:
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "页眉：内部资料"
    document.sections[0].footer.paragraphs[0].text = "- 1 -"
    document.element.body.insert(0, _content_control("宁波支援合作工作简报"))
    document.add_paragraph("\u3000\u3000(2022 第 10 期)")
    document.add_heading("一、坚持产业引领，在共筑载体平台上同心同向", level=2)
    document.add_paragraph("（一）工业园区引领经济发展。依托余姚工业优势，")
    document.add_paragraph("")
    document.add_paragraph("在松阳建成全省 9 个工业类协作产业园之一。")
    table = document.add_table(rows=3, cols=3)
    for cell, text in zip(table.rows[0].cells, ["指标", "数值", "备注"], strict=True):
        cell.text = text
    for cell, text in zip(table.rows[1].cells, ["入驻企业", "65 家", "截至\n目前"], strict=True):
        cell.text = text
    merged = table.cell(2, 0).merge(table.cell(2, 2))
    merged.text = "合计"
    layout = document.add_table(rows=1, cols=1)
    layout.cell(0, 0).text = "宁波市对口支援和区域合作局"
    layout.cell(0, 0).add_paragraph("2022年9月20日印发")
    path = tmp_path / "简报.docx"
    document.save(str(path))

    assert read_document(path).split("\n") == [
        "宁波支援合作工作简报",
        "(2022 第 10 期)",
        "一、坚持产业引领，在共筑载体平台上同心同向",
        "（一）工业园区引领经济发展。依托余姚工业优势，在松阳建成全省 9 个工业类协作产业园之一。",
        "指标\t数值\t备注",
        "入驻企业\t65 家\t截至 目前",
        "合计",
        "宁波市对口支援和区域合作局",
        "2022年9月20日印发",
    ]


def test_a_real_provincial_report_docx_reads_whole(shared: Path) -> None:
    folder = shared / "corpus" / "gov-work-reports-provincial-2025"
    lines = read_document(folder / "docx" / "2025年浙江省政府工作报告.docx").split("\n")
    assert lines[:3] == [
        "2025年浙江省政府工作报告",
        "来源：浙江日报",
        "2025年1月14日在浙江省第十四届人民代表大会第三次会议上浙江省代省长刘捷作政府工作报告",
    ]
    assert "一、2024年工作回顾" in lines
    sentence = "全省生产总值增长5.5%，一般公共预算收入增长1.2%，城乡居民人均可支配收入分别增长4.3%、6.1%，"
    assert sum(sentence in line for line in lines) == 1
    converted = (folder / "txt" / "2025年浙江省政府工作报告.txt").read_text(encoding="utf-8")
    assert lines == [line.strip() for line in converted.split("\n") if line.strip()]


@pytest.mark.parametrize(
    "data",
    [os.urandom(2048), b"PK\x03\x04not really a zip", b""],
    ids=["random", "bad-zip", "zip-without-word"],
)
def test_a_corrupt_docx_is_rejected(tmp_path: Path, data: bytes) -> None:
    if not data:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("xl/workbook.xml", "<workbook/>")
        data = buffer.getvalue()
    assert (
        _reason(_write(tmp_path, "简报.docx", data)) == "not a valid .docx file (corrupt or not Word format)"
    )


# -- .pdf -------------------------------------------------------------------------------------------------


def _box_font(chars: str) -> bytes:
    """A TrueType font with one plain box per character: enough for a PDF with a real Unicode text layer."""
    names = [".notdef", *(f"uni{ord(c):04X}" for c in chars)]
    pen = TTGlyphPen(None)
    for x, y in ((100, 0), (100, 800), (900, 800), (900, 0)):
        (pen.moveTo if (x, y) == (100, 0) else pen.lineTo)((x, y))
    pen.closePath()
    box = pen.glyph()
    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder(names)
    builder.setupCharacterMap({ord(c): f"uni{ord(c):04X}" for c in chars})
    builder.setupGlyf(dict.fromkeys(names, box))
    half_width = {f"uni{ord(c):04X}" for c in chars if c.isascii()}
    builder.setupHorizontalMetrics({n: (500 if n in half_width else 1000, 100) for n in names})
    builder.setupHorizontalHeader(ascent=880, descent=-120)
    builder.setupNameTable({"familyName": "Box", "styleName": "Regular"})
    builder.setupOS2(sTypoAscender=880, sTypoDescender=-120, usWinAscent=880, usWinDescent=120)
    builder.setupPost()
    buffer = io.BytesIO()
    builder.save(buffer)
    return buffer.getvalue()


class _Report(FPDF):
    running_head = ""

    def header(self) -> None:
        if self.running_head:
            self.cell(0, 10, self.running_head, align="C", new_x="LMARGIN", new_y="NEXT")

    def footer(self) -> None:
        self.set_y(-20)
        self.cell(0, 10, f"- {self.page_no()} -", align="C")


def _make_pdf(path: Path, pages: tuple[tuple[str, ...], ...], tail: str = "", head: str = "") -> Path:
    chars = "".join(
        sorted({*"".join(line for page in pages for line in page), *tail, *head, *"- 0123456789"})
    )
    font = path.with_suffix(".ttf")
    font.write_bytes(_box_font(chars))
    pdf = _Report(format="A4")
    pdf.running_head = head
    pdf.add_font("Box", fname=str(font))
    pdf.set_font("Box", size=14)
    for page in pages:
        pdf.add_page()
        for line in page:
            pdf.cell(0, 9, line, new_x="LMARGIN", new_y="NEXT")
    if tail:
        pdf.multi_cell(0, 9, tail, align="L")  # wrapped by fpdf2 itself at the page width
    pdf.output(str(path))
    return path


def test_pdf_lines_wrapped_and_broken_over_a_page_are_rejoined(tmp_path: Path) -> None:
    path = _make_pdf(tmp_path / "简报.pdf", PAGES)
    assert read_document(path) == LAID_OUT_TEXT


def test_a_running_head_on_every_page_does_not_split_a_sentence(tmp_path: Path) -> None:
    pages = (*PAGES, ("宁波市对口支援和区域合作局", "2022年9月20日印发"))
    path = _make_pdf(tmp_path / "简报.pdf", pages, head="宁波支援合作工作简报 内部资料")
    expected = ["宁波支援合作工作简报 内部资料", *LAID_OUT_TEXT.split("\n"), *pages[-1]]
    assert read_document(path).split("\n") == expected


def test_pdf_paragraph_wrapped_by_the_layout_engine_is_whole(tmp_path: Path) -> None:
    tail = (
        "（三）社会各界联动凝聚合力。余姚积极引导企业、商会协会、工青妇、慈善总会等社会各界力量参与助学、"
        "助残、慈善捐赠等活动，组织9家企业分别与松阳9个村结对，汇聚各方资源，凝聚协作合力，"
        "形成全社会共同参与的良好氛围，落实社会帮扶资金超700万元。"
    )
    path = _make_pdf(tmp_path / "简报.pdf", ((TITLE,),), tail)
    assert read_document(path) == f"{TITLE}\n{tail}"


def test_pdf_in_a_standard_chinese_font_without_embedding_reads_whole() -> None:
    # Made with reportlab's built-in STSong-Light (an Adobe-GB1 CID font with no font file); see README.
    assert read_document(FIXTURES / "stsong_briefing.pdf") == LAID_OUT_TEXT


def test_a_pdf_that_only_forbids_editing_opens_where_aes_is_available() -> None:
    path = FIXTURES / "stsong_briefing_restricted.pdf"
    if importlib.util.find_spec("cryptography") is None:
        assert _reason(path) == ENCRYPTED
    else:
        assert read_document(path) == LAID_OUT_TEXT


def test_a_pdf_without_text_is_reported_as_scanned(tmp_path: Path) -> None:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    path = tmp_path / "扫描件.pdf"
    writer.write(str(path))
    assert _reason(path) == "PDF has no extractable text (scanned image?)"


def test_an_encrypted_pdf_is_rejected(tmp_path: Path) -> None:
    writer = PdfWriter(clone_from=_make_pdf(tmp_path / "plain.pdf", PAGES))
    writer.encrypt(user_password="secret", algorithm="RC4-128")
    path = tmp_path / "加密.pdf"
    writer.write(str(path))
    assert _reason(path) == "PDF is password-protected (save an unprotected copy)"


@pytest.mark.parametrize(
    "data", [os.urandom(4096), b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog"], ids=["random", "cut"]
)
def test_a_corrupt_pdf_is_rejected(tmp_path: Path, data: bytes) -> None:
    assert _reason(_write(tmp_path, "简报.pdf", data)) == "not a valid PDF file (corrupt or not PDF)"
