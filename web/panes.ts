// The session's views (session/view) for the engine's current state, built after every command.
import { snapshot } from "../session/view/index.js";
import type { Snapshot } from "../session/view/types.js";
import type { Engine } from "./engine.js";

/** Every view pane's data, or null and why it could not be built (a bug, reported on the page). */
export function panesOf(e: Engine): { panes: Snapshot | null; error: string } {
  try {
    return { panes: snapshot(e.session), error: "" };
  } catch (err) {
    return {
      panes: null,
      error: `the panes could not be built: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
}
