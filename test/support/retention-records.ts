import { odata } from "@azure/data-tables";
import type { RetentionRecord } from "../../src/app/data-protection-ports";
import type { Tables } from "../../src/storage/tables";

/** What the retention job recorded of its runs, oldest first, read as stored (table dataprotection, partition "run"). */
export async function retentionRecords(tables: Pick<Tables, "dataProtection">): Promise<RetentionRecord[]> {
  const records: RetentionRecord[] = [];
  for await (const row of tables.dataProtection.listEntities<{ json: string }>({ queryOptions: { filter: odata`PartitionKey eq ${"run"}` } })) {
    records.push(JSON.parse(row.json) as RetentionRecord);
  }
  return records;
}
