"""buddymodel.py - a small model of one zone's buddy free lists, for lab 6's tests (grade.py).

The model holds the free blocks of the orders the tests use (4..10: larger than the per-CPU
lists' orders, so every `alloc` and `free` of the tests goes through the buddy lists directly)
and replays Linux's rules on them:

    alloc ORDER    __rmqueue_smallest: the head of the smallest non-empty list of ORDER or more
                   (of the request's migratetype), then expand: the upper halves go to the
                   heads of the lists one order below each, down to ORDER
    free PFN ORDER __free_one_page: merge with the buddy (PFN ^ 2^order) while it is a free
                   block of the same order, then the block goes to the tail of its list if
                   the buddy of its parent is free (buddy_merge_likely), else to the head

Blocks are compared with the kernel's `buddy ZONE FIRST LAST` listing, list by list, head first.
"""
import re

MAX_ORDER = 11
FIRST = 4                       # the lowest order the tests allocate (above the pcp orders)
TYPES = ["Unmovable", "Movable", "Reclaimable", "HighAtomic", "CMA", "Isolate"]
ROW = re.compile(r"^ +(\d+) (\w+) +(\d+)  (0x[0-9a-f]+)  (0x[0-9a-f]{8})(?:  \((.*)\))?$", re.M)
SUM = re.compile(r"^order (\d+): (\d+) blocks on the lists, nr_free (\d+)$", re.M)


def parse_lists(out):
    """`buddy ZONE FIRST LAST` -> ({(order, type): [pfn, ...] head first}, {order: nr_free},
    [(pfn, order, note)] of the blocks whose head is not marked PageBuddy of their order)."""
    lists, marks = {}, []
    for order, mt, _pos, pfn, _pa, note in ROW.findall(out):
        lists.setdefault((int(order), mt), []).append(int(pfn, 16))
        if note:
            marks.append((int(pfn, 16), int(order), note))
    nr_free = {int(o): int(n) for o, _seen, n in SUM.findall(out)}
    return lists, nr_free, marks


def parse_buddyinfo(out, zone="Normal"):
    """The free block counts per order of one zone in `buddyinfo`, or None."""
    mo = re.search(rf"^Node 0, zone +{zone} +((?:\d+ +){{{MAX_ORDER}}})", out + " ", re.M)
    return [int(x) for x in mo.group(1).split()] if mo else None


def show_block(pfn, order):
    """'pfn 0x3c400 (order 5)' for reports."""
    return f"pfn {pfn:#07x} (order {order})"


class Buddy:
    """The free lists of orders FIRST..MAX_ORDER-1 of one zone."""

    def __init__(self, lists):
        """lists: {(order, type): [pfn head first]} as parse_lists returns."""
        self.lists = {k: list(v) for k, v in lists.items() if v}
        self.free = {pfn: (o, mt) for (o, mt), pfns in self.lists.items() for pfn in pfns}

    def _add(self, pfn, order, mt, tail=False):
        """Put a free block on a list, at its head or its tail."""
        lst = self.lists.setdefault((order, mt), [])
        if tail:
            lst.append(pfn)
        else:
            lst.insert(0, pfn)
        self.free[pfn] = (order, mt)

    def _remove(self, pfn):
        """Take a free block off its list; (order, type)."""
        order, mt = self.free.pop(pfn)
        self.lists[(order, mt)].remove(pfn)
        return order, mt

    def alloc(self, order, mt="Movable"):
        """The pfn `alloc ORDER` gets (None: no block), split as expand does."""
        for current in range(order, MAX_ORDER):
            if self.lists.get((current, mt)):
                pfn = self.lists[(current, mt)][0]
                self._remove(pfn)
                for high in range(current - 1, order - 1, -1):
                    self._add(pfn + (1 << high), high, mt)
                return pfn
        return None

    def is_free_at(self, pfn, order):
        """Is pfn the head of a free block of exactly this order (page_is_buddy)?"""
        return self.free.get(pfn, (None,))[0] == order

    def free_block(self, pfn, order, mt="Movable"):
        """Free the block as __free_one_page does; (pfn, order) of the block it ends as."""
        buddy = 0
        while order < MAX_ORDER - 1:
            buddy = pfn ^ (1 << order)
            if not self.is_free_at(buddy, order):
                break
            self._remove(buddy)
            pfn &= buddy
            order += 1
        tail = False
        if order < MAX_ORDER - 2:
            higher = buddy & pfn
            tail = self.is_free_at(higher ^ (1 << (order + 1)), order + 1)
        self._add(pfn, order, mt, tail)
        return pfn, order

    def counts(self):
        """Free blocks per order FIRST..MAX_ORDER-1 (any type)."""
        return [sum(len(v) for (o, _), v in self.lists.items() if o == order)
                for order in range(FIRST, MAX_ORDER)]

    def snapshot(self):
        """{(order, type): [pfn head first]} without empty lists."""
        return {k: list(v) for k, v in self.lists.items() if v}


def first_difference(want, got):
    """The first list where two snapshots differ, in words, and what kind of difference it is:
    ("order", text) when the same blocks are listed in another order, ("blocks", text) when
    blocks are missing or extra; None when equal."""
    keys = sorted(set(want) | set(got), key=lambda k: (k[0], TYPES.index(k[1])
                                                        if k[1] in TYPES else 99))
    for key in keys:
        w, g = want.get(key, []), got.get(key, [])
        if w == g:
            continue
        name = f"order-{key[0]} {key[1]} list"
        text = (f"{name} (head first): expected [{', '.join(f'{p:#x}' for p in w[:8])}"
                f"{' ...' if len(w) > 8 else ''}], got [{', '.join(f'{p:#x}' for p in g[:8])}"
                f"{' ...' if len(g) > 8 else ''}]")
        if sorted(w) == sorted(g):
            return "order", text
        missing = sorted(set(w) - set(g))
        extra = sorted(set(g) - set(w))
        more = []
        if missing:
            more.append("missing " + ", ".join(f"{p:#x}" for p in missing[:4]))
        if extra:
            more.append("unexpected " + ", ".join(f"{p:#x}" for p in extra[:4]))
        return "blocks", f"{text} ({'; '.join(more)})"
    return None
