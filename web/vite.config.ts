// The browser visualiser's build: a static single-page app in dist/web/ with relative URLs, so it
// works from any static host (and from file:// where the browser allows module workers there).
// The machine runs in a module Web Worker on session/; the bundled programs are read at build
// time (assembly as text, ELF executables as base64 through the plugin below).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { defineConfig, type Plugin } from "vite";

const BASE64_QUERY = "?base64";

/** `import x from "file?base64"`: the file's bytes as a base64 string (for ELF executables). */
function base64Files(): Plugin {
  return {
    name: "vmlab-base64",
    enforce: "pre",
    load(id) {
      if (!id.endsWith(BASE64_QUERY)) return null;
      const bytes = readFileSync(id.slice(0, -BASE64_QUERY.length));
      return `export default ${JSON.stringify(bytes.toString("base64"))};`;
    },
  };
}

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "./",
  plugins: [base64Files()],
  worker: { format: "es", plugins: () => [base64Files()] },
  build: {
    outDir: fileURLToPath(new URL("../dist/web", import.meta.url)),
    emptyOutDir: true,
    target: "es2022",
    reportCompressedSize: false,
  },
  server: { host: "127.0.0.1" },
});
