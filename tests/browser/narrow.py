#!/usr/bin/env python3
"""A report's web page in headless Chromium, on a desktop and on a phone
360 px wide: on the phone the page does not scroll sideways; the tables
scroll inside their boxes. Screenshots of both.

    python3 tests/browser/narrow.py PAGE.html PHONE.png DESKTOP.png
"""
import pathlib
import sys

import chrome

page, shot, desktop = pathlib.Path(sys.argv[1]).resolve(), sys.argv[2], sys.argv[3]
driver = chrome.browser(1280)
try:
    driver.get(page.as_uri())
    driver.execute_script("document.querySelectorAll('div.table')[1].scrollIntoView()")
    driver.save_screenshot(desktop)
    driver.set_window_size(360, 800)
    driver.get(page.as_uri())
    width = driver.execute_script("return document.documentElement.clientWidth")
    page_width = driver.execute_script("return document.documentElement.scrollWidth")
    assert page_width <= width, f"the page scrolls sideways: {page_width} > {width}"
    boxes = driver.execute_script(
        "return [...document.querySelectorAll('div.table')].map(d => [d.scrollWidth, d.clientWidth])")
    assert len(boxes) == 3 and all(s > c for s, c in boxes), f"tables should scroll in their boxes: {boxes}"
    driver.execute_script("document.querySelectorAll('div.table')[1].scrollIntoView()")
    driver.save_screenshot(shot)
    print("narrow page ok:", width, boxes)
finally:
    driver.quit()
