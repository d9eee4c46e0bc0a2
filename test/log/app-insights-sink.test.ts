import { SeverityNumber } from "@opentelemetry/api-logs";
import { InMemoryLogRecordExporter } from "@opentelemetry/sdk-logs";
import { otelLogSink } from "../../src/log/app-insights-sink";

describe("the Application Insights sink", () => {
  it("turns each line into a log record: the message as body (AppTraces.Message), fields as attributes", async () => {
    const exporter = new InMemoryLogRecordExporter();
    const sink = otelLogSink(exporter);
    sink.send({ time: "2026-12-03T07:32:00.000Z", level: "error", message: "notification keeps failing", fields: { visitId: "v-1", attempts: 6, events: ["a", "b"] } });
    sink.send({ time: "2026-12-03T07:32:01.000Z", level: "info", message: "sweep handled due visits", fields: { handled: 3 } });
    await sink.flush();
    expect(
      exporter.getFinishedLogRecords().map((record) => ({
        seconds: record.hrTime[0],
        severityNumber: record.severityNumber,
        severityText: record.severityText,
        body: record.body,
        attributes: record.attributes,
      })),
    ).toEqual([
      {
        seconds: Date.parse("2026-12-03T07:32:00.000Z") / 1000,
        severityNumber: SeverityNumber.ERROR,
        severityText: "ERROR",
        body: "notification keeps failing",
        attributes: { visitId: "v-1", attempts: 6, events: '["a","b"]' },
      },
      { seconds: Date.parse("2026-12-03T07:32:01.000Z") / 1000, severityNumber: SeverityNumber.INFO, severityText: "INFO", body: "sweep handled due visits", attributes: { handled: 3 } },
    ]);
  });
});
