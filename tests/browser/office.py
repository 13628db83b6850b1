#!/usr/bin/env python3
"""The office's desk in a real headless Chromium, driven by Selenium, as
the people of a county's 政务公开办 use it. Run by tests/suite/office/:

    python3 tests/browser/office.py NIANBAO_BINARY WORK_DIR REPORT_HTML SCREENSHOT_DIR PAST_REPORT...

The administrator sets up the county and its roster of three agencies
from a CSV and invites a writer and a reviewer; the writer takes up the
invitation, imports last year's kind of page as this year's report, saves
and submits it; the reviewer brings in two agencies' published reports of
last year (matched to the roster by name), and returns the report with a comment at a paragraph; the
writer sees the comment there, fixes, saves and resubmits; the reviewer
approves; the 汇总 on the board counts it; the zip downloads and its PDFs
read back with pdftotext. Each step is asserted and photographed
(SCREENSHOT_DIR/office-NN-step.png).
"""
import io
import json
import os
import subprocess
import sys
import time
import urllib.request
import zipfile

from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import Select, WebDriverWait

import chrome

BIN, WORK, REPORT_HTML, SHOTS = sys.argv[1:5]
PAST = sys.argv[5:]
DB = os.path.join(WORK, "office.db")


def start():
    init = subprocess.run([BIN, "office", "init", "--db", DB, "--login", "admin", "--name", "办公室管理员"],
                          input="admin password 1\n", text=True, capture_output=True)
    assert init.returncode == 0, init.stderr
    proc = subprocess.Popen([BIN, "office", "--db", DB, "--listen", "127.0.0.1:0"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    return proc, proc.stdout.readline().strip()


steps = chrome.Steps(SHOTS, "office-", 30)
shot, wait = steps.shot, steps.wait


def text_of(driver, css):
    found = driver.find_elements(By.CSS_SELECTOR, css)
    return found[0].text if found else ""


def fill(driver, form, **values):
    for name, value in values.items():
        box = driver.find_element(By.CSS_SELECTOR, f"{form} [name={name}]")
        box.clear()
        box.send_keys(value)


def press(driver, css):
    """Clicks a button as a person would, after bringing it to the middle of
    the window (the desk's toolbar stays at the top and would cover it);
    found again if the page drew it anew meanwhile."""
    for _ in range(20):
        try:
            element = driver.find_element(By.CSS_SELECTOR, css)
            driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
            element.click()
            return
        except StaleElementReferenceException:
            time.sleep(0.1)
    raise AssertionError(f"{css} kept being drawn anew")


def accept_alert(driver):
    WebDriverWait(driver, 20).until(expected_conditions.alert_is_present())
    driver.switch_to.alert.accept()


def sign_in(driver, url, login, password):
    driver.delete_all_cookies()
    driver.get(url + "login")
    fill(driver, "#login-form", login=login, password=password)
    driver.find_element(By.CSS_SELECTOR, "#login-form button").click()
    wait(driver, lambda d: "/login" not in d.current_url, f"{login} signed in")


def take_invitation(driver, link, password):
    driver.delete_all_cookies()
    driver.get(link)
    fill(driver, "#invite-form", password=password, again=password)
    driver.find_element(By.CSS_SELECTOR, "#invite-form button").click()
    wait(driver, lambda d: "/invite/" not in d.current_url, "the invitation taken up")


def api(url, driver, method, path, body=None):
    """A request with the browser's session, as another tab of it would send."""
    cookie = "; ".join(f"{c['name']}={c['value']}" for c in driver.get_cookies())
    origin = url.rstrip("/")
    request = urllib.request.Request(origin + path, method=method, data=body.encode() if body else None,
                                     headers={"Cookie": cookie, "Origin": origin})
    with urllib.request.urlopen(request) as r:
        return json.loads(r.read())


def board(driver, url, year):
    driver.get(url + f"board?region=1&year={year}")
    wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#board tbody tr"), "the board's rows")


def row_of(driver, agency):
    for tr in driver.find_elements(By.CSS_SELECTOR, "#board tbody tr"):
        if tr.find_elements(By.TAG_NAME, "td")[0].text == agency:
            return [td.text for td in tr.find_elements(By.TAG_NAME, "td")]
    return None


def main():
    proc, url = start()
    driver = chrome.browser(1500)
    try:
        # The administrator: the county, its roster, two invitations.
        sign_in(driver, url, "admin", "admin password 1")
        wait(driver, lambda d: d.current_url.endswith("/admin"), "the administrator lands on the setup page")
        fill(driver, "#region-form", name="某县")
        driver.find_element(By.CSS_SELECTOR, "#region-form button").click()
        wait(driver, lambda d: "某县" in text_of(d, "#regions"), "the region listed")
        roster = os.path.join(WORK, "名单.csv")
        with open(roster, "w", encoding="utf-8-sig") as f:
            f.write('序号,单位名称,联系人\n1,"某县教育局",张\n2,某县财政局,李\n3,"某县民政局",王\n')
        driver.find_element(By.CSS_SELECTOR, "#roster-form input[type=file]").send_keys(roster)
        driver.find_element(By.CSS_SELECTOR, "#roster-form button").click()
        wait(driver, lambda d: "新增 3 个机关" in text_of(d, "#status"), "the roster imported")
        links = {}
        for login, name, role, place in [("jiaoyu", "张老师", "writer", "某县教育局"), ("shenhe", "李科长", "reviewer", "某县")]:
            Select(driver.find_element(By.CSS_SELECTOR, "#account-form select[name=role]")).select_by_value(role)
            Select(driver.find_element(By.CSS_SELECTOR, "#account-form select[name=place]")).select_by_visible_text(place)
            fill(driver, "#account-form", login=login, name=name)
            driver.find_element(By.CSS_SELECTOR, "#account-form button").click()
            wait(driver, lambda d: "/invite/" in text_of(d, "#invitation") and text_of(d, "#invitation") not in links.values(), f"{login}'s invitation")
            links[login] = text_of(driver, "#invitation")
        wait(driver, lambda d: "李科长" in text_of(d, "#accounts"), "the accounts listed")
        shot(driver, "admin-setup")

        # The writer: the invitation, last year's kind of page imported as
        # this year's report, saved, submitted.
        take_invitation(driver, links["jiaoyu"], "jiaoyu password")
        wait(driver, lambda d: d.current_url.endswith("/desk"), "the writer lands on the desk")
        wait(driver, lambda d: "张老师" in text_of(d, "#office-who"), "who is signed in")
        driver.find_element(By.CSS_SELECTOR, "#import-form input[type=file]").send_keys(REPORT_HTML)
        driver.find_element(By.CSS_SELECTOR, "#import-form button").click()
        wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#preview-pane img"), "the imported report and its pages")
        driver.find_element(By.ID, "save").click()
        wait(driver, lambda d: "填写中" in text_of(d, "#office-state"), "the saved report's state")
        shot(driver, "writer-saved")
        driver.find_element(By.ID, "office-submit").click()
        accept_alert(driver)
        wait(driver, lambda d: "已提交" in text_of(d, "#office-state"), "the report submitted")

        # The reviewer: the board, the report read-only, a comment at the
        # first paragraph, returned.
        take_invitation(driver, links["shenhe"], "shenhe password")
        wait(driver, lambda d: "/board" in d.current_url, "the reviewer lands on the board")
        board(driver, url, 2024)
        row = row_of(driver, "某县教育局")
        assert row and row[2] == "已提交" and row[3] == "0", row
        assert row_of(driver, "某县财政局")[2] == "未开始"
        shot(driver, "board-submitted")
        driver.find_element(By.CSS_SELECTOR, "#past-form input[type=file]").send_keys("\n".join(PAST))
        driver.find_element(By.CSS_SELECTOR, "#past-form button").click()
        wait(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#past-result li")) == len(PAST), "last year's reports brought in")
        result = text_of(driver, "#past-result")
        assert "→ 某县教育局 2023 年" in result and "→ 某县民政局 2023 年" in result, result
        chrome.refused(driver)  # what the board asked for is not in question here
        # The console reports a refused request as `refused` reads it (so
        # that the check below can fail).
        driver.execute_async_script("fetch('/api/office/no-such-thing').then(() => arguments[0]())")
        assert any("no-such-thing" in m for m in chrome.refused(driver)), "Chromium's console shows refused requests"
        driver.find_element(By.LINK_TEXT, "某县教育局").click()
        paragraph = '#form textarea[data-path="/overview/0"]'
        wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, paragraph), "the report read-only")
        first = driver.find_element(By.CSS_SELECTOR, paragraph)
        assert first.get_attribute("readonly") is not None, "the reviewer cannot type into the report"
        # The review page asks only for what a reviewer may read: not the
        # writer's list of reports.
        refused = chrome.refused(driver)
        assert not refused, refused
        press(driver, "#compare-last-year")
        wait(driver, lambda d: "与 2023 年报告" in text_of(d, "#office-compare h2"), "last year's report beside")
        assert "两年相同" in text_of(driver, "#office-compare"), text_of(driver, "#office-compare")[:300]
        shot(driver, "review-compare")
        press(driver, "#compare-last-year")
        first.click()
        wait(driver, lambda d: "意见写在" in text_of(d, "#comment-where"), "the place of the comment")
        driver.find_element(By.CSS_SELECTOR, "#comment-form textarea").send_keys("第一段请写明本年度的新做法，<b>不要</b>照抄去年。")
        driver.find_element(By.CSS_SELECTOR, "#comment-form button").click()
        wait(driver, lambda d: "照抄去年" in text_of(d, "#office-comments ul"), "the comment listed")
        assert "<b>不要</b>" in text_of(driver, "#office-comments ul"), "markup shown as text"
        shot(driver, "review-comment")
        press(driver, "button[data-step=return]")
        wait(driver, lambda d: "已退回" in text_of(d, "#office-state"), "the report returned")

        # The writer: the comment at its paragraph; fixed, saved, resubmitted.
        sign_in(driver, url, "jiaoyu", "jiaoyu password")
        wait(driver, lambda d: d.find_elements(By.XPATH, "//button[text()='2024.json']"), "the writer's list")
        driver.find_element(By.XPATH, "//button[text()='2024.json']").click()
        wait(driver, lambda d: "已退回" in text_of(d, "#office-state"), "the returned state")
        wait(driver, lambda d: "照抄去年" in text_of(d, "#office-comments ul"), "the comment beside the form")
        wait(driver, lambda d: "commented" in (d.find_element(By.CSS_SELECTOR, paragraph).get_attribute("class") or ""), "the paragraph marked")
        first = driver.find_element(By.CSS_SELECTOR, paragraph)
        assert "照抄去年" in first.get_attribute("title")
        shot(driver, "writer-sees-comment")
        first.click()
        first.send_keys("本年度新建了依申请公开办理台账。")
        # Meanwhile a colleague saves the report from another computer.
        other = api(url, driver, "GET", "/api/report/2024.json")
        theirs = json.loads(other["text"])
        theirs["preamble"] = ["同事在另一台电脑上改写的前言。"]
        # …and adds a sentence at the end of the paragraph the writer is
        # changing at its start.
        first_para = theirs["overview"][0]
        if isinstance(first_para, dict):
            first_para["text"] += "同事补充的一句。"
        else:
            theirs["overview"][0] = first_para + "同事补充的一句。"
        api(url, driver, "PUT", "/api/report/2024.json?version=" + other["version"], json.dumps(theirs, ensure_ascii=False))
        driver.find_element(By.ID, "save").click()
        wait(driver, lambda d: d.find_element(By.ID, "clash-banner").is_displayed(), "both versions shown")
        differences = text_of(driver, "#clash-banner tbody")
        assert "同事在另一台电脑上改写的前言" in differences and "办理台账" in differences, differences
        assert "一、总体情况 · 第 1 段" in differences, differences
        # In the paragraph both changed, what each side lacks is marked:
        # the sentence the writer added on theirs, the colleague's on the
        # colleague's — not the whole paragraph.
        row = next(tr for tr in driver.find_elements(By.CSS_SELECTOR, "#clash-banner tbody tr")
                   if "一、总体情况 · 第 1 段" in tr.find_element(By.CSS_SELECTOR, "td").text)
        cells = row.find_elements(By.CSS_SELECTOR, "td")[1:]
        marked = ["".join(m.text for m in c.find_elements(By.TAG_NAME, "mark")) for c in cells]
        assert "本年度新建了依申请公开办理台账" in marked[0] and len(marked[0]) <= 18, marked
        assert "同事补充的一句" in marked[1] and len(marked[1]) <= 10, marked
        # The rewritten preface shares only scattered characters: marked whole.
        preface = next(tr for tr in driver.find_elements(By.CSS_SELECTOR, "#clash-banner tbody tr")
                       if "同事在另一台电脑上改写的前言" in tr.text)
        theirs_preface = preface.find_elements(By.CSS_SELECTOR, "td")[2]
        assert [m.text for m in theirs_preface.find_elements(By.TAG_NAME, "mark")] == ["同事在另一台电脑上改写的前言"], theirs_preface.text
        shot(driver, "writer-clash")
        press(driver, "#clash-mine")
        # The status line is shared with the checks; the office's own line
        # says which version the report is at.
        wait(driver, lambda d: "已退回" in text_of(d, "#office-state") and "第 3 版" in text_of(d, "#office-state"), "mine saved over theirs as version 3")
        driver.find_element(By.ID, "office-submit").click()
        accept_alert(driver)
        wait(driver, lambda d: "已提交" in text_of(d, "#office-state"), "the report resubmitted")
        # Signed out from the desk's bar; the desk without a session leads
        # to the sign-in (the page is static: its script finds the 401).
        driver.find_element(By.ID, "office-logout").click()
        wait(driver, lambda d: d.current_url.endswith("/login"), "signed out from the desk")
        driver.get(url + "desk")
        wait(driver, lambda d: d.current_url.endswith("/login"), "the desk without a session leads to the sign-in")

        # The reviewer approves; the 汇总 counts it; the zip's PDFs read back.
        sign_in(driver, url, "shenhe", "shenhe password")
        board(driver, url, 2024)
        wait(driver, lambda d: "尚未通过或未报送（3）" in text_of(d, "#sum-missing"), "nothing in the 汇总 yet")
        driver.find_element(By.LINK_TEXT, "某县教育局").click()
        wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "button[data-step=approve]"), "the approve button")
        press(driver, "button[data-step=approve]")
        wait(driver, lambda d: "已通过" in text_of(d, "#office-state"), "the report approved", timeout=60)
        board(driver, url, 2024)
        wait(driver, lambda d: "已计入 1 份" in text_of(d, "#sum-included"), "the 汇总 counts the approved report")
        assert "某县财政局" in text_of(driver, "#sum-missing") and "某县教育局" not in text_of(driver, "#sum-missing")
        assert row_of(driver, "某县教育局")[2] == "已通过"
        wait(driver, lambda d: d.execute_script("const c = document.getElementById('chart'); return c.complete && c.naturalWidth > 0"), "the chart of the years")
        driver.set_window_size(1500, 1500)
        shot(driver, "board-approved")
        archive = driver.find_element(By.ID, "archive").get_attribute("href")
        cookie = "; ".join(f"{c['name']}={c['value']}" for c in driver.get_cookies())
        with urllib.request.urlopen(urllib.request.Request(archive, headers={"Cookie": cookie})) as r:
            data = r.read()
        pdfs = 0
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            for name in z.namelist():
                if not name.endswith(".pdf"):
                    continue
                path = os.path.join(WORK, f"{pdfs}.pdf")
                with open(path, "wb") as f:
                    f.write(z.read(name))
                text = subprocess.run(["pdftotext", path, "-"], capture_output=True, text=True).stdout
                assert "政府信息公开工作年度报告" in text, name
                if name.startswith("某县教育局"):
                    assert "某县教育局2024年" in text and "办理台账" in text, text[:300]
                pdfs += 1
        assert pdfs == 2, f"the report's PDF and the 汇总's: {pdfs}"
        print("office browser test: all steps passed")
    finally:
        driver.quit()
        proc.kill()


main()
