// The panes drawn from the session's views (session/view): Address, TLB, Page table, Physical
// memory, Processes, Swap and Counters.
import { useEffect, useRef, useState } from "preact/hooks";
import { frameAt } from "../../session/view/runs.js";
import type {
  AccessName,
  AddressView,
  FrameDetail,
  MemoryView,
  PteBits,
  Snapshot,
  Translation,
} from "../../session/view/types.js";
import { frameDetail, machine, typedAddress } from "../client.js";
import { hex, hex32 } from "../format.js";
import { client } from "../store.js";
import { Empty, Pane } from "./pane.js";

function panes(): Snapshot | null {
  return machine.value?.panes ?? null;
}

/** An address split into its fields, the relocation and where it goes (or why it faults). */
function AddressSplit(props: { a: AddressView }) {
  const a = props.a;
  return (
    <>
      <p>
        {a.access} {hex32(a.va)} in {a.scheme}
        {a.pid !== null && ` (pid ${a.pid})`}
      </p>
      <table class="fields">
        <thead>
          <tr>
            {a.fields.map((f) => (
              <th key={f.name} scope="col">
                {f.name}{" "}
                <small>
                  [{f.hi}:{f.lo}]
                </small>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          <tr>
            {a.fields.map((f) => (
              <td key={f.name}>
                {hex(f.value)}
                <br />
                <small>{f.value.toString(2).padStart(f.hi - f.lo + 1, "0")}</small>
              </td>
            ))}
          </tr>
        </tbody>
      </table>
      {a.relocation && (
        <p>
          {a.relocation.segment !== null && `segment ${a.relocation.segment}: `}
          base {hex32(a.relocation.base)} + offset {hex(a.relocation.offset)}; offset{" "}
          {a.relocation.inside ? "<" : "≥"} limit {hex(a.relocation.limit)}
          {a.relocation.growsDown && " (grows down)"}
        </p>
      )}
      <p class={a.fault ? "alarm" : "ok"}>
        {a.fault ? `fault: ${a.fault}` : `physical address ${hex32(a.pa ?? 0)}`}
      </p>
    </>
  );
}

const ACCESSES: AccessName[] = ["load", "store", "fetch"];

export function AddressPane() {
  const a = panes()?.address;
  const [text, setText] = useState("");
  const [access, setAccess] = useState<AccessName>("load");
  const typed = typedAddress.value;
  const va = Number(text.trim());
  const valid = text.trim() !== "" && Number.isSafeInteger(va) && va >= 0 && va <= MAX_VA;
  return (
    <Pane name="Address">
      {a ? <AddressSplit a={a} /> : <Empty>step to see the current access</Empty>}
      <form
        class="translate"
        onSubmit={(e) => {
          e.preventDefault();
          if (valid) client.send({ type: "address", va, access });
        }}
      >
        <label>
          translate
          <input
            type="text"
            size={12}
            placeholder="0x10074"
            value={text}
            onInput={(e) => setText(e.currentTarget.value)}
            aria-invalid={text.trim() !== "" && !valid}
          />
        </label>
        <select
          aria-label="access"
          value={access}
          onChange={(e) => setAccess(e.currentTarget.value as AccessName)}
        >
          {ACCESSES.map((x) => (
            <option key={x} value={x}>
              {x}
            </option>
          ))}
        </select>
        <button type="submit" disabled={!valid}>
          Translate
        </button>
      </form>
      {typed && (
        <div class="typed">
          <AddressSplit a={typed} />
        </div>
      )}
    </Pane>
  );
}

/** The largest 32-bit virtual address. */
const MAX_VA = 0xffff_ffff;

export function TlbPane() {
  const t = panes()?.tlb;
  if (!t)
    return (
      <Pane name="TLB">
        <Empty>no TLB data yet</Empty>
      </Pane>
    );
  const hits = new Set(
    t.lookups.flatMap((l) => (l.hit && l.hitIndex !== null ? [l.hitIndex] : [])),
  );
  const fills = new Set(t.lookups.flatMap((l) => (l.fillIndex !== null ? [l.fillIndex] : [])));
  return (
    <Pane name="TLB" class="wide">
      <p class="caption">
        {t.entries} entries, {t.ways}-way ({t.sets} set{t.sets === 1 ? "" : "s"}), {t.policy},{" "}
        {t.refill} refill; ASID now {t.asid}
      </p>
      <ul class="lookups">
        {t.lookups.map((l, i) => (
          <li key={i} class={l.hit ? "hit" : "miss"}>
            {l.access} {hex32(l.va)}: vpn {hex(l.vpn)} set {l.set} →{" "}
            {l.hit ? `hit (entry ${l.hitIndex})` : "miss"}
            {l.fillIndex !== null && `, filled entry ${l.fillIndex}`}
            {l.victim && `, victim vpn ${hex(l.victim.vpn)} (asid ${l.victim.asid}) evicted`}
          </li>
        ))}
        {t.flushed.map((f) => (
          <li key={`flushed ${f.index}`} class="flushed">
            entry {f.index} flushed: vpn {hex(f.vpn)} (asid {f.asid}) → ppn {hex(f.ppn)}
          </li>
        ))}
      </ul>
      <div class="scroll">
        <table class="tlb">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">set</th>
              <th scope="col">way</th>
              <th scope="col">ASID</th>
              <th scope="col">VPN</th>
              <th scope="col">PPN</th>
              <th scope="col">flags</th>
              <th scope="col">LRU age</th>
            </tr>
          </thead>
          <tbody>
            {t.rows.map((r) => (
              <tr
                key={r.index}
                class={`${r.valid ? "" : "invalid"} ${hits.has(r.index) ? "hit" : ""} ${fills.has(r.index) ? "fill" : ""}`}
              >
                <td>{r.index}</td>
                <td>{r.set}</td>
                <td>{r.way}</td>
                <td>{r.valid ? (r.global ? "G" : r.asid) : ""}</td>
                <td>{r.valid ? hex(r.vpn) : "—"}</td>
                <td>{r.valid ? hex(r.ppn) : ""}</td>
                <td>{r.valid ? r.flags : ""}</td>
                <td>{r.valid ? r.age : ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Pane>
  );
}

const BIT_NAMES: [keyof PteBits, string][] = [
  ["v", "V"], ["r", "R"], ["w", "W"], ["x", "X"], ["u", "U"], ["g", "G"], ["a", "A"], ["d", "D"],
  ["cow", "COW"], ["swap", "swap"],
]; // biome-ignore format: a table

function Bits(props: { bits: PteBits }) {
  return (
    <span class="bits">
      {BIT_NAMES.map(([k, name]) => (
        <span key={k} class={props.bits[k] ? "on" : "off"}>
          {name}
        </span>
      ))}
    </span>
  );
}

/** The walk, one event line at a time (an animation the user may skip). */
function Walk(props: { t: Translation; position: number }) {
  const t = props.t;
  const total = t.lines.length;
  const [shown, setShown] = useState(total);
  useEffect(() => {
    if (matchMedia("(prefers-reduced-motion: reduce)").matches) return setShown(total);
    setShown(1);
    const timer = setInterval(() => setShown((n) => (n >= total ? n : n + 1)), WALK_FRAME_MS);
    return () => clearInterval(timer);
  }, [props.position, total]);
  return (
    <div class="walk">
      <p>
        {t.access} {hex32(t.va)}: {t.tlbHit === null ? "" : t.tlbHit ? "TLB hit" : "TLB miss"}
        {t.rootPpn !== null && ` → root table at ppn ${hex(t.rootPpn)}`}
        {t.walker === "kernel" && " (walked by the kernel's refill handler)"}
      </p>
      <ol class="levels">
        {t.levels.map((l) => (
          <li key={l.level} class={l.kind}>
            L{l.level} PTE [{l.index}] @ {hex32(l.pteAddr)} = {hex32(l.pte)} <Bits bits={l.bits} />{" "}
            →{" "}
            {l.kind === "pointer"
              ? `next table ppn ${hex(l.ppn)}`
              : l.kind === "leaf"
                ? `page ppn ${hex(l.ppn)}`
                : "invalid"}
          </li>
        ))}
      </ol>
      {t.check && (
        <p>
          check [{t.check.flags}]: {t.check.verdict}
        </p>
      )}
      <p class={t.fault ? "alarm" : "ok"}>
        {t.fault ? `fault: ${t.fault}` : `physical address ${hex32(t.pa ?? 0)}`}
      </p>
      <ol class="trace" aria-label="Walk events">
        {t.lines.slice(0, shown).map((line, i) => (
          <li key={i}>{line}</li>
        ))}
      </ol>
      {shown < total && (
        <button type="button" onClick={() => setShown(total)}>
          Skip animation
        </button>
      )}
    </div>
  );
}

/** How long each walk event stays before the next appears. */
const WALK_FRAME_MS = 120;

export function PageTablePane() {
  const p = panes();
  const translations = p?.walk.translations ?? [];
  const tree = p?.pageTable ?? null;
  return (
    <Pane name="Page table" class="wide">
      {translations.length === 0 ? (
        <Empty>no translation in the last step</Empty>
      ) : (
        translations.map((t, i) => <Walk key={i} t={t} position={p?.position ?? 0} />)
      )}
      {tree && (
        <details open>
          <summary>
            pid {tree.pid}'s table (ASID {tree.asid}, root ppn {hex(tree.rootPpn)})
          </summary>
          <ul class="tree">
            {tree.tables.map((t) => (
              <li key={t.index}>
                L1[{t.index}] {hex32(t.va)} →{" "}
                {t.megapage ? `megapage ppn ${hex(t.ppn)}` : `table ppn ${hex(t.ppn)}`} [{t.flags}]
                <ul>
                  {t.entries.map((e) => (
                    <li key={e.index}>
                      L0[{e.index}] {hex32(e.va)} →{" "}
                      {e.ppn !== null ? `ppn ${hex(e.ppn)}` : `swap slot ${e.slot}`} [{e.flags}]
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
        </details>
      )}
    </Pane>
  );
}

const USE_CLASS: Record<string, string> = {
  free: "free",
  kernel: "kernel",
  "page table": "pt",
  user: "user",
  shared: "shared",
  partition: "partition",
};

function frameTitle(m: MemoryView, ppn: number): string {
  const f = frameAt(m, ppn);
  const parts = [`frame ${hex(ppn)} @ ${hex32(ppn * m.frameSize)}: ${f?.use ?? "free"}`];
  if (f?.pid) parts.push(`pid ${f.pid}`);
  if (f && f.va !== null) parts.push(`va ${hex32(f.va)}`);
  if (f && f.refs > 1) parts.push(`${f.refs} mappings`);
  return parts.join(", ");
}

/** The map's width in CSS pixels; cells shrink as frames grow in number. */
const MAP_WIDTH = 512;
/** Cell size (with a one-pixel gap) for up to 4096, 16384 and more frames. */
function cellSize(count: number): number {
  return count <= 4096 ? 8 : count <= 16384 ? 4 : 2;
}

/** The colour of each use, read from the stylesheet's variables. */
function useColours(el: Element): Record<string, string> {
  const css = getComputedStyle(el);
  const v = (name: string) => css.getPropertyValue(name).trim();
  return {
    free: v("--free"),
    kernel: v("--kernel"),
    "page table": v("--pt"),
    user: v("--user"),
    shared: v("--shared"),
    partition: v("--partition"),
    touched: v("--fill"),
    current: v("--miss"),
  };
}

/** Draws one cell per frame, coloured by use; touched frames outlined, the current one in red. */
function drawFrames(canvas: HTMLCanvasElement, m: MemoryView): void {
  const cell = cellSize(m.count);
  const cols = MAP_WIDTH / cell;
  const rows = Math.ceil(m.count / cols);
  const scale = devicePixelRatio || 1;
  canvas.width = MAP_WIDTH * scale;
  canvas.height = rows * cell * scale;
  canvas.style.height = `${rows * cell}px`;
  const g = canvas.getContext("2d");
  if (!g) return;
  g.scale(scale, scale);
  const colour = useColours(canvas);
  const gap = cell > 2 ? 1 : 0;
  for (const run of m.runs) {
    g.fillStyle = colour[run.use] ?? colour.free!;
    for (let ppn = run.first; ppn < run.first + run.count; ppn++)
      g.fillRect((ppn % cols) * cell, Math.floor(ppn / cols) * cell, cell - gap, cell - gap);
  }
  const ring = (ppn: number, style: string) => {
    g.strokeStyle = style;
    g.lineWidth = 2;
    g.strokeRect(
      (ppn % cols) * cell - 1,
      Math.floor(ppn / cols) * cell - 1,
      cell + 1 - gap,
      cell + 1 - gap,
    );
  };
  for (const t of m.touched) ring(t.ppn, colour.touched!);
  if (m.current !== null) ring(m.current, colour.current!);
}

export function MemoryPane() {
  const m = panes()?.memory;
  const canvas = useRef<HTMLCanvasElement>(null);
  const [hover, setHover] = useState<number | null>(null);
  useEffect(() => {
    if (m && canvas.current) drawFrames(canvas.current, m);
  }, [m]);
  if (!m)
    return (
      <Pane name="Physical memory">
        <Empty>no memory map yet</Empty>
      </Pane>
    );
  const cell = cellSize(m.count);
  const frameAt = (e: MouseEvent): number | null => {
    const r = (e.currentTarget as HTMLCanvasElement).getBoundingClientRect();
    const ppn =
      Math.floor((e.clientY - r.top) / cell) * (MAP_WIDTH / cell) +
      Math.floor((e.clientX - r.left) / cell);
    return ppn >= 0 && ppn < m.count ? ppn : null;
  };
  const shown = hover ?? m.current;
  return (
    <Pane name="Physical memory" class="wide">
      <p class="caption">
        {m.count} frames of {m.frameSize / 1024} KiB, {m.free} free; hover a frame for details,
        click it for its mappings
      </p>
      <ul class="legend">
        {Object.entries(USE_CLASS).map(([name, cls]) => (
          <li key={name}>
            <span class={`cell ${cls}`} /> {name}
          </li>
        ))}
      </ul>
      <canvas
        ref={canvas}
        class="frames"
        style={{ width: `${MAP_WIDTH}px` }}
        role="img"
        aria-label={`memory map: ${m.count - m.free} of ${m.count} frames in use`}
        onMouseMove={(e) => setHover(frameAt(e))}
        onMouseLeave={() => setHover(null)}
        onClick={(e) => {
          const ppn = frameAt(e);
          if (ppn !== null) client.send({ type: "frame", ppn });
        }}
      />
      <p class="detail">
        {shown === null ? "" : `${hover === null ? "current access: " : ""}${frameTitle(m, shown)}`}
      </p>
      {frameDetail.value && <FrameMappings d={frameDetail.value} />}
    </Pane>
  );
}

/** A clicked frame: its use, owner, pins and every mapping of it. */
function FrameMappings(props: { d: FrameDetail }) {
  const d = props.d;
  return (
    <div class="mappings">
      <p>
        frame {hex(d.ppn)} @ {hex32(d.pa)}: {d.use}
        {d.pid ? `, pid ${d.pid}` : ""}, {d.refs} reference{d.refs === 1 ? "" : "s"}
        {d.pins ? `, pinned ${d.pins}` : ""} (when clicked; click another frame to look)
      </p>
      <ul>
        {d.mappings.map((m) => (
          <li key={`${m.pid} ${m.va}`}>
            pid {m.pid} maps it at {hex32(m.va)} [{m.flags}]
          </li>
        ))}
      </ul>
    </div>
  );
}

export function ProcessesPane() {
  const p = panes()?.processes;
  return (
    <Pane name="Processes">
      {!p || p.rows.length === 0 ? (
        <Empty>no processes</Empty>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">pid</th>
              <th scope="col">name</th>
              <th scope="col">state</th>
              <th scope="col">pc</th>
              <th scope="col">RSS</th>
              <th scope="col">instructions</th>
            </tr>
          </thead>
          <tbody>
            {p.rows.map((r) => (
              <tr key={r.pid} class={`${r.running ? "running" : ""} ${r.focus ? "focus" : ""}`}>
                <td>{r.pid}</td>
                <td>{r.name}</td>
                <td>
                  {r.exit ?? r.state}
                  {r.running ? " (on CPU)" : ""}
                </td>
                <td>{hex32(r.pc)}</td>
                <td>{r.rss}</td>
                <td>{r.instructions}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Pane>
  );
}

export function SwapPane() {
  const s = panes()?.swap;
  return (
    <Pane name="Swap">
      {!s?.enabled ? (
        <Empty>no swap (set a swap size in Program, paged scheme)</Empty>
      ) : (
        <>
          <p class="caption">
            {s.policy}: {s.used} of {s.slots} slots used; queue {s.order}
          </p>
          <ol class="queue">
            {s.queue.map((q) => (
              <li key={q.ppn} class={q.ppn === s.hand ? "hand" : ""}>
                {q.ppn === s.hand && "➜ "}ppn {hex(q.ppn)} pid {q.pid} {hex32(q.va)}{" "}
                {q.referenced ? "R" : "-"}
                {q.dirty ? "D" : "-"}
              </li>
            ))}
          </ol>
          <ul class="slots">
            {s.inUse.map((slot) => (
              <li key={slot.slot}>
                slot {slot.slot}: {slot.owners.map((o) => `pid ${o.pid} ${hex32(o.va)}`).join(", ")}
              </li>
            ))}
          </ul>
        </>
      )}
    </Pane>
  );
}

export function CountersPane() {
  const c = panes()?.counters;
  const flat: [string, number][] = c
    ? Object.entries(c as unknown as Record<string, number | Record<string, number>>).flatMap(
        ([k, v]): [string, number][] =>
          typeof v === "number"
            ? [[k, v]]
            : Object.entries(v).map(([k2, v2]) => [`${k}.${k2}`, v2]),
      )
    : [];
  return (
    <Pane name="Counters">
      {flat.length === 0 ? (
        <Empty>no counters yet</Empty>
      ) : (
        <table>
          <tbody>
            {flat.map(([k, v]) => (
              <tr key={k}>
                <th scope="row">{k}</th>
                <td>{v}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Pane>
  );
}
