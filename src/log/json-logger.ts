import type { Logger } from "../app/ports";
import { redactFields, scrubText } from "./redact";

export const LEVELS = ["debug", "info", "warn", "error"] as const;
export type Level = (typeof LEVELS)[number];

/** One log line after redaction: what stdout/stderr and any sink receive. */
export interface LogEntry {
  time: string;
  level: Level;
  message: string;
  fields: Record<string, unknown>;
}

/** Somewhere else the lines go as well (Application Insights); it gets them already redacted. */
export interface LogSink {
  send(entry: LogEntry): void;
  /** Resolves once every line sent so far has left, so a stopping app loses none. */
  flush(): Promise<void>;
}

export type AppLogger = Logger & { debug: Logger["info"]; flush(): Promise<void> };

/**
 * One JSON object per line on stdout/stderr, for App Service log streams, and a copy to the sink if there is
 * one. Every line goes through redact.ts first, at every level, so personal data never leaves the app even
 * if a caller puts it in a field.
 */
export function jsonLogger(minimum: Level, write: (line: string, level: Level) => void = defaultWrite, sink?: LogSink): AppLogger {
  const threshold = LEVELS.indexOf(minimum);
  const at =
    (level: Level) =>
    (message: string, fields: Record<string, unknown> = {}) => {
      if (LEVELS.indexOf(level) < threshold) return;
      const entry: LogEntry = { time: new Date().toISOString(), level, message: scrubText(message), fields: redactFields(fields) };
      write(JSON.stringify({ time: entry.time, level, message: entry.message, ...entry.fields }), level);
      sink?.send(entry);
    };
  return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error"), flush: async () => sink?.flush() };
}

function defaultWrite(line: string, level: Level): void {
  (level === "error" || level === "warn" ? process.stderr : process.stdout).write(`${line}\n`);
}
