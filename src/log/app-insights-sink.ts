/**
 * Sends the app's (already redacted) log lines to Application Insights as traces, through the Azure Monitor
 * OpenTelemetry exporter: the lightest maintained way that needs no agent and no auto-instrumentation, which
 * would record request bodies and other data this app never logs. Only create-logger.ts loads this module, and
 * only when APPLICATIONINSIGHTS_CONNECTION_STRING is set.
 */
import { AzureMonitorLogExporter } from "@azure/monitor-opentelemetry-exporter";
import { SeverityNumber } from "@opentelemetry/api-logs";
import { BatchLogRecordProcessor, LoggerProvider, type LogRecordExporter } from "@opentelemetry/sdk-logs";
import type { Level, LogEntry, LogSink } from "./json-logger";

const SEVERITY: Readonly<Record<Level, SeverityNumber>> = {
  debug: SeverityNumber.DEBUG,
  info: SeverityNumber.INFO,
  warn: SeverityNumber.WARN,
  error: SeverityNumber.ERROR,
};

export function appInsightsSink(connectionString: string): LogSink {
  return otelLogSink(new AzureMonitorLogExporter({ connectionString }));
}

/**
 * Each line becomes one log record: the message as its body (AppTraces.Message, which the alert rules in
 * infra/main.bicep match), the fields as attributes (customDimensions). Records are batched and sent in the
 * background, so logging never waits on the network.
 */
export function otelLogSink(exporter: LogRecordExporter): LogSink {
  const provider = new LoggerProvider({ processors: [new BatchLogRecordProcessor({ exporter })] });
  const logger = provider.getLogger("home-visits");
  return {
    send(entry: LogEntry) {
      logger.emit({
        timestamp: new Date(entry.time),
        severityNumber: SEVERITY[entry.level],
        severityText: entry.level.toUpperCase(),
        body: entry.message,
        attributes: attributesOf(entry.fields),
      });
    },
    flush: () => provider.forceFlush(),
  };
}

/** Attributes hold strings, numbers, booleans or lists of one of them; anything nested travels as JSON. */
function attributesOf(fields: Record<string, unknown>): Record<string, string | number | boolean> {
  const attributes: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    attributes[key] = typeof value === "string" || typeof value === "number" || typeof value === "boolean" ? value : JSON.stringify(value);
  }
  return attributes;
}
