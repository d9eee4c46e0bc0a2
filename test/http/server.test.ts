import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { brotliCompressSync as brotli, gzipSync as gzip } from "node:zlib";
import { createHttpApp, listen } from "../../src/http/server";
import { quietLog } from "../support/quiet-log";

let server: Server;
let url: string;
const log = quietLog();
const INTERNAL = "AccountKey=fictional-secret at TableClient.submitTransaction (tables.ts:42)";
let healthy = true;

beforeAll(async () => {
  // The stand-in endpoint fails the way a bug would for { type: "fail" }, and answers anything else.
  const endpoint = async (req: { body?: unknown }, res: { end(text: string): void }) => {
    if ((req.body as { type?: unknown } | undefined)?.type === "fail") throw new Error(INTERNAL);
    res.end("handled");
  };
  // The health check the app wires answers from the sweeper and storage; this one answers what the test sets.
  server = await listen(createHttpApp(endpoint, log, { health: async () => ({ healthy, detail: "fictional" }) }), "127.0.0.1", 0);
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => void (log.lines.length = 0));

/** fetch takes bytes backed by an ArrayBuffer of their own. */
const compressed = (compress: (text: string) => Buffer, text: string) => new Uint8Array(compress(text));
const post = (body: BodyInit, headers: Record<string, string> = {}) =>
  fetch(`${url}/api/messages`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });

describe("the HTTP front door", () => {
  it("answers a body that is not JSON with 400 and a plain JSON reason, no stack trace", async () => {
    const res = await post("arrived");
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: "The body is not valid JSON." });
  });

  it("answers a body over 1 MB with 413", async () => {
    const res = await post(JSON.stringify({ type: "message", text: "x".repeat(1_100_000) }));
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ error: "The body is larger than 1 MB." });
  });

  it("answers 415 to a body it cannot decode: not JSON, an unknown charset, an unknown content-encoding", async () => {
    const body = JSON.stringify({ type: "message" });
    const refusals = await Promise.all([
      post(body, { "content-type": "text/plain" }),
      post(body, { "content-type": "application/x-www-form-urlencoded" }),
      post(body, { "content-type": "application/json; charset=latin-9000" }),
      post(body, { "content-type": "application/json; charset=iso-8859-1" }),
      post(body, { "content-encoding": "x-unknown" }),
    ]);
    expect(await Promise.all(refusals.map(async (res) => [res.status, await res.json()]))).toEqual([
      [415, { error: "The body must be JSON, sent as content-type application/json." }],
      [415, { error: "The body must be JSON, sent as content-type application/json." }],
      [415, { error: "The body's charset is not supported: send UTF-8." }],
      [415, { error: "The body's charset is not supported: send UTF-8." }],
      [415, { error: "The body's content-encoding is not supported: send it as it is, or gzip, deflate or br." }],
    ]);
    expect(log.lines).toEqual([]);
  });

  it("reads gzip and br bodies, and a 1 MB limit that holds for the inflated body, not the compressed one", async () => {
    const body = JSON.stringify({ type: "message" });
    expect(await (await post(compressed(gzip, body), { "content-encoding": "gzip" })).text()).toBe("handled");
    expect(await (await post(compressed(brotli, body), { "content-encoding": "br" })).text()).toBe("handled");
    const bomb = compressed(brotli, JSON.stringify({ type: "message", text: " ".repeat(5_000_000) }));
    expect(bomb.length).toBeLessThan(1000);
    expect((await post(bomb, { "content-encoding": "br" })).status).toBe(413);
  });

  it("answers a failure on our side with 500 and a plain reason: the error's message and stack stay in the log", async () => {
    const res = await post(JSON.stringify({ type: "fail" }));
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ error: "Something went wrong on our side." });
    expect(text).not.toContain("AccountKey");
    expect(log.lines).toEqual([{ level: "error", message: "activity request failed", fields: { error: `Error: ${INTERNAL}` } }]);
  });

  it("answers an unknown path with a JSON 404", async () => {
    const res = await fetch(`${url}/api/nothing-here`, { method: "POST" });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: "Not found." });
  });

  it("passes a JSON body to the activity endpoint", async () => {
    expect(await (await post(JSON.stringify({ type: "message" }))).text()).toBe("handled");
    expect(await (await post(JSON.stringify({ type: "message" }), { "content-type": "application/json; charset=utf-8" })).text()).toBe("handled");
    expect(log.lines).toEqual([]);
  });

  it("answers health checks with the report, 200 while healthy and 503 when the platform should restart the instance, never cached", async () => {
    healthy = true;
    const ok = await fetch(`${url}/healthz`);
    expect([ok.status, ok.headers.get("cache-control"), await ok.json()]).toEqual([200, "no-store", { healthy: true, detail: "fictional" }]);
    healthy = false;
    const failing = await fetch(`${url}/healthz`);
    expect([failing.status, await failing.json()]).toEqual([503, { healthy: false, detail: "fictional" }]);
  });

  it("has no /healthz where no health check is given", async () => {
    const bare = await listen(createHttpApp(async () => undefined, log), "127.0.0.1", 0);
    try {
      expect((await fetch(`http://127.0.0.1:${(bare.address() as AddressInfo).port}/healthz`)).status).toBe(404);
    } finally {
      await new Promise<void>((resolve) => bare.close(() => resolve()));
    }
  });
});
