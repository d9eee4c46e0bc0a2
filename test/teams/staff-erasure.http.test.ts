/**
 * Access and erasure for a member of staff, on Azurite, through the admin's staff card in Teams and the tab's export:
 * everything held about Bea (a fictional visitor at Hunsbury Park) downloads as a file; once she has left, erasing her
 * removes her staff record and its history, her Teams identity, her chat with the bot and her roles, and a stable
 * pseudonym takes her place on the school's visit records, its audit trail and its policy versions.
 */
import { odata } from "@azure/data-tables";
import { Verbs } from "../../src/cards/verbs";
import { TableConversationStore } from "../../src/storage/conversation.table-store";
import { TableDataProtectionLedger } from "../../src/storage/data-protection.table-store";
import { TableSchoolStore } from "../../src/storage/school.table-store";
import { TableStaffDirectory } from "../../src/storage/staff.table-store";
import type { Tables } from "../../src/storage/tables";
import type { StaffExport } from "../../src/app/staff-data.service";
import type { StaffList } from "../../src/http/tab-api/contract";
import { useAzurite } from "../support/azurite";
import { textOf } from "../support/card-inspect";
import { ADMIN, ALEX, BEA, HEAD, type HunsburyDay, TabSchool } from "../support/tab-school";

const connectionString = useAzurite();
const PSEUDONYM = /Former member of staff #[0-9a-f]{4}/;

describe("access and erasure of a member of staff who has left", () => {
  let tab: TabSchool;
  let day: HunsburyDay;
  let tables: Tables;
  let bea: string;
  const admin = () => tab.school.person(ADMIN);
  const erase = (by: string, staffId: string, confirmErase: string) => tab.school.person(by).tap(Verbs.eraseStaff, { schoolId: tab.school.schoolId, staffId, confirmErase });
  /** Every row of the visit's partition as stored: snapshot, events and outbox, their JSON as text. */
  const storedText = async (visitId: string) => {
    const rows: string[] = [];
    for await (const row of tables.visits.of(visitId).listEntities({ queryOptions: { filter: odata`PartitionKey eq ${visitId}` } })) rows.push(JSON.stringify(row));
    return rows.join("\n");
  };

  beforeAll(async () => {
    tab = await TabSchool.open(connectionString());
    day = await tab.morning();
    bea = tab.school.id(BEA);
    tables = tab.school.tables;
  });
  afterAll(() => tab?.stop());

  it("exports everything held about her to the admin as a JSON file: her record and its history, her Teams identity, her chat, her roles and her visits", async () => {
    const res = await tab.call(ADMIN, `/staff/${bea}/export`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(res.headers.get("content-disposition")).toMatch(new RegExp(`^attachment; filename="staff-data-${tab.school.schoolId}-${bea}-2026-11-24\\.json"$`));
    const exported = (await res.json()) as StaffExport;
    expect(exported.person).toEqual({ aadObjectId: bea, nameInPolicy: BEA, roles: ["visitor"] });
    expect(exported.teams).toMatchObject({ name: BEA, teamsUserId: `29:${bea}` });
    expect(exported.staffRecord).toMatchObject({ mobile: "07700 900302", vehicle: expect.objectContaining({ registration: "EX25 NPR" }) });
    expect(exported.staffRecordHistory).toEqual([expect.objectContaining({ by: "seeded by the test" })]);
    expect(exported.conversation).toMatchObject({ reference: expect.any(Object) });
    expect(exported.visits.map((found) => found.visit.id).sort()).toEqual([day.recorded, day.request].sort());
    expect(exported.visits.find((found) => found.visit.id === day.recorded)!.events.map((e) => e.type)).toContain("visit.recorded");
    expect(exported.notIncluded.length).toBeGreaterThan(0);
  });

  it("exports to the admin alone, and only for a member of staff", async () => {
    expect((await tab.call(HEAD, `/staff/${bea}/export`)).status).toBe(403);
    expect(await (await tab.call(ADMIN, "/staff/00000000-0000-4000-8000-00000000dead/export")).json()).toEqual({ error: "Nothing is held about that person at this school." });
    expect((await tab.call(ADMIN, "/staff/not-an-id/export")).status).toBe(400);
  });

  it("lists someone with a record and no role (who left before) for the admin to export or erase, in the tab and on the card", async () => {
    const robin = { aadObjectId: "00000000-0000-4000-8000-00000000c0de", name: "Robin Former" };
    await new TableStaffDirectory(tables).saveRecord(tab.school.schoolId, robin.aadObjectId, { mobile: "07700 900999" }, { by: tab.school.id(ADMIN), at: "2026-11-24T08:00:00.000Z" });
    await new TableStaffDirectory(tables).upsert(tab.school.schoolId, [{ ...robin, teamsUserId: "", lastSeenAt: "2025-07-18T15:00:00.000Z" }]);
    const { staff } = (await (await tab.call(ADMIN, "/staff")).json()) as StaffList;
    expect(staff.at(-1)).toEqual({ id: robin.aadObjectId, name: robin.name, roles: [], inTeams: false, gaps: [] });
    const { card } = await admin().tap(Verbs.openStaff, { schoolId: tab.school.schoolId, staffId: robin.aadObjectId });
    expect(textOf(card)).toContain("Holds no role at the school.");
    expect((await tab.call(ADMIN, `/staff/${robin.aadObjectId}/export`)).status).toBe(200);
  });

  it("offers Export and a confirmed erasure on the admin's staff card", async () => {
    const { card } = await admin().tap(Verbs.openStaff, { schoolId: tab.school.schoolId, staffId: bea });
    const text = textOf(card);
    expect(text).toContain("open the Home Visits tab in Teams, choose Staff, then Export next to Bea Lindqvist");
    expect(text).toContain("Type ERASE to confirm");
  });

  it("erases nobody without the typed confirmation, nor for anyone but the admin, nor the admin themselves", async () => {
    expect(textOf((await erase(ADMIN, bea, "yes")).card)).toContain("Nothing was erased: type ERASE to confirm.");
    expect(textOf((await erase(HEAD, bea, "ERASE")).card)).toContain("Only the school admin can see and change staff records.");
    expect(textOf((await erase(ADMIN, tab.school.id(ADMIN), "ERASE")).card)).toContain("Nothing was erased: You cannot erase yourself: ask another admin.");
    expect((await tab.school.staff.get(bea))?.name).toBe(BEA);
  });

  it("refuses while she is on a visit still planned: the safety net must not lose her", async () => {
    const { card } = await erase(ADMIN, bea, "ERASE");
    expect(textOf(card)).toContain("Nothing was erased: They are on 1 visit(s) planned or under way, or with an alert open: finish or cancel those first.");
    expect((await tab.school.app.schools.active(tab.school.schoolId))!.policy.people.map((p) => p.aadObjectId)).toContain(bea);
  });

  it("erases her once that visit is cancelled, and puts one pseudonym in her place wherever the school's records name her", async () => {
    const { visit } = (await tab.school.app.store.load(day.request))!;
    await tab.school.person(BEA).tap(Verbs.cancel, { visitId: day.request, version: visit.version, cancelReason: "Leaving the school." });
    const { card } = await erase(ADMIN, bea, "erase");
    const banner = textOf(card).match(new RegExp(`Erased\\. They appear as (${PSEUDONYM.source}) on the school's records\\.`));
    expect(banner).not.toBeNull();
    const pseudonym = banner![1]!;

    // What was only about her is gone.
    expect(await tab.school.staff.get(bea)).toBeUndefined();
    expect(await tab.school.staff.list()).not.toContainEqual(expect.objectContaining({ aadObjectId: bea }));
    expect(await new TableConversationStore(tables).get("personal", bea)).toBeUndefined();
    expect((await tab.school.app.schools.active(tab.school.schoolId))!.policy.people.map((p) => p.aadObjectId)).not.toContain(bea);

    // The safeguarding record keeps every step, under the pseudonym, and the words people wrote.
    for (const visitId of [day.recorded, day.request]) {
      const text = await storedText(visitId);
      expect(text).not.toContain(bea);
      expect(text).not.toContain(BEA);
      expect(text).toContain(pseudonym);
    }
    const { visit: recorded } = (await tab.school.app.store.load(day.recorded))!;
    expect(recorded.requestedBy.name).toBe(pseudonym);
    expect(recorded.record).toMatchObject({ recordedBy: { name: pseudonym }, summary: "Nobody in; a card left through the door." });
    expect((await tab.school.app.store.events(day.recorded)).map((e) => e.actor.name)).toContain(pseudonym);
    expect(await storedText(day.alexVisit)).toContain(ALEX);

    // The school's policy versions: the audit of who held which role, with her name and id replaced.
    const versions = JSON.stringify(await new TableSchoolStore(tables).history(tab.school.schoolId));
    expect(versions).not.toContain(bea);
    expect(versions).not.toContain(BEA);
    expect(versions).toContain(pseudonym);
  });

  it("records the erasure (who, when, the pseudonym, what went) without naming her, and nothing is held about her any more", async () => {
    const [record] = await new TableDataProtectionLedger(tables).erasures(tab.school.schoolId);
    expect(record).toMatchObject({
      by: tab.school.id(ADMIN),
      pseudonym: expect.stringMatching(PSEUDONYM),
      removed: { staffRows: 2, conversationReferences: 1, roles: 1 },
      pseudonymised: { visits: 2, policyRows: expect.any(Number), staffRecordChanges: 0 },
    });
    expect(JSON.stringify(record)).not.toContain(bea);
    // Nor does any row of the erasure's own table, or the day index (with its copies of the visits), name her.
    const dayIndex = (await tables.visitsByDay.list()).map((month) => tables.visitsByDay.of(month));
    expect(dayIndex.length).toBeGreaterThan(0);
    for (const table of [tables.dataProtection, ...dayIndex, tables.staff, tables.conversations]) {
      for await (const row of table.listEntities()) {
        expect(JSON.stringify(row)).not.toContain(bea);
        expect(JSON.stringify(row)).not.toContain(BEA);
      }
    }
    expect((await tab.call(ADMIN, `/staff/${bea}/export`)).status).toBe(404);
    expect(tab.school.log.lines).toContainEqual({ level: "info", message: "member of staff erased", fields: { by: tab.school.id(ADMIN), visits: 2 } });
  });
});

