import { odata, type TableClient, type TableEntityResult } from "@azure/data-tables";
import type { OutboxItem, Post } from "../app/notifications";
import type { Outbox, StoredOutboxItem } from "../app/ports";
import { outboxRow, outboxRowKey, outboxRowsOf, toStoredOutboxItem } from "./outbox-rows";
import { isNotFound, isWriteConflict } from "./table-errors";
import { encodeKey } from "./table-keys";
import type { Tables } from "./tables";
import { VisitTables } from "./visit-tables";

/**
 * The outbox rows themselves sit in their visit's partition of the visits tables (outbox-rows.ts). Listing failing
 * items across visits would mean reading every visit, so table outboxfailing indexes them: PartitionKey "failing",
 * RowKey = the item's creation time counted down (newest sorts first), then its visit and id. An index row is
 * written before its item row turns failing and deleted after the item row stops failing, so a crash between the
 * two leaves a row too many, never one too few; failing() checks every row against the item row.
 */
export const failingOf = (schoolId: string) => `failing_${encodeKey(schoolId)}`;
/** The latest instant a Date can hold: counting down from it makes newer times sort first as text. */
const LATEST_MS = 8_640_000_000_000_000;
/** encodeKey never emits '!', so it keeps the visit id and the item id apart. */
const SEPARATOR = "!";

/** A filter may hold at most 15 comparisons: three pick the visit's outbox rows, the rest name items. */
const KEYS_PER_QUERY = 12;

interface IndexColumns {
  visitId: string;
  itemId: string;
}

/** Whether the office's list of failing notifications shows the item. */
const isFailing = (item: OutboxItem): boolean => item.status === "pending" && item.failing === true;

const indexRowKey = (item: Pick<OutboxItem, "createdAt" | "visitId" | "id">) =>
  `${String(LATEST_MS - Date.parse(item.createdAt)).padStart(16, "0")}_${encodeKey(item.visitId)}${SEPARATOR}${encodeKey(item.id)}`;

export class TableOutbox implements Outbox {
  private readonly visits: VisitTables;
  private readonly failingIndex: TableClient;

  constructor(tables: Pick<Tables, "visits" | "outboxFailing">) {
    this.visits = tables.visits;
    this.failingIndex = tables.outboxFailing;
  }

  async pending(visitId: string): Promise<StoredOutboxItem[]> {
    const rows = this.visits.of(visitId).listEntities<Record<string, unknown>>({
      queryOptions: { filter: `${outboxRowsOf(visitId)} and ${odata`status eq ${"pending"}`}` },
    });
    const pending: StoredOutboxItem[] = [];
    for await (const row of rows) pending.push(toStoredOutboxItem(row));
    return pending;
  }

  async update(stored: StoredOutboxItem, item: OutboxItem): Promise<StoredOutboxItem | undefined> {
    const was = stored.item;
    // Its row and index keys come from these, so an update may change anything else but not them.
    if (item.id !== was.id || item.visitId !== was.visitId || item.createdAt !== was.createdAt) {
      throw new Error(`Outbox item ${was.visitId}/${was.id} cannot become ${item.visitId}/${item.id} created at ${item.createdAt}`);
    }
    if (isFailing(item) && !isFailing(was)) {
      const columns: IndexColumns = { visitId: item.visitId, itemId: item.id };
      await this.failingIndex.upsertEntity({ partitionKey: failingOf(item.schoolId), rowKey: indexRowKey(item), ...columns }, "Replace");
    }
    let etag: string | undefined;
    try {
      etag = (await this.visits.of(item.visitId).updateEntity(outboxRow(item), "Replace", { etag: stored.etag })).etag;
    } catch (error) {
      if (isNotFound(error) || isWriteConflict(error)) return undefined;
      throw error;
    }
    if (!etag) throw new Error("Table Storage did not return the outbox item's new ETag");
    // Were the item to turn failing again between our write above and this delete, its new index row would go
    // too. Only a delivery clears `failing` (outbox.dispatcher.ts), and delivery is final, so that cannot happen.
    if (isFailing(was) && !isFailing(item)) await this.forget(item.schoolId, indexRowKey(item));
    return { item, etag };
  }

  async posts(visitId: string, alertId: string): Promise<Post[]> {
    const rows = this.visits.of(visitId).listEntities<Record<string, unknown>>({
      queryOptions: { filter: `${outboxRowsOf(visitId)} and ${odata`alertId eq ${alertId} and status eq ${"delivered"}`}` },
    });
    const posts: Post[] = [];
    for await (const row of rows) posts.push(...(toStoredOutboxItem(row).item.posts ?? []));
    return posts;
  }

  /**
   * How many notifications keep failing across every school, up to `limit`: the index rows alone, keys only, so it costs
   * one small query (the health check's, which also proves storage answers). A row of an item delivered since is
   * removed with that delivery, so the count is of items failing now.
   */
  async countFailing(limit: number, abortSignal: AbortSignal): Promise<number> {
    let count = 0;
    const pages = this.failingIndex.listEntities({ queryOptions: { select: ["PartitionKey"] }, abortSignal }).byPage({ maxPageSize: limit });
    for await (const page of pages) {
      count += page.length;
      if (count >= limit) break;
    }
    return Math.min(count, limit);
  }

  async failing(schoolId: string, limit: number): Promise<OutboxItem[]> {
    if (limit < 1) return [];
    const pages = this.failingIndex
      .listEntities<IndexColumns>({ queryOptions: { filter: odata`PartitionKey eq ${failingOf(schoolId)}`, select: ["RowKey", "visitId", "itemId"] } })
      .byPage({ maxPageSize: limit });
    const found: OutboxItem[] = [];
    for await (const page of pages) {
      found.push(...(await this.confirmed(schoolId, page)));
      if (found.length >= limit) break;
    }
    return found.slice(0, limit);
  }

  /**
   * The items of these index rows that are failing now, read from their own rows: a query per visit (per
   * KEYS_PER_QUERY items of it) rather than a read per item. Rows whose item was delivered or is gone are
   * deleted (delivery is final, so nothing can need them again); a row whose item is pending but not failing
   * is left, as its update may be in flight.
   */
  private async confirmed(schoolId: string, rows: readonly TableEntityResult<IndexColumns>[]): Promise<OutboxItem[]> {
    const chunksByVisit = new Map<string, string[][]>();
    for (const { visitId, itemId } of rows) {
      if (!VisitTables.isVisitId(visitId)) continue; // names no visit: its row is stale
      const chunks = chunksByVisit.get(visitId) ?? [];
      const last = chunks.at(-1);
      if (last && last.length < KEYS_PER_QUERY) last.push(itemId);
      else chunks.push([itemId]);
      chunksByVisit.set(visitId, chunks);
    }
    const items = new Map<string, OutboxItem>();
    const read = async (visitId: string, itemIds: string[]) => {
      const rowKeys = itemIds.map((id) => odata`RowKey eq ${outboxRowKey(id)}`).join(" or ");
      const found = this.visits.of(visitId).listEntities<Record<string, unknown>>({ queryOptions: { filter: `${outboxRowsOf(visitId)} and (${rowKeys})` } });
      for await (const row of found) {
        const { item } = toStoredOutboxItem(row);
        items.set(indexRowKey(item), item);
      }
    };
    await Promise.all([...chunksByVisit].flatMap(([visitId, chunks]) => chunks.map((itemIds) => read(visitId, itemIds))));
    const failing: OutboxItem[] = [];
    const stale: string[] = [];
    for (const { rowKey = "" } of rows) {
      const item = items.get(rowKey);
      if (item && isFailing(item)) failing.push(item);
      else if (!item || item.status === "delivered") stale.push(rowKey);
    }
    await Promise.all(stale.map((rowKey) => this.forget(schoolId, rowKey)));
    return failing;
  }

  private async forget(schoolId: string, rowKey: string): Promise<void> {
    try {
      await this.failingIndex.deleteEntity(failingOf(schoolId), rowKey);
    } catch (error) {
      // Already gone is what we wanted.
      if (!isNotFound(error)) throw error;
    }
  }
}
