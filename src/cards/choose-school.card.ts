import type { AdaptiveCard } from "./card-parts";
import { adaptiveCard, execute, heading, text } from "./card-parts";
import { Verbs } from "./verbs";

/** For a member of staff at several schools: which school a new visit is for. */
export function chooseSchoolCard(schools: readonly { id: string; name: string }[]): AdaptiveCard {
  return adaptiveCard({
    body: [heading("New visit"), text("You visit for more than one school. Which school is this visit for?")],
    actions: schools.slice(0, 5).map((school) => execute(school.name, Verbs.openForm, { schoolId: school.id })),
  });
}
