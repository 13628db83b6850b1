#!/usr/bin/env python3
"""The writer's desk in a real headless Chromium (Debian's chromium and
chromium-driver), driven by Selenium. Run by tests/suite/serve.rs:

    python3 tests/browser/desk.py NIANBAO_BINARY REPORT_DIR SCREENSHOT_DIR

Each step is asserted and photographed (SCREENSHOT_DIR/NN-step.png).
"""
import json
import os
import subprocess
import sys
import tempfile
import time

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

import chrome

BIN, DIR, SHOTS = sys.argv[1], sys.argv[2], sys.argv[3]
DOWNLOADS = tempfile.mkdtemp()


def serve():
    proc = subprocess.Popen([BIN, "serve", DIR, "--listen", "127.0.0.1:0", "--no-browser"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    return proc, proc.stdout.readline().strip()


def browser():
    return chrome.browser(1600, DOWNLOADS)


steps = chrome.Steps(SHOTS, "", 20)
shot, wait = steps.shot, steps.wait


def cell(driver, path):
    return driver.find_element(By.CSS_SELECTOR, f'input[data-path="{path}"]')


def type_into(driver, path, text):
    box = cell(driver, path)
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(text)
    return box


def open_report(driver, url, name="beiguan-2023.json"):
    if url:
        driver.get(url)
    wait(driver, lambda d: d.find_elements(By.XPATH, f"//button[text()='{name}']"), "the list of reports")
    driver.find_element(By.XPATH, f"//button[text()='{name}']").click()
    wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#preview-pane img"), "the form and the preview")


def shown_pages(driver):
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('#preview-pane img'), (i) => Number(i.dataset.index))")


proc, url = serve()
driver = browser()
try:
    open_report(driver, url)
    shot(driver, "opened")
    # The headings are the server's: the form's sections are titled with the
    # parts the check sends, in its order, and a table by its section.
    parts = driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        fetch('/api/report/beiguan-2023.json').then((r) => r.json())
            .then((o) => fetch('/api/check', {method: 'POST', body: o.text}))
            .then((r) => r.json()).then((c) => done(c.parts));
    """)
    titles = [p["title"] for p in parts if p["kind"] != "field"]
    assert "三、收到和处理政府信息公开申请情况" in titles, titles
    shown = [h.text for h in driver.find_elements(By.CSS_SELECTOR, "#form > section > h2")][1:]
    assert shown == titles, (shown, titles)
    grids = [t.get_attribute("aria-label") for t in driver.find_elements(By.CSS_SELECTOR, "table.grid")]
    assert grids == [p["title"] for p in parts if p["kind"] == "table"], grids
    script = driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        fetch('/assets/app.js').then((r) => r.text()).then(done);
    """)
    assert not any(t in script for t in titles), "a heading in app.js"

    # Every value cell has an accessible name: row label and column header.
    name = cell(driver, "/applications/received/0").get_attribute("aria-label")
    assert "一、本年新收政府信息公开申请数量" in name and "自然人" in name, name

    # A total that no longer adds up: the finding shows at its cell and in the list.
    type_into(driver, "/applications/received/0", "5")
    total_td = lambda d: cell(d, "/applications/received/6").find_element(By.XPATH, "..")
    wait(driver, lambda d: "finding" in total_td(d).get_attribute("class"), "the finding at the total")
    assert "总计" in driver.find_element(By.ID, "findings").text
    shot(driver, "finding-at-cell")
    # Fixed: it goes.
    type_into(driver, "/applications/received/0", "0")
    wait(driver, lambda d: "finding" not in (total_td(d).get_attribute("class") or ""), "the finding to go")
    shot(driver, "finding-gone")

    # A block pasted from a spreadsheet fills right and down.
    driver.execute_script("""
        const dt = new DataTransfer();
        dt.setData('text/plain', '3\\t1\\t0\\t0\\t0\\t0\\t4\\n0\\t0\\t0\\t0\\t0\\t0\\t0\\n');
        document.querySelector('input[data-path="/applications/received/0"]')
            .dispatchEvent(new ClipboardEvent('paste', {clipboardData: dt, bubbles: true, cancelable: true}));
    """)
    assert cell(driver, "/applications/received/1").get_attribute("value") == "1"
    assert cell(driver, "/applications/received/6").get_attribute("value") == "4"
    assert cell(driver, "/applications/carried_over/6").get_attribute("value") == "0"
    # Received 4 but nothing handled: the report no longer adds up.
    wait(driver, lambda d: "不一致" in d.find_element(By.ID, "findings").text, "findings after the paste")
    shot(driver, "pasted")

    # Keyboard: Enter moves down the column.
    box = cell(driver, "/applications/received/0")
    box.send_keys(Keys.ENTER)
    assert driver.switch_to.active_element.get_attribute("data-path") == "/applications/carried_over/0"

    # Save: the file on disk is the canonical JSON of what is on screen.
    driver.find_element(By.ID, "save").click()
    wait(driver, lambda d: "已保存" in d.find_element(By.ID, "status").text, "saved")
    saved = json.load(open(os.path.join(DIR, "beiguan-2023.json"), encoding="utf-8"))
    assert saved["applications"]["received"] == [3, 1, 0, 0, 0, 0, 4], saved["applications"]["received"]

    # The 落款: its agency and date, typed in their own fields, saved with
    # the report (read from the file: the status line is shared with the
    # checks that run as one types).
    type_into(driver, "/signature/agency", "北关区乡村振兴局")
    type_into(driver, "/signature/date", "2024年1月20日")
    signed = {"agency": "北关区乡村振兴局", "date": "2024年1月20日"}
    time.sleep(1.5)  # past the page's pause before it checks an edit
    driver.find_element(By.ID, "save").click()
    on_disk = lambda _: json.load(open(os.path.join(DIR, "beiguan-2023.json"), encoding="utf-8")).get("signature")
    wait(driver, lambda d: on_disk(d) == signed, "the 落款 saved")
    shot(driver, "saved")

    # Download the PDF: it does not add up, so only after confirming.
    driver.find_element(By.CSS_SELECTOR, "[data-export=pdf]").click()
    WebDriverWait(driver, 20).until(expected_conditions.alert_is_present())
    driver.switch_to.alert.accept()
    pdf = os.path.join(DOWNLOADS, "beiguan-2023.pdf")
    wait(driver, lambda d: os.path.exists(pdf) and os.path.getsize(pdf) > 1000, "the downloaded PDF")
    time.sleep(0.5)
    text = subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True, text=True, check=True).stdout
    row = next(l for l in text.splitlines() if "本年新收" in l)
    assert row.split()[-7:] == ["3", "1", "0", "0", "0", "0", "4"], row

    # A draft survives a killed server: type, wait for the autosave, kill.
    type_into(driver, "/applications/received/2", "7")
    wait(driver, lambda d: os.path.exists(os.path.join(DIR, ".beiguan-2023.json.draft")) and
         json.load(open(os.path.join(DIR, ".beiguan-2023.json.draft")))["applications"]["received"][2] == 7,
         "the draft autosave")
    proc.kill()
    proc.wait()
    proc, url = serve()
    open_report(driver, url)
    wait(driver, lambda d: d.find_element(By.ID, "draft-banner").is_displayed(), "the draft banner")
    shot(driver, "draft-offered")
    driver.find_element(By.ID, "restore-draft").click()
    wait(driver, lambda d: cell(d, "/applications/received/2").get_attribute("value") == "7", "the draft restored")
    shot(driver, "draft-restored")
    # 补全合计 asks the server: a blank row total from its parts, a blank
    # 总计 cell from its column, written ones left.
    type_into(driver, "/applications/received/6", Keys.BACKSPACE)
    type_into(driver, "/applications/results/granted/0", "2")
    type_into(driver, "/applications/results/total/0", Keys.BACKSPACE)
    wait(driver, lambda d: cell(d, "/applications/received/6").get_attribute("value") == "" and
         cell(d, "/applications/results/total/0").get_attribute("value") == "", "the totals blanked")
    written = cell(driver, "/applications/carried_over/6").get_attribute("value")
    driver.execute_script("""
        window.calls = [];
        const fetch0 = window.fetch;
        window.fetch = (url, init) => { window.calls.push(String(url)); return fetch0(url, init); };
    """)
    driver.find_element(By.ID, "fill-totals").click()
    wait(driver, lambda d: cell(d, "/applications/received/6").get_attribute("value") == "11", "the total filled: 3+1+7")
    assert cell(driver, "/applications/results/total/0").get_attribute("value") == "2", "总计 from the result rows"
    assert cell(driver, "/applications/carried_over/6").get_attribute("value") == written
    assert "/api/fill-totals" in driver.execute_script("return window.calls"), "filled by the server"
    # From then on the filled total follows its parts: 3 becomes 4, 11 becomes 12.
    type_into(driver, "/applications/received/0", "4")
    wait(driver, lambda d: cell(d, "/applications/received/6").get_attribute("value") == "12", "the filled total following its part")
    # 空白补零: a blank cell becomes 0 once the writer confirms.
    type_into(driver, "/applications/received/1", Keys.BACKSPACE)
    wait(driver, lambda d: cell(d, "/applications/received/1").get_attribute("value") == "", "the cell made blank")
    time.sleep(1)  # the edit reaches the page's report (it is debounced)
    driver.find_element(By.ID, "zero-blanks").click()
    WebDriverWait(driver, 20).until(expected_conditions.alert_is_present())
    driver.switch_to.alert.accept()
    wait(driver, lambda d: cell(d, "/applications/received/1").get_attribute("value") == "0", "the blank made 0")
    assert "/api/zero-blanks" in driver.execute_script("return window.calls"), "zeroed by the server"
    shot(driver, "totals-filled")

    # A long report's pages come five at a time; the others on demand.
    fixture = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../fixtures/beiguan-2023.json")
    long = json.load(open(fixture, encoding="utf-8"))
    long["overview"] = [f"第{i + 1}段。" + "本机关坚持依法公开、真实准确、注重实效的原则，不断完善工作机制。" * 4 for i in range(120)]
    json.dump(long, open(os.path.join(DIR, "long.json"), "w", encoding="utf-8"), ensure_ascii=False)
    driver.find_element(By.ID, "back").click()
    open_report(driver, None, "long.json")
    # The long report's own preview (the seed report's, still shown while
    # it comes, has five pages too).
    def pages_in_all(d):
        text = d.find_element(By.ID, "pages-shown").text
        return int(text.split("共")[1].split()[0]) if "共" in text else 0
    wait(driver, lambda d: pages_in_all(d) > 10, "the long report's preview")
    wait(driver, lambda d: shown_pages(d) == [0, 1, 2, 3, 4], "the first five pages")
    assert not driver.find_element(By.ID, "pages-next").get_attribute("disabled")
    driver.find_element(By.ID, "pages-next").click()
    wait(driver, lambda d: shown_pages(d) == [5, 6, 7, 8, 9], "the next five pages")
    driver.find_element(By.ID, "pages-prev").click()
    wait(driver, lambda d: shown_pages(d) == [0, 1, 2, 3, 4], "back to the first five")
    assert driver.find_element(By.ID, "pages-prev").get_attribute("disabled")
    # A new report: dozens of blank cells, their notes folded into one
    # line beside the form, refusals (none yet) before notes.
    driver.find_element(By.ID, "back").click()
    wait(driver, lambda d: d.find_element(By.ID, "new-form").is_displayed(), "the list again")
    new = driver.find_element(By.ID, "new-form")
    new.find_element(By.NAME, "agency").send_keys("某县测试局")
    new.find_element(By.NAME, "year").send_keys("2024")
    new.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#findings li.blanks summary"), "the blank notes folded")
    summary = driver.find_element(By.CSS_SELECTOR, "#findings li.blanks summary").text
    assert "处空白未核对" in summary and int(summary.split("］")[1].split(" ")[0]) >= 20, summary
    assert not driver.find_element(By.CSS_SELECTOR, "#findings li.blanks details").get_attribute("open")
    top = driver.find_elements(By.CSS_SELECTOR, "#findings > ul > li")
    assert len(top) < 15, f"{len(top)} lines beside the form"
    kinds = [li.get_attribute("class") for li in top]
    assert kinds == sorted(kinds, key=lambda k: ["refusal", "note", "blanks"].index(k)), kinds
    findings = driver.find_element(By.ID, "findings")
    assert findings.location["x"] > driver.find_element(By.ID, "form").location["x"] + 200, "beside the form, not below it"
    shot(driver, "new-report-findings")
    print("browser steps passed:", steps.count, "screenshots in", SHOTS)
finally:
    driver.quit()
    proc.kill()
