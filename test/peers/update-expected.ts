// Regenerates test/expected/<name>.out for every case in the manifest from the real peers:
// GNU as + ld, then qemu-riscv32. Run it after changing a program:
//     npx tsx test/peers/update-expected.ts [name...]
// It also reports cases whose exit status disagrees with the manifest (fix those by hand).
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { expectedPath, programCases, sourcePath } from "../expected/manifest.js";
import { gnuBuild, hasPeers, PEERS_MISSING_MESSAGE, runQemu } from "../helpers/gnu.js";

function main(): number {
  if (!hasPeers) {
    console.error(`update-expected: ${PEERS_MISSING_MESSAGE}`);
    return 2;
  }
  const only = process.argv.slice(2);
  let problems = 0;
  for (const c of programCases) {
    if (only.length > 0 && !only.includes(c.name)) continue;
    const elf = gnuBuild(sourcePath(c));
    const r = runQemu(elf, c.args ?? [], c.stdin ?? "", { timeoutMs: 120_000 });
    const path = expectedPath(c);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, r.stdoutBytes);
    const note = r.status === c.status ? "" : `  <- manifest says status ${c.status}`;
    if (note) problems++;
    console.log(`${c.name.padEnd(14)} status ${String(r.status).padStart(3)}${note}`);
  }
  return problems === 0 ? 0 : 1;
}

process.exitCode = main();
