#!/usr/bin/env node
// The bin entry: the only place that touches process.exit.
import { processIo } from "./io.js";
import { main } from "./main.js";

main(process.argv.slice(2), processIo()).then(
  (status) => {
    process.exitCode = status;
  },
  (e: unknown) => {
    process.stderr.write(`vmlab: internal error: ${String(e)}\n`);
    process.exitCode = 70;
  },
);
