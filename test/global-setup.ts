/**
 * Jest runs this once before any test file loads:
 * - the tab's front end is built as it is in the working tree (a fresh clone, or a change under web/), in a process
 *   of its own and for production whatever NODE_ENV Jest has set; an up-to-date build is reused;
 * - the conformance suite's five seed schools are set up through Teams on one deployment.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import setUpSeedSchools from "./conformance/seed-schools.global-setup";

function buildWebIfStale(): void {
  const script = path.resolve(__dirname, "..", "scripts", "build-web.mjs");
  const run = spawnSync(process.execPath, [script, "--if-stale"], { stdio: "inherit" });
  if (run.status !== 0) throw new Error(`Building the tab's front end failed (${script} exited ${run.status ?? run.signal}).`);
}

export default async function globalSetup(): Promise<void> {
  buildWebIfStale();
  await setUpSeedSchools();
}
