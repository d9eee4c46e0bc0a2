/**
 * The fuzz's client, run in a worker thread: it builds the requests and sends them, `concurrency` at a time, so
 * that the app's event loop on the main thread is measured doing the app's work only. Once loaded it says it is
 * ready and waits to be told to start (so the measurement leaves its own start-up out), reports every 200 answers
 * (the main thread then clears the fake connector's record) and, at the end, what it saw.
 */
import { generateKeyPairSync } from "node:crypto";
import { parentPort, workerData } from "node:worker_threads";
import { type FuzzWorld, fuzzRequest } from "./fuzz-requests";

export interface ClientTask {
  world: FuzzWorld;
  requests: number;
  concurrency: number;
  urls: { open: string; credentialed: string };
  requestTimeoutMs: number;
}

/** One request that broke a rule: answered 5xx, past 401 with a forged token, with an internal message, or never. */
export interface FuzzFailure {
  index: number;
  kind: string;
  credentialed: boolean;
  status: number | "no answer";
  body: string;
}

export type ClientMessage = { ready: true } | { progress: number } | { byStatus: Record<string, number>; failures: FuzzFailure[]; durationMs: number };

/** What an error leaking into a response looks like: a stack frame, an error's name, a system call's code. */
const INTERNAL = /\n\s+at |\b(Type|Range|Reference|Syntax|Rest|Fetch|Authentication)Error\b|\bE(NOTFOUND|CONNREFUSED|CONNRESET)\b|is not a function|Cannot read propert|<!DOCTYPE|<pre>/;

async function run({ world, requests, concurrency, urls, requestTimeoutMs }: ClientTask): Promise<void> {
  const forgingKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
  parentPort!.postMessage({ ready: true } satisfies ClientMessage);
  await new Promise((resolve) => parentPort!.once("message", resolve));
  const byStatus: Record<string, number> = {};
  const failures: FuzzFailure[] = [];
  const count = (status: string) => void (byStatus[status] = (byStatus[status] ?? 0) + 1);
  let next = 0;
  let done = 0;
  const started = performance.now();

  const sendOne = async (index: number) => {
    const { kind, credentialed, headers, body } = fuzzRequest(world, forgingKey, index);
    const fail = (status: FuzzFailure["status"], text: string) => failures.push({ index, kind, credentialed, status, body: text.slice(0, 300) });
    try {
      const res = await fetch(`${credentialed ? urls.credentialed : urls.open}/api/messages`, { method: "POST", headers, body, signal: AbortSignal.timeout(requestTimeoutMs) });
      const text = await res.text();
      count(String(res.status));
      if (res.status >= 500 || (credentialed && res.status !== 401) || INTERNAL.test(text)) fail(res.status, text);
    } catch (error) {
      count("no answer");
      fail("no answer", String(error));
    }
    if (++done % 200 === 0) parentPort!.postMessage({ progress: done } satisfies ClientMessage);
  };
  const worker = async () => {
    while (next < requests) await sendOne(next++);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  parentPort!.postMessage({ byStatus, failures, durationMs: performance.now() - started } satisfies ClientMessage);
}

if (parentPort) void run(workerData as ClientTask);
