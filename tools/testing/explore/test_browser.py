"""test_browser.py - the explorer's page in headless Chromium against a real pimm.

The cases share one `tools/explore --port 0` (QEMU, its two serial ports bridged to
WebSockets, the page's server) and one headless Chromium through chromedriver
(webdriver.py); a case that fails closes them, so the next one starts on a fresh pair. Each
case leaves the kernel as it found it (what it allocates it frees), types into the page's
terminal as a student would, and compares what the page draws with what the shell prints in
that same terminal: never a typed-in value. Every state record the
page receives is schema-checked by the page itself (window.pimm.schemaErrors), and the
browser console must stay free of errors. Screenshots of every view are saved under
tools/testing/logs/explorer/ (light and dark theme).
"""
import os
import re
import signal
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "system"))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, ".."))
import pimm  # noqa: E402
from systest import Skip, case, run  # noqa: E402
import webdriver  # noqa: E402

SHOTS = os.path.join(pimm.ROOT, "tools", "testing", "logs", "explorer")
VIEWS = ("memory", "buddy", "walk", "layout", "percpu")


class Explorer:
    """tools/explore on a free port, its URL, and a Browser on the page once it is up."""

    def __init__(self, name):
        self.name = name
        os.makedirs(SHOTS, exist_ok=True)
        self.log_path = os.path.join(SHOTS, f"{name}.server.log")
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            pimm.die_with_parent([sys.executable, os.path.join(pimm.ROOT, "tools", "explorer",
                                                               "server.py"), "--port", "0"]),
            stdout=subprocess.PIPE, stderr=self.log, text=True)
        self.url = None
        self.browser = None
        found = threading.Event()

        def first_line():
            line = self.proc.stdout.readline()
            m = re.fullmatch(r"explorer: (http://127\.0\.0\.1:\d+/)\n", line)
            self.url = m and m.group(1)
            found.set()
        threading.Thread(target=first_line, daemon=True).start()
        if not found.wait(300) or not self.url:
            self.close()
            raise AssertionError(f"tools/explore printed no URL; its log:\n{self.tail()}")
        try:
            self.browser = webdriver.Browser()
            self.browser.get(self.url)
            self.call("pimm.waitPrompt(60000)", 90)
            self.call("pimm.waitSnapshot(30000).catch(() => pimm.model)", 40)
            self.call("pimm.waitIdle(300, 30000)", 40)
        except BaseException:
            self.close()
            raise

    def call(self, expr, timeout=60):
        """Await a promise-valued expression in the page."""
        try:
            return self.browser.run_async(expr, timeout)
        except webdriver.WebDriverError as e:
            raise AssertionError(f"{e}\nconsole:\n{self.console()[-2500:]}\n"
                                 f"server log:\n{self.tail()}") from None

    def js(self, body, *args):
        return self.browser.run(body, *args)

    def console(self):
        return self.js("return pimm.consoleText()")

    def command(self, line, timeout=30):
        """Type line in the page's terminal; its output, after the page drew its batch."""
        flush = f"pimm.waitFlush({line!r}, {timeout * 1000})"
        self.js(f"window.__flush = {flush}; return 1")
        out = self.call(f"pimm.runCommand({line!r}, {timeout * 1000})", timeout + 10)
        self.call("window.__flush", timeout + 10)
        return out

    def click_command(self, css, timeout=30):
        """Click the element css (a real click, through WebDriver); the shell command the
        page typed for it and that command's output."""
        self.settle()
        start = self.js("return pimm.consoleLog().length")
        self.browser.click(css)
        self.call(f"pimm.waitConsole(/\\n[\\s\\S]*pimm> $/, {timeout * 1000}, {start})",
                  timeout + 10)
        text = self.js("return pimm.consoleLog()")[start:]
        line, _, out = text.partition("\n")
        return line.strip(), out[:-len("pimm> ")]

    def settle(self):
        """Wait until the page has drawn its last highlight: a view redraws every 600 ms
        while a block is highlighted (1.2 s after its event), and an element found before a
        redraw is gone when WebDriver clicks it."""
        self.call("pimm.waitIdle(2000, 30000)", 40)

    def clean(self):
        """No schema, model or console errors so far."""
        errs = self.js("return {schema: pimm.schemaErrors, model: pimm.modelErrors.map("
                       "(e) => e.msg)}")
        assert not errs["schema"], f"records broke the schema: {errs['schema'][:5]}"
        assert not errs["model"], f"events that do not fit the model: {errs['model'][:5]}"
        console = self.browser.console_errors()
        assert not console, f"the browser console has errors: {console[:5]}"

    def shoot(self, view, theme=""):
        self.call(f"(pimm.showTab({view!r}), pimm.render())")
        self.browser.screenshot(os.path.join(SHOTS, f"{self.name}-{view}{theme}.png"))

    def tail(self):
        self.log.flush()
        with open(self.log_path, errors="replace") as f:
            return f.read()[-3000:]

    def close(self):
        if self.browser:
            self.browser.close()
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)  # the server kills QEMU on its way out
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


_shared = []  # the Explorer the cases share, while none has failed


def explorer():
    """The shared Explorer, started on first use (SKIP when there is no headless Chromium)."""
    why = webdriver.available()
    if why:
        raise Skip(why)
    if not _shared:
        _shared.append(Explorer("explorer"))
    return _shared[0]


def shared_case(fn):
    """A case on the shared Explorer: on failure the Explorer is closed (its server log and
    screenshots stay in tools/testing/logs/explorer/) and the next case starts a new one."""
    def wrapper():
        try:
            fn(explorer())
        except Skip:
            raise
        except BaseException:
            if _shared:
                _shared.pop().close()
            raise
    wrapper.__name__ = fn.__name__
    return case(wrapper)


def buddyinfo(text):
    """{zone: [free blocks per order]} from `buddyinfo` output."""
    return {m.group(1): [int(x) for x in m.group(2).split()]
            for m in re.finditer(r"^Node 0, zone +(\w+) +((?:\d+ +){11})", text, re.M)}


def page_buddy(ex):
    """{zone: [free blocks per order]} as the page's buddy view shows them (its table cells)."""
    return ex.js("""const out = {};
        document.querySelectorAll('#view-buddy td[data-zone][data-order]').forEach((td) => {
          (out[td.dataset.zone] = out[td.dataset.zone] || [])[+td.dataset.order] =
            +td.textContent; });
        return out;""")


@shared_case
def page_loads_clean_and_draws_every_view(ex):
    assert "pimm> " in ex.console(), ex.console()[-500:]
    conn = ex.js("return pimm.connected")
    assert conn == {"console": True, "state": True}, conn
    assert ex.js("return pimm.records") > 0
    for view in VIEWS:
        ex.shoot(view)
    ex.browser.click("#theme-toggle")
    for view in VIEWS:
        ex.shoot(view, "-dark")
    ex.browser.click("#theme-toggle")
    ex.clean()


@shared_case
def alloc_splits_and_free_merges_as_buddyinfo_says(ex):
    ex.call("(pimm.showTab('buddy'), pimm.render())")
    before = buddyinfo(ex.command("buddyinfo"))
    assert page_buddy(ex) == before, (page_buddy(ex), before)
    out = ex.command("alloc 5")
    addr = re.search(r"0x([0-9a-f]{8})\s+0x[0-9a-f]{8}\s+5 ", out)
    assert addr, out
    after = buddyinfo(ex.command("buddyinfo"))
    assert after != before
    assert page_buddy(ex) == after, f"page {page_buddy(ex)} vs buddyinfo {after}"
    ex.shoot("buddy", "-after-alloc")
    # a click on a free block types `page PFN` for it, and the shell answers as if typed (an
    # order-10 block: the smallest are drawn 2 px wide and overlap their neighbours)
    block = "#buddy-zones rect.blk[data-order='10']"
    pfn = ex.js(f"return document.querySelector(\"{block}\").dataset.pfn")
    line, shown = ex.click_command(block)
    assert line == f"page {int(pfn):#x}", (line, pfn)
    assert shown == ex.command(line), (line, shown)
    ex.command(f"free 0x{addr.group(1)} 5")
    again = buddyinfo(ex.command("buddyinfo"))
    assert again == before, "free did not restore buddyinfo"
    assert page_buddy(ex) == again, f"page {page_buddy(ex)} vs buddyinfo {again}"
    ex.clean()


@shared_case
def walk_view_agrees_with_the_shell(ex):
    ex.call("(pimm.showTab('walk'), pimm.render())")
    for va in ("0x80100000", "0xffff0000", "0x00001000"):
        ex.browser.type("#walk-va", va)
        n = ex.js("return pimm.lines.length")
        ex.js("window.__walk = pimm.waitRecord((r) => r.t === 'walk', 10000); return 1")
        ex.browser.click("#walk-go")
        try:  # drawn by now, or at this render
            ex.call("window.__walk.then(() => pimm.render())")
        except AssertionError as e:
            raise AssertionError(f"walk {va}: {str(e)[:300]}\nrecords since the click: "
                                 f"{[x[:120] for x in ex.js('return pimm.lines')[n:]]}")
        shown = ex.js("return document.getElementById('walk-pa').textContent")
        shell = ex.command(f"walk {va}")
        pa = re.search(r"PA (0x[0-9a-f]{8})", shell)
        assert shown == (pa.group(1) if pa else "not mapped"), (va, shown, shell)
        l1 = re.search(r"L1 +(0x[0-9a-f]{8})", shell).group(1)
        pair = ex.js("return pimm.lastWalk.pgd.map((d) => '0x' + (d >>> 0).toString(16)"
                     ".padStart(8, '0'))")
        assert l1 in pair, (va, l1, pair)
    ex.shoot("walk", "-0x00001000")
    # a click on a region of the virtual layout walks its first address
    ex.call("(pimm.showTab('layout'), pimm.render())")
    va = int(ex.js("return document.querySelector('#layout-table [data-addr]').dataset.addr"))
    ex.settle()
    ex.js("window.__walk = pimm.waitRecord((r) => r.t === 'walk', 10000); return 1")
    ex.browser.click("#layout-table [data-addr]")
    ex.call("window.__walk.then(() => pimm.render())")
    assert ex.js("return document.getElementById('tab-walk').getAttribute('aria-selected')") \
        == "true", "a click on the layout did not open the walk view"
    pa = re.search(r"PA (0x[0-9a-f]{8})", ex.command(f"walk {va:#010x}"))
    shown = ex.js("return document.getElementById('walk-pa').textContent")
    assert shown == (pa.group(1) if pa else "not mapped"), (hex(va), shown)
    ex.clean()


@shared_case
def memory_view_lists_the_memblock_regions(ex):
    ex.call("(pimm.showTab('memory'), pimm.render())")
    rows = ex.js("""return [...document.querySelectorAll('#memory-table tbody tr')].map(
        (tr) => [...tr.cells].map((td) => td.textContent));""")
    for table, kind in (("memory", "memory"), ("reserved", "reserved")):
        shell = re.findall(r"^ +\d+: 0x([0-9a-f]{8})\.\.0x[0-9a-f]{8}  \w+ *(.*)$",
                           ex.command(f"memblock {table}"), re.M)
        page = [(r[1], r[3]) for r in rows if r[0] == kind]
        want = [("0x" + b, o.strip() if kind == "reserved" else "") for b, o in shell]
        assert [b for b, _ in page] == [b for b, _ in want], (kind, page, want)
        if kind == "reserved":
            assert page == want, (page, want)
    # a click on a reserved region runs `whatis` on its base, which names the same owner
    k, base, owner = next((k, r[1], r[3]) for k, r in enumerate(rows)
                          if r[0] == "reserved" and r[3])
    line, shown = ex.click_command(f"#memory-table tbody tr:nth-child({k + 1})")
    assert line == f"whatis {base}", (line, base)
    assert owner in shown, (owner, shown)
    ex.clean()


@shared_case
def torture_keeps_the_page_responsive_and_ends_exact(ex):
    ex.call("(pimm.showTab('buddy'), pimm.render())")
    ex.js("window.__done = pimm.waitFlush('torture 20000', 300000); return 1")
    ex.js("pimm.typeLine('torture 20000'); return 1")
    worst, rounds = 0.0, 0
    while not ex.js("return pimm.lastFlush && pimm.lastFlush.cmd === 'torture 20000' && "
                    "!pimm.lastFlush.running"):
        t0 = time.monotonic()
        ex.call("pimm.render()", 30)  # the page still draws a frame while events pour in
        worst = max(worst, time.monotonic() - t0)
        rounds += 1
        time.sleep(0.2)
    ex.call("window.__done", 30)
    ex.call("pimm.waitPrompt(60000)", 70)
    assert "torture: clean" in ex.console(), ex.console()[-1500:]
    print(f"# {rounds} renders awaited during torture, the slowest {worst:.2f} s", flush=True)
    assert ex.js("return pimm.resyncs") > 0, "torture never made the kernel resync"
    model = ex.js("return pimm.model.zones.map((z) => [z.name, z.nr_free, "
                  "z.blocks.map((b) => b.join(':')).sort(), z.pageblocks, z.free])")
    ex.js("window.__snap = pimm.waitSnapshot(20000); pimm.sendState('snapshot'); return 1")
    ex.call("window.__snap")
    fresh = ex.js("return pimm.model.zones.map((z) => [z.name, z.nr_free, "
                  "z.blocks.map((b) => b.join(':')).sort(), z.pageblocks, z.free])")
    assert model == fresh, "after torture the page's model differs from a fresh snapshot"
    ex.shoot("buddy", "-after-torture")
    ex.clean()


if __name__ == "__main__":
    try:
        run()
    finally:
        while _shared:
            _shared.pop().close()
