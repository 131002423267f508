// The panes drawn from the engine's own data and the events view: Registers, Disassembly, Events
// and Console.
import { useEffect, useRef, useState } from "preact/hooks";
import { machine } from "../client.js";
import { hex32 } from "../format.js";
import { move } from "../store.js";
import { toggleBreak } from "./controls.js";
import { Empty, Pane } from "./pane.js";

/** Registers in the first of the pane's two columns (x1..x16; then x17..x31 and the pc). */
const REGS_PER_COLUMN = 16;

export function RegistersPane() {
  const r = machine.value?.registers;
  return (
    <Pane name="Registers">
      {!r ? (
        <Empty>no process is live</Empty>
      ) : (
        <>
          <p class="caption">pid {r.pid}; changed by the last step in bold</p>
          <div class="regs">
            {[r.regs.slice(0, REGS_PER_COLUMN), r.regs.slice(REGS_PER_COLUMN)].map((column) => (
              <table key={column[0]!.name}>
                <tbody>
                  {column.map((g) => (
                    <tr key={g.name} class={g.changed ? "changed" : ""}>
                      <th scope="row">{g.name}</th>
                      <td>{hex32(g.value)}</td>
                      <td class="dec">{g.value | 0}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ))}
          </div>
        </>
      )}
    </Pane>
  );
}

export function DisassemblyPane() {
  const lines = machine.value?.disassembly ?? [];
  return (
    <Pane name="Disassembly">
      {lines.length === 0 ? (
        <Empty>nothing to show</Empty>
      ) : (
        <ol class="disasm">
          {lines.map((l) => (
            <li
              key={l.addr}
              class={`${l.current ? "current" : ""} ${l.breakpoint ? "break" : ""}`}
              aria-current={l.current ? "step" : undefined}
            >
              {l.label && <div class="label">{l.label}:</div>}
              <button
                type="button"
                title={l.breakpoint ? "clear the breakpoint" : "set a breakpoint"}
                aria-pressed={l.breakpoint}
                onClick={() => toggleBreak(l.addr)}
              >
                <span class="mark">{l.breakpoint ? "●" : l.current ? "▶" : " "}</span>
                <span class="addr">{hex32(l.addr).slice(2)}</span>
                <span class="word">{hex32(l.word).slice(2)}</span>
                <span class="text">{l.text}</span>
              </button>
            </li>
          ))}
        </ol>
      )}
    </Pane>
  );
}

/** Steps the Events pane lists unless asked for all the session keeps. */
const EVENT_STEPS_SHOWN = 8;

export function EventsPane() {
  const all = machine.value?.panes?.events.steps ?? [];
  const [showAll, setShowAll] = useState(false);
  const steps = showAll ? all : all.slice(-EVENT_STEPS_SHOWN);
  const ref = useRef<HTMLOListElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (el) el.scrollTop = el.scrollHeight;
  });
  return (
    <Pane name="Events" class="wide">
      {steps.length === 0 ? (
        <Empty>step to see what the MMU and the kernel do (a run is untraced)</Empty>
      ) : (
        <>
          {all.length > EVENT_STEPS_SHOWN && (
            <button type="button" class="more" onClick={() => setShowAll(!showAll)}>
              {showAll ? `only the last ${EVENT_STEPS_SHOWN} steps` : `all ${all.length} steps`}
            </button>
          )}
          <ol class="events" ref={ref}>
            {steps.map((s) => (
              <li key={s.position}>
                <button
                  type="button"
                  title="go to this step"
                  onClick={() => move({ type: "goto", position: s.position })}
                >
                  step {s.position}
                  {s.pid !== null && ` · pid ${s.pid}`}
                  {s.pc !== null && ` · ${hex32(s.pc)}`}
                </button>
                <ul>
                  {s.lines.map((l, i) => (
                    <li key={i} class={`${l.kind} ${l.alarm ? "alarm" : ""}`}>
                      {l.text}
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ol>
        </>
      )}
    </Pane>
  );
}

export function ConsolePane() {
  const lines = machine.value?.console ?? [];
  const ref = useRef<HTMLPreElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (el) el.scrollTop = el.scrollHeight;
  });
  return (
    <Pane name="Console">
      <pre class="console" ref={ref}>
        {lines.map((l, i) => (
          <span key={i} class={l.from === 1 ? "out" : l.from === 2 ? "err" : "kernel"}>
            {l.from === "kernel" ? `[vmlab] ${l.text}` : l.text}
            {"\n"}
          </span>
        ))}
      </pre>
    </Pane>
  );
}
