// The app: a header with the mode tabs, the controls, and the panes, each a landmark region named
// as issue 14 lists them (Program, Registers, Disassembly, Address, TLB, Page table, Physical
// memory, Processes, Swap, Events, Console, Counters); Quiz mode in place of the machine.
import { useEffect } from "preact/hooks";
import { failure } from "./client.js";
import { Controls, HelpOverlay, onKey } from "./panes/controls.js";
import { ConsolePane, DisassemblyPane, EventsPane, RegistersPane } from "./panes/machine.js";
import { ProgramPane } from "./panes/program.js";
import { QuizPane } from "./panes/quiz.js";
import {
  AddressPane,
  CountersPane,
  MemoryPane,
  PageTablePane,
  ProcessesPane,
  SwapPane,
  TlbPane,
} from "./panes/views.js";
import { helpOpen, linkChangedOutside, mode, openLink } from "./store.js";

export function App() {
  useEffect(() => {
    void openLink();
    const onHash = () => {
      if (linkChangedOutside()) void openLink();
    };
    window.addEventListener("hashchange", onHash);
    window.addEventListener("keydown", onKey);
    return () => {
      window.removeEventListener("hashchange", onHash);
      window.removeEventListener("keydown", onKey);
    };
  }, []);
  return (
    <>
      <header>
        <h1>vmlab</h1>
        <nav aria-label="Mode">
          <button
            type="button"
            aria-pressed={mode.value === "machine"}
            onClick={() => (mode.value = "machine")}
          >
            Machine
          </button>
          <button
            type="button"
            aria-pressed={mode.value === "quiz"}
            onClick={() => (mode.value = "quiz")}
          >
            Quiz
          </button>
          <button type="button" onClick={() => (helpOpen.value = true)} aria-keyshortcuts="?">
            Help
          </button>
        </nav>
        {failure.value && (
          <p role="alert" class="failure">
            {failure.value}
          </p>
        )}
      </header>
      {mode.value === "quiz" ? (
        <main>
          <QuizPane />
        </main>
      ) : (
        <main class="machine">
          <Controls />
          <div class="grid">
            <ProgramPane />
            <RegistersPane />
            <DisassemblyPane />
            <AddressPane />
            <TlbPane />
            <PageTablePane />
            <MemoryPane />
            <ProcessesPane />
            <SwapPane />
            <EventsPane />
            <ConsolePane />
            <CountersPane />
          </div>
        </main>
      )}
      {helpOpen.value && <HelpOverlay />}
    </>
  );
}
