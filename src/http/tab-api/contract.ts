/**
 * What the tab's JSON API answers, shared by the server (src/http/tab-api) and the front end (web/) as types
 * only. Self-contained on purpose: the front end's build reads this file and nothing else of src/.
 * Instants are ISO 8601 UTC; visit times ("10:00") and dates are the school's London wall clock.
 */

export type ViewId = "today" | "alerts" | "approvals" | "records" | "review" | "staff" | "school";

/** A school the signed-in person may open the tab on: the views their roles there open. */
export interface SchoolAccess {
  id: string;
  name: string;
  /** The school's staff team (Teams' thread id): a channel tab there opens on this school. */
  teamId: string;
  /**
   * "setting-up": a role its policy relies on is held by nobody yet, so nobody can ask for visits; only the School
   * view opens there, for those who set it up.
   */
  state: "running" | "setting-up";
  /** Empty for a trust's safeguarding lead with no role at the school. */
  roles: string[];
  /** One of the trust's safeguarding leads, who see every running school's review figures and, without a role there, nothing else. */
  trustLead: boolean;
  views: ViewId[];
}

/**
 * GET /tab/api/me: who is signed in, and each school they may open the tab on: every running school they are on the
 * staff of, one being set up if they are setting it up, and for a trust's safeguarding lead every running school. Every
 * other call names the school it is about with `?school=<id>`, and is refused (403) for anything the person's roles
 * there do not allow.
 */
export interface Me {
  name: string;
  /** The date today (London), by the service's clock: the default for periods. */
  today: string;
  schools: SchoolAccess[];
}

export type AlertKind = "overdue" | "help" | "child-alone" | "concern";

export interface BoardAlert {
  id: string;
  kind: AlertKind;
  /** "Missed check-in", "Help requested"… */
  title: string;
  raisedAt: string;
  raisedBy: string;
  /** "Arrival check-in, due 10:00", for a missed check-in. */
  missed?: string;
  /** Raised with the code word: only ever shown to those who answer it, never to the staff on the visit. */
  silent: boolean;
  handledBy?: { name: string; since: string };
  /**
   * The visitor said a call for help was a false alarm (who, when): shown with the alert, which stays open until
   * whoever deals with it has spoken to them.
   */
  falseAlarm?: { by: string; at: string };
  /** What the visitor wrote with a concern: only for the DSL and deputies. */
  note?: string;
  /** May this viewer press "I'm on it" and resolve it? The domain checks again on every action. */
  canAct: boolean;
  /** "Contacted – safe" or "Dealt with". */
  resolveLabel: string;
}

/** Where to find the staff on a visit with an alert this viewer may act on. */
export interface Whereabouts {
  pupil: string;
  address: string;
  staff: { name: string; mobile?: string }[];
}

export interface BoardVisit {
  id: string;
  reference: string;
  start: string;
  end: string;
  staff: string[];
  status: string;
  statusText: string;
  nextCheckIn?: { label: string; due: string };
  /** Open alerts, oldest first. */
  alerts: BoardAlert[];
  whereabouts?: Whereabouts;
}

/** GET /tab/api/today: the day's visits, those with open alerts first. */
export interface Board {
  date: string;
  /** "school": every visit (the office and those who answer for staff safety); "mine": the viewer's own. */
  scope: "school" | "mine";
  visits: BoardVisit[];
  /** Notifications that keep failing to reach Teams (school scope only): phone instead. */
  undelivered: { reference: string; what: string; attempts: number }[];
}

/** The answer to an action (an alert's "I'm on it", a decision): what happened, in words. */
export interface Done {
  message: string;
}

/** Every refusal and failure: a short sentence a person can act on, and no data. */
export interface ApiError {
  error: string;
}

/** GET /tab/api/approvals: a request waiting for this person's decision. */
export interface Approval {
  id: string;
  reference: string;
  /** The visit's version as shown: a decision on an older one is refused as stale. */
  version: number;
  date: string;
  start: string;
  end: string;
  requestedBy: string;
  staff: string[];
  staffing: "pair" | "lone";
  riskAssessment?: string;
  purpose: string;
  pupil: string;
  address: string;
  entry: "doorstep" | "enter";
  announced: boolean;
  unannouncedReason?: string;
  knownRisks: string;
  pets?: string;
  medicalNeeds?: string;
  socialWorker?: string;
  /** What is missing from the visitors' staff records (R06); a blocking gap stops approval. */
  staffGaps: { name: string; problem: string; blocking: boolean }[];
}

export interface Approvals {
  visits: Approval[];
}

/** POST /tab/api/visits/:visitId/decision */
export interface DecisionRequest {
  decision: "approve" | "decline" | "requestChanges";
  note?: string;
  version: number;
}

/** POST /tab/api/visits/:visitId/alerts/:alertId/resolve */
export interface ResolveRequest {
  note: string;
}

export interface RecordRow {
  id: string;
  reference: string;
  date: string;
  start: string;
  end: string;
  pupil: string;
  purpose: string;
  staff: string[];
  statusText: string;
  outcome?: "seen" | "not-seen" | "called-off";
  recordedBy?: string;
}

/** GET /tab/api/records?from&to[&reference]: the visits planned in the period (one reference, if given). */
export interface Records {
  from: string;
  to: string;
  visits: RecordRow[];
}

/** GET /tab/api/review?from&to: the governors' figures (R31). */
export interface Figures {
  from: string;
  to: string;
  visits: number;
  byPurpose: { label: string; count: number }[];
  cancellations: { reason: string; count: number }[];
  escalations: { kind: AlertKind; raised: number; resolved: number; medianMinutesToResolve?: number; longestMinutesToResolve?: number }[];
  incidents: number;
  staffFeedback?: string[];
}

/**
 * GET /tab/api/staff: each member of staff in the school's profile, and what their record lacks (R06); then anyone with
 * a record on file who holds no role (most often, has left), whose data the admin may export. GET
 * /tab/api/staff/{id}/export downloads everything held about one of them as a JSON file.
 */
export interface StaffRow {
  id: string;
  name: string;
  /** Empty for someone with a record on file and no role. */
  roles: string[];
  /** Seen in Teams (they can be messaged), or only given a record. */
  inTeams: boolean;
  gaps: { problem: string; blocking: boolean }[];
}

export interface StaffList {
  staff: StaffRow[];
}

/**
 * GET /tab/api/school: the school's settings and roles as its head and admin see them; its DSL, who may choose where
 * alerts go, sees that part only. Nothing here is changed in the tab: the settings cards in Teams change it
 * (`howToChange`). GET /tab/api/school/policy.json downloads the policy file the settings card exports, without the
 * code word, for the head and admin.
 */
export interface SchoolSettings {
  id: string;
  name: string;
  state: "running" | "setting-up";
  /** "everything" for the head and admin; "alert-channel" for the DSL, for whom the optional parts below are left out. */
  shown: "everything" | "alert-channel";
  /** Where and how to change what is shown, in Teams. */
  howToChange: string;
  /** Null while none is chosen: alerts for the safeguarding channel then go 1:1 to the DSL and deputy DSLs. */
  alertChannel: { name: string } | null;
  /** "the headteacher, the DSL or the admin". */
  alertChannelChosenBy: string;
  /** Members of the school's staff team the app knows: roles go to them. */
  teamMembers?: number;
  /** The policy's current version, and who made it, when and what they changed (absent if that version cannot be read). */
  policy?: { version: number; changedBy?: string; changedAt?: string; change?: string };
  /** Every role, in the order of the Roles card. */
  roles?: SchoolRole[];
  /** The policy in words, group by group as the Policy settings cards have them, then retention and the pupil reference. */
  summary?: PolicySection[];
}

export interface SchoolRole {
  role: string;
  /** "The DSL". */
  name: string;
  /** What the role is for. */
  purpose: string;
  holders: string[];
  /** What the policy needs this role for while nobody holds it: the school cannot run until someone does. */
  neededFor?: string[];
}

export interface PolicySection {
  title: string;
  /** Each setting in words; a list (the purposes) line by line. */
  settings: { label: string; value: string | string[] }[];
}
