#!/usr/bin/env node
// The bin entry: the only place that touches process.exit.
import { processIo } from "./io.js";
import { main } from "./main.js";

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
