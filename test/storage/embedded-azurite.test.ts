import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, connect, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { azuriteCommand, startEmbeddedAzurite } from "../../src/storage/embedded-azurite";
import { TableStaffDirectory } from "../../src/storage/staff.table-store";
import { openTables } from "../../src/storage/tables";

const member = { aadObjectId: "00000000-0000-4000-8000-000000000001", name: "Alex Rivers", teamsUserId: "29:1AbC", lastSeenAt: "2026-06-15T08:00:00.000Z" };

function accepts(port: number): Promise<boolean> {
  return new Promise((answer) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => answer(true)).once("error", () => answer(false));
    socket.once("connect", () => socket.destroy());
  });
}

async function until(condition: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await delay(50)) if (await condition()) return true;
  return false;
}

let location: string;
beforeEach(() => {
  location = mkdtempSync(join(tmpdir(), "hv-azurite-"));
});
afterEach(() => rmSync(location, { recursive: true, force: true }));

describe("embedded Azurite", () => {
  it("keeps data on disk across a stop and a start", async () => {
    const first = await startEmbeddedAzurite({ persistence: { location } });
    await new TableStaffDirectory(await openTables(first.connectionString)).upsert("test-school", [member]);
    await first.stop();
    expect(await accepts(first.port)).toBe(false);

    const second = await startEmbeddedAzurite({ persistence: { location }, port: first.port });
    try {
      expect(second.connectionString).toBe(first.connectionString);
      expect(await new TableStaffDirectory(await openTables(second.connectionString)).get("test-school", member.aadObjectId)).toEqual(member);
    } finally {
      await second.stop();
    }
  });

  it("keeps nothing in memory after a stop, and stopping twice is harmless", async () => {
    const first = await startEmbeddedAzurite({ persistence: { inMemory: true } });
    await new TableStaffDirectory(await openTables(first.connectionString)).upsert("test-school", [member]);
    await first.stop();
    await first.stop();

    const second = await startEmbeddedAzurite({ persistence: { inMemory: true } });
    try {
      expect(await new TableStaffDirectory(await openTables(second.connectionString)).get("test-school", member.aadObjectId)).toBeUndefined();
    } finally {
      await second.stop();
    }
  });

  it("can be killed at once, as a crash would", async () => {
    const azurite = await startEmbeddedAzurite({ persistence: { location } });
    await azurite.kill();
    expect(await accepts(azurite.port)).toBe(false);
  });

  it("says so when the port asked for is taken", async () => {
    const squatter = createServer().listen(0, "127.0.0.1");
    await new Promise((ready) => squatter.once("listening", ready));
    const port = (squatter.address() as AddressInfo).port;
    try {
      await expect(startEmbeddedAzurite({ persistence: { inMemory: true }, port })).rejects.toThrow(`Port ${port} on 127.0.0.1 is not free`);
    } finally {
      squatter.close();
    }
  });

  it("shuts itself down when the process that started it dies without stopping it", async () => {
    const port = await freePort();
    const { command, args } = azuriteCommand(port, { location });
    // A stand-in parent that starts Azurite and then dies by SIGKILL, leaving no chance to stop it.
    const parent = spawn(
      process.execPath,
      ["-e", "const c = require('child_process').spawn(process.argv[1], JSON.parse(process.argv[2]), { stdio: 'ignore' }); console.log(c.pid);", command, JSON.stringify(args)],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    const azuritePid = Number(await new Promise<string>((read) => parent.stdout.once("data", (d: Buffer) => read(String(d)))));
    try {
      expect(await until(() => accepts(port), 10_000)).toBe(true);
      parent.kill("SIGKILL");
      expect(await until(async () => !(await accepts(port)), 5_000)).toBe(true);
    } finally {
      try {
        process.kill(azuritePid, "SIGKILL");
      } catch {
        // Already gone, as it should be.
      }
    }
  });
});

async function freePort(): Promise<number> {
  const server = createServer().listen(0, "127.0.0.1");
  await new Promise((ready) => server.once("listening", ready));
  const { port } = server.address() as AddressInfo;
  await new Promise((closed) => server.close(closed));
  return port;
}
