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

with open("expected.tsv", "w", encoding="utf-8") as f:
    f.write("# file\texit\tmessage fragment\tJSON path in the message (- for none)\n")
    for r in rows:
        f.write("\t".join(r) + "\n")
print(len(rows), "cases")
