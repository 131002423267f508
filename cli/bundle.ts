// `npm run build`, after tsc: bundles the `vmlab` command into dist/cli/bin.js and a few chunks
// beside it (one per subcommand, plus shared ones), replacing tsc's bin.js. Node 20 resolves,
// reads and compiles each ES module on its own, and `vmlab run` needs about a hundred of ours:
// bundled, `vmlab run programs/hello.s` started 50 to 75 ms sooner in our measurements (issue 16,
// "Fast start"). The rest of dist/ stays as tsc wrote it (the package's exports, the labs, the
// benchmarks). `node dist/cli/bundle.js DIR` bundles into DIR instead (test/cli/start.test.ts).
import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { build, type Plugin } from "esbuild";

const OUT = process.argv[2] ?? "dist/cli";
/** Every chunk's name starts with this, so the previous build's chunks can be told apart. */
const CHUNK_PREFIX = "bin-";

/**
 * commander requires node:child_process, with net and dgram behind it, only to run subcommands
 * that are separate executables; vmlab has none, so its bundle gets an empty module instead.
 */
const noChildProcess: Plugin = {
  name: "no-child-process",
  setup(b) {
    b.onResolve({ filter: /^node:child_process$/ }, (args) =>
      args.importer.includes("/node_modules/commander/")
        ? { path: "child_process", namespace: "unused" }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "unused" }, () => ({ contents: "module.exports = {};" }));
  },
};

for (const file of readdirSync(OUT)) {
  if (file.startsWith(CHUNK_PREFIX) && file.endsWith(".js")) rmSync(join(OUT, file));
}

await build({
  entryPoints: ["cli/bin.ts"],
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  // Chunks sit beside bin.js: web.ts finds dist/web from its own URL, lab.ts imports ../labs/.
  outdir: OUT,
  chunkNames: `${CHUNK_PREFIX}[name]-[hash]`,
  // The labs stay tsc's files: they find their folders and their worker from their own URLs.
  external: ["../labs/*"],
  // commander is CommonJS: its require() of Node's modules needs a real require in an ES module.
  banner: {
    js: 'import { createRequire as vmlabCreateRequire } from "node:module"; const require = vmlabCreateRequire(import.meta.url);',
  },
  // Less text to compile at every start; names are kept, so stack traces still read.
  minifyWhitespace: true,
  minifySyntax: true,
  plugins: [noChildProcess],
  logLevel: "warning",
});
