// Jest runs this once before any test file: the browser tests and the size budget need the tab's front end built
// as it is in the working tree, so a fresh clone (or a change under web/) is built here, and an up-to-date build is
// reused. The build runs in a process of its own, for production, whatever NODE_ENV Jest has set.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const script = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "scripts", "build-web.mjs");

export default function buildWebIfStale() {
  const run = spawnSync(process.execPath, [script, "--if-stale"], { stdio: "inherit" });
  if (run.status !== 0) throw new Error(`Building the tab's front end failed (${script} exited ${run.status ?? run.signal}).`);
}
