"""The state stream's schema as code (docs/state-stream.md): check_record and Model.

check_record(rec) lists what is wrong with one record (empty: well formed); Model applies
records the way the explorer's page does (tools/explorer/web/explorer.js keeps the same rules),
so a test can replay a stream and compare the result with a fresh snapshot.

    model = Model()
    for line in stream:
        rec = json.loads(line)
        assert not check_record(rec)
        model.apply(rec)
    model.zones["Normal"]["blocks"]   # {(pfn, order): "Movable", ...}
"""

MIGRATETYPES = ("Unmovable", "Movable", "Reclaimable", "HighAtomic", "CMA", "Isolate")
LETTERS = "UMRHCI"

INT, STR, ARR, BOOL, OBJ, MT = "int", "str", "array", "bool", "object", "mt"
BUDDY = {"seq": INT, "zone": STR, "pfn": INT, "order": INT}
SPEC = {
    "hello": {"v": INT, "kernel": STR},
    "snapshot": {"seq": INT, "why": STR, "lost": INT, "pageblock_order": INT,
                 "max_order": INT, "layout": ARR, "memblock": OBJ, "zones": ARR, "pcp": ARR,
                 "slabs": ARR, "vmalloc": ARR, "pkmap": ARR, "cma": ARR},
    "alloc": BUDDY, "merge": BUDDY, "isolate": BUDDY,
    "split": {**BUDDY, "mt": MT}, "free": {**BUDDY, "mt": MT}, "move": {**BUDDY, "mt": MT},
    "pageblock": {"seq": INT, "zone": STR, "pfn": INT, "mt": MT},
    "pcp": {"seq": INT, "cpu": INT, "zone": STR, "count": INT, "high": INT, "batch": INT},
    "slabs": {"seq": INT, "caches": ARR},
    "vmalloc": {"seq": INT, "areas": ARR},
    "flush": {"seq": INT, "cmd": STR, "running": BOOL},
    "walk": {"va": INT, "pgd_index": INT, "pgd": ARR, "kind": STR, "level": STR,
             "l1_index": INT, "l1": INT, "mapped": BOOL, "mmu_par": INT, "mmu_agrees": BOOL},
    "error": {"msg": STR},
}
WALK_OPTIONAL = {"pte_index": INT, "hw_pte_index": INT, "linux_pte": INT, "hw_pte": INT,
                 "pa": INT, "domain": INT, "ap": INT, "tex": INT, "c": INT, "b": INT,
                 "s": BOOL, "ng": BOOL, "xn": BOOL, "pxn": BOOL, "perm": STR, "mem_type": STR,
                 "mmu_pa": INT}
ZONE = {"name": STR, "seq": INT, "start_pfn": INT, "spanned": INT, "present": INT,
        "managed": INT, "free": INT, "wmark": ARR, "nr_free": ARR, "blocks": ARR,
        "pageblocks": STR}
SLAB = {"name": STR, "object_size": INT, "size": INT, "objects": INT, "active": INT,
        "slabs": INT}
AREA = {"addr": INT, "size": INT, "pages": INT, "caller": STR, "flags": STR}
REGION = {"name": STR, "start": INT, "end": INT}
MEMORY = {"base": INT, "size": INT, "flags": INT}
RESERVED = {"base": INT, "size": INT, "flags": INT, "owner": STR}
PCP = {"cpu": INT, "zone": STR, "count": INT, "high": INT, "batch": INT}
CMA = {"name": STR, "base": INT, "count": INT, "used": INT}
BUDDY_EVENTS = ("alloc", "split", "merge", "free", "isolate", "move")


def _is(v, kind):
    """True when v has the schema type kind."""
    if kind == INT:
        return isinstance(v, int) and not isinstance(v, bool) and v >= -2**31 and v < 2**32
    if kind == STR:
        return isinstance(v, str)
    if kind == ARR:
        return isinstance(v, list)
    if kind == BOOL:
        return isinstance(v, bool)
    if kind == OBJ:
        return isinstance(v, dict)
    return v in MIGRATETYPES


def _fields(obj, spec, where, optional=False):
    """Problems of obj against spec: missing fields (unless optional), wrong types."""
    if not isinstance(obj, dict):
        return [f"{where}: not an object"]
    out = []
    for key, kind in spec.items():
        if key not in obj:
            if not optional:
                out.append(f"{where}: no field '{key}'")
        elif not _is(obj[key], kind):
            out.append(f"{where}: '{key}' is not {'a migratetype' if kind == MT else 'a ' + kind}")
    return out


def _each(arr, spec, where):
    return [p for i, x in enumerate(arr) for p in _fields(x, spec, f"{where}[{i}]")]


def _zone(z, where, max_order):
    out = _fields(z, ZONE, where)
    if out:
        return out
    if len(z["nr_free"]) != max_order or not all(
            isinstance(r, list) and len(r) == len(MIGRATETYPES) and all(_is(n, INT) for n in r)
            for r in z["nr_free"]):
        out.append(f"{where}: nr_free is not {max_order} rows of {len(MIGRATETYPES)} integers")
    if not all(isinstance(b, list) and len(b) == 3 and _is(b[0], INT) and _is(b[1], INT)
               and b[2] in MIGRATETYPES for b in z["blocks"]):
        out.append(f"{where}: blocks are not all [pfn, order, migratetype]")
    if any(ch not in LETTERS + "-" for ch in z["pageblocks"]):
        out.append(f"{where}: pageblocks has a letter outside {LETTERS}-")
    if len(z["wmark"]) != 3:
        out.append(f"{where}: wmark is not [min, low, high]")
    return out


def _snapshot(s):
    out = _each(s["layout"], REGION, "snapshot.layout")
    out += _fields(s["memblock"], {"memory": ARR, "reserved": ARR}, "snapshot.memblock")
    if not out:
        out += _each(s["memblock"]["memory"], MEMORY, "snapshot.memblock.memory")
        out += _each(s["memblock"]["reserved"], RESERVED, "snapshot.memblock.reserved")
    out += _each(s["pcp"], PCP, "snapshot.pcp")
    out += _each(s["slabs"], SLAB, "snapshot.slabs")
    out += _each(s["vmalloc"], AREA, "snapshot.vmalloc")
    out += _each(s["cma"], CMA, "snapshot.cma")
    if not all(isinstance(p, list) and len(p) == 4 and all(_is(x, INT) for x in p)
               for p in s["pkmap"]):
        out.append("snapshot.pkmap: not all [slot, va, pa, count]")
    if s["why"] not in ("request", "resync"):
        out.append(f"snapshot: why {s['why']!r} is not request or resync")
    for i, z in enumerate(s["zones"]):
        out += _zone(z, f"snapshot.zones[{i}]", s["max_order"])
    return out


def check_record(rec):
    """Every problem of one record against docs/state-stream.md (empty list: well formed)."""
    if not isinstance(rec, dict):
        return ["record is not a JSON object"]
    spec = SPEC.get(rec.get("t"))
    if spec is None:
        return [f"unknown record type {rec.get('t')!r}"]
    out = _fields(rec, spec, rec["t"])
    if out:
        return out
    t = rec["t"]
    if t in ("alloc", "merge", "isolate") and "mt" in rec:
        out.append(f"{t}: carries 'mt' (a deletion does not know its list)")
    if t == "walk":
        out += _fields(rec, WALK_OPTIONAL, "walk", optional=True)
        if len(rec["pgd"]) != 2:
            out.append("walk: pgd is not a pair")
        if rec["mapped"] and "pa" not in rec:
            out.append("walk: mapped without 'pa'")
    elif t == "slabs":
        out += _each(rec["caches"], SLAB, "slabs.caches")
    elif t == "vmalloc":
        out += _each(rec["areas"], AREA, "vmalloc.areas")
    elif t == "snapshot":
        out += _snapshot(rec)
    return out


class ModelError(Exception):
    """An event that does not fit the model (a block freed twice, an unknown zone...)."""


class Model:
    """A snapshot with the events applied: per zone {(pfn, order): mt} and the counts."""

    def __init__(self):
        self.snapshot = None
        self.zones = {}
        self.pcp = {}
        self.skipped = 0

    def apply(self, rec):
        """Apply one well-formed record (raises ModelError on one that does not fit)."""
        t = rec["t"]
        if t == "snapshot":
            self.snapshot = rec
            self.zones = {z["name"]: self._zone(z) for z in rec["zones"]}
            self.pcp = {(p["cpu"], p["zone"]): (p["count"], p["high"], p["batch"])
                        for p in rec["pcp"]}
        elif self.snapshot is None:
            return
        elif t in BUDDY_EVENTS or t == "pageblock":
            zone = self.zones.get(rec["zone"])
            if zone is None:
                raise ModelError(f"{t}: no zone {rec['zone']}")
            if rec["seq"] <= zone["seq"]:
                self.skipped += 1
                return
            zone["seq"] = rec["seq"]
            (self._pageblock if t == "pageblock" else self._buddy)(zone, rec)
        elif t == "pcp":
            self.pcp[(rec["cpu"], rec["zone"])] = (rec["count"], rec["high"], rec["batch"])

    @staticmethod
    def _zone(z):
        return {"seq": z["seq"], "start_pfn": z["start_pfn"], "free": z["free"],
                "blocks": {(b[0], b[1]): b[2] for b in z["blocks"]},
                "pageblocks": list(z["pageblocks"])}

    def _buddy(self, zone, rec):
        key, t = (rec["pfn"], rec["order"]), rec["t"]
        blocks = zone["blocks"]
        if t in ("split", "free"):
            if key in blocks:
                raise ModelError(f"{t}: block {key} is free already")
            blocks[key] = rec["mt"]
            zone["free"] += 1 << rec["order"]
        elif key not in blocks:
            raise ModelError(f"{t}: block {key} is not free")
        elif t == "move":
            blocks[key] = rec["mt"]
        else:
            del blocks[key]
            zone["free"] -= 1 << rec["order"]

    def _pageblock(self, zone, rec):
        i = (rec["pfn"] - (zone["start_pfn"] >> self.snapshot["pageblock_order"]
                           << self.snapshot["pageblock_order"])) \
            >> self.snapshot["pageblock_order"]
        if not 0 <= i < len(zone["pageblocks"]):
            raise ModelError(f"pageblock: pfn {rec['pfn']} is outside zone")
        zone["pageblocks"][i] = LETTERS[MIGRATETYPES.index(rec["mt"])]

    def differences(self, snap):
        """How the model differs from snapshot snap's zones and pagesets (empty: equal)."""
        out = []
        for z in snap["zones"]:
            mine, theirs = self.zones.get(z["name"]), self._zone(z)
            if mine is None:
                out.append(f"zone {z['name']}: not in the model")
                continue
            for k in ("blocks", "pageblocks", "free"):
                if mine[k] != theirs[k]:
                    out.append(f"zone {z['name']}: {k} differ: {_diff(mine[k], theirs[k])}")
            counts = [[0] * len(MIGRATETYPES) for _ in range(snap["max_order"])]
            for (pfn, order), mt in mine["blocks"].items():
                counts[order][MIGRATETYPES.index(mt)] += 1
            if counts != z["nr_free"]:
                out.append(f"zone {z['name']}: nr_free of the replayed blocks differ")
        pcp = {(p["cpu"], p["zone"]): (p["count"], p["high"], p["batch"]) for p in snap["pcp"]}
        if pcp != self.pcp:
            out.append(f"pagesets differ: {_diff(self.pcp, pcp)}")
        return out


def _diff(a, b):
    """A short account of how a (the model) differs from b (the snapshot)."""
    if isinstance(a, dict):
        only_a = sorted(set(a.items()) - set(b.items()))[:4]
        only_b = sorted(set(b.items()) - set(a.items()))[:4]
        return f"model only {only_a}, snapshot only {only_b}"
    if isinstance(a, list):
        i = next(i for i in range(min(len(a), len(b)) + 1) if i >= len(a) or i >= len(b)
                 or a[i] != b[i])
        return f"first at index {i}"
    return f"model {a}, snapshot {b}"
