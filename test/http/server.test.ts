import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createHttpApp, listen } from "../../src/http/server";
import { quietLog } from "../support/quiet-log";

let server: Server;
let url: string;
const log = quietLog();

beforeAll(async () => {
  server = await listen(createHttpApp(async (_req, res) => void res.end("handled"), log), "127.0.0.1", 0);
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const post = (body: string) => fetch(`${url}/api/messages`, { method: "POST", headers: { "content-type": "application/json" }, body });

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

  it("passes a JSON body to the activity endpoint, and answers health checks", async () => {
    expect(await (await post(JSON.stringify({ type: "message" }))).text()).toBe("handled");
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ ok: true });
    expect(log.lines).toEqual([]);
  });
});
