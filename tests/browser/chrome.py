"""What the browser tests share: headless Chromium as this machine runs it
(Debian's chromium and chromium-driver, no network chatter), and steps that
are photographed in turn and waited for by what they wait for."""
import os
import shutil

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait


def browser(width, downloads=None):
    options = webdriver.ChromeOptions()
    for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", f"--window-size={width},1000",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]:
        options.add_argument(flag)
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    # The console, for `refused`: what the page asked for and was refused.
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    if downloads:
        options.add_experimental_option("prefs", {"download.default_directory": downloads,
                                                  "download.prompt_for_download": False})
    return webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options)


def refused(driver):
    """The requests of the page that the server answered 4xx or 5xx since
    the last call, as Chromium's console reported them."""
    return [e["message"] for e in driver.get_log("browser") if "the server responded with a status of" in e["message"]]


class Steps:
    """Screenshots `FOLDER/PREFIXNN-name.png`, numbered in turn, and waits
    that photograph the page and say what they waited for when they fail."""

    def __init__(self, folder, prefix, timeout):
        os.makedirs(folder, exist_ok=True)
        self.folder, self.prefix, self.timeout, self.count = folder, prefix, timeout, 0

    def shot(self, driver, name):
        self.count += 1
        driver.save_screenshot(os.path.join(self.folder, f"{self.prefix}{self.count:02d}-{name}.png"))

    def wait(self, driver, condition, what, timeout=None):
        try:
            # An element drawn anew while it is read is read again.
            return WebDriverWait(driver, timeout or self.timeout, ignored_exceptions=[StaleElementReferenceException]) \
                .until(lambda d: condition(d))
        except Exception:
            self.shot(driver, "failed")
            status = driver.find_elements(By.ID, "status")
            raise AssertionError(f"timed out waiting for: {what}\nstatus: {status[0].text if status else '?'}\n"
                                 f"url: {driver.current_url}")
