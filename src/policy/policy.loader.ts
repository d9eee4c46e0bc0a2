import { readFileSync } from "node:fs";
import { PolicyProfile } from "./policy.schema";

export class PolicyFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`School profile ${file} is not valid:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "PolicyFileError";
  }
}

/** Reads and validates a school profile; a broken one names the file, the field and what is wrong. */
export function loadPolicyFile(file: string): PolicyProfile {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new PolicyFileError(file, [`cannot be read: ${(error as Error).message}`]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new PolicyFileError(file, [`is not JSON: ${(error as Error).message}`]);
  }
  return parsePolicy(file, json);
}

export function parsePolicy(file: string, json: unknown): PolicyProfile {
  const result = PolicyProfile.safeParse(json);
  if (result.success) return result.data;
  throw new PolicyFileError(
    file,
    result.error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "(top level)"}: ${issue.message}`),
  );
}
