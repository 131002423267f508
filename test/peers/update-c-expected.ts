// Regenerates test/expected/c/<name>.out for every C example case from qemu-riscv32 running the
// committed ELF (programs/c/bin). Run it after `make c-programs`:
//     npx tsx test/peers/update-c-expected.ts [name...]
// It also reports cases whose exit status disagrees with the manifest (fix those by hand).
import { writeFileSync } from "node:fs";
import { cProgramCases, elfPath, expectedPath } from "../expected/c/manifest.js";
import { hasPeers, PEERS_MISSING_MESSAGE, runQemu } from "../helpers/gnu.js";

function main(): number {
  if (!hasPeers) {
    console.error(`update-c-expected: ${PEERS_MISSING_MESSAGE}`);
    return 2;
  }
  const only = process.argv.slice(2);
  let problems = 0;
  for (const c of cProgramCases) {
    if (only.length > 0 && !only.includes(c.name)) continue;
    const r = runQemu(elfPath(c), c.args ?? [], c.stdin ?? "", { timeoutMs: 60_000 });
    writeFileSync(expectedPath(c), r.stdoutBytes);
    const note = r.status === c.status ? "" : `  <- manifest says status ${c.status}`;
    if (note) problems++;
    console.log(`${c.name.padEnd(16)} status ${String(r.status).padStart(3)}${note}`);
  }
  return problems === 0 ? 0 : 1;
}

process.exitCode = main();
