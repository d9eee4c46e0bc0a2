import { odata } from "@azure/data-tables";
import type { OutboxItem } from "../app/notifications";
import type { StoredOutboxItem } from "../app/ports";
import { fromJsonColumns, toJsonColumns } from "./json-columns";
import { encodeKey } from "./table-keys";

/**
 * Outbox rows live in their visit's partition of the visits tables, so a change queues its notifications in
 * the same transaction that records it. RowKey = "outbox-" and the item id (ids sort in queueing order).
 * Beside the item's JSON, a few columns let queries filter without reading every item.
 */
const OUTBOX_PREFIX = "outbox-";
/** The first RowKey after every "outbox-…" key: '.' follows '-' in code-unit order. */
const AFTER_OUTBOX = "outbox.";

export const outboxRowKey = (itemId: string) => `${OUTBOX_PREFIX}${encodeKey(itemId)}`;

/** A filter for a visit's outbox rows, to narrow further with `and …`. */
export const outboxRowsOf = (visitId: string) =>
  odata`PartitionKey eq ${encodeKey(visitId)} and RowKey ge ${OUTBOX_PREFIX} and RowKey lt ${AFTER_OUTBOX}`;

interface OutboxColumns {
  status: OutboxItem["status"];
  alertId?: string;
  nextAttemptAt: string;
  failing: boolean;
}

export function outboxRow(item: OutboxItem): { partitionKey: string; rowKey: string } & OutboxColumns & Record<string, unknown> {
  const { notification } = item;
  return {
    partitionKey: encodeKey(item.visitId),
    rowKey: outboxRowKey(item.id),
    status: item.status,
    ...("alertId" in notification ? { alertId: notification.alertId } : {}),
    nextAttemptAt: item.nextAttemptAt,
    failing: item.failing === true,
    ...toJsonColumns(item),
  };
}

export function toStoredOutboxItem(row: Readonly<Record<string, unknown>> & { etag?: string }): StoredOutboxItem {
  if (!row.etag) throw new Error("Table Storage returned an outbox item without an ETag");
  return { item: fromJsonColumns(row) as OutboxItem, etag: row.etag };
}
