"""dtgen.py - device trees generated from a seed for the grader (labs/README.md, "Seeded device
trees"): the Pi 2 board (dts/rpi2b.dts) with a random /reserved-memory layout, so that a
printout typed into a solution scores nothing.

    path, facts = random_dt(rng, outdir)        # rng: random.Random(seed)

What may vary (each part can be switched off or fixed by a keyword):
    static   0-3 plain regions `reg = <base size>` (some no-map), 1 MiB aligned
    cma      0-2 fixed CMA pools (`shared-dma-pool`, reusable), 4 MiB aligned and sized
    dynamic  one `size`/`alignment` pool (the default CMA area, linux,cma-default) or none
    memreserve  0-2 /memreserve/ entries, 4 KiB aligned

Everything lies in [LOW, TOP): above the kernel, the initrd and the DTB QEMU loads at
0x08000000, below the top of the RAM QEMU gives raspi2b (0x3c000000). facts is a dict:
    {"static": [{"name", "base", "size", "nomap"}], "cma": [{"name", "base", "size"}],
     "dynamic": {"name", "size", "align"} or None, "memreserve": [(base, size)],
     "summary": one line}
"""
import os
import subprocess

MiB = 1 << 20
LOW, TOP = 0x10000000, 0x3C000000
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _place(rng, taken, size, align, low=LOW, top=TOP):
    """A random base (multiple of align) for size bytes in [low, top) clear of every
    (base, size) in taken, with 1 MiB between regions; None after 200 tries."""
    for _ in range(200):
        base = rng.randrange(low // align, (top - size) // align + 1) * align
        if all(base + size + MiB <= b or b + s + MiB <= base for b, s in taken):
            return base
    return None


def layout(rng, static=None, cma=None, dynamic=None, memreserve=None):
    """The random layout (facts without the summary). static, cma, memreserve: counts (None:
    random); dynamic: True/False (None: random)."""
    taken, facts = [], {"static": [], "cma": [], "dynamic": None, "memreserve": []}
    for i in range(rng.randint(0, 2) if cma is None else cma):
        size = rng.choice((4, 8, 12, 16, 24, 32)) * MiB
        base = _place(rng, taken, size, 4 * MiB)
        if base is not None:
            taken.append((base, size))
            facts["cma"].append({"name": f"pool{i}", "base": base, "size": size})
    for i in range(rng.randint(0, 3) if static is None else static):
        size = rng.choice((1, 2, 3, 5, 8)) * MiB
        base = _place(rng, taken, size, MiB)
        if base is not None:
            taken.append((base, size))
            facts["static"].append({"name": f"region{i}", "base": base, "size": size,
                                    "nomap": rng.random() < 0.4})
    for _ in range(rng.randint(0, 2) if memreserve is None else memreserve):
        size = rng.randint(1, 64) * 4096
        base = _place(rng, taken, size, 4096)
        if base is not None:
            taken.append((base, size))
            facts["memreserve"].append((base, size))
    if (rng.random() < 0.7) if dynamic is None else dynamic:
        size = rng.choice((4, 8, 16)) * MiB
        facts["dynamic"] = {"name": "linux,cma", "size": size,
                            "align": rng.choice((4, 8, 16)) * MiB}
    return facts


def board_dts():
    """dts/rpi2b.dts without its /dts-v1/ line (memreserves must come between that and nodes)."""
    with open(os.path.join(ROOT, "dts", "rpi2b.dts")) as f:
        return "\n".join(l for l in f.read().split("\n") if l.strip() != "/dts-v1/;")


def to_dts(facts):
    """The .dts text of a layout: dts/rpi2b.dts with the memreserves and a /reserved-memory."""
    out = ["/dts-v1/;"]
    out += [f"/memreserve/ {b:#010x} {s:#010x};" for b, s in facts["memreserve"]]
    out += [board_dts(), "", "/ {", "\treserved-memory {",
            "\t\t#address-cells = <1>;", "\t\t#size-cells = <1>;", "\t\tranges;"]
    for r in sorted(facts["static"] + facts["cma"], key=lambda r: r["base"]):
        out += [f"\t\t{r['name']}@{r['base']:x} {{"]
        if r in facts["cma"]:
            out += ['\t\t\tcompatible = "shared-dma-pool";', "\t\t\treusable;"]
        out += [f"\t\t\treg = <{r['base']:#010x} {r['size']:#010x}>;"]
        if r.get("nomap"):
            out += ["\t\t\tno-map;"]
        out += ["\t\t};"]
    d = facts["dynamic"]
    if d:
        out += ["\t\tlinux,cma {", '\t\t\tcompatible = "shared-dma-pool";',
                f"\t\t\tsize = <{d['size']:#010x}>;", f"\t\t\talignment = <{d['align']:#010x}>;",
                "\t\t\treusable;", "\t\t\tlinux,cma-default;", "\t\t};"]
    return "\n".join(out + ["\t};", "};", ""])


def summary(facts):
    """One line naming what was generated."""
    parts = [f"{'no-map ' if r['nomap'] else ''}reg {r['base']:#x}+{r['size'] // MiB}M"
             for r in facts["static"]]
    parts += [f"cma {r['base']:#x}+{r['size'] // MiB}M" for r in facts["cma"]]
    parts += [f"memreserve {b:#x}+{s:#x}" for b, s in facts["memreserve"]]
    d = facts["dynamic"]
    if d:
        parts.append(f"linux,cma size {d['size'] // MiB}M align {d['align'] // MiB}M")
    return ", ".join(parts) or "no reserved memory"


def random_dt(rng, outdir, **opts):
    """Write and compile a random device tree; returns (dtb path, facts)."""
    facts = layout(rng, **opts)
    facts["summary"] = summary(facts)
    n = len([f for f in os.listdir(outdir) if f.endswith(".dts")])
    src = os.path.join(outdir, f"random{n}.dts")
    dtb = src[:-4] + ".dtb"
    with open(src, "w") as f:
        f.write(to_dts(facts))
    r = subprocess.run(["dtc", "-I", "dts", "-O", "dtb", "-Wno-unit_address_vs_reg",
                        "-i", os.path.join(ROOT, "dts"), "-o", dtb, src],
                       capture_output=True, text=True)
    if r.returncode:
        raise RuntimeError(f"dtc failed on {src}:\n{r.stderr}")
    return dtb, facts
