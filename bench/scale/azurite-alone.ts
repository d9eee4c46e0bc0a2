import { performance } from "node:perf_hooks";
import { startEmbeddedAzurite } from "../../src/storage/embedded-azurite";
import { openTables } from "../../src/storage/tables";
import { cpuMs } from "./proc-stats";

export interface AzuriteCapacity {
  concurrency: number;
  seconds: number;
  perSecond: number;
  /** Azurite's CPU while it answered, as a share of one core: near 100 means it was the limit. */
  azuriteCorePercent: number;
}

const CONCURRENCY = 32;
const SECONDS = 10;
const ROWS = 2_000;

/**
 * How many requests a second a fresh in-memory Azurite answers with nothing else in its way: the mix a sweep makes per
 * escalation (a point read, a merge of one row, a transaction of two rows in a partition), CONCURRENCY in flight. It
 * shows where the emulator, not the app, is the limit.
 */
export async function azuriteAlone(): Promise<AzuriteCapacity> {
  const azurite = await startEmbeddedAzurite({ persistence: { inMemory: true } });
  try {
    const tables = await openTables(azurite.connectionString, { prefix: "alone" });
    const table = tables.due;
    const key = (i: number) => ({ partitionKey: `p${i % 200}`, rowKey: `r${i}` });
    for (let i = 0; i < ROWS; i += 100) {
      await Promise.all(Array.from({ length: 100 }, (_, j) => table.upsertEntity({ ...key(i + j), value: "x".repeat(200) }, "Replace")));
    }
    let requests = 0;
    const until = performance.now() + SECONDS * 1000;
    const cpuBefore = cpuMs(azurite.pid);
    const started = performance.now();
    const worker = async (w: number) => {
      for (let n = w; performance.now() < until; n += CONCURRENCY) {
        const i = n % ROWS;
        if (n % 3 === 0) await table.getEntity(key(i).partitionKey, key(i).rowKey);
        else if (n % 3 === 1) await table.updateEntity({ ...key(i), value: `y${n}` }, "Merge");
        else await table.submitTransaction([["upsert", { ...key(i), value: `z${n}` }, "Merge"], ["upsert", { partitionKey: key(i).partitionKey, rowKey: `t${n}`, value: "t" }, "Replace"]]);
        requests++;
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, (_, w) => worker(w)));
    const elapsed = (performance.now() - started) / 1000;
    return { concurrency: CONCURRENCY, seconds: SECONDS, perSecond: requests / elapsed, azuriteCorePercent: ((cpuMs(azurite.pid) - cpuBefore) / 1000 / elapsed) * 100 };
  } finally {
    await azurite.stop();
  }
}
