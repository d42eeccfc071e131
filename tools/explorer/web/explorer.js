// tools/explorer/web/explorer.js - the pimm explorer page: the shell in xterm.js on the console
// WebSocket, and a model of the kernel's memory state kept from the state stream (one JSON
// record per line, docs/state-stream.md), drawn in five views. Plain JS, no build step.
// Tests drive it through window.pimm (see the end of this file).

// ---- constants and small helpers ------------------------------------------------------------

const MTS = ["Unmovable", "Movable", "Reclaimable", "HighAtomic", "CMA", "Isolate"];
const MT_LETTERS = "UMRHCI"; // snapshot zone.pageblocks: one letter per pageblock, same order
const PAGE = 4096;
const NOMAP = 0x4; // memblock flags bit 2: RAM without a linear mapping
const BUDDY_EVENTS = ["alloc", "split", "merge", "free", "isolate", "move"];
const FLASH_MS = 1200; // how long a freshly split / merged / allocated block stays highlighted

const $ = (id) => document.getElementById(id);

/** "0x0004c000": n as 8 hex digits (n a non-negative integer, up to 2^53). */
function hex(n, digits = 8) {
  return "0x" + Number(n).toString(16).padStart(digits, "0");
}

/** "4 KiB", "1.5 MiB": a byte count for people. */
function fmtSize(bytes) {
  const units = ["B", "KiB", "MiB", "GiB"];
  let i = 0;
  while (bytes >= 1024 && i < units.length - 1) { bytes /= 1024; i++; }
  return (Number.isInteger(bytes) ? bytes : bytes.toFixed(1)) + " " + units[i];
}

/** s with the HTML special characters escaped (kernel strings go into innerHTML). */
function esc(s) {
  return String(s).replace(/[&<>"']/g, (c) =>
    ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

/** Parse "0x80008000" or "2147516416"; NaN when it is neither. */
function parseAddr(text) {
  const s = String(text).trim();
  if (/^0x[0-9a-f]+$/i.test(s)) return parseInt(s, 16);
  if (/^[0-9]+$/.test(s)) return parseInt(s, 10);
  return NaN;
}

// ---- state shared by the whole page ---------------------------------------------------------

const state = {
  config: null,          // /config.json: {console, state} WebSocket paths on this server
  term: null,            // the xterm.js Terminal
  sockets: { console: null, state: null }, // the two WebSockets (openSocket)
  consoleLog: "",        // every console byte received, decoded, "\r" removed
  consoleConnects: 0,
  model: null,           // the memory state: the last snapshot with the events applied
  records: 0,            // state-stream records received (well-formed JSON or not)
  lines: [],             // the last MAX_LINES record lines, as received
  schemaErrors: [],      // records that break docs/state-stream.md
  modelErrors: [],       // events that do not fit the model (a block not on its list...)
  stale: 0,              // events skipped because the snapshot already had them (seq <= zone.seq)
  resyncs: 0,
  lastFlush: null,
  lastWalk: null,
  lastError: null,
  lastActivity: performance.now(),
  dirty: new Set(),      // views to redraw at the next frame
  flashes: [],           // recent buddy events to highlight: {zone, pfn, order, kind, t, gone}
  waiters: [],           // {test(record), resolve}: promises waiting for a record
  renderWaiters: [],     // resolves waiting for the next render
};
const MAX_LINES = 20000;

// ---- schema: the required fields of every record type ---------------------------------------

const INT = "int", STR = "str", ARR = "array", BOOL = "bool", OBJ = "object", MT = "mt";
// split/free/move name the list the block goes onto; alloc/merge/isolate do not (the model knows)
const DEL_SPEC = { seq: INT, zone: STR, pfn: INT, order: INT };
const BUDDY_SPEC = { ...DEL_SPEC, mt: MT };
const SPEC = {
  hello: { v: INT, kernel: STR },
  snapshot: { seq: INT, why: STR, lost: INT, pageblock_order: INT, max_order: INT, layout: ARR,
              memblock: OBJ, zones: ARR, pcp: ARR, slabs: ARR, vmalloc: ARR, pkmap: ARR, cma: ARR },
  alloc: DEL_SPEC, split: BUDDY_SPEC, merge: DEL_SPEC, free: BUDDY_SPEC,
  isolate: DEL_SPEC, move: BUDDY_SPEC,
  pageblock: { seq: INT, zone: STR, pfn: INT, mt: MT },
  pcp: { seq: INT, cpu: INT, zone: STR, count: INT, high: INT, batch: INT },
  slabs: { seq: INT, caches: ARR },
  vmalloc: { seq: INT, areas: ARR },
  flush: { seq: INT, cmd: STR, running: BOOL },
  walk: { va: INT, pgd_index: INT, pgd: ARR, kind: STR, level: STR, l1_index: INT, l1: INT,
          mapped: BOOL, mmu_par: INT, mmu_agrees: BOOL },
  error: { msg: STR },
};
// fields a walk answer may carry (kind "fault" stops early), checked when present
const WALK_OPTIONAL = { pte_index: INT, hw_pte_index: INT, linux_pte: INT, hw_pte: INT, pa: INT,
  domain: INT, ap: INT, tex: INT, c: INT, b: INT, s: BOOL, ng: BOOL, xn: BOOL, pxn: BOOL,
  perm: STR, mem_type: STR, mmu_pa: INT };
const ZONE_OPTIONAL = { seq: INT }; // the last event already in the zone's blocks
const ZONE_SPEC = { name: STR, start_pfn: INT, spanned: INT, present: INT, managed: INT,
  free: INT, wmark: ARR, nr_free: ARR, blocks: ARR, pageblocks: STR };
const SLAB_SPEC = { name: STR, object_size: INT, size: INT, objects: INT, active: INT, slabs: INT };
const AREA_SPEC = { addr: INT, size: INT, pages: INT, caller: STR, flags: STR };
const LAYOUT_SPEC = { name: STR, start: INT, end: INT };
const MEMORY_SPEC = { base: INT, size: INT, flags: INT };
const RESERVED_SPEC = { base: INT, size: INT, owner: STR };
const PCP_SPEC = { cpu: INT, zone: STR, count: INT, high: INT, batch: INT };
const CMA_SPEC = { name: STR, base: INT, count: INT, used: INT };

/** True when value v has type kind (one of INT STR ARR BOOL OBJ MT). */
function hasType(v, kind) {
  switch (kind) {
    case INT: return Number.isInteger(v);
    case STR: return typeof v === "string";
    case ARR: return Array.isArray(v);
    case BOOL: return typeof v === "boolean";
    case OBJ: return v !== null && typeof v === "object" && !Array.isArray(v);
    case MT: return MTS.includes(v);
  }
  return false;
}

/** Problems of object obj against spec (required fields), each prefixed with where. */
function checkFields(obj, spec, where, optional = false) {
  if (!hasType(obj, OBJ)) return [`${where}: not an object`];
  const out = [];
  for (const [key, kind] of Object.entries(spec)) {
    if (!(key in obj)) { if (!optional) out.push(`${where}: no field '${key}'`); }
    else if (!hasType(obj[key], kind)) out.push(`${where}: '${key}' is not ${kind === MT ? "a migratetype" : "a " + kind}`);
  }
  return out;
}

/** Problems of every element of array arr against spec. */
function checkEach(arr, spec, where) {
  return Array.isArray(arr) ? arr.flatMap((x, i) => checkFields(x, spec, `${where}[${i}]`)) : [];
}

/** Problems of one snapshot zone: fields, nr_free's shape, blocks, pageblock letters. */
function checkZone(z, where, maxOrder) {
  const out = checkFields(z, ZONE_SPEC, where);
  if (out.length) return out;
  out.push(...checkFields(z, ZONE_OPTIONAL, where, true));
  if (z.nr_free.length !== maxOrder ||
      !z.nr_free.every((row) => Array.isArray(row) && row.length === MTS.length && row.every(Number.isInteger)))
    out.push(`${where}: nr_free is not ${maxOrder} rows of ${MTS.length} integers`);
  if (!z.blocks.every((b) => Array.isArray(b) && b.length === 3 && Number.isInteger(b[0]) &&
                             Number.isInteger(b[1]) && MTS.includes(b[2])))
    out.push(`${where}: blocks are not all [pfn, order, migratetype]`);
  if (!/^[UMRHCI-]*$/.test(z.pageblocks)) out.push(`${where}: pageblocks has a letter outside UMRHCI-`);
  if (z.wmark.length !== 3) out.push(`${where}: wmark is not [min, low, high]`);
  return out;
}

/** Every problem of record rec against docs/state-stream.md (empty: well formed). */
function checkRecord(rec) {
  if (!hasType(rec, OBJ)) return ["record is not a JSON object"];
  const spec = SPEC[rec.t];
  if (!spec) return [`unknown record type ${JSON.stringify(rec.t)}`];
  const out = checkFields(rec, spec, rec.t);
  if (out.length) return out;
  if (rec.t === "walk") out.push(...checkFields(rec, WALK_OPTIONAL, "walk", true));
  if (rec.t === "walk" && rec.pgd.length !== 2) out.push("walk: pgd is not a pair");
  if (rec.t === "slabs") out.push(...checkEach(rec.caches, SLAB_SPEC, "slabs.caches"));
  if (rec.t === "vmalloc") out.push(...checkEach(rec.areas, AREA_SPEC, "vmalloc.areas"));
  if (rec.t === "snapshot") out.push(...checkSnapshot(rec));
  return out;
}

/** The nested parts of a snapshot. */
function checkSnapshot(s) {
  const out = [
    ...checkEach(s.layout, LAYOUT_SPEC, "snapshot.layout"),
    ...checkFields(s.memblock, { memory: ARR, reserved: ARR }, "snapshot.memblock"),
    ...checkEach(s.pcp, PCP_SPEC, "snapshot.pcp"),
    ...checkEach(s.slabs, SLAB_SPEC, "snapshot.slabs"),
    ...checkEach(s.vmalloc, AREA_SPEC, "snapshot.vmalloc"),
    ...checkEach(s.cma, CMA_SPEC, "snapshot.cma"),
  ];
  if (s.memblock && Array.isArray(s.memblock.memory)) {
    out.push(...checkEach(s.memblock.memory, MEMORY_SPEC, "snapshot.memblock.memory"));
    out.push(...checkEach(s.memblock.reserved, RESERVED_SPEC, "snapshot.memblock.reserved"));
  }
  s.zones.forEach((z, i) => out.push(...checkZone(z, `snapshot.zones[${i}]`, s.max_order)));
  return out;
}

/** Record a schema problem: window.pimm.schemaErrors and the browser console. */
function schemaError(msg, line) {
  const entry = { msg, line: String(line).slice(0, 300) };
  state.schemaErrors.push(entry);
  console.error("state stream:", msg, entry.line);
  $("count-errors").textContent = state.schemaErrors.length;
}

// ---- the model: a snapshot with the events applied -------------------------------------------

/** The model's zone named name (undefined if the snapshot has none). */
function zoneOf(name) {
  return state.model && state.model.zones.find((z) => z.name === name);
}

/** A model problem (an event that does not fit): window.pimm.modelErrors and the console. */
function modelError(msg, rec) {
  state.modelErrors.push({ msg, record: rec });
  console.warn("model:", msg, rec);
}

/** Index in zone.blocks of the free block (pfn, order), -1 if it is not on any list. A zone
 *  keeps a Map from "pfn/order" to the index (built on first use): torture sends thousands of
 *  events a second, and a scan of every free block for each one would fall behind. */
function findBlock(zone, pfn, order) {
  if (!zone.index) zone.index = new Map(zone.blocks.map((b, i) => [`${b[0]}/${b[1]}`, i]));
  const i = zone.index.get(`${pfn}/${order}`);
  return i === undefined ? -1 : i;
}

/** Append a free block to zone.blocks (and its index). */
function addBlock(zone, pfn, order, mt) {
  findBlock(zone, pfn, order); // the index exists
  zone.index.set(`${pfn}/${order}`, zone.blocks.length);
  zone.blocks.push([pfn, order, mt]);
}

/** Remove zone.blocks[i]: the last block takes its place (the order of blocks means nothing). */
function removeBlock(zone, i) {
  const [pfn, order] = zone.blocks[i], last = zone.blocks.pop();
  zone.index.delete(`${pfn}/${order}`);
  if (i < zone.blocks.length) {
    zone.blocks[i] = last;
    zone.index.set(`${last[0]}/${last[1]}`, i);
  }
}

/** Apply one buddy event to its zone's blocks and nr_free (docs: alloc/merge/isolate remove,
 *  split/free add, move changes the type). */
function applyBuddy(rec) {
  const zone = zoneOf(rec.zone);
  if (!zone) return modelError(`no zone ${rec.zone}`, rec);
  const row = zone.nr_free[rec.order];
  if (!row) return modelError(`order ${rec.order} out of range`, rec);
  const i = findBlock(zone, rec.pfn, rec.order);
  const mt = MTS.indexOf(rec.mt !== undefined ? rec.mt : i >= 0 ? zone.blocks[i][2] : "");
  if (rec.t === "split" || rec.t === "free") {
    if (i >= 0) modelError(`${rec.t}: block ${hex(rec.pfn, 5)} order ${rec.order} already free`, rec);
    addBlock(zone, rec.pfn, rec.order, rec.mt);
    row[mt]++;
    zone.free += 2 ** rec.order;
  } else if (rec.t === "move") {
    if (i < 0) return modelError(`move: block ${hex(rec.pfn, 5)} order ${rec.order} not free`, rec);
    row[MTS.indexOf(zone.blocks[i][2])]--;
    zone.blocks[i][2] = rec.mt;
    row[mt]++;
  } else {
    if (i < 0) return modelError(`${rec.t}: block ${hex(rec.pfn, 5)} order ${rec.order} not free`, rec);
    removeBlock(zone, i);
    row[mt]--;
    zone.free -= 2 ** rec.order;
  }
  noteFlash(rec);
}

/** Remember a buddy event for the highlight: split halves, merged results, allocated ghosts. */
function noteFlash(rec) {
  const t = performance.now();
  let kind = rec.t;
  if (rec.t === "free") {
    const size = 2 ** rec.order; // a free right after merges inside it is a merge result
    let merged = false; // newest first, and only the last 50 ms
    for (let j = state.flashes.length - 1; j >= 0 && t - state.flashes[j].t < 50 && !merged; j--) {
      const f = state.flashes[j];
      merged = f.kind === "merge" && f.zone === rec.zone && f.pfn >= rec.pfn && f.pfn < rec.pfn + size;
    }
    if (merged) kind = "merged";
  }
  const gone = ["alloc", "merge", "isolate"].includes(rec.t);
  state.flashes.push({ zone: rec.zone, pfn: rec.pfn, order: rec.order, kind, t, gone });
  if (state.flashes.length > 4000) state.flashes.splice(0, state.flashes.length - 4000);
}

/** Replace the per-CPU pageset entry of (cpu, zone) with rec's numbers. */
function applyPcp(rec) {
  const entry = { cpu: rec.cpu, zone: rec.zone, count: rec.count, high: rec.high, batch: rec.batch };
  const i = state.model.pcp.findIndex((p) => p.cpu === rec.cpu && p.zone === rec.zone);
  if (i >= 0) state.model.pcp[i] = entry; else state.model.pcp.push(entry);
}

/** Change the migratetype letter of the pageblock holding rec.pfn. */
function applyPageblock(rec) {
  const zone = zoneOf(rec.zone);
  if (!zone) return modelError(`no zone ${rec.zone}`, rec);
  const pb = 2 ** state.model.pageblock_order; // the letters start at a pageblock boundary
  const i = Math.floor(rec.pfn / pb) - Math.floor(zone.start_pfn / pb);
  if (i < 0 || i >= zone.pageblocks.length) return modelError("pageblock out of the zone", rec);
  const letter = MT_LETTERS[MTS.indexOf(rec.mt)];
  zone.pageblocks = zone.pageblocks.slice(0, i) + letter + zone.pageblocks.slice(i + 1);
}

/** Apply a buddy or pageblock event unless its zone's snapshot already has it: zone.seq is the
 *  last event in the zone's blocks (the snapshot's, then the last applied). */
function applyZoneEvent(rec) {
  const zone = zoneOf(rec.zone);
  if (zone && rec.seq <= zone.seq) { state.stale++; return; }
  if (zone) zone.seq = rec.seq;
  if (rec.t === "pageblock") applyPageblock(rec); else applyBuddy(rec);
  state.dirty.add("buddy");
}

/** Apply a well-formed record to the model; mark the views it changes. */
function applyRecord(rec) {
  if (rec.t === "snapshot") {
    state.model = structuredClone(rec);
    for (const z of state.model.zones) if (!Number.isInteger(z.seq)) z.seq = rec.seq;
    if (rec.why === "resync") state.resyncs++;
    state.flashes = [];
    ["memory", "buddy", "layout", "percpu"].forEach((v) => state.dirty.add(v));
    return scheduleRender();
  }
  if (rec.t === "hello") return requestSnapshot(); // the stream (re)started: ask for the state
  if (rec.t === "walk" || rec.t === "error") {
    if (rec.t === "walk") state.lastWalk = rec; else state.lastError = rec;
    state.dirty.add("walk");
    return scheduleRender();
  }
  if (!state.model) return; // events before the first snapshot have nothing to apply to
  state.model.seq = Math.max(state.model.seq, rec.seq);
  if (BUDDY_EVENTS.includes(rec.t) || rec.t === "pageblock") applyZoneEvent(rec);
  else if (rec.t === "pcp") { applyPcp(rec); state.dirty.add("percpu"); }
  else if (rec.t === "slabs") { state.model.slabs = rec.caches; state.dirty.add("percpu"); }
  else if (rec.t === "vmalloc") { state.model.vmalloc = rec.areas; state.dirty.add("layout"); }
  else if (rec.t === "flush") { state.lastFlush = rec; scheduleRender(); }
}

/** Handle one line of the state stream: parse, check, apply, wake waiters. */
function handleLine(line) {
  line = line.replace(/\r$/, "");
  if (!line.trim()) return;
  state.records++;
  scheduleStatus();
  state.lines.push(line);
  if (state.lines.length > MAX_LINES) state.lines.splice(0, state.lines.length - MAX_LINES);
  let rec;
  try { rec = JSON.parse(line); } catch (e) { return schemaError("not JSON: " + e.message, line); }
  const problems = checkRecord(rec);
  problems.forEach((p) => schemaError(p, line));
  if (problems.length) return;
  applyRecord(rec);
  state.waiters = state.waiters.filter((w) => (w.test(rec) ? (w.resolve(rec), false) : true));
}

// ---- rendering: at most once per animation frame ---------------------------------------------

let renderPending = false;

/** Redraw the dirty views at the next animation frame (or 200 ms later in a hidden tab). */
function scheduleRender() {
  if (renderPending) return;
  renderPending = true;
  const timer = setTimeout(renderNow, 200);
  requestAnimationFrame(() => { clearTimeout(timer); renderNow(); });
}

/** Redraw every dirty view and the status bar; wake render waiters. */
function renderNow() {
  if (!renderPending) return;
  renderPending = false;
  const views = { memory: renderMemory, buddy: renderBuddy, walk: renderWalk,
                  layout: renderLayout, percpu: renderPercpu };
  for (const name of state.dirty) {
    try { views[name](); } catch (e) { console.error(`render ${name}:`, e); }
  }
  state.dirty.clear();
  renderStatus();
  state.lastActivity = performance.now();
  const waiting = state.renderWaiters;
  state.renderWaiters = [];
  waiting.forEach((resolve) => resolve());
}

/** The counters in the top bar. */
function renderStatus() {
  $("count-records").textContent = state.records;
  $("count-seq").textContent = state.model ? state.model.seq : "-";
  $("count-resyncs").textContent = state.resyncs;
  $("last-flush").textContent = state.lastFlush ? state.lastFlush.cmd || "-" : "-";
  $("count-errors").textContent = state.schemaErrors.length;
}

/** Refresh the top bar's counters at the next frame (records arrive in bursts). */
let statusPending = false;
function scheduleStatus() {
  if (statusPending) return;
  statusPending = true;
  requestAnimationFrame(() => { statusPending = false; renderStatus(); });
}

/** A promise resolved after the next render. */
function nextRender() {
  return new Promise((resolve) => state.renderWaiters.push(resolve));
}

// ---- scales: addresses to pixels, linear or "log" (every interval visible) -------------------

/** A function addr -> y (0 at hi, height at lo) over [lo, hi]. log: the intervals between the
 *  breakpoints get heights growing with the log of their size, so tiny regions stay visible. */
function makeScale(lo, hi, height, log, breakpoints) {
  if (!log || hi <= lo) return (a) => height - ((a - lo) / Math.max(1, hi - lo)) * height;
  const pts = [...new Set([lo, hi, ...breakpoints.filter((p) => p > lo && p < hi)])].sort((a, b) => a - b);
  const weights = pts.slice(1).map((p, i) => 1 + Math.log2(1 + (p - pts[i]) / PAGE));
  const total = weights.reduce((a, b) => a + b, 0);
  const acc = [0];
  weights.forEach((w) => acc.push(acc[acc.length - 1] + (w / total) * height));
  return (a) => {
    if (a <= lo) return height;
    if (a >= hi) return 0;
    let i = 1;
    while (pts[i] < a) i++;
    const f = (a - pts[i - 1]) / (pts[i] - pts[i - 1]);
    return height - (acc[i - 1] + f * (acc[i] - acc[i - 1]));
  };
}

/** SVG <text> address labels at breakpoints, skipping ones closer than 11 px to the last. */
function axisLabels(points, y, x) {
  let last = -99, out = "";
  for (const p of [...new Set(points)].sort((a, b) => a - b)) {
    const yy = y(p);
    if (Math.abs(yy - last) < 11) continue;
    last = yy;
    out += `<text class="axis" x="${x}" y="${yy + 4}" text-anchor="end">${hex(p)}</text>` +
           `<line class="tick" x1="${x + 2}" x2="${x + 8}" y1="${yy}" y2="${yy}"/>`;
  }
  return out;
}

/** An SVG rect for [base, base+size) in lane (x, w) of scale y, with data for hover/click. */
function laneRect(y, x, w, base, size, cls, data) {
  const top = y(base + size), bottom = y(base);
  const h = Math.max(1.5, bottom - top);
  const attrs = Object.entries(data).map(([k, v]) => `data-${k}="${esc(v)}"`).join(" ");
  return `<rect class="${cls}" x="${x}" y="${bottom - h}" width="${w}" height="${h}" ${attrs}>` +
         `<title>${esc(data.label || "")}</title></rect>`;
}

// ---- view 1: physical memory (memblock, zones, CMA) ------------------------------------------

/** The regions of the memory figure: [{lane, base, size, cls, label}] from the snapshot. */
function memoryRegions(m) {
  const out = [];
  for (const r of m.memblock.memory) {
    const nomap = r.flags & NOMAP;
    out.push({ lane: 0, base: r.base, size: r.size, cls: nomap ? "mem nomap" : "mem", owner: nomap ? "NOMAP" : "",
      label: `memory ${hex(r.base)}..${hex(r.base + r.size - 1)} ${fmtSize(r.size)}` +
             (nomap ? " NOMAP (no linear mapping)" : "") + ` flags ${hex(r.flags, 1)}` });
  }
  for (const r of m.memblock.reserved)
    out.push({ lane: 1, base: r.base, size: r.size, cls: "rsv",
      owner: r.owner, label: `reserved: ${r.owner} at ${hex(r.base)}, ${fmtSize(r.size)} (${r.size} bytes)` });
  for (const z of m.zones)
    if (z.spanned)
      out.push({ lane: 2, base: z.start_pfn * PAGE, size: z.spanned * PAGE, cls: "zone",
        label: `zone ${z.name}: pfn ${hex(z.start_pfn, 5)}..${hex(z.start_pfn + z.spanned - 1, 5)}, ` +
               `${z.spanned} pages, ${z.free} free` });
  for (const c of m.cma)
    out.push({ lane: 3, base: c.base, size: c.count * PAGE, cls: "cma", used: c.used / Math.max(1, c.count),
      label: `CMA ${c.name} at ${hex(c.base)}, ${c.count} pages, ${c.used} used` });
  return out;
}

/** Draw the physical memory figure and its region table. */
function renderMemory() {
  const m = state.model;
  if (!m) return;
  const regions = memoryRegions(m);
  const lo = Math.min(...regions.map((r) => r.base));
  const hi = Math.max(...regions.map((r) => r.base + r.size));
  const H = 620, X0 = 92, LW = 64, GAP = 6, TOP = 22;
  const pts = regions.flatMap((r) => [r.base, r.base + r.size]);
  const y0 = makeScale(lo, hi, H, $("memory-log").checked, pts);
  const y = (a) => TOP + y0(a);
  const lanes = ["memory", "reserved", "zones", "CMA"];
  let svg = lanes.map((name, i) =>
    `<text class="lane-title" x="${X0 + i * (LW + GAP) + LW / 2}" y="14" text-anchor="middle">${name}</text>` +
    `<rect class="lane" x="${X0 + i * (LW + GAP)}" y="${TOP}" width="${LW}" height="${H}"/>`).join("");
  regions.forEach((r, i) => {
    const x = X0 + r.lane * (LW + GAP);
    svg += laneRect(y, x, LW, r.base, r.size, "region " + r.cls, { i, addr: r.base, label: r.label });
    if (r.cls === "cma" && r.used > 0)
      svg += laneRect(y, x, LW * r.used, r.base, r.size, "cma-used", { i, addr: r.base, label: r.label });
  });
  svg += axisLabels(pts, y, X0 - 10);
  $("memory-figure").innerHTML =
    `<svg width="${X0 + 4 * (LW + GAP)}" height="${H + TOP + 8}" role="img" aria-label="physical memory">` +
    `<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">` +
    `<line x1="0" y1="0" x2="0" y2="6" class="hatch"/></pattern></defs>${svg}</svg>`;
  state.memoryRegions = regions;
  renderMemoryTable(regions);
}

/** The table of memory and reserved regions beside the figure (keyboard: Enter = whatis). */
function renderMemoryTable(regions) {
  const rows = regions.map((r, i) => r.lane > 1 ? "" :
    `<tr tabindex="0" data-addr="${r.base}" data-i="${i}"><td>${r.lane ? "reserved" : "memory"}</td>` +
    `<td class="num">${hex(r.base)}</td><td class="num">${fmtSize(r.size)}</td><td>${esc(r.owner)}</td></tr>`);
  $("memory-table").innerHTML = `<thead><tr><th>kind</th><th>base</th><th>size</th><th>owner</th></tr></thead>` +
    `<tbody>${rows.join("")}</tbody>`;
}

/** Hover on a memory region: its text in #memory-info. */
function memoryHover(ev) {
  const el = ev.target.closest("[data-addr]");
  if (el && state.memoryRegions && el.dataset.i !== undefined)
    $("memory-info").textContent = state.memoryRegions[el.dataset.i].label;
}

// ---- view 2: the buddy allocator --------------------------------------------------------------

/** The DOM of one zone's buddy view (built once per snapshot's zone list). */
function zoneSection(z, maxOrder) {
  const orders = [...Array(maxOrder).keys()];
  const head = `<tr><th>type \\ order</th>${orders.map((o) => `<th class="num">${o}</th>`).join("")}</tr>`;
  const mtRows = MTS.map((mt) => `<tr><th><span class="swatch mt-${mt[0]}"></span>${mt}</th>` +
    orders.map((o) => `<td class="num" data-mt="${mt}" data-mt-order="${o}">0</td>`).join("") + "</tr>");
  const total = `<tr class="total"><th>all (buddyinfo)</th>` +
    orders.map((o) => `<td class="num" data-zone="${esc(z.name)}" data-order="${o}">0</td>`).join("") + "</tr>";
  const sec = document.createElement("section");
  sec.className = "zone";
  sec.dataset.zoneName = z.name;
  sec.innerHTML = `<h3><span class="zone-name">${esc(z.name)}</span> <span class="zone-info"></span></h3>` +
    `<table class="grid buddy-table" data-zone-name="${esc(z.name)}"><thead>${head}</thead>` +
    `<tbody>${mtRows.join("")}${total}</tbody></table>` +
    `<div class="strip-title">free blocks at their pfn (grey: not on a free list)</div>` +
    `<div class="strip"></div><div class="strip-title">pageblocks by migratetype</div>` +
    `<div class="pageblocks"></div>`;
  return sec;
}

/** Rebuild the zone sections if the zone list changed; return {name: section}. */
function ensureZoneSections(m) {
  const box = $("buddy-zones");
  const key = m.zones.map((z) => z.name).join(",") + "/" + m.max_order;
  if (box.dataset.key !== key) {
    box.replaceChildren(...m.zones.map((z) => zoneSection(z, m.max_order)));
    box.dataset.key = key;
  }
  return Object.fromEntries([...box.children].map((s) => [s.dataset.zoneName, s]));
}

/** Set a cell's text; flash it when the number changed (not at its first value). */
function setCell(td, value) {
  const text = String(value), first = !td.dataset.filled;
  if (td.textContent === text && !first) return;
  td.textContent = text;
  td.dataset.filled = "1";
  if (first) return;
  td.classList.remove("changed");
  void td.offsetWidth; // restart the CSS animation
  td.classList.add("changed");
}

/** Draw every zone: counts table, free-block strip, pageblock grid. */
function renderBuddy() {
  const m = state.model;
  if (!m) return;
  const sections = ensureZoneSections(m);
  const now = performance.now();
  state.flashes = state.flashes.filter((f) => now - f.t < FLASH_MS);
  for (const z of m.zones) {
    const sec = sections[z.name];
    sec.querySelector(".zone-info").textContent =
      `pfn ${hex(z.start_pfn, 5)}..${hex(z.start_pfn + z.spanned, 5)}  free ${z.free} / managed ${z.managed} pages` +
      `  wmark ${z.wmark.join(" / ")}`;
    sec.querySelectorAll("td[data-mt]").forEach((td) =>
      setCell(td, z.nr_free[td.dataset.mtOrder][MTS.indexOf(td.dataset.mt)]));
    sec.querySelectorAll("td[data-order]").forEach((td) =>
      setCell(td, z.nr_free[td.dataset.order].reduce((a, b) => a + b, 0)));
    sec.querySelector(".strip").innerHTML = stripSvg(z, m.pageblock_order, now);
    sec.querySelector(".pageblocks").innerHTML = pageblockGrid(z, m.pageblock_order);
  }
  if (state.flashes.length) setTimeout(() => { state.dirty.add("buddy"); scheduleRender(); }, FLASH_MS / 2);
}

/** The zone's free blocks drawn at their pfn: rows of whole pageblocks, 1 px >= 1 page group. */
function stripSvg(z, pbOrder, now) {
  const pbPages = 2 ** pbOrder, W = 600, ROWH = 12, GAP = 3, LABEL = 64;
  const nPb = Math.max(1, Math.ceil(z.spanned / pbPages));
  const perRow = Math.max(1, Math.ceil(nPb / 16));
  const rowPages = perRow * pbPages, rows = Math.ceil(nPb / perRow);
  const scale = (W - LABEL) / rowPages;
  const place = (pfn, order) => {
    const off = pfn - z.start_pfn, r = Math.floor(off / rowPages);
    const w = 2 ** order * scale; // a hairline gap between neighbours wide enough to show it
    return { x: LABEL + (off - r * rowPages) * scale, y: r * (ROWH + GAP),
             w: w >= 4 ? w - 0.6 : Math.max(2, w) };
  };
  let svg = "";
  for (let r = 0; r < rows; r++)
    svg += `<text class="axis" x="${LABEL - 4}" y="${r * (ROWH + GAP) + 10}" text-anchor="end">${hex(z.start_pfn + r * rowPages, 5)}</text>` +
           `<rect class="strip-bg" x="${LABEL}" y="${r * (ROWH + GAP)}" width="${Math.min(rowPages, z.spanned - r * rowPages) * scale}" height="${ROWH}"/>`;
  const flashOf = new Map(state.flashes.filter((f) => f.zone === z.name && !f.gone)
    .map((f) => [f.pfn + ":" + f.order, f]));
  for (const [pfn, order, mt] of z.blocks) {
    const p = place(pfn, order), f = flashOf.get(pfn + ":" + order);
    const cls = `blk mt-${mt[0]}` + (f ? ` hl hl-${f.kind}` : "");
    const style = f ? ` style="animation-delay:-${Math.round(now - f.t)}ms"` : "";
    svg += `<rect class="${cls}"${style} x="${p.x}" y="${p.y}" width="${p.w}" height="${ROWH}" data-pfn="${pfn}" data-order="${order}">` +
           `<title>pfn ${hex(pfn, 5)} order ${order} ${mt}</title></rect>`;
  }
  for (const f of state.flashes.filter((f) => f.zone === z.name && f.gone)) {
    const p = place(f.pfn, f.order);
    svg += `<rect class="ghost hl hl-${f.kind}" style="animation-delay:-${Math.round(now - f.t)}ms" x="${p.x}" y="${p.y - 1}" width="${p.w}" height="${ROWH + 2}" data-pfn="${f.pfn}">` +
           `<title>${f.kind}: pfn ${hex(f.pfn, 5)} order ${f.order}</title></rect>`;
  }
  return `<svg width="${W}" height="${rows * (ROWH + GAP)}" role="img" aria-label="free blocks of ${esc(z.name)}">${svg}</svg>`;
}

/** One cell per pageblock, coloured by its migratetype letter. */
function pageblockGrid(z, pbOrder) {
  let out = "";
  for (let i = 0; i < z.pageblocks.length; i++) {
    const pb = 2 ** pbOrder, letter = z.pageblocks[i], pfn = (Math.floor(z.start_pfn / pb) + i) * pb;
    const what = letter === "-" ? "no memmap" : MTS[MT_LETTERS.indexOf(letter)];
    out += `<span class="pb mt-${letter === "-" ? "none" : letter}" data-pfn="${pfn}" title="pageblock ${i}: pfn ${hex(pfn, 5)} ${what}"></span>`;
  }
  return out;
}

// ---- view 3: page walk --------------------------------------------------------------------------

/** What an ARM short-descriptor L1 entry is, from its low two bits. */
function l1Kind(d) {
  return ["fault", `page table at ${hex(d & 0xfffffc00)}`,
          (d & (1 << 18)) ? `supersection at ${hex((d & 0xff000000) >>> 0)}` : `section at ${hex((d & 0xfff00000) >>> 0)}`,
          "reserved"][d & 3];
}

/** Send `walk VA` on the state stream; the answer arrives as a walk (or error) record. */
function requestWalk(text) {
  const va = parseAddr(text);
  $("walk-error").textContent = "";
  if (Number.isNaN(va) || va > 0xffffffff) {
    $("walk-error").textContent = `not an address: '${text}'`;
    return false;
  }
  $("walk-va").value = hex(va);
  return sendState(`walk ${hex(va)}`);
}

/** Draw the last walk answer: L1 pair, the PTE page, the decoded bits, the PA, the MMU's answer. */
function renderWalk() {
  if (state.lastError) { $("walk-error").textContent = state.lastError.msg; state.lastError = null; }
  const w = state.lastWalk;
  if (!w) return;
  const half = (w.va >>> 20) & 1;
  const hasL2 = "pte_index" in w && (w.pgd[half] & 3) === 1; // the L1 entry points to a table
  const pgd = w.pgd.map((d, i) =>
    `<div class="desc${i === half ? " used" : ""}"><span class="lbl">pgd[${w.pgd_index}][${i}]</span>` +
    `<span class="num">${hex(d >>> 0)}</span><span class="dec">${esc(l1Kind(d >>> 0))}</span></div>`).join("");
  const bits = ["domain", "ap", "tex", "c", "b", "s", "ng", "xn", "pxn", "perm", "mem_type"]
    .filter((k) => k in w)
    .map((k) => `<tr><th>${k}</th><td class="num">${esc(k === "ap" ? fmtAp(w.ap) : w[k])}</td></tr>`).join("");
  const pa = w.mapped && "pa" in w ? hex(w.pa) : "not mapped";
  const mmu = "mmu_par" in w
    ? `PAR ${hex(w.mmu_par >>> 0)} → ${(w.mmu_par & 1) ? "fault" : "PA " + hex(w.mmu_pa)}` +
      ` <span class="${w.mmu_agrees ? "ok" : "bad"}">${w.mmu_agrees ? "agrees" : "DISAGREES"}</span>`
    : "-";
  $("walk-result").innerHTML =
    `<div class="walk-va">${vaSplit(w.va)}</div>` +
    `<h3>1. L1: the pgd entry pair (kind: ${esc(w.kind)})</h3><div class="pair">${pgd}</div>` +
    (hasL2 ? `<h3>2. L2: the PTE page, Linux and hardware halves</h3>${ptePage(w)}` : "") +
    (bits ? `<h3>${hasL2 ? 3 : 2}. the descriptor's bits</h3><table class="grid bits">${bits}</table>` : "") +
    `<h3>physical address</h3><div class="pa"><span id="walk-pa" class="num">${pa}</span></div>` +
    `<div class="mmu">MMU (ATS1CPR): ${mmu}</div>`;
}

/** "APX:AP 0:01 (3 bits: 1)": the 3-bit AP value as the ARM ARM writes it. */
function fmtAp(ap) {
  return `${ap} (APX:AP = ${(ap >> 2) & 1}:${((ap & 3) >>> 0).toString(2).padStart(2, "0")})`;
}

/** The VA's bit fields: L1 index VA[31:20], hardware L2 index VA[19:12], offset VA[11:0]. */
function vaSplit(va) {
  return `VA <b class="num">${hex(va)}</b> = L1 index <b class="num">${va >>> 20}</b> (VA[31:20]) · ` +
         `L2 index <b class="num">${(va >>> 12) & 0xff}</b> (VA[19:12]) · offset <b class="num">${hex(va & 0xfff, 3)}</b>`;
}

/** The 4 KiB PTE page: Linux pt 0/1 at +0/+1024, h/w pt 0/1 at +2048/+3072, the entries marked. */
function ptePage(w) {
  const half = (w.va >>> 20) & 1;
  const linuxOff = w.pte_index * 4, hwOff = 2048 + half * 1024 + w.hw_pte_index * 4;
  const quarters = ["Linux pt 0", "Linux pt 1", "h/w pt 0", "h/w pt 1"].map((name, i) =>
    `<div class="quarter${[Math.floor(linuxOff / 1024), Math.floor(hwOff / 1024)].includes(i) ? " used" : ""}">` +
    `<span class="lbl">+${i * 1024}</span> ${name}</div>`).join("");
  const mark = (off, cls) => `<div class="mark ${cls}" style="left:${(off / 4096) * 100}%"></div>`;
  return `<div class="ptepage">${quarters}${mark(linuxOff, "linux")}${mark(hwOff, "hw")}</div>` +
    `<table class="grid bits"><tr><th>Linux PTE</th><td class="num">index ${w.pte_index} (+${linuxOff})</td>` +
    `<td class="num">${hex(w.linux_pte >>> 0)}</td></tr><tr><th>hardware PTE</th>` +
    `<td class="num">index ${w.hw_pte_index} (+${hwOff})</td><td class="num">${hex(w.hw_pte >>> 0)}</td></tr></table>`;
}

// ---- view 4: the virtual layout ------------------------------------------------------------

/** Draw snapshot.layout as a vertical figure with the vmalloc areas beside it, and the table. */
function renderLayout() {
  const m = state.model;
  if (!m || !m.layout.length) return;
  const lo = Math.min(...m.layout.map((r) => r.start)), hi = Math.max(...m.layout.map((r) => r.end));
  const areas = m.vmalloc.filter((a) => a.addr >= lo && a.addr + a.size <= hi);
  const pts = [...m.layout.flatMap((r) => [r.start, r.end]), ...areas.flatMap((a) => [a.addr, a.addr + a.size])];
  const H = 620, TOP = 22, X0 = 92, LW = 120;
  const y0 = makeScale(lo, hi, H, $("layout-log").checked, pts);
  const y = (a) => TOP + y0(a);
  let svg = `<text class="lane-title" x="${X0 + LW / 2}" y="14" text-anchor="middle">kernel layout</text>` +
    `<text class="lane-title" x="${X0 + LW + 8 + LW / 2}" y="14" text-anchor="middle">vmalloc areas</text>` +
    `<rect class="lane" x="${X0}" y="${TOP}" width="${LW}" height="${H}"/>` +
    `<rect class="lane" x="${X0 + LW + 8}" y="${TOP}" width="${LW}" height="${H}"/>`;
  for (const r of m.layout) {
    svg += laneRect(y, X0, LW, r.start, r.end - r.start, "region vregion",
      { addr: r.start, label: `${r.name}: ${hex(r.start)}..${hex(r.end)} (${fmtSize(r.end - r.start)})` });
    const mid = (y(r.start) + y(r.end)) / 2;
    if (y(r.start) - y(r.end) >= 11)
      svg += `<text class="region-label" x="${X0 + LW / 2}" y="${mid + 4}" text-anchor="middle">${esc(r.name)}</text>`;
  }
  for (const a of areas)
    svg += laneRect(y, X0 + LW + 8, LW, a.addr, a.size, "region varea",
      { addr: a.addr, label: `${a.caller} ${hex(a.addr)} ${fmtSize(a.size)} ${a.pages} pages ${a.flags}` });
  svg += axisLabels(pts, y, X0 - 10);
  $("layout-figure").innerHTML = `<svg width="${X0 + 2 * LW + 16}" height="${H + TOP + 8}" role="img" aria-label="virtual layout">${svg}</svg>`;
  renderLayoutTable(m);
}

/** The layout regions and vmalloc areas as rows (Enter or click: walk the start). */
function renderLayoutTable(m) {
  const row = (cells, addr) => `<tr tabindex="0" data-addr="${addr}">${cells}</tr>`;
  const regions = [...m.layout].reverse().map((r) => row(`<td>${esc(r.name)}</td><td class="num">${hex(r.start)}</td>` +
    `<td class="num">${hex(r.end)}</td><td class="num">${fmtSize(r.end - r.start)}</td>`, r.start));
  const areas = m.vmalloc.map((a) => row(`<td>${esc(a.caller)} <small>${esc(a.flags)}</small></td>` +
    `<td class="num">${hex(a.addr)}</td><td class="num">${hex(a.addr + a.size)}</td><td class="num">${a.pages} pages</td>`, a.addr));
  $("layout-table").innerHTML = `<thead><tr><th>region</th><th>start</th><th>end</th><th>size</th></tr></thead>` +
    `<tbody>${regions.join("")}<tr class="sep"><th colspan="4">vmalloc areas (${m.vmalloc.length})</th></tr>${areas.join("")}</tbody>`;
}

// ---- view 5: per-CPU pagesets and slab caches --------------------------------------------------

/** A small bar: value out of max, as a fixed-width meter. */
function bar(value, max) {
  const pct = max > 0 ? Math.min(100, (100 * value) / max) : 0;
  return `<span class="bar"><span style="width:${pct.toFixed(1)}%"></span></span>`;
}

/** Draw the pcp and slab tables. */
function renderPercpu() {
  const m = state.model;
  if (!m) return;
  const pcp = [...m.pcp].sort((a, b) => a.zone.localeCompare(b.zone) || a.cpu - b.cpu);
  $("pcp-table").innerHTML = `<thead><tr><th>cpu</th><th>zone</th><th class="num">count</th><th class="num">high</th>` +
    `<th class="num">batch</th><th>count / high</th></tr></thead><tbody>` +
    pcp.map((p) => `<tr data-cpu="${p.cpu}" data-pcp-zone="${esc(p.zone)}"><td class="num">${p.cpu}</td><td>${esc(p.zone)}</td>` +
      `<td class="num">${p.count}</td><td class="num">${p.high}</td><td class="num">${p.batch}</td>` +
      `<td>${bar(p.count, p.high)}</td></tr>`).join("") + "</tbody>";
  $("slab-table").innerHTML = `<thead><tr><th>cache</th><th class="num">objsize</th><th class="num">size</th>` +
    `<th class="num">active</th><th class="num">objects</th><th class="num">slabs</th><th>active / objects</th></tr></thead><tbody>` +
    m.slabs.map((s) => `<tr data-slab="${esc(s.name)}"><td>${esc(s.name)}</td><td class="num">${s.object_size}</td>` +
      `<td class="num">${s.size}</td><td class="num">${s.active}</td><td class="num">${s.objects}</td>` +
      `<td class="num">${s.slabs}</td><td>${bar(s.active, s.objects)}</td></tr>`).join("") + "</tbody>";
}

// ---- the terminal and the console WebSocket ------------------------------------------------------

const THEMES = {
  light: { background: "#fbfbf8", foreground: "#1d1f21", cursor: "#1d1f21", selectionBackground: "#b5d5ff" },
  dark: { background: "#16181c", foreground: "#d8dadf", cursor: "#d8dadf", selectionBackground: "#3a4a66" },
};

/** Create the xterm.js terminal in #terminal, fitted to its box; keystrokes go to the console. */
function setupTerminal() {
  const term = new window.Terminal({
    fontFamily: "ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, monospace", fontSize: 12,
    scrollback: 10000, cursorBlink: true, theme: THEMES[document.documentElement.dataset.theme],
  });
  const fit = new window.FitAddon.FitAddon();
  term.loadAddon(fit);
  term.open($("terminal"));
  new ResizeObserver(() => { try { fit.fit(); } catch (e) { /* hidden */ } }).observe($("terminal"));
  fit.fit();
  const encoder = new TextEncoder();
  term.onData((data) => sendConsole(encoder.encode(data)));
  state.term = term;
  term.focus();
}

/** Send bytes on socket name ("console" or "state"); false when it is not open. */
function sendBytes(name, bytes) {
  const ws = state.sockets[name];
  if (!ws || ws.readyState !== WebSocket.OPEN) return false;
  ws.send(bytes);
  return true;
}

/** Send bytes to the console (keystrokes); false when its socket is not open. */
function sendConsole(bytes) {
  return sendBytes("console", bytes);
}

/** Set a connection indicator in the top bar ("open", "connecting", "closed"). */
function setStatus(id, value) {
  $(id).dataset.state = value;
  $(id).title = `${id.replace("status-", "")} socket: ${value}`;
}

/** The ws:// URL of a WebSocket path on the server that served this page. */
function wsUrl(path) {
  return new URL(path, location.href.replace(/^http/, "ws")).href;
}

/** Open the WebSocket name ("console" or "state") on this page's server: its light in the
 *  top bar, onOpen at each (re)connection, onBytes for each message; a second after a close
 *  it opens again. */
function openSocket(name, onOpen, onBytes) {
  const ws = new WebSocket(wsUrl(state.config[name]), ["binary"]);
  const light = `status-${name}`;
  ws.binaryType = "arraybuffer";
  setStatus(light, "connecting");
  ws.onopen = () => {
    onOpen();
    setStatus(light, "open");
  };
  ws.onmessage = (ev) => onBytes(new Uint8Array(ev.data));
  ws.onclose = () => {
    setStatus(light, "closed");
    if (state.sockets[name] === ws) setTimeout(() => openSocket(name, onOpen, onBytes), 1000);
  };
  state.sockets[name] = ws;
}

/** Connect the console. The server replays the console's output so far, so the terminal
 *  starts over on every reconnection. */
function connectConsole() {
  const decoder = new TextDecoder();
  openSocket("console", () => {
    if (state.consoleConnects++) {
      state.term.reset();
      state.consoleLog = "";
    }
  }, (bytes) => {
    state.term.write(bytes);
    state.consoleLog += decoder.decode(bytes, { stream: true }).replace(/\r/g, "");
    state.lastActivity = performance.now();
  });
}

// ---- the state WebSocket -------------------------------------------------------------------

/** Send one request line on the state stream; false when it is not open. */
function sendState(line) {
  return sendBytes("state", new TextEncoder().encode(line.replace(/\n?$/, "\n")));
}

/** Ask the kernel for the whole state (it also turns the events on). */
function requestSnapshot() {
  return sendState("snapshot");
}

/** Feed text received on the state stream: complete lines are handled, the rest kept. A
 *  message holds whatever the server read from QEMU, often part of a line: pieces without a
 *  newline are only collected (joining them each time would be quadratic in a line's length). */
let partial = [];
function feedStateText(text) {
  state.lastActivity = performance.now();
  if (!text.includes("\n")) { if (text) partial.push(text); return; }
  const lines = (partial.join("") + text).split("\n");
  partial = [lines.pop()];
  lines.forEach(handleLine);
}

/** Connect the state stream; on each (re)connection ask for a snapshot. */
function connectState() {
  const decoder = new TextDecoder();
  openSocket("state", () => {
    partial = [];
    requestSnapshot();
  }, (bytes) => feedStateText(decoder.decode(bytes, { stream: true })));
}

/** Load /config.json (the WebSocket paths), retrying while the server is not there. */
async function loadConfig() {
  for (;;) {
    try {
      const r = await fetch("/config.json", { cache: "no-store" });
      if (r.ok) return await r.json();
    } catch (e) { /* server not up (yet) */ }
    await new Promise((res) => setTimeout(res, 2000));
  }
}

// ---- page controls: tabs, theme, clicks --------------------------------------------------------

/** Show tab name (memory, buddy, walk, layout, percpu); move the keyboard focus if focus. */
function showTab(name, focus = false) {
  for (const tab of document.querySelectorAll("[role=tab]")) {
    const on = tab.id === "tab-" + name;
    tab.setAttribute("aria-selected", on);
    tab.tabIndex = on ? 0 : -1;
    $(tab.getAttribute("aria-controls")).hidden = !on;
    if (on && focus) tab.focus();
  }
}

/** Tabs: click selects; arrows, Home and End move along the tab list. */
function setupTabs() {
  const tabs = [...document.querySelectorAll("[role=tab]")];
  const names = tabs.map((t) => t.id.slice(4));
  tabs.forEach((tab, i) => {
    tab.addEventListener("click", () => showTab(names[i]));
    tab.addEventListener("keydown", (ev) => {
      const j = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[ev.key];
      if (j === undefined) return;
      ev.preventDefault();
      showTab(names[(j + tabs.length) % tabs.length], true);
    });
  });
}

/** Switch light/dark; remember the choice. */
function toggleTheme() {
  const next = document.documentElement.dataset.theme === "dark" ? "light" : "dark";
  document.documentElement.dataset.theme = next;
  localStorage.setItem("pimm-theme", next);
  if (state.term) state.term.options.theme = THEMES[next];
}

/** Type a command into the shell exactly as a user would (keystrokes through xterm.js). */
function typeLine(line) {
  state.term.input(line + "\r", true);
}

/** Click (or Enter on) an element with data-addr / data-pfn inside container, calling action. */
function onActivate(container, selector, action) {
  container.addEventListener("click", (ev) => {
    const el = ev.target.closest(selector);
    if (el) action(el);
  });
  container.addEventListener("keydown", (ev) => {
    const el = ev.key === "Enter" && ev.target.closest(selector);
    if (el) action(el);
  });
}

/** Wire the views' inputs: checkboxes, walk form, clickable regions and blocks. */
function setupControls() {
  $("theme-toggle").addEventListener("click", toggleTheme);
  $("memory-log").addEventListener("change", () => { state.dirty.add("memory"); scheduleRender(); });
  $("layout-log").addEventListener("change", () => { state.dirty.add("layout"); scheduleRender(); });
  $("walk-form").addEventListener("submit", (ev) => { ev.preventDefault(); requestWalk($("walk-va").value); });
  $("memory-figure").addEventListener("mouseover", memoryHover);
  $("memory-table").addEventListener("mouseover", memoryHover);
  $("memory-table").addEventListener("focusin", memoryHover);
  const whatis = (el) => typeLine(`whatis ${hex(Number(el.dataset.addr))}`);
  onActivate($("memory-figure"), "[data-addr]", whatis);
  onActivate($("memory-table"), "[data-addr]", whatis);
  onActivate($("buddy-zones"), "[data-pfn]", (el) => typeLine(`page ${hex(Number(el.dataset.pfn), 1)}`));
  const walkIt = (el) => { showTab("walk"); requestWalk(hex(Number(el.dataset.addr))); };
  onActivate($("layout-figure"), "[data-addr]", walkIt);
  onActivate($("layout-table"), "[data-addr]", walkIt);
}

// ---- window.pimm: the test interface ----------------------------------------------------------

/** A promise for the first state record (received after this call) for which test is true. */
function waitRecord(test, timeout = 10000) {
  return new Promise((resolve, reject) => {
    const w = { test, resolve };
    state.waiters.push(w);
    setTimeout(() => {
      if (!state.waiters.includes(w)) return;
      state.waiters = state.waiters.filter((x) => x !== w);
      reject(new Error(`no matching state record within ${timeout} ms`));
    }, timeout);
  });
}

/** Poll until fn() is truthy (resolve with its value) or timeout ms pass (reject with what). */
function pollUntil(fn, timeout, what) {
  const end = performance.now() + timeout;
  return new Promise((resolve, reject) => {
    const tick = () => {
      const v = fn();
      if (v) return resolve(v);
      if (performance.now() > end) return reject(new Error(`timeout (${timeout} ms): ${what}`));
      setTimeout(tick, 25);
    };
    tick();
  });
}

/** The terminal's text: every buffer line (wrapped lines joined), up to the cursor. */
function consoleText() {
  const buf = state.term.buffer.active, cursorRow = buf.baseY + buf.cursorY, out = [];
  for (let i = 0; i <= cursorRow && i < buf.length; i++) {
    const line = buf.getLine(i);
    const s = i === cursorRow ? line.translateToString(false, 0, buf.cursorX) : line.translateToString(true);
    if (line.isWrapped && out.length) out[out.length - 1] += s; else out.push(s);
  }
  return out.join("\n");
}

window.pimm = {
  get term() { return state.term; },
  get model() { return state.model; },
  get records() { return state.records; },
  get lines() { return state.lines; },
  get schemaErrors() { return state.schemaErrors; },
  get modelErrors() { return state.modelErrors; },
  get lastWalk() { return state.lastWalk; },
  get lastFlush() { return state.lastFlush; },
  get stale() { return state.stale; },
  get resyncs() { return state.resyncs; },
  get connected() {
    const open = (name) => state.sockets[name]?.readyState === WebSocket.OPEN;
    return { console: open("console"), state: open("state") };
  },
  typeLine,
  send: (text) => sendConsole(new TextEncoder().encode(text)),
  sendState,
  feed: (text) => { feedStateText(text.endsWith("\n") ? text : text + "\n"); },
  consoleText,
  consoleLog: () => state.consoleLog,
  showTab,
  checkRecord,
  render: () => { scheduleRender(); return nextRender(); },
  nextRender,
  waitRecord,
  waitConsole: (pattern, timeout = 10000, from = 0) =>
    pollUntil(() => state.consoleLog.slice(from).match(pattern), timeout, `console ${pattern}`),
  waitPrompt: (timeout = 20000, from = 0) =>
    pollUntil(() => state.consoleLog.slice(from).endsWith("pimm> "), timeout, "the pimm> prompt"),
  async runCommand(line, timeout = 10000) {
    const from = state.consoleLog.length;
    typeLine(line);
    await pollUntil(() => /\n[\s\S]*pimm> $/.test(state.consoleLog.slice(from)), timeout, `prompt after '${line}'`);
    const text = state.consoleLog.slice(from);
    return text.slice(text.indexOf("\n") + 1, text.length - "pimm> ".length);
  },
  async waitFlush(cmd, timeout = 10000) {
    const rec = await waitRecord((r) => r.t === "flush" && (cmd === undefined || (r.cmd === cmd && !r.running)), timeout);
    await nextRender();
    return rec;
  },
  async waitSnapshot(timeout = 10000) {
    const rec = await waitRecord((r) => r.t === "snapshot", timeout);
    await nextRender();
    return rec;
  },
  async walk(va, timeout = 10000) {
    const answer = waitRecord((r) => r.t === "walk" || r.t === "error", timeout);
    if (!requestWalk(String(va))) throw new Error("walk: the state socket is not open or the address is bad");
    const rec = await answer;
    await nextRender();
    return rec;
  },
  waitIdle: (quiet = 300, timeout = 10000) =>
    pollUntil(() => !renderPending && performance.now() - state.lastActivity >= quiet, timeout, "idle"),
};

// ---- start -----------------------------------------------------------------------------------

/** Build the page, then connect both sockets. */
async function main() {
  setupTerminal();
  setupTabs();
  setupControls();
  state.config = await loadConfig();
  connectState();
  connectConsole();
}

main();
