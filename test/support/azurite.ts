import { randomBytes } from "node:crypto";
import { createServer, type AddressInfo } from "node:net";
import { startEmbeddedAzurite, type EmbeddedAzurite } from "../../src/storage/embedded-azurite";

/**
 * One in-memory Azurite per test file: started before its tests, stopped after. Call at the top of a
 * describe block (or file); the getter works inside tests and hooks.
 */
export function useAzurite(): () => string {
  let azurite: EmbeddedAzurite | undefined;
  beforeAll(async () => {
    azurite = await startEmbeddedAzurite({ persistence: { inMemory: true } });
  });
  afterAll(async () => {
    await azurite?.stop();
  });
  return () => {
    if (!azurite) throw new Error("Azurite is not running: call the getter inside a test or hook");
    return azurite.connectionString;
  };
}

/** A table prefix no other test uses, so tests sharing one Azurite never see each other's rows. */
export function uniqueTablePrefix(): string {
  return `t${randomBytes(6).toString("hex")}`;
}

/** A port free on loopback now: for an Azurite that must come back at the same address after it stops. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
