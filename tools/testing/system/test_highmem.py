#!/usr/bin/env python3
"""Highmem, live: `kmap`, `kunmap`, `kmap_local`, `pkmap`, their `whatis` lines and the "pkmap"
stage of `mm-check`, on the 3G build (HighMem holds RAM from 0x30000000) and the 2G one (none:
kmap of a lowmem page answers its linear address).

Expected values come from elsewhere, never typed in: PKMAP_BASE = PAGE_OFFSET - 2 MiB from the
boot log's layout line, the page's physical address from `alloc`, the PTE from `walk` checked
against the QEMU monitor (gva2gpa, xp), the fixmap slot from Linux 6.1's formula
(FIXADDR_TOP - (1 + 16 * cpu + depth) * 4 KiB). The wrap-around kmaps 600 different pages,
unmapping each: slots 1..511, one flush, then 0, 1, ... again.
"""
import re

from systest import boot, case, expect_error, run, symbol

SPLIT_3G = ["-Dvmsplit=3G"]
FIXADDR_TOP = 0xFFEFF000
KM_MAX_IDX = 16
LAST_PKMAP = 512


def pkmap_base(m):
    """PKMAP_BASE, from the boot log's layout line (`    pkmap   : 0x... - 0x...`)."""
    mo = re.search(r"pkmap   : 0x([0-9a-f]{8}) - 0x([0-9a-f]{8})", m.cmd("dmesg"))
    assert mo, "no pkmap line in dmesg"
    return int(mo.group(1), 16)


def alloc(m, line):
    """Run an `alloc` line; (phys, virt or None for highmem)."""
    out = m.cmd(line)
    mo = re.search(r"^   0x[0-9a-f]+ +(0x[0-9a-f]{8})  (0x[0-9a-f]{8}|\(highmem\)) ", out, re.M)
    assert mo, f"{line!r}: {out!r}"
    return int(mo.group(1), 16), None if mo.group(2) == "(highmem)" else int(mo.group(2), 16)


def kmap(m, pa):
    """`kmap PA` of a HighMem page: (slot, va, count)."""
    out = m.cmd(f"kmap {pa:#x}")
    mo = re.fullmatch(rf"page 0x{pa:08x}: pkmap slot (\d+)  va 0x([0-9a-f]{{8}})  count (\d+) "
                      r"\(.*\)\n", out)
    assert mo, out
    return int(mo.group(1)), int(mo.group(2), 16), int(mo.group(3))


def kunmap(m, addr):
    """`kunmap ADDR`: (slot, count after)."""
    out = m.cmd(f"kunmap {addr:#x}")
    mo = re.fullmatch(r"page 0x[0-9a-f]{8}: pkmap slot (\d+)  va 0x[0-9a-f]{8}  count (\d+) -> "
                      r"(\d+) \(.*\)\n", out)
    assert mo, out
    assert int(mo.group(2)) == int(mo.group(3)) + 1, out
    return int(mo.group(1)), int(mo.group(3))


def pkmap(m):
    """`pkmap`: (header fields, {slot: (va, page, count)})."""
    out = m.cmd("pkmap")
    head = re.match(r"pkmap: 0x([0-9a-f]{8})-0x([0-9a-f]{8}), 512 slots, last_pkmap_nr (\d+), "
                    r"(\d+) wrap flushes \((\d+) slots freed\)\n", out)
    assert head, out
    rows = re.findall(r"^ +(\d+)  0x([0-9a-f]{8})  0x([0-9a-f]{8}) +(\d+)  ", out, re.M)
    slots = {int(s): (int(v, 16), int(p, 16), int(c)) for s, v, p, c in rows}
    assert re.search(rf"^pkmap: {len(slots)} slots? mapped$", out, re.M), out
    fields = {"base": int(head.group(1), 16), "end": int(head.group(2), 16),
              "last": int(head.group(3)), "flushes": int(head.group(4)),
              "freed": int(head.group(5))}
    return fields, slots


def mmcheck_clean(m):
    out = m.cmd("mm-check")
    assert re.search(r"^mm-check: pkmap: ok \(", out, re.M), out
    assert re.search(r"\d+ checks, 0 violations", out), out
    return out


def qemu_pa(m, va):
    out = m.monitor(f"gva2gpa {va:#x}")
    mo = re.search(r"gpa: (0x[0-9a-f]+)", out)
    return int(mo.group(1), 16) if mo else None


def qemu_word(m, pa):
    out = m.monitor(f"xp /1wx {pa:#x}")
    return int(re.search(r":\s+(0x[0-9a-f]+)", out).group(1), 16)


@case
def kmap_kunmap_pkmap_walk_3g():
    m = boot(options=SPLIT_3G)
    base = pkmap_base(m)
    pa, virt = alloc(m, "alloc 0 highmem")
    assert virt is None
    assert "kmap: not kmapped (no pkmap slot)" in m.cmd(f"whatis {pa:#x}")
    slot, va, count = kmap(m, pa)
    assert (slot, va, count) == (1, base + 4096, 2), (slot, va, count)  # first slot is 1
    assert kmap(m, pa) == (1, va, 3)  # a second user: same slot
    fields, slots = pkmap(m)
    assert (fields["base"], fields["end"], fields["last"]) == (base, base + 0x200000, 1), fields
    assert slots == {1: (va, pa, 3)}, slots
    # walk and the MMU (QEMU's own translation) agree on the pkmap PTE
    walk = m.cmd(f"walk {va:#x}")
    assert re.search(rf"PA 0x{pa:08x}\n", walk) and "(agrees)" in walk, walk
    assert "MEM/CACHED/WBWA" in walk and "XN" in walk, walk  # kmap_prot = PAGE_KERNEL
    assert qemu_pa(m, va) == pa
    assert m.cmd(f"poke {va + 8:#x} 0x6b6b1234").strip() == f"0x{va + 8:08x}: 6b6b1234"
    assert qemu_word(m, pa + 8) == 0x6B6B1234  # written through the pkmap VA
    who = m.cmd(f"whatis {va:#x}")
    assert f"pkmap: slot 1, count 3 (2 users), page 0x{pa:08x}" in who, who
    assert f"kmap: kmapped at 0x{va:08x}, pkmap slot 1, count 3" in m.cmd(f"whatis {pa:#x}")
    mmcheck_clean(m)
    assert kunmap(m, va) == (1, 2)  # by VA
    assert kunmap(m, pa) == (1, 1)  # by page: no user left, PTE kept until a wrap
    assert qemu_pa(m, va) == pa
    expect_error(m, f"kunmap {pa:#x}", "no kmap user")
    expect_error(m, f"kunmap {va:#x}", "no kmap user")
    assert "count 1 (no user" in m.cmd(f"whatis {va:#x}")
    out = mmcheck_clean(m)
    assert "pkmap: ok (1 slots mapped, 0 with users, last_pkmap_nr 1)" in out, out


@case
def kmap_local_slots_3g():
    m = boot(options=SPLIT_3G)
    pa, _ = alloc(m, "alloc 0 highmem")
    for cpu in range(4):
        out = m.cmd(f"on {cpu} kmap_local {pa:#x}")
        idx = 1 + KM_MAX_IDX * cpu  # FIX_KMAP_BEGIN + depth 0 + 16 * cpu
        va = FIXADDR_TOP - idx * 4096
        assert f"page 0x{pa:08x}: cpu {cpu} depth 0: fixmap idx {idx} " \
               f"(FIX_KMAP_BEGIN + {idx - 1})  va 0x{va:08x}\n" in out, out
        assert re.search(rf"  pte 0x{pa >> 12:05x}[0-9a-f]{{3}}  hardware 0x{pa >> 12:05x}"
                         rf"[0-9a-f]{{3}}  -> PA 0x{pa:08x}\n", out), out
        word = int(re.search(r"first word 0x([0-9a-f]{8})", out).group(1), 16)
        assert word == qemu_word(m, pa), out
        assert "unmapped" in out
        assert qemu_pa(m, va) is None  # gone once the command returned
        assert "fixmap idx %d = cpu %d depth 0, free" % (idx, cpu) in m.cmd(f"whatis {va:#x}")
    assert FIXADDR_TOP - 4096 == 0xFFEFE000  # CPU 0's first slot, as Linux 6.1
    # a page that already has a pkmap address: kmap_local reuses it (kmap_high_get)
    slot, va, _ = kmap(m, pa)
    m.cmd(f"poke {va:#x} 0x5a5a0001")
    out = m.cmd(f"kmap_local {pa:#x}")
    assert f"already kmapped: kmap_high_get reused pkmap slot {slot}  va 0x{va:08x}  " \
           "count 3 while held" in out, out
    assert "first word 0x5a5a0001" in out, out
    assert pkmap(m)[1][slot][2] == 2  # kunmap_local gave the extra user back
    kunmap(m, pa)
    mmcheck_clean(m)


@case
def wraparound_600_kmaps_3g():
    m = boot(options=SPLIT_3G)
    base = pkmap_base(m)
    block, _ = alloc(m, "alloc 10 highmem")  # 1024 different HighMem pages
    seen = []
    for i in range(600):
        slot, va, count = kmap(m, block + i * 4096)
        assert va == base + slot * 4096 and count == 2
        seen.append(slot)
        assert kunmap(m, va) == (slot, 1)
    # slots 1..511, then the wrap to 0 freed all 511 unused ones: 0, 1, ... again
    assert seen == [(i + 1) % LAST_PKMAP for i in range(600)], seen
    fields, slots = pkmap(m)
    assert (fields["flushes"], fields["freed"], fields["last"]) == (1, 511, 600 % LAST_PKMAP)
    assert sorted(slots) == list(range(600 - LAST_PKMAP + 1)), sorted(slots)
    for s, (va, page, count) in slots.items():
        assert page == block + (511 + s) * 4096 and count == 1, (s, page)
    # the freed slots' PTEs are gone (QEMU agrees), a reused one maps its new page
    assert qemu_pa(m, base + 300 * 4096) is None
    assert qemu_pa(m, base + 5 * 4096) == block + 516 * 4096
    mmcheck_clean(m)
    m.cmd(f"free {block:#x}")


@case
def all_slots_busy_fails_cleanly_3g():
    m = boot(options=SPLIT_3G)
    block, _ = alloc(m, "alloc 10 highmem")
    for i in range(LAST_PKMAP):
        kmap(m, block + i * 4096)
    before = pkmap(m)
    # not a bad input but the kernel refusing: kmap_high's warning (the log line Linux has no
    # need for, as it sleeps), then the command's error line
    out = m.cmd(f"kmap {block + 600 * 4096:#x}").splitlines()
    assert len(out) == 2 and "kmap_high: all 512 pkmap slots are in use" in out[0], out
    assert out[1].startswith("kmap: all 512 pkmap slots have users"), out
    after = pkmap(m)
    assert after[1] == before[1]  # every slot as it was; the scan wrapped once (a flush of
    assert after[0]["flushes"] == before[0]["flushes"] + 1  # nothing) before giving up
    assert after[0]["freed"] == before[0]["freed"]
    assert "kmap_high: all 512 pkmap slots are in use" in m.cmd("dmesg")
    mmcheck_clean(m)
    kunmap(m, block + 7 * 4096)  # slot 8 has no user now: the next wrap frees it
    slot, _, _ = kmap(m, block + 600 * 4096)
    assert slot == 8, out
    mmcheck_clean(m)


@case
def kmap_on_other_cpus_3g():
    m = boot(options=SPLIT_3G)
    pa, _ = alloc(m, "alloc 0 highmem")
    vas = set()
    for cpu in range(4):
        out = m.cmd(f"on {cpu} kmap {pa:#x}")
        mo = re.search(r"va 0x([0-9a-f]{8})  count (\d+)", out)
        assert mo and int(mo.group(2)) == cpu + 2, out
        vas.add(int(mo.group(1), 16))
    assert len(vas) == 1  # one slot, seen by every CPU
    for cpu in range(4):
        m.cmd(f"on {3 - cpu} kunmap {pa:#x}")
    assert pkmap(m)[1][1][2] == 1
    mmcheck_clean(m)


@case
def corrupt_pkmap_count_is_caught_3g():
    m = boot(options=SPLIT_3G)
    pa, _ = alloc(m, "alloc 0 highmem")
    slot, va, _ = kmap(m, pa)
    count_addr = symbol(m, "pkmap_count") + 4 * slot
    assert m.cmd(f"peek {count_addr:#x}").startswith(f"0x{count_addr:08x}: 00000002")
    m.cmd(f"poke {count_addr:#x} 0")  # the slot looks free, its PTE and hash entry remain
    out = m.cmd("mm-check")
    assert f"mm-check: pkmap: slot {slot} is free but its PTE is 0x{pa | 0x65f:x}" in out, out
    assert "mm-check: pkmap: 1 hash entries for 0 mapped slots" in out, out
    assert re.search(r"\d+ checks, 2 violations", out), out
    m.cmd(f"poke {count_addr:#x} 2")
    mmcheck_clean(m)
    kunmap(m, va)


@case
def lowmem_kmap_is_linear_2g():
    m = boot()
    pa, virt = alloc(m, "alloc 0")
    for addr in (pa, virt):
        out = m.cmd(f"kmap {addr:#x}")
        assert out == f"lowmem page 0x{pa:08x}: linear address 0x{virt:08x} " \
                      "(no pkmap slot used)\n", out
    out = m.cmd(f"kmap_local {pa:#x}")
    assert f"lowmem page 0x{pa:08x}: linear address 0x{virt:08x} (no slot used)" in out, out
    word = int(re.search(r"first word 0x([0-9a-f]{8})", out).group(1), 16)
    assert word == qemu_word(m, pa)
    expect_error(m, f"kunmap {pa:#x}", "lowmem page")
    fields, slots = pkmap(m)
    assert slots == {} and fields["last"] == 0
    mmcheck_clean(m)


def bad_inputs(m, pa, base):
    before = m.cmd("pkmap")
    for line, needle in [
            ("kmap", "usage:"), ("kmap 1 2", "usage:"), ("kmap zz", "bad"),
            (f"kmap {pa + 1:#x}", "not page aligned"), ("kmap 0x50000000", "not RAM"),
            ("kmap 0xf8000000", "neither"), ("kunmap", "usage:"),
            (f"kunmap {base + 5 * 4096:#x}", "no kmap user"),
            (f"kunmap {base + 5 * 4096 + 4:#x}", "not page aligned"),
            ("kmap_local", "usage:"), ("kmap_local 0x50000000", "not RAM"),
            ("pkmap 1", "usage:")]:
        expect_error(m, line, needle)
    assert m.cmd("pkmap") == before
    mmcheck_clean(m)


@case
def bad_inputs_refused_2g_3g():
    m = boot(options=SPLIT_3G)
    pa, _ = alloc(m, "alloc 0 highmem")
    bad_inputs(m, pa, pkmap_base(m))
    expect_error(m, f"kunmap {pa:#x}", "not kmapped")
    m.close()
    m = boot()
    pa, _ = alloc(m, "alloc 0")
    bad_inputs(m, pa, pkmap_base(m))


if __name__ == "__main__":
    run()
