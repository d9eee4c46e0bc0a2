import type { TableClient, TableServiceClient } from "@azure/data-tables";
import { visitsTableName } from "./visit-tables";

/**
 * The months that have a visits table (visit-tables.ts), for the retention job: it reads a month's visits, and drops
 * the whole table once every visit in it is past its school's retention (Azure's way to delete many entities at once).
 */
export class VisitMonths {
  private readonly name: RegExp;

  constructor(
    private readonly prefix: string,
    private readonly account: TableServiceClient,
    private readonly clientFor: (table: string) => TableClient,
  ) {
    // A prefix is letters and digits only (tables.ts), so it needs no escaping here.
    this.name = new RegExp(`^${prefix}visits(\\d{6})$`, "i");
  }

  /** Every month with a visits table, oldest first: "202611". Other deployments' tables in the account are left out. */
  async list(): Promise<string[]> {
    const months: string[] = [];
    // The account holds a handful of tables per deployment and month, so they are listed and filtered here.
    for await (const table of this.account.listTables()) {
      const month = this.name.exec(table.name ?? "")?.[1];
      if (month) months.push(month);
    }
    return months.sort();
  }

  /** The month's table, to read (a month without one answers 404). */
  table(month: string): TableClient {
    return this.clientFor(visitsTableName(this.prefix, month));
  }

  /** Deletes a month's table and everything in it; a table already gone is fine (the SDK treats 404 as done). */
  drop(month: string): Promise<void> {
    return this.account.deleteTable(visitsTableName(this.prefix, month));
  }
}
