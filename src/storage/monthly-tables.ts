import type { TableClient, TableServiceClient } from "@azure/data-tables";

/** "202611": the month a table of a family holds. */
export type Month = string;

/** Clients kept per family: twenty years of months, far more than the retention job and the day's work touch. */
const CLIENTS_KEPT = 240;

/**
 * A family of tables with one per calendar month, "<prefix><family><yyyymm>": `visits` by the month a visit was
 * requested (visit-tables.ts), `visitsbyday` by the month of the day a visit is planned for (visit.table-store.ts).
 *
 * Why: on Azurite (LokiJS) every replace or delete costs time in proportion to the rows in its table, so the writes
 * of today's work land in a table holding a month, not everything ever kept. Azure Table Storage does not slow with a
 * table's size, but a month past a school's retention period goes with one table deletion there, Azure's way to
 * delete many entities at once (ADR 0002, ADR 0005).
 */
export class MonthlyTables {
  private readonly clients = new Map<Month, TableClient>();
  private readonly ensured = new Map<Month, Promise<unknown>>();
  private readonly pattern: RegExp;

  constructor(
    private readonly prefix: string,
    private readonly family: string,
    private readonly account: TableServiceClient,
    private readonly clientFor: (table: string) => TableClient,
  ) {
    // A prefix is letters and digits only (tables.ts), a family a constant: neither needs escaping.
    this.pattern = new RegExp(`^${prefix}${family}(\\d{6})$`, "i");
  }

  /** "visits202611" (after the prefix). */
  name(month: Month): string {
    return `${this.prefix}${this.family}${month}`;
  }

  /** The month's table, for reading: a month nobody has written to answers "not found". */
  of(month: Month): TableClient {
    const client = this.clients.get(month) ?? this.clientFor(this.name(month));
    // Most recently used last; the least recently used goes past the cap, so periods asked about from any year
    // (a review of 1990) cannot grow the clients kept without bound.
    this.clients.delete(month);
    this.clients.set(month, client);
    if (this.clients.size > CLIENTS_KEPT) this.clients.delete(this.clients.keys().next().value!);
    return client;
  }

  /** The month's table, created first if this process has not made sure of it yet (once a month). */
  async forWriting(month: Month): Promise<TableClient> {
    let ensured = this.ensured.get(month);
    if (!ensured) {
      // createTable treats "table exists" (409) as success; a failure is forgotten so the next write tries again.
      ensured = this.of(month)
        .createTable()
        .catch((error: unknown) => {
          this.ensured.delete(month);
          throw error;
        });
      this.ensured.set(month, ensured);
    }
    await ensured;
    return this.of(month);
  }

  /** Every month of the family with a table, oldest first. Other families' and deployments' tables are left out. */
  async list(): Promise<Month[]> {
    const months: Month[] = [];
    // The account holds a handful of tables per deployment and month, so they are listed and filtered here.
    for await (const table of this.account.listTables()) {
      const month = this.pattern.exec(table.name ?? "")?.[1];
      if (month) months.push(month);
    }
    return months.sort();
  }

  /** Deletes a month's table and everything in it; a table already gone is fine (the SDK treats 404 as done). */
  async drop(month: Month): Promise<void> {
    this.ensured.delete(month);
    await this.account.deleteTable(this.name(month));
  }
}

/** The months from `from` to `to` (London dates, "2026-11-24"), both included: ["202611", "202612"]. */
export function monthsOfDates(from: string, to: string): Month[] {
  const months: Month[] = [];
  const last = monthOfDate(to);
  // Months counted from year 0, so a December is followed by the next year's January by plain arithmetic.
  for (let n = Number(from.slice(0, 4)) * 12 + Number(from.slice(5, 7)) - 1; ; n++) {
    const month = `${String(Math.floor(n / 12)).padStart(4, "0")}${String((n % 12) + 1).padStart(2, "0")}`;
    if (month > last) return months;
    months.push(month);
  }
}

/** "2026-11-24" (or an ISO time) → "202611". */
export const monthOfDate = (date: string): Month => `${date.slice(0, 4)}${date.slice(5, 7)}`;
