/**
 * Forged visit ids make no table client: only ids of a time a visit can have been requested at reach a month's table,
 * so the clients VisitTables keeps are bounded by the months in that range. Nothing here talks to storage: the
 * factory only counts the clients it is asked for.
 */
import { randomBytes } from "node:crypto";
import { TableClient, TableServiceClient } from "@azure/data-tables";
import { visitIdAt } from "../../src/domain/visit-id";
import { MonthlyTables } from "../../src/storage/monthly-tables";
import { VisitTables } from "../../src/storage/visit-tables";

/** Clients that are never used: the address is a closed loopback port. */
function counting() {
  const made: string[] = [];
  const closed = "http://127.0.0.1:9/devstoreaccount1";
  const account = new TableServiceClient(closed, { allowInsecureConnection: true });
  const tables = new VisitTables(
    new MonthlyTables("t", "visits", account, (name) => {
      made.push(name);
      return new TableClient(closed, name, { allowInsecureConnection: true });
    }),
  );
  return { tables, made };
}

const monthsFrom = (year: number, month: number, count: number): Date[] => Array.from({ length: count }, (_, i) => new Date(Date.UTC(year, month + i, 15)));

describe("VisitTables", () => {
  it("makes no client for 8,000 forged version-7 ids of as many months, before 2024 or past next year", () => {
    const { tables, made } = counting();
    // Every month from 1970 to 2023, and the following 7,352 from 2100.
    const forged = [...monthsFrom(1970, 0, 648), ...monthsFrom(2100, 0, 7_352)].map((at) => visitIdAt(at, randomBytes(10)));
    for (const visitId of forged) {
      expect(VisitTables.isVisitId(visitId)).toBe(false);
      expect(() => tables.of(visitId)).toThrow(/not a visit id/);
    }
    expect(made).toEqual([]);
  });

  it("keeps one client per month of real ids, however many visits each month has", () => {
    const { tables, made } = counting();
    const months = monthsFrom(2024, 0, 24);
    for (const at of months) for (let i = 0; i < 50; i++) tables.of(visitIdAt(at, randomBytes(10)));
    expect(made).toHaveLength(24);
    expect(made[0]).toBe("tvisits202401");
  });
});
