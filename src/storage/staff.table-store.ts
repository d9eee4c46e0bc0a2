import type { TableClient } from "@azure/data-tables";
import type { StaffDirectory, StaffMember } from "../app/ports";
import { isNotFound } from "./table-errors";
import { encodeKey } from "./table-keys";
import type { Tables } from "./tables";

/** One row per member of staff, keyed by Entra object id in lower case (Teams is not consistent about case). */
const PARTITION = "staff";

/** The vehicle is kept as JSON text: a column holds only a scalar. */
type StaffColumns = Omit<StaffMember, "aadObjectId" | "vehicle"> & { vehicle?: string };

export class TableStaffDirectory implements StaffDirectory {
  private readonly staff: TableClient;

  constructor(tables: Pick<Tables, "staff">) {
    this.staff = tables.staff;
  }

  async upsert(member: StaffMember): Promise<void> {
    const { name, teamsUserId, lastSeenAt, mobile, vehicle } = member;
    const columns: StaffColumns = {
      name,
      teamsUserId,
      lastSeenAt,
      ...(mobile !== undefined ? { mobile } : {}),
      ...(vehicle !== undefined ? { vehicle: JSON.stringify(vehicle) } : {}),
    };
    // Merge: a column left out keeps its stored value, so a Teams capture (which knows no mobile or vehicle)
    // never wipes the ones given earlier.
    await this.staff.upsertEntity({ partitionKey: PARTITION, rowKey: rowKey(member.aadObjectId), ...columns }, "Merge");
  }

  async get(aadObjectId: string): Promise<StaffMember | undefined> {
    try {
      const { name, teamsUserId, lastSeenAt, mobile, vehicle } = await this.staff.getEntity<StaffColumns>(PARTITION, rowKey(aadObjectId));
      return {
        aadObjectId: aadObjectId.toLowerCase(),
        name,
        teamsUserId,
        lastSeenAt,
        ...(mobile !== undefined ? { mobile } : {}),
        ...(vehicle !== undefined ? { vehicle: JSON.parse(vehicle) as NonNullable<StaffMember["vehicle"]> } : {}),
      };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }
}

const rowKey = (aadObjectId: string) => encodeKey(aadObjectId.toLowerCase());
