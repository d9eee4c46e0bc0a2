/**
 * A storage account that takes the connection and then says nothing: every try is abandoned after its timeout and
 * retried on a fresh connection, so a request fails in bounded time instead of hanging for as long as the socket
 * stays open. The silent server is a real TCP listener on loopback.
 */
import { TableClient } from "@azure/data-tables";
import { once } from "node:events";
import { createServer, type AddressInfo, type Server, type Socket } from "node:net";
import { openTables, RETRY, TRY_TIMEOUT_MS } from "../../src/storage/tables";
import { tryTimeoutPolicy } from "../../src/storage/try-timeout";

/** Azurite's development account: public and documented by Microsoft. */
const DEV_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

/** Accepts connections and reads requests, and never answers one. Counts the requests that started. */
class SilentStorage {
  requests = 0;
  private readonly server: Server = createServer((socket) => this.hold(socket));
  private readonly sockets = new Set<Socket>();

  async start(): Promise<void> {
    this.server.listen(0, "127.0.0.1");
    await once(this.server, "listening");
  }

  connectionString(): string {
    const { port } = this.server.address() as AddressInfo;
    return `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${DEV_KEY};TableEndpoint=http://127.0.0.1:${port}/devstoreaccount1;`;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    this.server.close();
    await once(this.server, "close");
  }

  private hold(socket: Socket): void {
    this.sockets.add(socket);
    socket.on("data", (chunk: Buffer) => {
      this.requests += (chunk.toString("latin1").match(/^(GET|POST|PUT|PATCH|DELETE|MERGE) \//gm) ?? []).length;
    });
    socket.on("close", () => this.sockets.delete(socket));
  }
}

const silent = new SilentStorage();
beforeAll(() => silent.start());
afterAll(() => silent.stop());
beforeEach(() => (silent.requests = 0));

const client = (tryMs: number) =>
  TableClient.fromConnectionString(silent.connectionString(), "quiet", {
    allowInsecureConnection: true,
    retryOptions: RETRY,
    additionalPolicies: [{ policy: tryTimeoutPolicy(tryMs), position: "perRetry" }],
  });

describe("tryTimeoutPolicy", () => {
  it("abandons each unanswered try after its timeout and retries it, then fails with ETIMEDOUT", async () => {
    const started = performance.now();
    await expect(client(200).getEntity("p", "r")).rejects.toMatchObject({ name: "RestError", code: "ETIMEDOUT" });
    const elapsed = performance.now() - started;
    expect(silent.requests).toBe(RETRY.maxRetries + 1);
    // Four tries of 200 ms and at most 700 ms of back-off between them.
    expect(elapsed).toBeGreaterThanOrEqual(4 * 200);
    expect(elapsed).toBeLessThan(4 * 200 + 700 + 2_000);
  });

  it("stops at once, with no more tries, when the caller aborts", async () => {
    const caller = new AbortController();
    const started = performance.now();
    const reading = client(5_000).getEntity("p", "r", { abortSignal: caller.signal });
    setTimeout(() => caller.abort(), 100);
    await expect(reading).rejects.toMatchObject({ name: "AbortError" });
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(silent.requests).toBe(1);
  });

  it("sends nothing for a caller that has already given up", async () => {
    await expect(client(5_000).getEntity("p", "r", { abortSignal: AbortSignal.abort() })).rejects.toMatchObject({ name: "AbortError" });
    expect(silent.requests).toBe(0);
  });
});

describe("openTables on storage that never answers", () => {
  it("fails in bounded time rather than hanging", async () => {
    const started = performance.now();
    await expect(openTables(silent.connectionString(), { prefix: "quiet" })).rejects.toMatchObject({ code: "ETIMEDOUT" });
    expect(performance.now() - started).toBeLessThan((RETRY.maxRetries + 1) * TRY_TIMEOUT_MS + 700 + 2_000);
  });
});
