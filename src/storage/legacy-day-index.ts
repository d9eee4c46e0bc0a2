import type { TableEntity, TableEntityResult, TransactionAction } from "@azure/data-tables";
import { transactionBatches } from "./row-removal";
import { isNotFound, isWriteConflict } from "./table-errors";
import type { Tables } from "./tables";
import { monthOfDayKey } from "./visit.table-store";

/**
 * Builds before ADR 0005 kept the whole day index in one table, "visitsbyday". At start-up its rows move to the
 * monthly tables and the old table is dropped; resolves how many rows there were (0, and one request, once moved).
 *
 * A row is only created where its month's table has none for that visit: a row there was written by this build,
 * after the old one, so it is the newer. Instances starting together may both move the rows; the second's
 * creates are refused as existing and its drop finds the table gone, and neither is an error.
 */
export async function moveLegacyDayIndex(tables: Pick<Tables, "legacyDayIndex" | "visitsByDay">): Promise<number> {
  const entities: TableEntity<Record<string, unknown>>[] = [];
  try {
    for await (const row of tables.legacyDayIndex.listEntities<Record<string, unknown>>()) entities.push(entityOf(row));
  } catch (error) {
    if (isNotFound(error)) return 0;
    throw error;
  }
  for (const batch of transactionBatches(entities, (entity) => entity.partitionKey)) {
    const table = await tables.visitsByDay.forWriting(monthOfDayKey(batch[0]!.partitionKey));
    try {
      await table.submitTransaction(batch.map((entity): TransactionAction => ["create", entity]));
    } catch (error) {
      // One row of the batch exists already, so the whole transaction was refused: the rest go one by one.
      if (!isWriteConflict(error)) throw error;
      for (const entity of batch) {
        await table.createEntity(entity).catch((refused: unknown) => {
          if (!isWriteConflict(refused)) throw refused;
        });
      }
    }
  }
  await tables.legacyDayIndex.deleteTable();
  return entities.length;
}

/** The row as it is written: its keys and columns, without what storage adds on reading. */
function entityOf({ etag: _etag, timestamp: _timestamp, ...entity }: TableEntityResult<Record<string, unknown>>): TableEntity<Record<string, unknown>> {
  return entity as TableEntity<Record<string, unknown>>;
}
