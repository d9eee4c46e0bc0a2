import { availableParallelism, cpus, loadavg, totalmem } from "node:os";

/** Small figures helpers the benchmarks share. */

/** What the figures were measured on, for each report's first line: CPUs and their model, memory, Node, platform. */
export function machine(): string {
  return `${availableParallelism()} CPUs (${cpus()[0]?.model.trim() ?? "unknown"}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${process.platform}/${process.arch}`;
}

/** The load average now, over 1, 5 and 15 minutes: the machine is shared, and every time figure moves with it. */
export const loadNow = (): string => loadavg().map((l) => l.toFixed(2)).join(" ");

export function sorted(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

/** Nearest-rank percentile of ascending values. */
export function percentile(ascending: readonly number[], p: number): number {
  return ascending[Math.max(0, Math.ceil((p / 100) * ascending.length) - 1)] ?? Number.NaN;
}

/** Median, p99 and max of unsorted values. */
export function spread(values: readonly number[]): { median: number; p99: number; max: number; n: number } {
  const s = sorted(values);
  return { median: percentile(s, 50), p99: percentile(s, 99), max: s.at(-1) ?? Number.NaN, n: s.length };
}

/** A whole number from the environment, or the fallback. */
export function positiveInt(name: string, fallback: number): number {
  const value = process.env[name];
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive whole number, not "${value}"`);
  return n;
}

/** Runs `task` for each item with at most `limit` in flight. */
export async function eachLimited<T>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      await task(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** A line of how far a long run has got, timed, on stderr (the report goes to stdout). */
export function progress(text: string): void {
  process.stderr.write(`  [${new Date().toISOString().slice(11, 19)}] ${text}\n`);
}
