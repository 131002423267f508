// The Program pane: choose a bundled program (grouped by folder) or edit assembly (the assembler's
// errors listed at their lines), and the machine settings; any change reloads at step 0.
import { useRef } from "preact/hooks";
import { AdMode, RefillMode } from "../../hw/mmu.js";
import { TlbPolicy } from "../../hw/tlb.js";
import { FitName } from "../../kernel/contiguous/fits.js";
import { groups, loadError, policies } from "../client.js";
import { parseSize, sizeText } from "../format.js";
import { MODES, type Settings, SOURCE_NAME } from "../settings.js";
import { choice, client, editing, load, settings } from "../store.js";
import { Pane } from "./pane.js";

/** Changes one setting and reloads. */
function set<K extends keyof Settings>(key: K, value: Settings[K]): void {
  settings.value = { ...settings.value, [key]: value };
  load(0);
}

function Choice<K extends keyof Settings>(props: {
  label: string;
  k: K;
  options: readonly string[];
}) {
  return (
    <label>
      {props.label}
      <select
        value={String(settings.value[props.k])}
        onChange={(e) => set(props.k, e.currentTarget.value as Settings[K])}
      >
        {props.options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </label>
  );
}

function NumberSetting(props: {
  label: string;
  k: "tlb" | "tlbWays" | "seed";
  min: number;
  title?: string;
}) {
  return (
    <label title={props.title}>
      {props.label}
      <input
        type="number"
        min={props.min}
        value={settings.value[props.k]}
        onChange={(e) => {
          const n = Number(e.currentTarget.value);
          if (Number.isSafeInteger(n) && n >= props.min) set(props.k, n);
        }}
      />
    </label>
  );
}

function SizeSetting(props: { label: string; k: "ram" | "swap" }) {
  return (
    <label>
      {props.label}
      <input
        type="text"
        size={5}
        value={sizeText(settings.value[props.k])}
        onChange={(e) => {
          const n = parseSize(e.currentTarget.value);
          if (n !== undefined) set(props.k, n);
        }}
      />
    </label>
  );
}

export function ProgramPane() {
  const c = choice.value;
  const editor = useRef<HTMLTextAreaElement>(null);
  const showLine = (line: number) => {
    const t = editor.current;
    if (!t) return;
    const lines = t.value.split("\n");
    const start = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
    t.focus();
    t.setSelectionRange(start, start + (lines[line - 1]?.length ?? 0));
  };
  return (
    <Pane name="Program" class="program">
      <label>
        Program
        <select
          value={c.kind === "bundled" ? c.path : ""}
          onChange={(e) => {
            choice.value = { kind: "bundled", path: e.currentTarget.value };
            editing.value = null;
            load(0);
          }}
        >
          {c.kind === "source" && <option value="">{SOURCE_NAME} (edited)</option>}
          {groups.value.map((g) => (
            <optgroup key={g.name} label={g.name}>
              {g.paths.map((p) => (
                <option key={p} value={p}>
                  {p.slice(g.name.length + 1)}
                </option>
              ))}
            </optgroup>
          ))}
        </select>
      </label>
      {editing.value === null ? (
        <button
          type="button"
          onClick={async () => {
            const text = c.kind === "source" ? c.text : await client.source(c.path);
            editing.value =
              text ??
              `# ${c.kind === "bundled" ? c.path : ""} is an executable; write assembly here\n`;
          }}
        >
          Edit source
        </button>
      ) : (
        <div class="editor">
          <textarea
            ref={editor}
            aria-label="Assembly source"
            spellcheck={false}
            rows={12}
            value={editing.value}
            onInput={(e) => (editing.value = e.currentTarget.value)}
          />
          <button
            type="button"
            onClick={() => {
              choice.value = { kind: "source", text: editing.value ?? "" };
              load(0);
            }}
          >
            Assemble and load
          </button>
        </div>
      )}
      {loadError.value && (
        <div role="alert" class="errors">
          <p>{loadError.value.error}</p>
          <ul>
            {loadError.value.diagnostics.map((d, i) => (
              <li key={i}>
                <button
                  type="button"
                  onClick={() => showLine(d.line)}
                  disabled={d.file !== SOURCE_NAME}
                >
                  {d.file}:{d.line}:{d.column}: {d.warning ? "warning" : "error"}: {d.message}
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
      <fieldset>
        <legend>Machine</legend>
        <Choice label="memory scheme" k="mm" options={MODES} />
        <SizeSetting label="RAM" k="ram" />
        <NumberSetting label="TLB entries" k="tlb" min={1} />
        <NumberSetting label="ways" k="tlbWays" min={0} title="0: fully associative" />
        <Choice label="TLB policy" k="tlbPolicy" options={Object.values(TlbPolicy)} />
        <Choice label="refill" k="tlbRefill" options={Object.values(RefillMode)} />
        <Choice label="A/D bits" k="ad" options={Object.values(AdMode)} />
        <SizeSetting label="swap" k="swap" />
        <Choice label="replacement" k="policy" options={policies.value} />
        <Choice label="fit" k="fit" options={Object.values(FitName)} />
        <NumberSetting label="seed" k="seed" min={0} />
      </fieldset>
    </Pane>
  );
}
