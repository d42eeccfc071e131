"""grade.py - the public tests of lab6 (the buddy allocator): expand, __free_one_page with
find_buddy_page_pfn and page_is_buddy, and buddy_merge_likely.

Every test reads the free lists of zone Normal with `buddy Normal 4 10` (each free block of
orders 4-10, list by list, head first) and replays its operations against a small model of
Linux's rules (buddymodel.py), starting from what the kernel listed. The operations are
`alloc ORDER movable` and `free ADDR ORDER` of orders 4 to 10: those bypass the per-CPU lists,
so each one is exactly one __rmqueue_smallest (with expand) or one __free_one_page. After every
operation the kernel's lists must equal the model's; the first divergence is reported as
"op K: <op>: <function>: expected ..., got ...".
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from grading import GradeError, test  # noqa: E402
from buddymodel import (FIRST, MAX_ORDER, Buddy, first_difference, parse_buddyinfo,  # noqa: E402
                        parse_lists)

LISTS = f"buddy Normal {FIRST} {MAX_ORDER - 1}"
ALLOC_ROW = re.compile(r"^   (0x[0-9a-f]+) +(0x[0-9a-f]{8}) ", re.M)
PAGE_SHIFT = 12


class Session:
    """One booted kernel and the model of its free lists, replaying operations in step.

    Blocks are named by labels; each label keeps the pfn the kernel gave and the one the model
    expected (they differ once the kernel went wrong). The first divergence is kept in
    `diverged`; resync() starts the model again from the kernel's lists."""

    def __init__(self, t, m):
        self.t, self.m, self.ops = t, m, 0
        self.live = {}          # label -> [kernel pfn, model pfn, order]
        self.diverged = None
        self.resync()
        if self.known_marks:
            pfn, order, note = self.known_marks[0]
            self._diverge(f"expand or __free_one_page: already at the prompt, the order-{order} "
                          f"block at pfn {pfn:#x} is on its list but its head page is not "
                          f"marked free at order {order} (set_buddy_order): {note}")

    def cmd(self, line):
        """A shell command; when the kernel crashes or hangs on it, the report also gives the
        first divergence seen before (the likely cause)."""
        try:
            return self.t.cmd(self.m, line)
        except GradeError as e:
            if self.diverged:
                raise GradeError(f"{e}; before it, {self.diverged}") from None
            raise

    def lists(self, marks=None):
        """The kernel's free lists of orders FIRST..10 ({(order, type): [pfn]}); the blocks
        whose head is not marked PageBuddy of their order are added to marks."""
        lists, _, bad = parse_lists(self.cmd(LISTS))
        if marks is not None:
            marks += bad
        return lists

    def resync(self):
        """Model := the kernel's lists now (live blocks: where the kernel put them; badly
        marked blocks already reported are not reported again)."""
        self.known_marks = []
        self.model = Buddy(self.lists(self.known_marks))
        for block in self.live.values():
            block[1] = block[0]
        self.diverged = None

    def _diverge(self, text):
        """Record the first divergence (later ones follow from it)."""
        if self.diverged is None:
            self.diverged = f"op {self.ops}: {text}"

    def _compare(self, op, fn, order_fn):
        """After an operation: the kernel's lists against the model's; names fn (blocks
        differ) or order_fn (the same blocks in another order) in the divergence."""
        marks = []
        diff = first_difference(self.model.snapshot(), self.lists(marks))
        marks = [mk for mk in marks if mk not in self.known_marks]
        if diff and self.diverged is None:
            kind, text = diff
            self._diverge(f"{op}: {order_fn if kind == 'order' else fn}: {text}")
        if marks and self.diverged is None:
            pfn, order, note = marks[0]
            self._diverge(f"{op}: {fn}: the order-{order} block at pfn {pfn:#x} is on its "
                          f"list but its head page is not marked free at order {order} "
                          f"(set_buddy_order): {note}")
        return diff is None and not marks

    def alloc(self, order, label):
        """`alloc ORDER movable` in both; False when the kernel gave no block."""
        self.ops += 1
        want = self.model.alloc(order)
        out = self.cmd(f"alloc {order} movable")
        row = ALLOC_ROW.search(out)
        op = f"alloc {order}"
        where = (f"the block at pfn {want:#x}" if want is not None
                 else "no block (the lists hold none)")
        if not row:
            self._diverge(f"{op}: expected {where}, got: "
                          f"{out.strip().splitlines()[-1] if out.strip() else 'no output'}")
            return False
        got = int(row.group(1), 16)
        self.live[label] = [got, want, order]
        if got != want:
            self._diverge(f"{op}: expected {where} (the head of the "
                          f"smallest Movable list of order >= {order}, split by expand), "
                          f"got pfn {got:#x}")
        self._compare(op, "expand", "expand")
        return True

    def free(self, label):
        """`free ADDR ORDER` of a live block in both."""
        self.ops += 1
        if label not in self.live:  # its alloc failed (already a divergence)
            return
        got, want, order = self.live.pop(label)
        op = f"free {got << PAGE_SHIFT:#010x} {order}"
        out = self.cmd(f"free {got << PAGE_SHIFT:#x} {order}")
        if want is not None:
            self.model.free_block(want, order)
        if not out.startswith("freed order-"):
            self._diverge(f"{op}: the shell refused it: {out.strip()}")
        self._compare(op, "__free_one_page", "buddy_merge_likely")

    def drain_lists(self, low):
        """Allocate every Movable block of orders low..9 (smallest order first): those lists
        are then empty, and the next split comes from the head of the order-10 list."""
        n = 0
        for order in range(low, MAX_ORDER - 1):
            for _ in range(len(self.model.lists.get((order, "Movable"), []))):
                self.alloc(order, f"drain{n}")
                n += 1
        return n

    def check(self, what, ok_text):
        """One check of everything replayed since the last one (then resync)."""
        diverged = self.diverged
        self.t.check(diverged is None, what, expected=ok_text, got=diverged or "")
        if diverged is not None:
            self.resync()
        return diverged is None


def buddyinfo_agrees(t, m, s, what):
    """buddyinfo's counts of orders FIRST..10 equal the model's blocks per order."""
    got = parse_buddyinfo(t.cmd(m, "buddyinfo"))
    got = got[FIRST:] if got else None
    want = s.model.counts()
    t.check(got == want, f"buddyinfo of orders {FIRST}-10 agrees with the free lists ({what}: "
            "nr_free kept by expand / __free_one_page)", expected=str(want), got=str(got))


# -- tests ------------------------------------------------------------------------------------
@test("expand: an allocation splits the smallest free block, one free half per lower order",
      points=20)
def split(t):
    """The Movable lists of orders k..9 are emptied first (k random, 4-8), so `alloc k` must
    split the head of the order-10 list: the kernel keeps its first 2^k pages and puts one
    block of each order k..9 at the head of its list. Two more allocations of order k take the
    fresh order-k half, then split the order-(k+1) half."""
    k = t.rng.randrange(FIRST, 9)
    m = t.boot()
    s = Session(t, m)
    n = s.drain_lists(k)
    s.check(f"the {n} Movable blocks of orders {k}-9 go first, smallest order first, each the "
            "head of its list (no split needed: the boot's lists as listed)",
            "the lists equal the model's after every allocation")
    head = s.model.lists.get((MAX_ORDER - 1, "Movable"), [None])[0]
    t.note(f"order k = {k}; the head of the order-10 Movable list: "
           f"{'none' if head is None else hex(head)}")
    s.alloc(k, "a")
    s.check(f"expand: alloc {k} splits the order-10 block at the head of its list, keeps "
            f"its first 2^{k} pages and frees one block of each order {k}..9 above them, each "
            "at the head of its list", "the lists equal the model's")
    s.alloc(k, "b")
    s.alloc(k, "c")
    s.check(f"expand: two more alloc {k} take the free order-{k} half, then split the "
            f"order-{k + 1} one", "the lists equal the model's")
    buddyinfo_agrees(t, m, s, "after the splits")


@test("__free_one_page: a freed block merges with its free buddy, order by order", points=30)
def merge(t):
    """With the Movable lists of orders k-1..9 emptied (k random, 5-7), three scenarios in one
    order-10 block, each checked after every operation: two buddies freed merge back up to
    order 10; a block whose buddy's first page is a free block of a lower order must not merge
    with it (page_is_buddy); of two blocks freed onto the same list, the one whose parent's
    buddy is free goes to the tail, the other to the head (buddy_merge_likely)."""
    k = t.rng.randrange(FIRST + 1, 8)
    m = t.boot()
    s = Session(t, m)
    s.drain_lists(k - 1)
    t.note(f"order k = {k}")
    s.resync()  # the merge scenarios start from the kernel's lists whatever the drain did

    s.alloc(k, "a")
    s.alloc(k, "b")
    first, second = t.rng.sample(["a", "b"], 2)
    s.free(first)
    s.free(second)
    s.check(f"__free_one_page: two order-{k} buddies freed merge with each other and with "
            "every free buddy above, back to one order-10 block",
            "the lists equal the model's after every operation")

    s.alloc(k, "a")                 # P
    s.alloc(k - 1, "c1")            # P + 2^k, splitting the order-k half
    s.alloc(k - 1, "c2")            # P + 2^k + 2^(k-1)
    s.free("c1")                    # stays free at order k-1: its buddy c2 is in use
    s.free("a")                     # its buddy's first page is the free order-(k-1) block c1
    s.free("c2")                    # now everything merges back up
    s.check(f"page_is_buddy: an order-{k} block does not merge with a free order-{k - 1} "
            f"block at its buddy's place; freeing the rest merges all to order 10",
            "the lists equal the model's after every operation")

    s.alloc(k, "p")                 # P: split
    s.alloc(k, "q")                 # P + 2^k
    s.alloc(k + 1, "r")             # P + 2^(k+1)
    s.alloc(k, "s1")                # R = P + 2^(k+2): split, R + 2^(k+1) stays free
    s.alloc(k, "s2")                # R + 2^k
    s.free("p")                     # parent's buddy r in use: head
    s.free("s1")                    # parent's buddy R + 2^(k+1) free: tail
    s.alloc(k, "x")                 # the head of the order-k list: p's block again
    for label in t.rng.sample(sorted(s.live), len(s.live)):
        if not label.startswith("drain"):
            s.free(label)
    s.check(f"buddy_merge_likely: a freed order-{k} block whose parent's buddy is free goes "
            "to the list tail, one whose parent's buddy is in use to the head (and the next "
            f"alloc {k} takes the head)", "the lists equal the model's after every operation")
    buddyinfo_agrees(t, m, s, "after the merges")


def random_trace(t, s, nops):
    """nops seeded random operations: alloc of orders 4-10 (small ones more often) while less
    than 64 MiB is live, free of a random live block (named by the op that allocated it)."""
    orders = [4] * 4 + [5] * 3 + [6] * 3 + [7] * 2 + [8] * 2 + [9, 10]
    made = []
    for i in range(nops):
        live_pages = sum(1 << b[2] for b in s.live.values())
        if not s.live or (t.rng.random() < 0.55 and live_pages < 16384):
            order = t.rng.choice(orders)
            made.append(f"alloc {order}")
            s.alloc(order, f"op{s.ops + 1}")
        else:
            label = t.rng.choice(sorted(s.live))
            made.append(f"free ({label}'s block)")
            s.free(label)
    return made


def mm_check_clean(t, m, what):
    """mm-check's allocator stage reports no violation (free buddies left unmerged are one).
    Only that stage: in a later lab's tree another stage may be unwritten (lab7's CMA
    pageblocks), which is not this lab's business."""
    out = t.cmd(m, "mm-check")
    lines = [line for line in out.splitlines() if line.startswith("mm-check: allocator:")]
    clean = len(lines) == 1 and lines[0].startswith("mm-check: allocator: ok")
    bad = [line for line in lines if not line.startswith("mm-check: allocator: ok")]
    t.check(clean, f"mm-check: the free lists keep every invariant, every free buddy merged "
            f"({what})", expected="mm-check: allocator: ok",
            got="" if clean else "; ".join(bad[:3]) or out.strip()[-300:])


@test("a seeded random trace of allocations and frees matches the model, operation by operation",
      points=30)
def trace(t):
    """The boot's Movable blocks of orders 4-9 are allocated first (so that the trace splits
    and merges order-10 blocks), then 40 random `alloc ORDER movable` / `free` of orders 4-10
    (a drained block may be freed too); after each operation the kernel's lists must equal
    the model's (the first divergence is reported)."""
    m = t.boot()
    s = Session(t, m)
    s.drain_lists(FIRST)
    made = random_trace(t, s, 40)
    t.note("trace: " + ", ".join(f"op{i + 1} {op}" for i, op in enumerate(made)))
    s.check("the free lists equal the model's after each operation: the drain, then the 40 "
            "of the trace (expand, "
            "__free_one_page, buddy_merge_likely)", "no divergence")
    buddyinfo_agrees(t, m, s, "after the trace")
    mm_check_clean(t, m, "after the trace")


@test("after freeing everything, buddyinfo and mm-check are the boot's", points=20)
def restore(t):
    """mm-check at the prompt (memblock_free_all gave every free page to __free_one_page),
    then the boot's Movable blocks of orders 4-9 allocated, a random trace of 30 operations,
    then every live block freed in random order: with every buddy merged back, the free lists
    hold exactly the boot's blocks (buddyinfo equal, after draining the per-CPU lists both
    times) and mm-check is clean."""
    m = t.boot()
    mm_check_clean(t, m, "at the prompt: the boot's frees went through __free_one_page")
    t.cmd(m, "drain")
    before = parse_buddyinfo(t.cmd(m, "buddyinfo"))
    lists_before = parse_lists(t.cmd(m, LISTS))[0]
    s = Session(t, m)
    s.drain_lists(FIRST)
    made = random_trace(t, s, 30)
    for label in t.rng.sample(sorted(s.live), len(s.live)):
        s.free(label)
    t.note("trace: " + ", ".join(made) + ", then free all")
    t.cmd(m, "drain")
    after = parse_buddyinfo(t.cmd(m, "buddyinfo"))
    t.check(after == before, "__free_one_page: after freeing every block, buddyinfo equals the "
            "boot's (each split merged back)", expected=str(before), got=str(after))
    sets = lambda ls: {k: sorted(v) for k, v in ls.items() if v}
    diff = first_difference(sets(lists_before), sets(s.lists()))
    t.check(diff is None, f"the free blocks of orders {FIRST}-10 are the boot's (as sets)",
            expected="the same blocks", got=diff[1] if diff else "")
    mm_check_clean(t, m, "after freeing everything")
