/**
 * Writes part 2's history of past visits (history.ts, seedHistory) when the bench asks over IPC, answers what it
 * wrote and exits: the bench's own process, where the app runs and is measured, never holds it.
 */
import { type HistoryOrder, seedHistory } from "./history";

process.once("message", (order: HistoryOrder) => {
  seedHistory(order.connection, order.prefix, order.count, order.label).then(
    (seeded) => process.send?.(seeded, () => process.exit(0)),
    (error: unknown) => {
      process.stderr.write(`history process failed: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    },
  );
});
