import type { SchoolRecord, StaffMember } from "../app/ports";
import { ROLE_PURPOSES, ROLE_WORDS } from "../domain/role-words";
import { ROLES, type Role } from "../policy/policy.schema";
import type { AdaptiveCard, Banner, CardElement } from "./card-parts";
import { actionSet, adaptiveCard, banner, capitalise, execute, facts, heading, joinWords, text } from "./card-parts";
import { Verbs } from "./verbs";

export interface SchoolRolesView {
  school: SchoolRecord;
  /** Members of the school's staff team, who can be given roles (SchoolService.pickable). */
  staff: readonly StaffMember[];
  /** The role being changed, if one was chosen. */
  role?: Role;
  message?: Banner;
}

/**
 * Who holds each role at the school, and (once a role is chosen) the members of the staff team to give it to. People
 * are picked from the team's roster by their Teams identity; nobody types an id.
 */
export function schoolRolesCard(view: SchoolRolesView): AdaptiveCard {
  const { school, role } = view;
  const people = school.policy.people;
  const holders = (r: Role) => people.filter((p) => p.roles.includes(r));
  const body: (CardElement | undefined)[] = [
    banner(view.message),
    heading(`Roles at ${school.name}`),
    facts(ROLES.map((r) => [capitalise(ROLE_WORDS[r]), holders(r).length > 0 ? joinWords(holders(r).map((p) => p.displayName), "and") : "nobody yet"])),
    {
      type: "Input.ChoiceSet",
      id: "editRole",
      label: "Change who holds",
      choices: ROLES.map((r) => ({ title: capitalise(ROLE_WORDS[r]), value: r })),
      value: role ?? "visitor",
    },
    actionSet([execute("Choose people", Verbs.schoolRoles, { schoolId: school.id })]),
  ];
  const actions = [];
  if (role) {
    const current = holders(role).map((p) => p.aadObjectId);
    body.push(
      text(`${capitalise(ROLE_WORDS[role])}: ${ROLE_PURPOSES[role]}.`, { weight: "bolder", spacing: "medium" }),
      view.staff.length > 0
        ? {
            type: "Input.ChoiceSet",
            id: "holders",
            label: "Members of the staff team who hold it",
            isMultiSelect: true,
            style: "filtered",
            choices: view.staff.map((m) => ({ title: m.name || "Member of staff", value: m.aadObjectId })),
            value: current.join(","),
          }
        : text("The app does not know the staff team's members yet: remove the app from the team and add it again.", { color: "attention" }),
    );
    if (view.staff.length > 0) actions.push(execute(`Save ${ROLE_WORDS[role]}`, Verbs.saveRole, { schoolId: school.id, role }, { style: "positive" }));
  }
  actions.push(execute("Back to settings", Verbs.schoolSettings, { schoolId: school.id }, { associatedInputs: "none" }));
  return adaptiveCard({ body, actions });
}
