import type { Logger } from "../../src/app/ports";

/** A logger that keeps lines in memory, so tests stay quiet and can assert what was logged. */
export function quietLog(): Logger & { lines: { level: string; message: string; fields?: Record<string, unknown> }[] } {
  const lines: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
  const at = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    lines.push({ level, message, ...(fields ? { fields } : {}) });
  };
  return { lines, info: at("info"), warn: at("warn"), error: at("error") };
}
