#!/usr/bin/env python3
"""mkbroken.py - make hand-broken device tree blobs that dtc refuses to write.

Where it sits: dts/tests/meson.build runs it on a good blob (rpi2b-lab.dtb) at build time; the
host tests (tools/testing/of, tools/testing/fdt) and system tests feed the results to the kernel's
device-tree checks (dt_check_header / dt_check_full via setup_machine_fdt), which must name the
problem and never read outside the blob.

usage: mkbroken.py GOOD.dtb OUTDIR NAME...   (each NAME.dtb is written to OUTDIR)
"""
import os
import struct
import sys

FDT_END = 9
HDR = struct.Struct('>10I')  # magic totalsize off_struct off_strings off_rsvmap version
                             # last_comp boot_cpuid size_strings size_struct


def header(blob):
    return list(HDR.unpack_from(blob, 0))


def with_header(blob, **fields):
    names = ['magic', 'totalsize', 'off_dt_struct', 'off_dt_strings', 'off_mem_rsvmap',
             'version', 'last_comp_version', 'boot_cpuid_phys', 'size_dt_strings',
             'size_dt_struct']
    h = header(blob)
    for k, v in fields.items():
        h[names.index(k)] = v
    return HDR.pack(*h) + blob[HDR.size:]


def bad_magic(b):
    return with_header(b, magic=0xd00dfeee)


def bad_version(b):
    return with_header(b, version=15, last_comp_version=15)


def truncated(b):
    """The header still claims the full size, the file stops in the middle of the structure."""
    return b[:len(b) // 2]


def huge_totalsize(b):
    """totalsize beyond the 2 MiB window the kernel maps the blob in."""
    return with_header(b, totalsize=0x00300000)


def bad_offset(b):
    """The structure block starts beyond totalsize."""
    h = header(b)
    return with_header(b, off_dt_struct=h[1] + 0x100)


def misaligned(b):
    """The structure block offset is not 4-byte aligned."""
    h = header(b)
    return with_header(b, off_dt_struct=h[2] + 2)


def unterminated_string(b):
    """The strings block's last string loses its NUL: a name that runs off the block."""
    h = header(b)
    end = h[3] + h[8] - 1
    assert b[end] == 0
    return b[:end] + b'X' + b[end + 1:]


def no_end(b):
    """The FDT_END token is overwritten with a bad token (0x7)."""
    h = header(b)
    end = h[2] + h[9] - 4
    assert struct.unpack_from('>I', b, end)[0] == FDT_END
    return b[:end] + struct.pack('>I', 7) + b[end + 4:]


def rsvmap_runaway(b):
    """The memory reservation map loses its (0,0) terminator: it runs into the structure."""
    h = header(b)
    off = h[4]
    out = bytearray(b)
    # find the terminator and fill it with a nonsense entry
    while struct.unpack_from('>QQ', out, off) != (0, 0):
        off += 16
    struct.pack_into('>QQ', out, off, 0x1000, 0x1000)
    return bytes(out)


MAKERS = {
    'bad-magic': bad_magic,
    'bad-version': bad_version,
    'truncated': truncated,
    'huge-totalsize': huge_totalsize,
    'bad-offset': bad_offset,
    'misaligned': misaligned,
    'unterminated-string': unterminated_string,
    'no-end': no_end,
    'rsvmap-runaway': rsvmap_runaway,
}


def main(argv):
    if len(argv) < 4:
        sys.exit(__doc__)
    good = open(argv[1], 'rb').read()
    for name in argv[3:]:
        with open(os.path.join(argv[2], name + '.dtb'), 'wb') as f:
            f.write(MAKERS[name](good))


if __name__ == '__main__':
    main(sys.argv)
