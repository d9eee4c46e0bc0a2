import { londonDate } from "../domain/london-time";
import { capitalised, rolesInWords, ROLE_WORDS } from "../domain/role-words";
import { holdsAny } from "../domain/roles";
import type { Actor } from "../domain/visit";
import { OUT_STATUSES } from "../domain/visit";
import { isOpen } from "../domain/alert";
import type { AlertChannel, PolicyDraft, Role } from "../policy/policy.schema";
import { PolicyDraft as PolicyDraftSchema, roleGaps } from "../policy/policy.schema";
import type { PolicyTemplate } from "../policy/policy.templates";
import type { Clock, Logger, PolicyChange, SchoolRecord, SchoolStore, StaffDirectory, StaffMember, TeamsMember, VisitStore } from "./ports";
import type { Schools } from "./schools";

/** Who may set a school up, give roles and change its policy: the head and the school's admin. */
export const SCHOOL_MANAGERS: Role[] = ["headteacher", "admin"];
/** Who may choose where safeguarding alerts are posted: the head, the DSL and the admin. */
export const ALERT_CHANNEL_CHOOSERS: Role[] = ["headteacher", "dsl", "admin"];

export type SchoolOutcome = { ok: true; school: SchoolRecord } | { ok: false; message: string };

/** What a new school starts from: its name, the template it picks, and whether its creator is the headteacher. */
export interface NewSchool {
  name: string;
  templateId: string;
  creatorIsHeadteacher: boolean;
}

/** How far a school is from running, for its setup card. */
export interface SetupChecklist {
  /** Roles the policy relies on that nobody holds, with what each is for. */
  missingRoles: { role: Role; for: string[] }[];
  alertChannel: AlertChannel | null;
  visitors: number;
}

/** A school as those who may see its settings see it: for its head and admin, who made its policy what it is. */
export interface SchoolOverview {
  school: SchoolRecord;
  checklist: SetupChecklist;
  /** The head or the admin, who see and change everything; otherwise (the DSL) only where alerts go is theirs. */
  canManage: boolean;
  /** For the head and admin: who made the current version of the policy, when, and what they changed. */
  current?: PolicyChange;
  /** For the head and admin: the members of the staff team the app knows, whom roles can go to. */
  teamMembers?: number;
}

const MAX_NAME = 80;
/** A school's staff for choosing roles from: a staff team's roster, at most this many (the card must stay small). */
const MAX_PICKABLE = 300;

/**
 * A school as data: created when its head or admin sets it up in the school's staff team, its policy changed only
 * by its own managers, every change saved as a new version (who, when, what) through one path that validates it
 * as the profile file is validated. Roles are given to members of the school's staff team.
 */
export class SchoolService {
  constructor(
    private readonly store: SchoolStore,
    private readonly schools: Schools,
    private readonly staff: StaffDirectory,
    private readonly visits: VisitStore,
    readonly templates: readonly PolicyTemplate[],
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  forTeam(teamId: string): Promise<SchoolRecord | undefined> {
    return this.schools.forTeam(teamId);
  }

  /**
   * A new school in this team, started from a template: the person setting it up holds the admin role (and the
   * headteacher's, if they say they are the head), and the team's roster becomes its staff.
   */
  async create(actor: Actor, teamId: string, wanted: NewSchool, roster: readonly TeamsMember[]): Promise<SchoolOutcome> {
    const name = wanted.name.trim().replace(/\s+/g, " ");
    if (name.length < 3 || name.length > MAX_NAME) return refuse(`Give the school's name (3 to ${MAX_NAME} characters).`);
    const template = this.templates.find((t) => t.id === wanted.templateId);
    if (!template) return refuse("Choose the policy to start from.");
    if (await this.schools.forTeam(teamId)) return refuse("This team already has a school set up. Type \"settings\" to see it.");
    const roles: Role[] = wanted.creatorIsHeadteacher ? ["headteacher", "admin"] : ["admin"];
    const base = slug(name);
    for (let attempt = 1; attempt <= 20; attempt++) {
      const id = attempt === 1 ? base : `${base}-${attempt}`;
      const policy: PolicyDraft = {
        ...template.draft,
        school: { ...template.draft.school, id, name, source: `Started from "${template.label}". ${template.draft.school.source}` },
        people: [{ aadObjectId: actor.id, displayName: actor.name || "Set up by", roles }],
      };
      const at = this.clock.now().toISOString();
      const outcome = await this.store.create(
        { id, name, teamId, state: stateOf(policy), policy, createdAt: at, createdBy: actor },
        { by: actor, at, change: `School set up from the template "${template.label}"; ${actor.name} holds ${rolesInWords(roles, "and")}.` },
      );
      if (outcome.ok) {
        this.schools.saved(outcome.school);
        await this.staff.upsert(id, roster);
        this.log.info("school set up", { schoolId: id, teamId, template: template.id, by: actor.id, staff: roster.length });
        return { ok: true, school: outcome.school };
      }
      if (outcome.reason === "team-taken") return refuse("This team already has a school set up. Type \"settings\" to see it.");
    }
    return refuse("Another school already has a name like this one: add the town to it.");
  }

  /** The school's staff who can be given roles: members of its staff team, in name order. */
  async pickable(schoolId: string): Promise<StaffMember[]> {
    const members = (await this.staff.list(schoolId)).filter((m) => m.teamsUserId !== "");
    return members.sort((a, b) => a.name.localeCompare(b.name)).slice(0, MAX_PICKABLE);
  }

  checklist(school: SchoolRecord): SetupChecklist {
    const gaps = roleGaps(school.policy);
    const missing = new Map<Role, string[]>();
    for (const gap of gaps) missing.set(gap.role, [...new Set([...(missing.get(gap.role) ?? []), gapPurpose(gap.path)])]);
    return {
      missingRoles: [...missing].map(([role, purposes]) => ({ role, for: purposes })),
      alertChannel: school.policy.alertChannel,
      visitors: school.policy.people.filter((p) => p.roles.includes("visitor")).length,
    };
  }

  /** The school, if this person manages it or chooses its alert channel: who may see its settings. */
  async forManager(actor: Actor, schoolId: string): Promise<SchoolRecord | undefined> {
    const school = await this.schools.get(schoolId);
    return school && (this.mayManage(actor, school) || this.mayChooseAlertChannel(actor, school)) ? school : undefined;
  }

  /** Every school whose settings this person may see, in name order. */
  async managedBy(actor: Actor): Promise<SchoolRecord[]> {
    const all = await this.schools.list();
    return all.filter((s) => this.mayManage(actor, s) || this.mayChooseAlertChannel(actor, s)).sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The school's settings for someone who may see them (forManager), with the version's change for its managers. */
  async overview(actor: Actor, schoolId: string): Promise<SchoolOverview | undefined> {
    const school = await this.forManager(actor, schoolId);
    if (!school) return undefined;
    const base = { school, checklist: this.checklist(school), canManage: this.mayManage(actor, school) };
    if (!base.canManage) return base;
    const [version, staff] = await Promise.all([this.store.version(school.id, school.version), this.staff.list(school.id)]);
    return {
      ...base,
      ...(version ? { current: { by: version.by, at: version.at, change: version.change } } : {}),
      teamMembers: staff.filter((m) => m.teamsUserId !== "").length,
    };
  }

  mayManage(actor: Actor, school: SchoolRecord): boolean {
    return holdsAny(school.policy, actor.id, SCHOOL_MANAGERS);
  }

  mayChooseAlertChannel(actor: Actor, school: SchoolRecord): boolean {
    return holdsAny(school.policy, actor.id, ALERT_CHANNEL_CHOOSERS);
  }

  /** Gives `role` to exactly these members of the school's staff team (taking it from anyone left out). */
  async setRoleHolders(actor: Actor, schoolId: string, role: Role, holderIds: readonly string[]): Promise<SchoolOutcome> {
    const school = await this.managed(actor, schoolId);
    if (typeof school === "string") return refuse(school);
    const staff = new Map((await this.staff.list(schoolId)).map((m) => [m.aadObjectId, m]));
    const wanted = [...new Set(holderIds.map((id) => id.toLowerCase()))];
    const strangers = wanted.filter((id) => !staff.get(id)?.teamsUserId);
    if (strangers.length > 0) return refuse("Roles go to members of the school's staff team: add them to the team first.");
    const people = school.policy.people.map((p) => ({ ...p, roles: p.roles.filter((r) => r !== role || wanted.includes(p.aadObjectId)) }));
    for (const id of wanted) {
      const person = people.find((p) => p.aadObjectId === id);
      if (person && !person.roles.includes(role)) person.roles.push(role);
      if (!person) people.push({ aadObjectId: id, displayName: staff.get(id)!.name || "Member of staff", roles: [role] });
    }
    const before = new Set(school.policy.people.filter((p) => p.roles.includes(role)).map((p) => p.aadObjectId));
    const added = wanted.filter((id) => !before.has(id)).map((id) => staff.get(id)!.name);
    const removed = [...before].filter((id) => !wanted.includes(id)).map((id) => school.policy.people.find((p) => p.aadObjectId === id)!.displayName);
    if (added.length === 0 && removed.length === 0) return { ok: true, school };
    if (role === "admin" && wanted.length === 0) return refuse("The school needs at least one admin.");
    const what = [added.length > 0 ? `added ${added.join(", ")}` : "", removed.length > 0 ? `removed ${removed.join(", ")}` : ""];
    const change = `${capitalised(ROLE_WORDS[role])}: ${what.filter(Boolean).join("; ")}.`;
    // Nobody left holding no role stays on the school's list of people.
    return this.save(actor, school, { ...school.policy, people: people.filter((p) => p.roles.length > 0) }, change);
  }

  /** Pins the school's alert channel to a channel of its own staff team, by ids. */
  async chooseAlertChannel(actor: Actor, schoolId: string, channel: AlertChannel): Promise<SchoolOutcome> {
    const school = await this.schools.get(schoolId);
    if (!school || !this.mayChooseAlertChannel(actor, school)) return refuse(`Only ${rolesInWords(ALERT_CHANNEL_CHOOSERS)} can choose where alerts go.`);
    if (channel.teamId !== school.teamId) return refuse("Alerts can only go to a channel of the school's own staff team.");
    const current = school.policy.alertChannel;
    if (current?.teamId === channel.teamId && current.channelId === channel.channelId) return { ok: true, school };
    return this.save(actor, school, { ...school.policy, alertChannel: channel }, `Safeguarding alerts now go to the channel "${channel.name}".`);
  }

  /**
   * Any other change to the school's policy, validated as a profile file is: a running school must keep every role
   * it names held. `change` says what changed in words (never the code word itself).
   */
  async changePolicy(actor: Actor, schoolId: string, next: (draft: PolicyDraft) => PolicyDraft, change: string): Promise<SchoolOutcome> {
    const school = await this.managed(actor, schoolId);
    if (typeof school === "string") return refuse(school);
    return this.save(actor, school, next(school.policy), change);
  }

  /**
   * A profile file (backup, bulk setup, or one moved from another deployment) replaces the school's rules and
   * people. The school keeps its id, name and alert channel, which belong to this deployment's Teams, and its code
   * word unless the file sets one.
   */
  async importPolicy(actor: Actor, schoolId: string, json: unknown): Promise<SchoolOutcome | { ok: false; problems: string[] }> {
    const school = await this.managed(actor, schoolId);
    if (typeof school === "string") return refuse(school);
    const parsed = PolicyDraftSchema.safeParse(json);
    if (!parsed.success) return { ok: false, problems: parsed.error.issues.map((i) => `${i.path.join(".") || "(top level)"}: ${i.message}`) };
    // Export leaves the code word out, so a file without one keeps the school's own; a file written for bulk setup may set it.
    const codeWord = parsed.data.codeWord ?? school.policy.codeWord;
    const imported: PolicyDraft = { ...parsed.data, school: school.policy.school, alertChannel: school.policy.alertChannel, codeWord };
    return this.save(actor, school, imported, "Policy replaced by an imported profile file.");
  }

  /** The school's profile as a file for backup or moving: the code word is left out (it is set again in Teams). */
  async exportPolicy(actor: Actor, schoolId: string): Promise<{ ok: true; json: string; school: SchoolRecord } | { ok: false; message: string }> {
    const school = await this.managed(actor, schoolId);
    if (typeof school === "string") return refuse(school);
    return { ok: true, school, json: JSON.stringify({ ...school.policy, codeWord: null }, null, 2) };
  }

  /**
   * Takes the school off the deployment; its records stay until their retention ends. Refused while any visit is
   * under way or ahead, or an alert is open: those must not lose their safety net.
   */
  async remove(actor: Actor, schoolId: string): Promise<SchoolOutcome> {
    const school = await this.managed(actor, schoolId);
    if (typeof school === "string") return refuse(school);
    const today = londonDate(this.clock.now());
    const ahead = await this.visits.listForDay(schoolId, today, nextYear(today));
    const live = ahead.filter((v) => OUT_STATUSES.includes(v.status) || v.status === "approved" || v.status === "requested" || v.alerts.some(isOpen));
    if (live.length > 0) return refuse(`${live.length} visit(s) are under way or planned: cancel or finish them first.`);
    const outcome = await this.store.remove(school);
    if (!outcome.ok) return refuse("Someone changed the school just now: look again and try once more.");
    this.schools.saved(school, true);
    this.log.info("school removed", { schoolId, by: actor.id });
    return { ok: true, school };
  }

  /** Every version of the school's policy: who changed what, when. */
  async history(actor: Actor, schoolId: string) {
    const school = await this.managed(actor, schoolId);
    return typeof school === "string" ? undefined : this.store.history(schoolId);
  }

  /** The school, if this person may change its settings and roles. */
  async forManaging(actor: Actor, schoolId: string): Promise<SchoolRecord | undefined> {
    const school = await this.schools.get(schoolId);
    return school && this.mayManage(actor, school) ? school : undefined;
  }

  private async managed(actor: Actor, schoolId: string): Promise<SchoolRecord | string> {
    return (await this.forManaging(actor, schoolId)) ?? `Only ${rolesInWords(SCHOOL_MANAGERS)} can change the school's settings and roles.`;
  }

  /** The one way a school changes: validated, then saved as the next version with who, when and what. */
  private async save(actor: Actor, school: SchoolRecord, next: PolicyDraft, change: string): Promise<SchoolOutcome> {
    const parsed = PolicyDraftSchema.safeParse(next);
    if (!parsed.success) return refuse(`Not saved: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
    const policy = parsed.data;
    if (!policy.people.some((p) => p.roles.some((r) => SCHOOL_MANAGERS.includes(r)))) {
      return refuse(`Not saved: someone must hold ${rolesInWords(SCHOOL_MANAGERS)}, or nobody could change the school's settings again.`);
    }
    const gaps = roleGaps(policy);
    if (school.state === "active" && gaps.length > 0) {
      const gap = gaps[0]!;
      return refuse(`Not saved: someone must hold ${ROLE_WORDS[gap.role]}, who ${gapPurpose(gap.path)}. Give the role to someone first.`);
    }
    const outcome = await this.store.update(school, { name: school.name, state: stateOf(policy), policy }, { by: actor, at: this.clock.now().toISOString(), change });
    if (!outcome.ok) {
      await this.schools.refresh();
      return refuse("Someone else changed the school's settings just now. Look at them again and try once more.");
    }
    this.schools.saved(outcome.school);
    this.log.info("school policy changed", { schoolId: school.id, version: outcome.school.version, by: actor.id, state: outcome.school.state });
    return { ok: true, school: outcome.school };
  }
}

const refuse = (message: string): { ok: false; message: string } => ({ ok: false, message });

/** A school runs once every role its policy names is held; until then it is being set up. */
const stateOf = (policy: PolicyDraft): SchoolRecord["state"] => (roleGaps(policy).length === 0 ? "active" : "setting-up");

function slug(name: string): string {
  const base = name
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40)
    .replace(/-+$/, "");
  return base || "school";
}

function nextYear(date: string): string {
  return `${Number(date.slice(0, 4)) + 1}${date.slice(4)}`;
}

/** What a role is for, from where the policy names it. */
function gapPurpose(path: readonly (string | number)[]): string {
  const [first, second, step] = path;
  if (first === "authorisation") return second === "approverRoles" ? "approves visits" : "is told about each visit";
  if (first === "loneWorking") return "decides lone visits";
  if (first === "feelingUnsafe") return "reads reports of visits called off as unsafe";
  if (first === "incidents") return "reads incident reports";
  if (first === "changes") return "is told of changes to agreed visits";
  if (first === "help") return "is alerted when a visitor asks for help";
  if (first === "concerns") return "is alerted to safeguarding concerns";
  if (first === "escalation") return `is alerted at step ${Number(step) + 1} when a check-in is missed`;
  return "the policy names";
}
