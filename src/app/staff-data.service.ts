import { isOpen } from "../domain/alert";
import { londonDate } from "../domain/london-time";
import { pseudonymOf } from "../domain/pseudonym";
import { holdsAny } from "../domain/roles";
import type { StaffRecord } from "../domain/staff-prerequisites";
import { type Actor, OUT_STATUSES, PRE_VISIT_STATUSES, type Visit, visitorsOf, visitReference } from "../domain/visit";
import type { Role } from "../policy/policy.schema";
import type {
  ConversationArchive,
  DataProtectionLedger,
  ErasureRecord,
  PolicyArchive,
  StaffArchive,
  VisitArchive,
  VisitWithEvents,
} from "./data-protection-ports";
import type { Clock, Logger, SchoolStore, StaffDirectory, StaffRecordChange, VisitStore } from "./ports";
import type { SchoolService } from "./school.service";
import type { Schools } from "./schools";

/** Who may export or erase what is held about a member of staff: the school's admin, who keeps staff records. */
const STAFF_DATA_ROLES: Role[] = ["admin"];
const ADMIN_ONLY = "Only the school admin can export or erase what is held about a member of staff.";
/** Pseudonyms drawn before giving up on one that no earlier erasure at the school used. */
const PSEUDONYM_ATTEMPTS = 20;

/**
 * Everything the bot holds about one member of staff at one school (a subject access request's answer, as far as this
 * system goes; docs/DATA-PROTECTION.md says what is and is not in it).
 */
export interface StaffExport {
  exportedAt: string;
  school: { id: string; name: string };
  person: { aadObjectId: string; nameInPolicy: string | null; roles: Role[] };
  /** Who Teams says they are, as last seen. */
  teams: { name: string; teamsUserId: string; lastSeenAt: string } | null;
  /** Their record for home visits (R06), and every change to it: who made it, when, and the record as saved. */
  staffRecord: StaffRecord | null;
  staffRecordHistory: StaffRecordChange[];
  /** Changes they made to other people's records: whose and when (the records themselves are those people's data). */
  recordChangesTheyMade: { staffId: string; at: string }[];
  /** How the bot reaches them in Teams. */
  conversation: { savedAt: string; reference: Record<string, unknown> } | null;
  /** Every visit of the school on which they appear (on it, deciding it, answering its alerts…), with its audit trail. */
  visits: (VisitWithEvents & { reference: string })[];
  notIncluded: string[];
}

export type StaffExportOutcome = { ok: true; export: StaffExport; filename: string } | { ok: false; status: 403 | 404; message: string };
export type ErasureOutcome = { ok: true; record: ErasureRecord } | { ok: false; message: string };

const NOT_INCLUDED = [
  "Log lines: they carry ids and codes only (never names or details), and the log workspace deletes them after its retention period.",
  "What the school keeps elsewhere (CPOMS, the attendance record, the MIS), including anything copied there from these visits.",
  "Notes people wrote in their own words are included as written, on the visits listed.",
];

export interface StaffDataDeps {
  schools: Schools;
  schoolService: SchoolService;
  schoolStore: Pick<SchoolStore, "get">;
  store: VisitStore;
  visits: VisitArchive;
  directory: StaffDirectory;
  staff: StaffArchive;
  conversations: ConversationArchive;
  policies: PolicyArchive;
  ledger: DataProtectionLedger;
  clock: Clock;
  log: Logger;
  /** A fresh random GUID: the pseudonym's id, with nothing linking it to the person. */
  newPseudonymId: () => string;
}

/**
 * Access and erasure for a member of staff, by the school's admin: everything held about them as a file, and, once
 * they have left, their erasure. Erasure removes what is only about them (their staff record and its history, who
 * Teams says they are, their chat with the bot, their roles) and puts a pseudonym where the school's safeguarding
 * records name them, so the audit trail keeps every step it recorded.
 */
export class StaffDataService {
  constructor(private readonly deps: StaffDataDeps) {}

  async exportFor(actor: Actor, schoolId: string, staffId: string): Promise<StaffExportOutcome> {
    const { schools, directory, staff, conversations, visits, clock } = this.deps;
    const active = await schools.active(schoolId);
    if (!active || !holdsAny(active.policy, actor.id, STAFF_DATA_ROLES)) return { ok: false, status: 403, message: ADMIN_ONLY };
    const id = staffId.toLowerCase();
    const person = active.policy.people.find((p) => p.aadObjectId === id);
    const [member, history, changes, conversation, onVisits] = await Promise.all([
      directory.get(schoolId, id),
      staff.history(schoolId, id),
      staff.changesBy(schoolId, id),
      conversations.get("personal", id),
      visits.mentioning(schoolId, id),
    ]);
    if (!person && !member && history.length === 0 && onVisits.length === 0) {
      return { ok: false, status: 404, message: "Nothing is held about that person at this school." };
    }
    const { aadObjectId: _id, name, teamsUserId, lastSeenAt, ...record } = member ?? { aadObjectId: id, name: "", teamsUserId: "", lastSeenAt: "" };
    const exported: StaffExport = {
      exportedAt: clock.now().toISOString(),
      school: { id: active.school.id, name: active.school.name },
      person: { aadObjectId: id, nameInPolicy: person?.displayName ?? null, roles: person ? [...person.roles] : [] },
      teams: member && teamsUserId ? { name, teamsUserId, lastSeenAt } : null,
      staffRecord: member && Object.keys(record).length > 0 ? record : null,
      staffRecordHistory: history,
      recordChangesTheyMade: changes,
      // Kept only for people on a school's staff: the same chat serves every school they are at.
      conversation: conversation ? { savedAt: conversation.savedAt, reference: conversation.reference } : null,
      visits: onVisits.map((found) => ({ reference: visitReference(found.visit.id), ...found })),
      notIncluded: NOT_INCLUDED,
    };
    return { ok: true, export: exported, filename: `staff-data-${schoolId}-${id}-${londonDate(clock.now())}.json` };
  }

  /**
   * Erases a member of staff who has left the school. Refused while they are on a visit that is planned or under way,
   * are its responsible contact, or an alert on their visit is open: the safety net must not lose them; and when
   * taking their roles would leave one the school's policy needs held by nobody.
   */
  async erase(actor: Actor, schoolId: string, staffId: string): Promise<ErasureOutcome> {
    const { schools, schoolService, schoolStore, directory, staff, conversations, visits, policies, ledger, clock, log } = this.deps;
    const active = await schools.active(schoolId);
    if (!active || !holdsAny(active.policy, actor.id, STAFF_DATA_ROLES)) return { ok: false, message: ADMIN_ONLY };
    const id = staffId.toLowerCase();
    if (id === actor.id.toLowerCase()) return { ok: false, message: "You cannot erase yourself: ask another admin." };
    const live = await this.liveVisitsOf(schoolId, id);
    if (live.length > 0) return { ok: false, message: `They are on ${live.length} visit(s) planned or under way, or with an alert open: finish or cancel those first.` };
    const person = active.policy.people.find((p) => p.aadObjectId === id);
    const member = await directory.get(schoolId, id);
    const names = [person?.displayName, member?.name].filter((name): name is string => Boolean(name));

    if (person) {
      // First, as the one step the school's policy may refuse (a role nobody else holds): then nothing else has changed.
      const change = `A member of staff who left was erased: their ${person.roles.length} role(s) were taken away, and a pseudonym stands for them on the school's records.`;
      const taken = await schoolService.changePolicy(actor, schoolId, (draft) => ({ ...draft, people: draft.people.filter((p) => p.aadObjectId !== id) }), change);
      if (!taken.ok) return { ok: false, message: taken.message };
    }
    const pending = await ledger.startErasure({ schoolId, personId: id, pseudonym: await this.unusedPseudonym(schoolId) });
    const { pseudonym } = pending;
    const pseudonymised = {
      visits: await visits.pseudonymise(schoolId, id, pseudonym),
      policyRows: await policies.pseudonymise(schoolId, id, names, pseudonym),
      staffRecordChanges: await staff.pseudonymiseChangesBy(schoolId, id, pseudonym.id),
    };
    const staffRows = await staff.remove(schoolId, id);
    const elsewhere = await this.onStaffElsewhere(schoolId, id);
    const hadConversation = !elsewhere && (await conversations.get("personal", id)) !== undefined;
    if (hadConversation) await conversations.remove("personal", id);
    // Their name may have been on the school's own row (who set it up): this instance reads it again.
    const rewritten = await schoolStore.get(schoolId);
    if (rewritten) schools.saved(rewritten);

    const record: ErasureRecord = {
      schoolId,
      at: clock.now().toISOString(),
      by: actor.id,
      pseudonym: pseudonym.name,
      removed: { staffRows, conversationReferences: hadConversation ? 1 : 0, roles: person?.roles.length ?? 0 },
      pseudonymised,
    };
    await ledger.finishErasure(pending, record);
    log.info("member of staff erased", { by: actor.id, visits: pseudonymised.visits });
    return { ok: true, record };
  }

  /** Visits from today on that this person is on or answers for, and any visit of theirs with an alert still open. */
  private async liveVisitsOf(schoolId: string, id: string): Promise<Visit[]> {
    const today = londonDate(this.deps.clock.now());
    const ahead = await this.deps.store.listForDay(schoolId, today, `${Number(today.slice(0, 4)) + 1}${today.slice(4)}`);
    const live = (visit: Visit) => PRE_VISIT_STATUSES.includes(visit.status) || OUT_STATUSES.includes(visit.status) || visit.alerts.some(isOpen);
    return ahead.filter((visit) => live(visit) && (visitorsOf(visit).includes(id) || visit.details.responsibleContactId === id));
  }

  /** A pseudonym whose short tag no earlier erasure at the school used, so two former staff never read alike. */
  private async unusedPseudonym(schoolId: string): Promise<Actor> {
    const used = new Set((await this.deps.ledger.erasures(schoolId)).map((record) => record.pseudonym));
    for (let attempt = 0; attempt < PSEUDONYM_ATTEMPTS; attempt++) {
      const pseudonym = pseudonymOf(this.deps.newPseudonymId());
      if (!used.has(pseudonym.name)) return pseudonym;
    }
    throw new Error(`No unused pseudonym in ${PSEUDONYM_ATTEMPTS} tries: the school has erased too many people for four-digit tags`);
  }

  /** Whether another school of the deployment still has this person on its staff: their chat with the bot serves it too. */
  private async onStaffElsewhere(schoolId: string, id: string): Promise<boolean> {
    for (const school of await this.deps.schools.list()) {
      if (school.id === schoolId) continue;
      if (school.policy.people.some((p) => p.aadObjectId === id) || (await this.deps.directory.get(school.id, id))) return true;
    }
    return false;
  }
}
