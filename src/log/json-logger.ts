import type { Logger } from "../app/ports";

const LEVELS = ["debug", "info", "warn", "error"] as const;
type Level = (typeof LEVELS)[number];

/**
 * One JSON object per line on stdout/stderr, for App Service log streams. Callers pass ids and
 * types only; personal data (names, addresses, pupil references, the code word) never goes in a field.
 */
export function jsonLogger(minimum: Level, write: (line: string, level: Level) => void = defaultWrite): Logger & { debug: Logger["info"] } {
  const threshold = LEVELS.indexOf(minimum);
  const at =
    (level: Level) =>
    (message: string, fields: Record<string, unknown> = {}) => {
      if (LEVELS.indexOf(level) < threshold) return;
      write(JSON.stringify({ time: new Date().toISOString(), level, message, ...fields }), level);
    };
  return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

function defaultWrite(line: string, level: Level): void {
  (level === "error" || level === "warn" ? process.stderr : process.stdout).write(`${line}\n`);
}
