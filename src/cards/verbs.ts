/**
 * Every Action.Execute verb the bot understands. Routed on the whole verb, never on a prefix.
 * Card data carries only ids: the verb, the visit id, (for a decision or an amended request) the version the viewer
 * saw, (for a check-in) the step, (for a concern or an incident) its kind, (for an alert) the alert id, (for a
 * call-off) the reason, (for an agreement) its index and the action, (for a staff record) the person's Entra
 * object id, and (for a card about a school rather than a visit) the school's id and a role. Who may act and what the record says come from the server's copy of the visit.
 */
export const Verbs = {
  openForm: "visit.openForm",
  submitRequest: "visit.submitRequest",
  approve: "visit.approve",
  decline: "visit.decline",
  requestChanges: "visit.requestChanges",
  checkIn: "visit.checkIn",
  cancel: "visit.cancel",
  refresh: "visit.refresh",
  /** "I need help" (R18). */
  help: "visit.help",
  /** "False alarm: I'm safe", by a visitor, on a visible call for help (`alertId`); the alert stays open for its owner. */
  falseAlarm: "alert.falseAlarm",
  /** A child found alone (R19) or a safeguarding concern (R23), by `kind`. */
  concern: "visit.concern",
  /** "I'm on it", by a responder. */
  acknowledgeAlert: "alert.acknowledge",
  /** "Contacted – safe" / "Dealt with", with a note, by a responder. */
  resolveAlert: "alert.resolve",
  /** The user-specific view of an alert card (alert card for responders, "Are you safe?" for the visitor). */
  refreshAlert: "alert.refresh",
  /** Called off at the door (R11–R14), by `reason`; animals and feeling unsafe carry a note (`callOffNote`). */
  callOff: "visit.callOff",
  /** Opens the record form after the visit (R21). */
  openRecord: "visit.openRecord",
  /** Submits the record form (inputs parsed by record-form.data.ts). */
  record: "visit.record",
  /** An incident or a physical intervention (R24), by `kind`, with the note `incidentNote`. */
  incident: "visit.incident",
  /** A step on a broken agreement (R22), by `index` and `action`, with the optional note `agreementNote`. */
  agreementAction: "agreement.action",
  /** The user-specific view of an agreement card. */
  refreshAgreement: "agreement.refresh",
  /** The staff-record card (R06) for one person (`staffId`, or the picker input `openStaffId`). */
  openStaff: "staff.open",
  /** Saves one person's staff record (inputs parsed by staff-record.data.ts). */
  saveStaff: "staff.save",
  /** Imports staff records from the CSV pasted into `staffCsv`. */
  importStaff: "staff.import",
  /** Erases a member of staff who has left (`staffId`), once the admin has typed the confirmation into `confirmErase`. */
  eraseStaff: "staff.erase",
  /** Sets a school up in the staff team the card is in (inputs `schoolName`, `templateId`, `creatorRole`). */
  createSchool: "school.create",
  /** The school's settings: what is left to set up, and the buttons to change it. */
  schoolSettings: "school.settings",
  /** Who holds each role, with the role to change (`role`, or the picker input `editRole`). */
  schoolRoles: "school.roles",
  /** Saves who holds `role` (the multi-select input `holders`). */
  saveRole: "school.saveRole",
  /** The channels of the school's team, to choose where safeguarding alerts go. */
  alertChannel: "school.alertChannel",
  /** Pins the alert channel to the chosen one (input `channelId`). */
  saveAlertChannel: "school.saveAlertChannel",
  /** The school's policy as a profile file, for backup or moving (the code word left out). */
  exportPolicy: "school.export",
  /** Replaces the school's rules and people with a pasted profile file (input `profileJson`). */
  importPolicy: "school.import",
  /** One group of the school's policy settings (`group`, or the picker input `settingsGroup`). */
  policySettings: "school.policySettings",
  /** Saves one group of the school's policy settings (`group`; inputs parsed by policy-settings.data.ts). */
  savePolicy: "school.savePolicy",
  /** Takes the school off the deployment (the input `confirmName` must be the school's name). */
  removeSchool: "school.remove",
} as const;

export type Verb = (typeof Verbs)[keyof typeof Verbs];

export const ALL_VERBS: readonly string[] = Object.values(Verbs);
