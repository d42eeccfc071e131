#!/usr/bin/env python3
"""check_formatter.py - one formatter in the kernel: lib/vsprintf.c (ksnprintf and friends, with
Linux's semantics). Fails if the linked kernel.elf contains newlib's formatted output
(snprintf, sprintf, printf, their _r and 'i' variants and the engine _svfprintf_r behind them),
which would mean a second formatter with other rules (no %pa, no long long in newlib-nano).

    check_formatter.py NM KERNEL_ELF
"""
import re
import subprocess
import sys

NEWLIB = re.compile(r"^_?(v?[sfn]*i?printf|_sv?f?i?printf|_svfprintf|_printf_[a-z]+|_vfi?printf)(_r)?$")


def main():
    nm, elf = sys.argv[1:3]
    out = subprocess.run([nm, elf], capture_output=True, text=True, check=True).stdout
    found = sorted({line.split()[-1] for line in out.splitlines()
                    if len(line.split()) == 3 and NEWLIB.match(line.split()[-1])})
    if found:
        print("not ok 1 - kernel.elf links newlib's formatter: " + " ".join(found))
        print("  use ksnprintf/kscnprintf (include/pimm/vsprintf.h) instead")
        return 1
    print("ok 1 - kernel.elf has one formatter (lib/vsprintf.c)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
