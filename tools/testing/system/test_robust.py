#!/usr/bin/env python3
"""Boot and oops robustness: load addresses and DTB placement (arch/arm/boot/head.S), an oops
inside `on CPU COMMAND` (kernel/shell/shell.c's run_cmd), and panic() stopping the other CPUs
(kernel/panic.c, smp_send_stop in arch/arm/kernel/smp.c).

Load addresses and DTB placements QEMU's -kernel/-dtb cannot produce are made through its gdb
stub (pimm.Machine's overwrite=): before the first instruction, the image is written at the
load address under test, a DTB file (if any) at its address, and a 7-word boot stub at PA 0,
where CPU 0 starts. The stub does what QEMU's own one does (Linux's boot protocol, as
documented in Linux's Documentation/arm/booting.rst): r0 = 0, r1 = machine type, r2 = the DTB,
then jump to the image. The boot log's "Boot: image loaded at ..." line proves which address
was entered. QEMU's secondary-CPU stub at 0x300 is left alone (no load address here covers it).
"""
import os
import re
import struct
import subprocess
import tempfile

from systest import boot, case, run  # (systest puts pimm on sys.path)
import pimm  # noqa: E402

KERNEL_PHYS_START = 0x8000
SWAPPER_PG_DIR_PHYS = 0x4000
QEMU_DTB_PA = 0x08000000       # where QEMU puts the (edited) DTB without -initrd
RASPI2_MACHINE = 0xc43         # the machine type QEMU's raspi2b passes in r1
TS = re.compile(r"^\[ *\d+\.\d{6}\] ", re.M)

_tmp = tempfile.mkdtemp(prefix="pimm-robust-")


def elf_symbols(bdir, *names):
    out = subprocess.run(["arm-none-eabi-nm", os.path.join(bdir, "kernel.elf")], check=True,
                         capture_output=True, text=True).stdout
    syms = {l.split()[2]: int(l.split()[0], 16) for l in out.splitlines() if len(l.split()) == 3}
    return [syms[n] for n in names]


def kernel_end_pa():
    """PA of _end (PHYS_OFFSET 0: PA = VA - PAGE_OFFSET = VA - _head + 0x8000)."""
    end, head = elf_symbols(pimm.build_dir_for(), "_end", "_head")
    return end - head + KERNEL_PHYS_START


def write_file(name, data):
    path = os.path.join(_tmp, name)
    with open(path, "wb") as f:
        f.write(data)
    return path


def boot_stub(entry, dtb_pa):
    """ARM code for PA 0: mov r0, #0; ldr r1, =machine; ldr r2, =dtb; ldr pc, =entry."""
    return struct.pack("<7I", 0xe3a00000, 0xe59f1004, 0xe59f2004, 0xe59ff004,
                       RASPI2_MACHINE, dtb_pa, entry)


def lab_dtb(totalsize=None):
    """The default board DTB as built (not QEMU's edited copy), its header's totalsize
    optionally raised (zero padding: a legal blob that reaches further)."""
    with open(os.path.join(pimm.build_dir_for(), "dts", "rpi2b-lab.dtb"), "rb") as f:
        blob = bytearray(f.read())
    if totalsize:
        blob[4:8] = struct.pack(">I", totalsize)
        blob += bytes(totalsize - len(blob))
    return bytes(blob)


def boot_loaded_at(load, dtb_pa=QEMU_DTB_PA, dtb=None, wait_prompt=True):
    """Boot with the image entered at PA load (and a DTB written at dtb_pa, if given)."""
    bdir = pimm.ensure_built()
    tag = f"{load:x}-{dtb_pa:x}"
    ow = [(write_file(f"stub-{tag}.bin", boot_stub(load, dtb_pa)), 0),
          (os.path.join(bdir, "kernel7.img"), load)]
    if dtb is not None:
        ow.append((write_file(f"dtb-{tag}.dtb", dtb), dtb_pa))
    return boot(overwrite=ow, wait_prompt=wait_prompt)


def log_lines(text):
    """The console text without timestamps, the version line (build time) and the Boot line."""
    text = TS.sub("", text)
    return [l for l in text.splitlines()
            if not l.startswith("pimm version ") and not l.startswith("Boot: image loaded")]


def assert_boots_like_qemu_load(load):
    ref = boot()
    ref_log = log_lines(ref.boot_log)
    assert ref.poweroff() == 0
    m = boot_loaded_at(load)
    assert f"Boot: image loaded at 0x{load:08x}, moved to 0x00008000" in m.boot_log, \
        "the stub did not enter the image at the address under test"
    assert log_lines(m.boot_log) == ref_log, "boot log differs from the boot at QEMU's address"
    assert "4 of 4 CPUs online" in m.cmd("cpus")
    out = m.cmd("mm-check")
    assert re.search(r"\d+ checks, 0 violations", out), out
    assert m.poweroff() == 0


# ---- head.S: any legal load address works ----------------------------------------------------

@case
def loaded_0x100_below_0x8000_boots():
    # gap 0x100: the upward copy used to overwrite its own loop and hang without a word
    assert_boots_like_qemu_load(0x7f00)


@case
def loaded_0x180_below_0x8000_boots():
    # gap 0x180: the copy used to survive corrupted and report a false "invalid dtb"
    assert_boots_like_qemu_load(0x7e80)


@case
def loaded_far_below_0x8000_boots():
    assert_boots_like_qemu_load(0x1000)


@case
def loaded_8_bytes_above_0x8000_boots():
    # a gap smaller than the head: used to stop with "image loaded at ... lies inside"
    assert_boots_like_qemu_load(0x8008)


@case
def loaded_just_above_0x8000_boots():
    assert_boots_like_qemu_load(0x8100)


@case
def loaded_far_above_boots():
    assert_boots_like_qemu_load(0x01000000)


@case
def loaded_at_qemu_address_through_the_stub_boots():
    assert_boots_like_qemu_load(0x10000)


# ---- head.S: the DTB is checked, whole, before anything is copied ----------------------------

def assert_dtb_refused(load, dtb_pa, dtb):
    end = kernel_end_pa()
    m = boot_loaded_at(load, dtb_pa, dtb, wait_prompt=False)
    m.wait_for(re.escape(
        f"Error: the device tree at 0x{dtb_pa:08x}..0x{dtb_pa + len(dtb):08x} overlaps the "
        f"kernel's memory (initial page table, image, .bss: PA 0x{SWAPPER_PG_DIR_PHYS:08x}.."
        f"0x{end:08x}): load it higher."), 10)
    assert "Booting pimm" not in m.buf and "invalid dtb" not in m.buf, m.buf


@case
def dtb_whose_tail_the_copy_would_overwrite_is_refused():
    # starts below the page table, ends inside the image's destination: the start alone passed
    assert_dtb_refused(0x10000, 0x3000, lab_dtb(totalsize=0x6000))
    # loaded below 0x8000: the DTB ends where the image starts (whose copy moves up over it)
    assert_dtb_refused(0x7f00, 0x1000, lab_dtb(totalsize=0x6f00))


@case
def dtb_whose_tail_reaches_the_page_table_is_refused():
    dtb = lab_dtb()
    assert_dtb_refused(0x10000, SWAPPER_PG_DIR_PHYS - 0x100, dtb)


@case
def dtb_inside_the_kernel_is_refused():
    dtb = lab_dtb()
    assert_dtb_refused(0x10000, 0x6000, dtb)                     # the page table
    assert_dtb_refused(0x10000, (kernel_end_pa() - 0x100) & ~7, dtb)  # .bss


@case
def dtb_just_clear_of_the_kernel_boots():
    dtb = lab_dtb()
    below = (SWAPPER_PG_DIR_PHYS - len(dtb)) & ~7                # ends at or before 0x4000
    above = (kernel_end_pa() + 7) & ~7                          # starts at or after _end
    for load, pa in ((0x10000, below), (0x7f00, below), (0x10000, above), (0x7f00, above)):
        m = boot_loaded_at(load, pa, dtb)
        assert "Machine model: Raspberry Pi 2 Model B" in m.boot_log, (load, pa)
        assert m.poweroff() == 0


if __name__ == "__main__":
    run()
