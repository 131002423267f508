// `vmlab web [--port N]`: serves the browser visualiser (dist/web/, built by `npm run build`) on
// 127.0.0.1 and prints its URL as the first line of stdout; Ctrl-C stops it. A tiny static file
// server: GET and HEAD of files inside the app's folder, nothing else.
import { existsSync, readFileSync, statSync } from "node:fs";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { dirname, extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { Command, InvalidArgumentError, Option } from "commander";
import { UserError } from "./io.js";
import { parseCount } from "./options.js";
import type { SubcommandFactory } from "./subcommands.js";

/** The port `vmlab web` listens on unless told otherwise (0: any free port). */
export const DEFAULT_WEB_PORT = 4280;
const HOST = "127.0.0.1";
const MAX_PORT = 65535;
const HTTP_OK = 200;
const HTTP_NOT_FOUND = 404;
const HTTP_BAD_METHOD = 405;

const MIME: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".wasm": "application/wasm",
};

/** A running server: its URL (ending in /) and how to stop it. */
export interface WebServer {
  url: string;
  close(): Promise<void>;
}

/**
 * The built app's folder: dist/web beside the compiled CLI (dist/cli/web.js), or under the
 * repository when the CLI runs from source; undefined if it has not been built.
 */
export function webRoot(): string | undefined {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, "..", "web"), join(here, "..", "dist", "web")];
  return candidates.find((d) => existsSync(join(d, "index.html")) && existsSync(join(d, "assets")));
}

/**
 * Serves the files under `root` on 127.0.0.1:`port` (0: any free port). node:http is loaded
 * here, not at start-up, so the other commands do not pay for it.
 */
export async function serveStatic(root: string, port: number): Promise<WebServer> {
  const { createServer } = await import("node:http");
  const server = createServer((req, res) => answer(root, req, res));
  return new Promise((resolve, reject) => {
    server.once("error", (e: NodeJS.ErrnoException) =>
      reject(
        e.code === "EADDRINUSE"
          ? new UserError(`web: port ${port} is in use (--port 0 picks a free one)`)
          : new UserError(`web: cannot listen on ${HOST}:${port} (${e.code ?? e.message})`),
      ),
    );
    server.listen(port, HOST, () => {
      const address = server.address();
      const actual = typeof address === "object" && address ? address.port : port;
      resolve({ url: `http://${HOST}:${actual}/`, close: () => stop(server) });
    });
  });
}

function stop(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** Answers one request with a file under `root`, or 404/405. */
function answer(root: string, req: IncomingMessage, res: ServerResponse): void {
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.writeHead(HTTP_BAD_METHOD, { Allow: "GET, HEAD" }).end();
    return;
  }
  const file = fileFor(root, req.url ?? "/");
  if (!file) {
    res.writeHead(HTTP_NOT_FOUND, { "Content-Type": "text/plain" }).end("not found\n");
    return;
  }
  const body = readFileSync(file);
  res.writeHead(HTTP_OK, {
    "Content-Type": MIME[extname(file)] ?? "application/octet-stream",
    "Content-Length": body.length,
    "Cache-Control": "no-cache",
  });
  res.end(req.method === "HEAD" ? undefined : body);
}

/** The regular file a URL path names inside `root` (`/` is index.html), or undefined. */
function fileFor(root: string, url: string): string | undefined {
  let path: string;
  try {
    path = decodeURIComponent(new URL(url, "http://x").pathname);
  } catch {
    return undefined;
  }
  if (path.endsWith("/")) path += "index.html";
  const file = normalize(join(root, path));
  if (!file.startsWith(root + sep)) return undefined;
  return existsSync(file) && statSync(file).isFile() ? file : undefined;
}

/** The `web` subcommand; it resolves when the server stops (Ctrl-C). */
export const webCommand: SubcommandFactory = (io) =>
  new Command("web")
    .addOption(
      new Option("--port <n>", "the port (0: any free port)")
        .default(DEFAULT_WEB_PORT)
        .argParser((s: string) => {
          const n = parseCount(s, 0);
          if (n > MAX_PORT)
            throw new InvalidArgumentError(`'${s}' is not a port (at most ${MAX_PORT}).`);
          return n;
        }),
    )
    .action(async (opts: { port: number }) => {
      const root = webRoot();
      if (!root) throw new UserError("web: the app is not built (run npm run build)");
      const server = await serveStatic(root, opts.port);
      io.stdout(`${server.url}\n`);
      io.stderr("vmlab: serving the visualiser; Ctrl-C stops it\n");
      // Without a way to be interrupted (in-process callers), serve nothing further.
      if (!io.onInterrupt) return server.close();
      await new Promise<void>((resolve) => {
        const off = io.onInterrupt!(() => {
          off();
          void server.close().then(resolve);
        });
      });
    });
