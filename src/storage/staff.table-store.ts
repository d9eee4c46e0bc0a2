import type { TableClient } from "@azure/data-tables";
import type { StaffDirectory, StaffMember } from "../app/ports";
import { isNotFound } from "./table-errors";
import { encodeKey } from "./table-keys";
import type { Tables } from "./tables";

/** One row per member of staff, keyed by Entra object id in lower case (Teams is not consistent about case). */
const PARTITION = "staff";

type StaffColumns = Omit<StaffMember, "aadObjectId">;

export class TableStaffDirectory implements StaffDirectory {
  private readonly staff: TableClient;

  constructor(tables: Pick<Tables, "staff">) {
    this.staff = tables.staff;
  }

  async upsert(member: StaffMember): Promise<void> {
    const columns: StaffColumns = { name: member.name, teamsUserId: member.teamsUserId, lastSeenAt: member.lastSeenAt };
    await this.staff.upsertEntity({ partitionKey: PARTITION, rowKey: rowKey(member.aadObjectId), ...columns }, "Merge");
  }

  async get(aadObjectId: string): Promise<StaffMember | undefined> {
    try {
      const row = await this.staff.getEntity<StaffColumns>(PARTITION, rowKey(aadObjectId));
      return { aadObjectId: aadObjectId.toLowerCase(), name: row.name, teamsUserId: row.teamsUserId, lastSeenAt: row.lastSeenAt };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }
}

const rowKey = (aadObjectId: string) => encodeKey(aadObjectId.toLowerCase());
