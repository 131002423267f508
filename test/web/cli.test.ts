// `vmlab web`: the URL first on stdout, and the static server behind it (files of the built app
// only: index.html for /, 404 outside the folder or for missing files, GET and HEAD only).
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveStatic, type WebServer, webRoot } from "../../cli/web.js";
import { runVmlab } from "../helpers/vmlab.js";

/** Status, content type and body of one request to the server. */
function fetchRaw(
  url: string,
  path: string,
  method = "GET",
): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(url), { method, path }, (res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString()));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, type: String(res.headers["content-type"]), body }),
      );
    });
    req.on("error", reject);
    req.end();
  });
}

describe("vmlab web", () => {
  let root: string;
  let server: WebServer;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), "vmlab-web-"));
    mkdirSync(join(root, "assets"));
    writeFileSync(join(root, "index.html"), "<!doctype html><title>app</title>");
    writeFileSync(join(root, "assets", "a.js"), "export {};");
    server = await serveStatic(root, 0);
  });

  afterAll(() => server.close());

  it("1: serves index.html for / and files with their types", async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(await fetchRaw(server.url, "/")).toMatchObject({
      status: 200,
      type: "text/html; charset=utf-8",
      body: "<!doctype html><title>app</title>",
    });
    expect(await fetchRaw(server.url, "/assets/a.js?v=1")).toMatchObject({
      status: 200,
      type: "text/javascript; charset=utf-8",
    });
  });

  it("2: nothing outside the folder, nothing missing, no other methods", async () => {
    expect((await fetchRaw(server.url, "/%2e%2e/%2e%2e/etc/passwd")).status).toBe(404);
    expect((await fetchRaw(server.url, "/nothing.js")).status).toBe(404);
    expect((await fetchRaw(server.url, "/assets")).status).toBe(404);
    expect((await fetchRaw(server.url, "/", "POST")).status).toBe(405);
    expect(await fetchRaw(server.url, "/", "HEAD")).toMatchObject({ status: 200, body: "" });
  });

  it("3: a port in use is a one-line error", async () => {
    const port = Number(new URL(server.url).port);
    await expect(serveStatic(root, port)).rejects.toThrow(
      `web: port ${port} is in use (--port 0 picks a free one)`,
    );
  });

  it.skipIf(webRoot() === undefined)("4: prints the URL of the built app first", async () => {
    const r = await runVmlab(["web", "--port", "0"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\n$/);
  });

  it("5: a bad port is refused", async () => {
    const r = await runVmlab(["web", "--port", "70000"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("'70000' is not a port (at most 65535).");
  });
});
