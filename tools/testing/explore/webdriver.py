"""webdriver.py - just enough of the W3C WebDriver protocol to drive Debian's headless Chromium
through chromedriver from the standard library (the browser tests' only dependency).

    with Browser() as b:                  # starts chromedriver and a headless Chromium
        b.get("http://127.0.0.1:8800/")
        b.run("return document.title")    # a script (arguments: b.run(src, 1, 2))
        b.run_async("pimm.walk(0x80000000)")  # a promise-valued expression, awaited
        b.click("#walk-go"); b.type("#walk-va", "0x80000000")
        b.screenshot("view.png"); b.console_errors()

Every call has a deadline; a browser that hangs fails the test with the call that hung.
"""
import base64
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


class WebDriverError(Exception):
    """The driver refused a command (its error and message) or did not answer."""


def available():
    """Why the browser tests cannot run here, or None when they can."""
    for path in (CHROMIUM, CHROMEDRIVER):
        if not os.access(path, os.X_OK):
            return f"{path} is missing (tools/setup installs chromium and chromium-driver)"
    return None


class Browser:
    """A chromedriver process and one headless Chromium session."""

    def __init__(self, width=1400, height=1000, timeout=60):
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="pimm-chromium-")
        with socket.socket() as s:  # chromedriver picks no port itself: find one
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        self.log = open(os.path.join(self.profile, "chromedriver.log"), "w+")
        self.proc = subprocess.Popen([CHROMEDRIVER, f"--port={port}"], stdout=self.log,
                                     stderr=subprocess.STDOUT)
        self.base = f"http://127.0.0.1:{port}"
        self.session = None
        try:
            self._wait_ready()
            caps = {"capabilities": {"alwaysMatch": {
                "browserName": "chrome",
                "goog:loggingPrefs": {"browser": "ALL"},
                "goog:chromeOptions": {"binary": CHROMIUM, "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu",
                    "--disable-dev-shm-usage", f"--window-size={width},{height}",
                    f"--user-data-dir={self.profile}/profile"]}}}}
            self.session = self._call("POST", "/session", caps)["sessionId"]
        except BaseException:
            self.close()
            raise

    def _wait_ready(self):
        end = time.monotonic() + 20
        while time.monotonic() < end:
            try:
                with urllib.request.urlopen(self.base + "/status", timeout=2) as r:
                    if json.load(r)["value"].get("ready"):
                        return
            except (OSError, ValueError, KeyError):
                pass
            if self.proc.poll() is not None:
                break
            time.sleep(0.1)
        self.log.seek(0)
        raise WebDriverError(f"chromedriver did not start: {self.log.read()[-2000:]}")

    def _call(self, method, path, body=None, timeout=None):
        data = json.dumps(body if body is not None else {}).encode() if method == "POST" else None
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=timeout or self.timeout) as r:
                return json.load(r)["value"]
        except urllib.error.HTTPError as e:
            try:
                v = json.load(e)["value"]
                msg = f"{v.get('error')}: {v.get('message', '')[:2000]}"
            except (ValueError, KeyError):
                msg = str(e)
            raise WebDriverError(f"{method} {path}: {msg}") from None
        except socket.timeout:
            raise WebDriverError(f"{method} {path}: no answer within "
                                 f"{timeout or self.timeout} s") from None

    def _s(self, path):
        return f"/session/{self.session}{path}"

    def get(self, url):
        self._call("POST", self._s("/url"), {"url": url})

    def run(self, script, *args, timeout=None):
        """Run a function body in the page; its return value (JSON-able)."""
        return self._call("POST", self._s("/execute/sync"), {"script": script, "args": list(args)},
                          timeout)

    def run_async(self, expr, timeout=60):
        """Await a promise-valued JavaScript expression in the page; its value, or raise."""
        script = ("const done = arguments[arguments.length - 1];"
                  f"Promise.resolve().then(() => ({expr}))"
                  ".then((v) => done({ok: v === undefined ? null : v}),"
                  " (e) => done({err: String(e && e.stack || e)}));")
        self._call("POST", self._s("/timeouts"), {"script": int(timeout * 1000)})
        r = self._call("POST", self._s("/execute/async"), {"script": script, "args": []},
                       timeout + 10)
        if "err" in r:
            raise WebDriverError(f"{expr}: {r['err'][:2000]}")
        return r["ok"]

    def find(self, css):
        """The element id of the first match of css (raises when there is none)."""
        el = self._call("POST", self._s("/element"), {"using": "css selector", "value": css})
        return next(iter(el.values()))

    def click(self, css):
        self._call("POST", self._s(f"/element/{self.find(css)}/click"))

    def type(self, css, text):
        el = self.find(css)
        self._call("POST", self._s(f"/element/{el}/clear"))
        self._call("POST", self._s(f"/element/{el}/value"), {"text": text})

    def screenshot(self, path):
        png = base64.b64decode(self._call("GET", self._s("/screenshot")))
        with open(path, "wb") as f:
            f.write(png)

    def console_errors(self):
        """The browser console's SEVERE entries since the last call (chromedriver's log)."""
        entries = self._call("POST", self._s("/se/log"), {"type": "browser"})
        return [e["message"] for e in entries if e.get("level") == "SEVERE"]

    def close(self):
        if self.session:
            try:
                self._call("DELETE", self._s(""), timeout=10)
            except WebDriverError:
                pass
            self.session = None
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
