"""grade.py - the public tests of lab0 (the shell: cmdline_split, parse_u64, hex_dump_line).

Every input is generated from the test's seed and every expected answer is recomputed here:
the words of a shell line from a small model of the splitting rules, numbers from Python's own
arithmetic, and the memory `peek` shows from the QEMU monitor reading the same addresses.
"""
import re

from grading import test

MAX_ARGS = 16  # SHELL_MAX_ARGS, include/pimm/shell.h
LINE_MAX = 256  # SHELL_LINE_MAX, include/pimm/shell.h
DTB_PA = 0x08000000  # where QEMU loads the device tree (docs/design.md)
PLAIN = "abcdefghijklmnopqrstuvwxyz0123456789_.-+/"


def clean(text):
    """Console text without carriage returns and trailing blanks."""
    return "\n".join(line.rstrip() for line in text.replace("\r", "").split("\n")).strip()


def random_word(rng):
    """(typed, meant): one shell word made of plain and double-quoted pieces, as typed, and the
    argument cmdline_split must make of it (quotes removed, spaces inside quotes kept)."""
    typed, meant = "", ""
    for _ in range(rng.randint(1, 4)):
        kind = rng.random()
        if kind < 0.5:
            piece = "".join(rng.choice(PLAIN) for _ in range(rng.randint(1, 6)))
            typed, meant = typed + piece, meant + piece
        elif kind < 0.9:
            inner = " ".join("".join(rng.choice(PLAIN) for _ in range(rng.randint(1, 4)))
                             for _ in range(rng.randint(1, 3)))
            inner = " " * rng.randint(0, 1) + inner + " " * rng.randint(0, 1)
            typed, meant = typed + '"' + inner + '"', meant + inner
        else:
            typed += '""'
    return typed, meant


def spaces(rng, low=0, high=3):
    """A run of low..high spaces."""
    return " " * rng.randint(low, high)


@test("cmdline_split: words, runs of spaces, double quotes and the limits", points=10)
def split(t):
    """help WORD echoes WORD in its error, so each line shows what the split made of it."""
    m = t.boot()
    rng = t.rng
    for _ in range(6):
        typed, meant = random_word(rng)
        meant = "zz" + meant  # never a real command name
        line = spaces(rng) + "help" + spaces(rng, 1) + "zz" + typed + spaces(rng)
        out = clean(t.cmd(m, line))
        t.check(out == f"help: no such command '{meant}'",
                f"cmdline_split of the line {line!r}: two words, the second {meant!r}",
                expected=f"help: no such command '{meant}'", got=out)
    words = [random_word(rng)[0] for _ in range(rng.randint(2, MAX_ARGS - 1))]
    line = "help " + spaces(rng, 1).join(words)
    while len(line) > LINE_MAX - 1:  # the shell keeps at most LINE_MAX - 1 typed characters
        words.pop()
        line = "help " + spaces(rng, 1).join(words)
    out = clean(t.cmd(m, line))
    t.check(out.startswith("usage: help"),
            f"cmdline_split of a line of {len(words) + 1} words: help sees them all (usage)",
            expected="usage: help [CMD]", got=out)
    out = clean(t.cmd(m, '"he"lp ""'))
    t.check(out == "help: no such command ''",
            "cmdline_split: quotes inside the command word, and \"\" is an empty argument",
            expected="help: no such command ''", got=out)
    line = " ".join(["help"] + ["w%d" % i for i in range(MAX_ARGS - 1)])
    out = clean(t.cmd(m, line))
    t.check(out.startswith("usage: help"),
            f"cmdline_split: exactly {MAX_ARGS} words fit (max = {MAX_ARGS})",
            expected="usage: help [CMD]", got=out)
    line = " ".join(["help"] + ["w%d" % i for i in range(MAX_ARGS)])
    out = clean(t.cmd(m, line))
    t.check(out == f"shell: too many arguments (max {MAX_ARGS})",
            f"cmdline_split: {MAX_ARGS + 1} words return -E2BIG",
            expected=f"shell: too many arguments (max {MAX_ARGS})", got=out)
    line = 'help "' + random_word(rng)[1].replace('"', "")
    out = clean(t.cmd(m, line))
    t.check(out == "shell: unterminated quote",
            f"cmdline_split: an open quote ({line!r}) returns -EINVAL",
            expected="shell: unterminated quote", got=out)


def render(rng, value):
    """value (a multiple of its suffix unit, or any) written in one of the accepted forms:
    (text, value). Forms: decimal, 0x hex (either case, leading zeros), K/M/G suffix."""
    for shift, letter in ((30, "G"), (20, "M"), (10, "K")):
        if value and value % (1 << shift) == 0 and rng.random() < 0.7:
            n = value >> shift
            body = str(n) if rng.random() < 0.5 else "0x%x" % n
            return body + rng.choice((letter, letter.lower())), value
    form = rng.random()
    if form < 0.4:
        return str(value), value
    digits = "%x" % value
    if form < 0.6:
        digits = digits.upper()
    return rng.choice(("0x", "0X")) + "0" * rng.randint(0, 2) + digits, value


def address_in(out):
    """The address the peek output shows: an alignment complaint, a fault, or a dump line."""
    m = re.search(r"address 0x([0-9a-f]{8}) is not word aligned|read at 0x([0-9a-f]{8}) "
                  r"faulted|^0x([0-9a-f]{8}):", out, re.M)
    return int(next(g for g in m.groups() if g), 16) if m else None


@test("parse_u64: decimal, 0x hex, K/M/G suffixes, and every bad number refused", points=10)
def numbers(t):
    """peek echoes the address it parsed (not aligned, or a fault below PAGE_OFFSET)."""
    m = t.boot()
    rng = t.rng
    values = [rng.randrange(1, 1 << 31) | 1 for _ in range(3)]
    values += [rng.randrange(1, 1 << 11) << 20, rng.randrange(1, 1 << 21) << 10, 1 << 30]
    values += [rng.randrange(1, 1 << 31) & ~3 | rng.choice((1, 2, 3))]
    for v in values:
        text, v = render(rng, v)
        out = clean(t.cmd(m, f"peek {text}"))
        got = address_in(out)
        t.check(got == v, f"parse_u64({text!r}) = {v:#x}",
                expected=f"address {v:#010x}", got=out.split("\n")[0])
    bad = ["0x", "", "12Q", "1KB", "-4", "0x1 2", "k", "0x12g3", "1M0", "0xg"]
    for text in rng.sample(bad, 5):
        out = clean(t.cmd(m, f'peek "{text}"'))
        t.check(out.startswith(f"peek: bad address '{text}'"),
                f"parse_u64({text!r}) is -EINVAL (not a whole number)",
                expected=f"peek: bad address '{text}' ...", got=out.split("\n")[0])
    big = [str(rng.randrange(1 << 32, 1 << 63)), "%dG" % rng.randint(4, 1000),
           "0x1%08x" % rng.randrange(1 << 32), str((1 << 64) + rng.randrange(1 << 32)),
           "0x%x" % rng.randrange(1 << 64, 1 << 70), "%dM" % ((1 << 44) + rng.randrange(99))]
    for text in rng.sample(big, 4):
        out = clean(t.cmd(m, f"peek {text}"))
        t.check(out.startswith(f"peek: address '{text}' is out of range"),
                f"parse_u64({text!r}) overflows 32 bits: -ERANGE (never a wrapped value)",
                expected=f"peek: address '{text}' is out of range ...", got=out.split("\n")[0])


def text_range(boot_log):
    """(start, end) of the kernel's .text from the boot log's memory layout."""
    m = re.search(r"\.text : 0x([0-9a-f]+) - 0x([0-9a-f]+)", boot_log)
    return int(m.group(1), 16), int(m.group(2), 16)


def monitor_words(m, addr, n):
    """n words at virtual address addr as the QEMU monitor reads them (the MMU's view)."""
    text = m.monitor(f"x /{n}wx {addr:#x}")
    words = []
    for line in text.split("\n"):
        if ":" in line:
            words += [int(w, 16) for w in re.findall(r"0x([0-9a-f]{8})", line.split(":", 1)[1])]
    return words


@test("hex_dump_line: peek prints what the MMU reads, four words a line", points=10)
def hexdump(t):
    """peek at random places of the kernel's text and at the device tree's header: neither
    changes meanwhile."""
    m = t.boot()
    rng = t.rng
    start, end = text_range(m.boot_log)
    line_rx = re.compile(r"^0x([0-9a-f]{8}):((?: [0-9a-f]{8}){1,4})$")
    lowmem = int(re.search(r"lowmem  : 0x([0-9a-f]+)", m.boot_log).group(1), 16)
    places = []
    for _ in range(4):
        n = rng.choice((1, 2, 3, 4, 5, rng.randint(6, 40)))
        places.append((rng.randrange(start, end - 4 * n) & ~3, n))
    # the device tree's header and /memreserve/ block (through the linear map): small words
    places.insert(rng.randrange(5), (lowmem + DTB_PA, rng.randint(14, 24)))
    for addr, n in places:
        out = clean(t.cmd(m, f"peek {addr:#x} {n}"))
        lines = out.split("\n")
        want = monitor_words(m, addr, n)
        expect_lines = (n + 3) // 4
        ok = len(lines) == expect_lines and all(line_rx.match(l) for l in lines)
        t.check(ok, f"hex_dump_line: `peek {addr:#x} {n}` is {expect_lines} line(s) of "
                    "'0xADDRESS:' and 1-4 words of 8 hex digits",
                expected=f"{expect_lines} lines like 0x{addr:08x}: xxxxxxxx ...",
                got=" | ".join(lines[:3]))
        if not ok:
            continue
        addrs = [int(line_rx.match(l).group(1), 16) for l in lines]
        got = [int(w, 16) for l in lines for w in line_rx.match(l).group(2).split()]
        t.check(addrs == [addr + 16 * i for i in range(expect_lines)],
                f"hex_dump_line: each line of `peek {addr:#x} {n}` starts with its own address",
                expected=" ".join("%#010x" % (addr + 16 * i) for i in range(expect_lines)),
                got=" ".join("%#010x" % a for a in addrs))
        t.check(got == want, f"hex_dump_line: the words of `peek {addr:#x} {n}` are memory's",
                expected=" ".join("%08x" % w for w in want),
                got=" ".join("%08x" % w for w in got))
