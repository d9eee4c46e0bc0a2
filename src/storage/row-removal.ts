import type { TableClient, TransactionAction } from "@azure/data-tables";
import { isNotFound } from "./table-errors";

/** Table Storage's cap on the operations in one entity-group transaction. */
export const TRANSACTION_LIMIT = 100;

/** A row's keys, as a query that selects only them returns them. */
export interface RowKeys {
  partitionKey: string;
  rowKey: string;
}

/** The keys of every row matching `filter`, and nothing else of them. */
export async function keysMatching(table: TableClient, filter: string): Promise<RowKeys[]> {
  const keys: RowKeys[] = [];
  try {
    for await (const row of table.listEntities({ queryOptions: { filter, select: ["PartitionKey", "RowKey"] } })) {
      if (row.partitionKey !== undefined && row.rowKey !== undefined) keys.push({ partitionKey: row.partitionKey, rowKey: row.rowKey });
    }
  } catch (error) {
    // A month nobody wrote to has no table: nothing in it.
    if (!isNotFound(error)) throw error;
  }
  return keys;
}

/**
 * Deletes these rows, a hundred of one partition to a transaction; resolves how many. A row another writer removed
 * meanwhile fails its whole transaction, so that batch is deleted row by row instead, gone rows counted as removed.
 */
export async function deleteRows(table: TableClient, rows: readonly RowKeys[]): Promise<number> {
  const byPartition = new Map<string, string[]>();
  for (const { partitionKey, rowKey } of rows) byPartition.set(partitionKey, [...(byPartition.get(partitionKey) ?? []), rowKey]);
  for (const [partitionKey, rowKeys] of byPartition) {
    for (let start = 0; start < rowKeys.length; start += TRANSACTION_LIMIT) {
      const batch = rowKeys.slice(start, start + TRANSACTION_LIMIT);
      try {
        await table.submitTransaction(batch.map((rowKey): TransactionAction => ["delete", { partitionKey, rowKey }]));
      } catch (error) {
        if (!isNotFound(error)) throw error;
        for (const rowKey of batch) await deleteRow(table, partitionKey, rowKey);
      }
    }
  }
  return rows.length;
}

/** Deletes one row; already gone is what was wanted. */
export async function deleteRow(table: TableClient, partitionKey: string, rowKey: string): Promise<void> {
  try {
    await table.deleteEntity(partitionKey, rowKey);
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}
