// The controls (Step, Back, Run/Pause, Reset, step ×N, the position scrubber), their keyboard
// shortcuts and the help overlay that lists them.
import { busy, machine } from "../client.js";
import { client, furthest, helpOpen, load, mode, move, runOrPause, stepCount } from "../store.js";

/** The keyboard shortcuts, as the help overlay lists them. */
const SHORTCUTS: [string, string][] = [
  ["s or →", "Step one instruction (hold to keep stepping)"],
  ["b or ←", "Back one step (exact: the run is replayed)"],
  ["n", "Step ×N"],
  ["r", "Run / Pause (a run stops at breakpoints)"],
  ["0", "Reset to the start"],
  ["?", "this help; Escape closes it"],
];

/** Handles a shortcut key (not while typing in a field). */
export function onKey(e: KeyboardEvent): void {
  const t = e.target as HTMLElement | null;
  if (t && /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName)) return;
  if (e.key === "Escape") helpOpen.value = false;
  if (e.key === "?") helpOpen.value = !helpOpen.value;
  if (mode.value !== "machine" || e.ctrlKey || e.metaKey || e.altKey) return;
  const action = keyAction(e.key);
  if (!action) return;
  e.preventDefault();
  action();
}

function keyAction(key: string): (() => void) | undefined {
  switch (key) {
    case "s":
    case "ArrowRight":
      return () => move({ type: "step", n: 1 });
    case "b":
    case "ArrowLeft":
      return () => move({ type: "back", n: 1 });
    case "n":
      return () => move({ type: "step", n: stepCount.value });
    case "r":
      return runOrPause;
    case "0":
      return () => move({ type: "goto", position: 0 });
    default:
      return undefined;
  }
}

export function Controls() {
  const m = machine.value;
  const running = m?.running ?? false;
  const idle = m !== null && !busy.value && !running;
  const position = m?.position ?? 0;
  return (
    <section aria-label="Controls" class="controls">
      <button
        type="button"
        disabled={!idle || !m.live}
        onClick={() => move({ type: "step", n: 1 })}
        aria-keyshortcuts="s"
      >
        Step
      </button>
      <button
        type="button"
        disabled={!idle || position === 0}
        onClick={() => move({ type: "back", n: 1 })}
        aria-keyshortcuts="b"
      >
        Back
      </button>
      <button
        type="button"
        disabled={m === null || (!running && (busy.value || !m.live))}
        onClick={runOrPause}
        aria-keyshortcuts="r"
      >
        {running ? "Pause" : "Run"}
      </button>
      <button
        type="button"
        disabled={m === null || running}
        onClick={() => load(0)}
        aria-keyshortcuts="0"
      >
        Reset
      </button>
      <label>
        ×
        <input
          type="number"
          min={1}
          max={100000}
          value={stepCount.value}
          aria-label="Steps per Step ×N"
          onInput={(e) => {
            const n = Number(e.currentTarget.value);
            if (Number.isSafeInteger(n) && n >= 1) stepCount.value = n;
          }}
        />
      </label>
      <button
        type="button"
        disabled={!idle || !m.live}
        onClick={() => move({ type: "step", n: stepCount.value })}
        aria-keyshortcuts="n"
      >
        Step ×{stepCount.value}
      </button>
      <input
        type="range"
        aria-label="Position"
        min={0}
        max={Math.max(furthest.value, position)}
        value={position}
        disabled={!idle}
        onChange={(e) => move({ type: "goto", position: Number(e.currentTarget.value) })}
      />
      <output aria-label="Step number">step {position}</output>
      {m && !m.live && <span class="status">every process has ended</span>}
      {m?.stopped && m.stopped !== "ended" && <span class="status">stopped: {m.stopped}</span>}
      {m && m.ips > 0 && <span class="status">{(m.ips / 1e6).toFixed(1)} MIPS</span>}
    </section>
  );
}

export function HelpOverlay() {
  return (
    <div class="overlay">
      <section role="dialog" aria-label="Help" aria-modal="true">
        <h2>Keyboard shortcuts</h2>
        <table>
          <tbody>
            {SHORTCUTS.map(([k, what]) => (
              <tr key={k}>
                <th scope="row">{k}</th>
                <td>{what}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p>
          Click an instruction in Disassembly to set or clear a breakpoint; click a step in Events
          to go back to it. The address bar always holds a link to this exact state.
        </p>
        <button type="button" onClick={() => (helpOpen.value = false)}>
          Close
        </button>
      </section>
    </div>
  );
}

/** Sends a breakpoint toggle. */
export function toggleBreak(addr: number): void {
  if (!machine.value?.running) client.send({ type: "break", addr });
}
