// The session's views (session/view) for the engine's current state.
import type { Snapshot } from "../session/view/types.js";
import type { Engine } from "./engine.js";

/** Every view pane's data, or null and why it could not be built. */
export function panesOf(_e: Engine): { panes: Snapshot | null; error: string } {
  return { panes: null, error: "" };
}
