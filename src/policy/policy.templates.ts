import { readFileSync } from "node:fs";
import path from "node:path";
import { projectFile } from "../config/project-files";
import { PolicyDraft } from "./policy.schema";

/** A starting policy a school picks at setup: a seed school's written policy, or the product's defaults. */
export interface PolicyTemplate {
  id: string;
  label: string;
  draft: PolicyDraft;
}

/**
 * The templates, in the order the setup card offers them: the seed schools' profiles in policies/, and the product's
 * defaults in policies/templates/ (not a profile a school can run on as it is: it names no people).
 */
const TEMPLATE_FILES: readonly { file: string; label: string }[] = [
  { file: "templates/product-defaults", label: "Product defaults (set your own values after setup)" },
  { file: "thorns-primary", label: "Thorns Primary School (head approves, code word, office calls after 10 min)" },
  { file: "hunsbury-park-primary", label: "Hunsbury Park Primary School (check in before and after, every 2 h)" },
  { file: "st-mary-of-the-angels", label: "St Mary of the Angels (DSL or SLT approve, child found alone)" },
  { file: "priory-junior", label: "Priory Junior School (attendance team, agreements and letters)" },
  { file: "oakfield-academy", label: "Oakfield Academy (wait 10 min, CPOMS record with confirmations)" },
];


/**
 * Every template, read and checked once. A template carries the rules only: its fictional people are left out, so
 * a school starts with nobody but whoever set it up, and no alert channel until one is chosen in Teams.
 */
export function loadTemplates(folder = projectFile("policies")): PolicyTemplate[] {
  return TEMPLATE_FILES.map(({ file: name, label }) => {
    const file = path.join(folder, `${name}.json`);
    const id = path.basename(name);
    const parsed = PolicyDraft.safeParse(JSON.parse(readFileSync(file, "utf8")));
    if (!parsed.success) throw new Error(`The policy template ${file} is not valid: ${parsed.error.issues[0]?.message ?? "unknown"}`);
    return { id, label, draft: { ...parsed.data, people: [], alertChannel: null } };
  });
}
