import type { TableClient } from "@azure/data-tables";
import { createdAtOfVisitId, isPlausibleVisitId } from "../domain/visit-id";
import { type Month, type MonthlyTables, monthOfDate } from "./monthly-tables";

/**
 * Visits live in one table per calendar month (UTC) in which they were requested: "visits202611" holds every
 * visit requested in November 2026, its snapshot, audit events and outbox rows in its own partition. The month
 * is read from the visit id (visit-id.ts), so a visit never moves and any id finds its table without a lookup.
 * Why a table per month: monthly-tables.ts.
 *
 * Only plausible ids are let through (isPlausibleVisitId: requested from 2024 to a year from now), so the month
 * tables kept open are a few dozen however many forged ids arrive.
 */
export class VisitTables {
  constructor(readonly months: MonthlyTables) {}

  /** Whether this can be a visit id at all: anything else names no visit, and no table is made or asked about it. */
  static isVisitId(visitId: string): boolean {
    return isPlausibleVisitId(visitId, new Date());
  }

  /** The table of this visit, for reading: a month nobody has written to yet answers "not found". */
  of(visitId: string): TableClient {
    return this.months.of(monthOf(visitId));
  }

  /** The table of this visit, created first if this process has not yet made sure of it (once a month). */
  forWriting(visitId: string): Promise<TableClient> {
    return this.months.forWriting(monthOf(visitId));
  }
}

function monthOf(visitId: string): Month {
  if (!VisitTables.isVisitId(visitId)) throw new Error(`"${visitId}" is not a visit id: it does not carry a time a visit can have been requested at`);
  return monthOfDate(createdAtOfVisitId(visitId)!.toISOString());
}
