import type { Config } from "../config/env";
import { type AppLogger, jsonLogger, type LogSink } from "./json-logger";

export type SinkLoader = (connectionString: string) => Promise<LogSink>;

// A dynamic import: without a connection string the exporter and OpenTelemetry are never loaded.
const loadAppInsightsSink: SinkLoader = async (connectionString) => (await import("./app-insights-sink")).appInsightsSink(connectionString);

/** The app's logger as the configuration asks: JSON lines on stdout/stderr, and to Application Insights when set. */
export async function createLogger(config: Pick<Config, "logLevel" | "appInsightsConnectionString">, loadSink: SinkLoader = loadAppInsightsSink): Promise<AppLogger> {
  const sink = config.appInsightsConnectionString ? await loadSink(config.appInsightsConnectionString) : undefined;
  return jsonLogger(config.logLevel, undefined, sink);
}
