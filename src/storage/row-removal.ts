import type { TableClient, TransactionAction } from "@azure/data-tables";
import { isNotFound } from "./table-errors";

/** Table Storage's cap on the operations in one entity-group transaction. */
export const TRANSACTION_LIMIT = 100;

/**
 * `items` grouped by the partition each goes to, at most a transaction's worth in a group: what one entity-group
 * transaction may carry (one partition, at most TRANSACTION_LIMIT operations).
 */
export function transactionBatches<T>(items: readonly T[], partitionOf: (item: T) => string): T[][] {
  const byPartition = new Map<string, T[]>();
  for (const item of items) {
    const key = partitionOf(item);
    byPartition.set(key, [...(byPartition.get(key) ?? []), item]);
  }
  return [...byPartition.values()].flatMap((all) =>
    Array.from({ length: Math.ceil(all.length / TRANSACTION_LIMIT) }, (_, i) => all.slice(i * TRANSACTION_LIMIT, (i + 1) * TRANSACTION_LIMIT)),
  );
}

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
  for (const batch of transactionBatches(rows, (row) => row.partitionKey)) {
    try {
      await table.submitTransaction(batch.map(({ partitionKey, rowKey }): TransactionAction => ["delete", { partitionKey, rowKey }]));
    } catch (error) {
      if (!isNotFound(error)) throw error;
      for (const { partitionKey, rowKey } of batch) await deleteRow(table, partitionKey, rowKey);
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
