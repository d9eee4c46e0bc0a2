/**
 * Jest global setup for the conformance suite: one deployment (the real app on an in-memory Azurite), on which each
 * of the five seed schools is set up through Teams in its own staff team, side by side, as its head would set it up
 * (test/support/school-setup.ts). Their policies, read back from storage, are written to a file that schools.ts
 * reads when the test files load, so every conformance test runs on the schools as the deployment stored them.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseConfig } from "../../src/config/env";
import { startApp } from "../../src/main";
import { loadPolicyFile } from "../../src/policy/policy.loader";
import { startEmbeddedAzurite } from "../../src/storage/embedded-azurite";
import { FakeConnector } from "../support/fake-connector";
import { quietLog } from "../support/quiet-log";
import { setUpSchoolInTeams, staffTeam } from "../support/school-setup";
import { TENANT_ID } from "../support/teams-client";

/** The environment variable naming the file of the deployed schools' policies. */
export const SEED_SCHOOLS_FILE = "HV_CONFORMANCE_SCHOOLS";

const SEEDS = {
  oakfield: "oakfield-academy.json",
  priory: "priory-junior.json",
  thorns: "thorns-primary.json",
  hunsbury: "hunsbury-park-primary.json",
  stMarys: "st-mary-of-the-angels.json",
} as const;

export default async function setUpSeedSchools(): Promise<void> {
  const azurite = await startEmbeddedAzurite({ persistence: { inMemory: true } });
  const connector = new FakeConnector();
  await connector.start();
  const config = parseConfig({ STORAGE_CONNECTION_STRING: azurite.connectionString, PORT: "1", MICROSOFT_APP_TENANT_ID: TENANT_ID });
  const app = await startApp({ ...config, port: 0 }, { log: quietLog(), sweeper: false });
  try {
    const deployed: Record<string, unknown> = {};
    for (const [key, file] of Object.entries(SEEDS)) {
      const profile = loadPolicyFile(path.resolve(__dirname, "../../policies", file));
      const schoolId = await setUpSchoolInTeams(app.url, connector, profile, staffTeam(key));
      deployed[key] = (await app.schools.active(schoolId))?.policy;
      if (!deployed[key]) throw new Error(`${file}: the school set up in Teams is not running`);
    }
    const out = path.join(mkdtempSync(path.join(tmpdir(), "hv-conformance-")), "schools.json");
    writeFileSync(out, JSON.stringify(deployed));
    process.env[SEED_SCHOOLS_FILE] = out;
  } finally {
    await app.stop();
    await connector.stop();
    await azurite.stop();
  }
}
