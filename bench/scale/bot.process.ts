/**
 * One bot instance in a process of its own, for the scale benchmark: the app as `npm start` runs it (the real clock,
 * the background sweeper), on the storage and port the parent names. It answers the parent's questions over IPC:
 * its storage requests by kind (and how many were refused as conflicts), the problems it logged, and its JavaScript heap
 * (what of its memory is the app's objects). The parent measures CPU and RSS from /proc, from outside.
 *
 *   environment: STORAGE_CONNECTION_STRING, TABLE_PREFIX, MICROSOFT_APP_TENANT_ID, BENCH_SWEEP_INTERVAL_MS (optional)
 */
import { parseConfig } from "../../src/config/env";
import { startApp, type RunningApp } from "../../src/main";
import type { ObservedRequest } from "../../src/storage/tables";
import { requestKind } from "./request-kind";

export type FromParent = { type: "stats" } | { type: "stop" };
export type ToParent =
  | { type: "ready"; url: string }
  | { type: "stats"; requests: number; conflicts: number; byKind: Record<string, number>; problems: string[]; sweeps: number; handled: number; heapUsedMb: number; heapTotalMb: number; externalMb: number };

const prefix = process.env.TABLE_PREFIX ?? "scale";
let requests = 0;
let conflicts = 0;
const byKind: Record<string, number> = {};
const problems: string[] = [];
let sweeps = 0;
let handled = 0;
const observed: ObservedRequest[] = [];

const log = {
  info(message: string, fields?: Record<string, unknown>) {
    if (message === "sweep handled due visits") {
      sweeps++;
      handled += Number(fields?.handled ?? 0);
    }
  },
  warn(message: string, fields?: Record<string, unknown>) {
    if (problems.length < 20) problems.push(`warn: ${message} ${JSON.stringify(fields ?? {})}`);
  },
  error(message: string, fields?: Record<string, unknown>) {
    if (problems.length < 20) problems.push(`error: ${message} ${JSON.stringify(fields ?? {})}`);
  },
};

/** Counted when answered, so a conflict (412) is known; kinds as bench/scale/request-kind.ts names them. */
function count(): void {
  for (let i = observed.length - 1; i >= 0; i--) {
    const request = observed[i]!;
    if (request.endedAt === undefined) continue;
    observed.splice(i, 1);
    requests++;
    if (request.status === 412 || request.status === 409) conflicts++;
    const kind = requestKind(request, prefix);
    byKind[kind] = (byKind[kind] ?? 0) + 1;
  }
}

async function main(): Promise<void> {
  const config = parseConfig({ ...process.env, PORT: "1" });
  const interval = Number(process.env.BENCH_SWEEP_INTERVAL_MS);
  const app: RunningApp = await startApp(
    { ...config, port: 0 },
    { log, onStorageRequest: (request) => void observed.push(request), ...(interval > 0 ? { sweeper: { intervalMs: interval } } : {}), retention: false },
  );
  const counting = setInterval(count, 250);
  process.on("message", (message: FromParent) => {
    if (message.type === "stats") {
      count();
      const memory = process.memoryUsage();
      const mb = (bytes: number) => bytes / 1024 / 1024;
      const reply: ToParent = { type: "stats", requests, conflicts, byKind, problems, sweeps, handled, heapUsedMb: mb(memory.heapUsed), heapTotalMb: mb(memory.heapTotal), externalMb: mb(memory.external) };
      process.send?.(reply);
    } else if (message.type === "stop") {
      clearInterval(counting);
      void app.stop().then(() => process.exit(0));
    }
  });
  process.send?.({ type: "ready", url: app.url } satisfies ToParent);
}

main().catch((error: unknown) => {
  process.stderr.write(`bot process failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
