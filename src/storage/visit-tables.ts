import type { TableClient } from "@azure/data-tables";
import { createdAtOfVisitId, isPlausibleVisitId } from "../domain/visit-id";

/**
 * Visits live in one table per calendar month (UTC) in which they were requested: "visits202611" holds every
 * visit requested in November 2026, its snapshot, audit events and outbox rows in its own partition. The month
 * is read from the visit id (visit-id.ts), so a visit never moves and any id finds its table without a lookup.
 *
 * Why: the sweeper's writes then land in a table that holds this month's visits, not every visit ever made. On
 * Azure Table Storage a table's size does not slow its writes, but on Azurite (LokiJS) every write costs time in
 * proportion to the rows in its table. It also gives a school's retention period a cheap tool: a month that is
 * past it goes with one table deletion (Azure's pattern for deleting many entities at once).
 *
 * A client is kept for each month asked about, and only plausible ids are let through (isPlausibleVisitId: requested
 * from 2024 to a year from now), so there are at most a few dozen of them however many forged ids arrive.
 */
export class VisitTables {
  private readonly clients = new Map<string, TableClient>();
  private readonly ensured = new Map<string, Promise<unknown>>();

  constructor(
    private readonly prefix: string,
    private readonly clientFor: (table: string) => TableClient,
  ) {}

  /** Whether this can be a visit id at all: anything else names no visit, and no table is made or asked about it. */
  static isVisitId(visitId: string): boolean {
    return isPlausibleVisitId(visitId, new Date());
  }

  /** The table of this visit, for reading: a month nobody has written to yet answers "not found". */
  of(visitId: string): TableClient {
    const name = this.tableName(visitId);
    let client = this.clients.get(name);
    if (!client) {
      client = this.clientFor(name);
      this.clients.set(name, client);
    }
    return client;
  }

  /** The table of this visit, created first if this process has not yet made sure of it (once a month). */
  async forWriting(visitId: string): Promise<TableClient> {
    const client = this.of(visitId);
    const name = client.tableName;
    let ensured = this.ensured.get(name);
    if (!ensured) {
      // createTable treats "table exists" (409) as success; a failure is forgotten so the next write tries again.
      ensured = client.createTable().catch((error: unknown) => {
        this.ensured.delete(name);
        throw error;
      });
      this.ensured.set(name, ensured);
    }
    await ensured;
    return client;
  }

  private tableName(visitId: string): string {
    if (!VisitTables.isVisitId(visitId)) throw new Error(`"${visitId}" is not a visit id: it does not carry a time a visit can have been requested at`);
    return visitsTableName(this.prefix, createdAtOfVisitId(visitId)!.toISOString().slice(0, 7).replace("-", ""));
  }
}

/** The visits table of a month, "202611": the prefix, "visits" and the month. */
export const visitsTableName = (prefix: string, month: string): string => `${prefix}visits${month}`;
