import type { SchoolRecord } from "../app/ports";
import { POLICY_FILE_MAX } from "./action-data";
import type { AdaptiveCard, Banner } from "./card-parts";
import { adaptiveCard, banner, bullets, execute, heading, text } from "./card-parts";
import { Verbs } from "./verbs";

export interface PolicyFileView {
  school: SchoolRecord;
  /** The school's profile file, to copy (export). */
  exported?: string;
  /** What was pasted, with what is wrong with it (import). */
  pasted?: string;
  problems?: readonly string[];
  message?: Banner;
}

/**
 * The school's policy as a profile file, the same JSON `policies/` holds: to keep as a backup, to set up another
 * school in bulk, or to move between deployments. The code word is never in the file.
 */
export function policyFileCard(view: PolicyFileView): AdaptiveCard {
  const { school } = view;
  const problems = view.problems ?? [];
  return adaptiveCard({
    body: [
      banner(view.message),
      heading(`Policy file for ${school.name}`),
      view.exported
        ? text(`Version ${school.version}. Copy it into a .json file and keep it somewhere safe: it names the school's staff. The code word is not in it.`)
        : undefined,
      view.exported ? { type: "RichTextBlock", inlines: [{ type: "TextRun", text: view.exported, fontType: "monospace", size: "small" }] } : undefined,
      text("Import a profile file: it replaces every rule and who holds each role. The school keeps its name, alert channel and code word.", {
        weight: "bolder",
        spacing: "medium",
      }),
      problems.length > 0 ? text("Nothing was imported:", { color: "attention", weight: "bolder" }) : undefined,
      bullets(problems.slice(0, 20), { color: "attention", size: "small", spacing: "none" }),
      {
        type: "Input.Text",
        id: "profileJson",
        label: "Profile file (JSON)",
        isMultiline: true,
        maxLength: POLICY_FILE_MAX,
        ...(view.pasted ? { value: view.pasted } : {}),
      },
    ],
    actions: [
      execute("Import", Verbs.importPolicy, { schoolId: school.id }, { style: "positive" }),
      execute("Back to settings", Verbs.schoolSettings, { schoolId: school.id }, { associatedInputs: "none" }),
    ],
  });
}
