/**
 * How the service serves the tab's built front end: one page for the tab and its configuration page, framed only
 * by Teams and the Microsoft 365 hosts; content-hashed assets kept for good; a plain answer when it is not built.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import express from "express";
import { webFiles } from "../../../src/http/tab-api/web-files";

describe("the tab's web files", () => {
  const built = mkdtempSync(path.join(tmpdir(), "hv-web-"));
  let server: Server;
  const get = (prefix: string, file: string) => fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}${prefix}${file}`);

  beforeAll(async () => {
    mkdirSync(path.join(built, "assets"));
    writeFileSync(path.join(built, "index.html"), "<!doctype html><title>Home visits</title>");
    writeFileSync(path.join(built, "assets", "index-abc123.js"), "console.log('tab');");
    const app = express();
    app.use("/tab", webFiles(built));
    app.use("/unbuilt", webFiles(path.join(built, "missing")));
    await new Promise<void>((resolve) => {
      server = app.listen(0, "127.0.0.1", () => resolve());
    });
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(built, { recursive: true, force: true });
  });

  it("serves the one page at /tab/ and /tab/config, framed only by itself, Teams and the Microsoft 365 hosts", async () => {
    for (const file of ["/", "/config"]) {
      const res = await get("/tab", file);
      expect([res.status, await res.text()]).toEqual([200, "<!doctype html><title>Home visits</title>"]);
      const policy = res.headers.get("content-security-policy") ?? "";
      expect(policy).toContain("frame-ancestors 'self' https://teams.microsoft.com https://*.teams.microsoft.com https://*.cloud.microsoft");
      expect(policy).toContain("script-src 'self';");
      expect(res.headers.get("cache-control")).toBe("no-cache");
    }
  });

  it("lets a browser keep a content-hashed asset for good, and answers 404 for one that is not there", async () => {
    const asset = await get("/tab", "/assets/index-abc123.js");
    expect([asset.status, asset.headers.get("cache-control")]).toEqual([200, "public, max-age=31536000, immutable"]);
    const gone = await get("/tab", "/assets/index-gone.js");
    expect([gone.status, await gone.text()]).toEqual([404, "Not found."]);
  });

  it("says plainly when the front end has not been built", async () => {
    const res = await get("/unbuilt", "/");
    expect([res.status, await res.text()]).toEqual([503, "The tab has not been built: run npm run build."]);
  });
});
