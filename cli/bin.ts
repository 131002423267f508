#!/usr/bin/env node
// The bin entry: the only place that touches process.exit.
import { setFlagsFromString } from "node:v8";
import { processIo } from "./io.js";
import { main } from "./main.js";

// Guest code compiled to WebAssembly (hw/compile/wasm.ts) stays with V8's baseline compiler: its
// optimising compiler takes ~45 ms and megabytes per page of guest code, on another thread that a
// finished run then waits for; measured, it made C programs slower and doubled peak memory
// (docs/engine.md, "Speed").
setFlagsFromString("--liftoff-only");

// A reader that went away (`vmlab run prog.s | head`) is not an error: stop quietly.
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EPIPE") process.exit(0);
  throw e;
});

main(process.argv.slice(2), processIo()).then(
  (status) => {
    process.exitCode = status;
  },
  (e: unknown) => {
    process.stderr.write(`vmlab: internal error: ${String(e)}\n`);
    process.exitCode = 70;
  },
);
