#!/usr/bin/env python3
"""Writes the corpus of bad inputs and expected.tsv (file, exit code, message
fragment, JSON path or -). Run from this folder; the files are committed.

Each case is the seed report (beiguan-2023) with one thing wrong, or a file
that is wrong as a whole. Exit 1: the input was refused; exit 0: accepted
(a BOM, a sum past 64 bits).
"""
import copy
import json

SEED = json.load(open("../../fixtures/beiguan-2023.json", encoding="utf-8"))
U64 = 2**64 - 1
rows = []


def dump(doc):
    return json.dumps(doc, ensure_ascii=False, indent=2)


def case(name, code, fragment, path="-", text=None, data=None, edit=None):
    if edit is not None:
        doc = copy.deepcopy(SEED)
        edit(doc)
        text = dump(doc)
    if text is not None:
        data = text.encode("utf-8")
    with open(name, "wb") as f:
        f.write(data)
    rows.append((name, str(code), fragment, path))


def setp(path, value):
    def edit(doc):
        keys = path.strip("/").split("/")
        at = doc
        for k in keys[:-1]:
            at = at[int(k)] if isinstance(at, list) else at[k]
        last = keys[-1]
        if isinstance(at, list):
            at[int(last)] = value
        else:
            at[last] = value
    return edit


def delp(path):
    def edit(doc):
        keys = path.strip("/").split("/")
        at = doc
        for k in keys[:-1]:
            at = at[k]
        del at[keys[-1]]
    return edit


seed = dump(SEED)
case("truncated.json", 1, "JSON 格式错误", text=seed[: len(seed) // 2])
case("empty.json", 1, "JSON 格式错误", text="")
case("not-an-object.json", 1, "类型不对", text="[]")
case("trailing-garbage.json", 1, "多余的内容", text=seed + "\n}")
case("trailing-comma.json", 1, "多余的逗号", text=seed.replace('处理费。"\n', '处理费。",\n', 1))
case("single-quotes.json", 1, "JSON 格式错误", text=seed.replace('"year"', "'year'", 1))
case("bom.json", 0, "→", data=b"\xef\xbb\xbf" + seed.encode("utf-8"))
case("utf16le.json", 1, "UTF-16", data=b"\xff\xfe" + seed.encode("utf-16-le"))
case("utf16be.json", 1, "UTF-16", data=b"\xfe\xff" + seed.encode("utf-16-be"))
case("invalid-utf8.json", 1, "UTF-8", data=seed.encode("utf-8").replace("北关区乡村振兴局".encode(), "北关区".encode("gbk"), 1))
case("duplicate-key.json", 1, "出现了两次", text=seed.replace('"year": 2023,', '"year": 2023,\n  "year": 2024,', 1))
case("count-1e400.json", 1, "数字超出范围", "/applications/carried_over/0",
     text=seed.replace('"carried_over": [\n      0', '"carried_over": [\n      1e400', 1))
case("count-float.json", 1, "非负整数", "/applications/carried_over/0", edit=setp("/applications/carried_over/0", 3.5))
case("count-negative.json", 1, "负数", "/applications/received/natural_person", edit=setp("/applications/received/natural_person", -1))
case("count-2pow64.json", 1, "太大", "/review_litigation/review/upheld", edit=setp("/review_litigation/review/upheld", 2**64))
case("count-string.json", 1, "字符串", "/applications/results/granted/1", edit=setp("/applications/results/granted/1", "0"))
case("count-boolean.json", 1, "布尔值", "/applications/results/granted/1", edit=setp("/applications/results/granted/1", True))


def overflow(doc):
    doc["applications"]["received"] = [U64, U64, 0, 0, 0, 0]
    doc["applications"]["results"]["granted"] = [U64, U64, 0, 0, 0, 0]
    del doc["applications"]["results"]["total"]


case("sum-past-64-bits.json", 0, "→", edit=overflow)


def overflow_total(doc):
    doc["applications"]["received"] = [U64, U64, 0, 0, 0, 0, U64]


case("sum-past-64-bits-total.json", 1, "36893488147419103230", "/applications/received/6", edit=overflow_total)
case("inconsistent.json", 1, "数据前后不一致", "/applications/received/commercial",
     edit=setp("/applications/received/commercial", 4))
case("string-1mb.json", 1, "超过上限 20000", "/overview/0", edit=setp("/overview/0", "字" * (1024 * 1024 // 3)))
case("paragraphs-10000.json", 1, "超过 500 段", "/problems", edit=setp("/problems", ["第一段。"] * 10000))
case("text-over-limit.json", 1, "超过上限 100000", edit=setp("/problems", ["字" * 19000] * 6))
case("deep-nesting.json", 1, "类型不对", "/overview/0", text=seed.replace('"overview": [', '"overview": [' + "[" * 5000 + "]" * 5000 + ",", 1))
case("deep-nesting-unknown.json", 1, "不认识的字段", text=seed.replace('"year": 2023,', '"year": 2023, "x": ' + "[" * 200 + "]" * 200 + ",", 1))
case("file-too-large.json", 1, "超过上限 2097152 字节", text=seed.replace('"year": 2023,', '"year": 2023,' + " " * (2 * 1024 * 1024), 1))
case("nul.json", 1, "NUL", "/other_matters/0", edit=setp("/other_matters/0", "本年度\u0000未收取。"))
case("bidi-override.json", 1, "双向文字控制符", "/overview/0", edit=setp("/overview/0", "金额\u202e000,1\u202c元"))
case("control-char.json", 1, "控制字符", "/agency", edit=setp("/agency", "北关区\u0007乡村振兴局"))
case("emoji.json", 1, "U+1F600", "/other_matters/0", edit=setp("/other_matters/0", "满意😀"))
case("ext-b.json", 1, "U+20000", "/agency", edit=setp("/agency", "𠀀村委会"))
case("agency-empty.json", 1, "不能为空", "/agency", edit=setp("/agency", ""))
case("agency-whitespace.json", 1, "不能为空", "/agency", edit=setp("/agency", " \u3000\t "))
case("year-1900.json", 1, "早于 2019", "/year", edit=setp("/year", 1900))
case("year-99999.json", 1, "四位数", "/year", edit=setp("/year", 99999))
case("year-string.json", 1, "类型不对", "/year", edit=setp("/year", "2023年"))
case("format-2020.json", 1, "模板版本", "/format", edit=setp("/format", "2020"))
case("fields-2019-under-2021.json", 1, "2019 格式", "/proactive", edit=setp("/proactive/other_services", {"previous": 0, "change": 0, "decisions": 0}))


def as_2019(doc):
    doc["format"] = "2019"


case("fields-2021-under-2019.json", 1, "2021 格式", "/proactive/rules", edit=as_2019)
case("other-row-under-2021.json", 1, "2019 格式", "/applications/results/other", edit=setp("/applications/results/other", [0, 0, 0, 0, 0, 0]))
case("unknown-top-key.json", 1, "overveiw", edit=lambda d: d.__setitem__("overveiw", []))
case("missing-overview.json", 1, "overview", edit=delp("/overview"))
case("missing-year.json", 1, "year", edit=delp("/year"))
case("missing-row.json", 1, "process_info", "/applications/results/withheld", edit=delp("/applications/results/withheld/process_info"))
case("row-5.json", 1, "5 个数", "/applications/carried_forward", edit=setp("/applications/carried_forward", [0] * 5))
case("row-8.json", 1, "8 个数", "/applications/carried_forward", edit=setp("/applications/carried_forward", [0] * 8))
case("table-c-3.json", 1, "3 个数", "/review_litigation/litigation_direct", edit=setp("/review_litigation/litigation_direct", [0, 0, 0]))
case("amount-negative.json", 1, "负数", "/proactive/fees", edit=setp("/proactive/fees", -1))
case("amount-object.json", 1, "金额", "/proactive/fees", edit=setp("/proactive/fees", {}))
# An amount is text the writer typed: the same character check as prose
# (an escape sequence made the DOCX unreadable), and a length a cell holds.
case("amount-control.json", 1, "U+0000", "/proactive/fees", edit=setp("/proactive/fees", "ab\u0000\u0007\u001b[31mred"))
case("amount-20000-digits.json", 1, "金额写了 20000 个字符", "/proactive/fees", edit=setp("/proactive/fees", "9" * 20000))
case("table-prose-114k.json", 1, "全文共", "-", edit=setp("/table_prose", {"applications": {"after": ["字" * 19000] * 6}}))
case("block-number.json", 1, "类型不对", "/overview/0", edit=setp("/overview/0", 1))
case("block-heading-and-lead.json", 1, "heading", "/overview/1", edit=setp("/overview/1", {"heading": "（一）", "lead": "（一）", "text": "x"}))
case("lead-without-text.json", 1, "text", "/overview/1", edit=setp("/overview/1", {"lead": "（一）主动公开方面。"}))
case("signature-no-date.json", 1, "date", "/signature", edit=lambda d: d.__setitem__("signature", {"agency": "北关区乡村振兴局"}))

case("table-prose-unknown-section.json", 1, "overview", "/table_prose",
     edit=lambda d: d.__setitem__("table_prose", {"overview": {"before": ["x"]}}))
case("table-prose-unknown-side.json", 1, "middle", "/table_prose/proactive",
     edit=lambda d: d.__setitem__("table_prose", {"proactive": {"middle": ["x"]}}))

# Hostile and broken web pages, read by the HTML importer on the way to the
# PDF. Larger ones (10 MB of nested tables, a table of 10,000 rows) are made
# by the test itself (hardening.rs) rather than committed.
PAGE = open("../../fixtures/corpus/html/pingtan_zonghe_2025.html", encoding="utf-8").read()
case("page-empty.html", 1, "空的", text="")
case("page-not-a-report.html", 1, "不像一份政府信息公开工作年度报告",
     text="<!DOCTYPE html><html><head><meta charset=utf-8><title>新闻</title></head><body>"
     "<div class=nav>首页</div><p>今天召开了工作会议。</p><table><tr><td>1</td></tr></table></body></html>")
case("page-broken-encoding.html", 1, "UTF-8 编码读不通",
     data=PAGE.encode("utf-8").replace("总体情况".encode("utf-8"), "总体情况".encode("gbk"), 1))
case("page-gbk-undeclared.html", 1, "编码读不通",
     data=PAGE.replace('<meta charset="UTF-8" />', "").encode("gb18030"))


def tables_as_images(page):
    import re
    return re.sub(r"<table.*?</table>", '<p><img src="table.png" alt=""/></p>', page, flags=re.S)


case("page-tables-as-images.html", 1, "图片", text=tables_as_images(PAGE))
case("page-deep-nesting.html", 1, "嵌套超过", text="<html><body>" + "<div>" * 300 + "一、总体情况" + "</div>" * 300)
# Unclosed <div>s cost the tree builder time in their square (100 KB:
# 1.5 s, 400 KB: 27 s); the tokenizer's pre-scan refuses them first.
case("page-unclosed-divs.html", 1, "没有闭合的标签", text="<html><body><p>一、总体情况</p>" + "<div>" * 20000)
case("page-number-spanning-rows.html", 1, "跨了 2 行",
     text=PAGE.replace('<td valign="center"><p>546</p></td>', '<td valign="center" rowspan="2"><p>546</p></td>', 1))
case("page-row-label-unknown.html", 1, "不认识的行", text=PAGE.replace("<p>行政强制</p>", "<p>行政强制措施和检查</p>", 1))


# A crawler's text of a page: each table cell on a line of its own, three-digit
# numbers split over two lines (162 as 1 / 62). Refused as such, not as a
# header of neither template.
crawled = []
for line in open("../../fixtures/published/pingtan_2023.txt", encoding="utf-8").read().splitlines():
    if "\t" not in line:
        crawled.append(line)
        continue
    for cell in (c.strip() for c in line.split("\t")):
        if cell.isdigit() and len(cell) == 3:
            crawled += [cell[0], cell[1:]]
        elif cell:
            crawled.append(cell)
case("text-cell-per-line.txt", 1, "每格单独占一行", text="\n".join(crawled) + "\n")

# Hostile PDFs, written object by object (and, from a PDF made as agencies
# make them, edited with qpdf).
import subprocess
import zlib


def pdf(page_contents, extra=(), page_resources="<< /Font << /F1 5 0 R >> >>", compress=True):
    """A PDF of one page per content stream; `extra` objects are 6, 7, …, the pages follow."""
    objs = {}
    n_pages = len(page_contents)
    base = 6 + len(extra)
    kids = " ".join(f"{base + 2 * i} 0 R" for i in range(n_pages))
    objs[1] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objs[2] = f"<< /Type /Pages /Kids [{kids}] /Count {n_pages} >>".encode()
    objs[5] = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    for i, extra_obj in enumerate(extra):
        objs[6 + i] = extra_obj
    for i, content in enumerate(page_contents):
        objs[base + 2 * i] = (f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources {page_resources} "
                              f"/Contents {base + 1 + 2 * i} 0 R >>").encode()
        objs[base + 1 + 2 * i] = stream(content, compress)
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for k in sorted(objs):
        offsets[k] = len(out)
        out += f"{k} 0 obj\n".encode() + objs[k] + b"\nendobj\n"
    size = max(objs) + 1
    xref = len(out)
    out += f"xref\n0 {size}\n0000000000 65535 f \n".encode()
    for k in range(1, size):
        out += (f"{offsets[k]:010d} 00000 n \n" if k in offsets else "0000000000 65535 f \n").encode()
    out += f"trailer\n<< /Size {size} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def stream(content, compress=True, dict_extra=b""):
    data = zlib.compress(content) if compress else content
    filt = b"/Filter /FlateDecode " if compress else b""
    return b"<< " + filt + dict_extra + f"/Length {len(data)} >>\nstream\n".encode() + data + b"\nendstream"


TEXT = b"BT /F1 12 Tf 72 760 Td (Report 2023) Tj ET\n"
IMAGE = b"<< /Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceGray /BitsPerComponent 8 /Length 4 >>\nstream\n\x00\xff\xff\x00\nendstream"
IMAGE_RES = "<< /Font << /F1 5 0 R >> /XObject << /Im1 6 0 R >> >>"
DRAW_IMAGE = b"q 500 0 0 700 48 70 cm /Im1 Do Q\n"

case("pdf-scan.pdf", 1, "扫描件", data=pdf([DRAW_IMAGE] * 2, [IMAGE], IMAGE_RES))
case("pdf-scan-ocr-layer.pdf", 1, "隐形文字层",
     data=pdf([DRAW_IMAGE + b"BT 3 Tr /F1 12 Tf 72 760 Td (2023) Tj ET\n"], [IMAGE], IMAGE_RES))
# Form XObjects nested 40 deep, each drawing the next twice: 2^40 draws.
levels = 40
xobjects = []
for i in range(levels):
    body = TEXT if i == levels - 1 else f"/X{i + 1} Do /X{i + 1} Do".encode()
    res = "<< /Font << /F1 5 0 R >> >>" if i == levels - 1 else f"<< /XObject << /X{i + 1} {8 + i} 0 R >> >>"
    xobjects.append(stream(body, False, f"/Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources {res} ".encode()))
case("pdf-nested-xobjects.pdf", 1, "展开后要画",
     data=pdf([b"/X0 Do"], [b"<< >>"] + xobjects, "<< /XObject << /X0 7 0 R >> >>"))
# 22 levels (4 million draws, under the limit counted before drawing): the
# reader works until its time limit. Not a corpus case (it would take the
# whole limit); the desk's test drops the client halfway and sees the
# work stop.
open("slow-nested-xobjects.pdf", "wb").write(
    pdf([b"/X18 Do"], [b"<< >>"] + xobjects, "<< /XObject << /X18 25 0 R >> >>"))
# 100 MB of drawing that deflates to 100 KB.
case("pdf-inflates-to-100mb.pdf", 1, "解压后超过", data=pdf([TEXT + b" " * (100 * 1024 * 1024)]))
# A content stream whose deflate data is cut short.
broken = pdf([TEXT * 50])
cut = broken.index(b"stream\n", broken.index(b"7 0 obj")) + 7
case("pdf-broken-stream.pdf", 1, "已损坏", data=broken[:cut + 20] + b"\x00" * 40 + broken[cut + 60:])
# Ruled grids: 101 × 101 lines (10,000 cells); two tables laid over each other.
def grid(x0, y0, n, step):
    ops = [b"0.5 w"]
    for i in range(n + 1):
        ops.append(f"{x0} {y0 + i * step} m {x0 + n * step} {y0 + i * step} l S".encode())
        ops.append(f"{x0 + i * step} {y0} m {x0 + i * step} {y0 + n * step} l S".encode())
    return b"\n".join(ops) + b"\n"
case("pdf-10000-cells.pdf", 1, "超过 5000 格", data=pdf([TEXT + grid(50, 100, 100, 5)]))
case("pdf-overlapping-tables.pdf", 1, "互相交叠", data=pdf([TEXT + grid(100, 300, 4, 40) + grid(160, 340, 4, 40)]))

# From a PDF made as agencies make them (table numbers in FandolFang): its
# ToUnicode maps swap 2 and 9, the same page prints; with an owner
# password that forbids copying; with a password to open it.
SOURCE = "../../fixtures/pdf/beiguan_2023_numbers_16pt.pdf"
subprocess.run(["qpdf", "--qdf", "--object-streams=disable", SOURCE, "/tmp/nianbao-qdf.pdf"], check=True)
qdf = open("/tmp/nianbao-qdf.pdf", "rb").read()
qdf = qdf.replace(b"> <0032>", b"> <XXXX>").replace(b"> <0039>", b"> <0032>").replace(b"> <XXXX>", b"> <0039>")
open("/tmp/nianbao-qdf.pdf", "wb").write(qdf)
subprocess.run(["fix-qdf", "/tmp/nianbao-qdf.pdf"], check=True, stdout=open("/tmp/nianbao-swapped.pdf", "wb"))
# qpdf's --static-id keeps the edited file's bytes from run to run (the encrypted
# ones differ each run: their keys are random).
subprocess.run(["qpdf", "--static-id", "/tmp/nianbao-swapped.pdf", "pdf-tounicode-swap.pdf"], check=True)
rows.append(("pdf-tounicode-swap.pdf", "1", "ToUnicode", "-"))
subprocess.run(["qpdf", "--static-id", "--static-aes-iv", "--encrypt", "", "owner-secret", "256", "--extract=n", "--",
                SOURCE, "pdf-copy-forbidden.pdf"],
               check=True)
rows.append(("pdf-copy-forbidden.pdf", "1", "禁止复制文字", "-"))
subprocess.run(["qpdf", "--static-id", "--static-aes-iv", "--encrypt", "user-secret", "owner-secret", "256", "--",
                SOURCE, "pdf-password.pdf"], check=True)
rows.append(("pdf-password.pdf", "1", "打开密码", "-"))

with open("expected.tsv", "w", encoding="utf-8") as f:
    f.write("# file\texit\tmessage fragment\tJSON path in the message (- for none)\n")
    for r in rows:
        f.write("\t".join(r) + "\n")
print(len(rows), "cases")
