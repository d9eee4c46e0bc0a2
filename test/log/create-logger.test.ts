import { createLogger, type SinkLoader } from "../../src/log/create-logger";
import type { LogEntry, LogSink } from "../../src/log/json-logger";

// Records whether anything loads the exporter, without changing what it is. This file imports nothing that
// loads it statically, so only createLogger could.
const mockExporterLoads: string[] = [];
jest.mock("@azure/monitor-opentelemetry-exporter", () => {
  mockExporterLoads.push("@azure/monitor-opentelemetry-exporter");
  return jest.requireActual("@azure/monitor-opentelemetry-exporter");
});

const CONNECTION_STRING = "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://uksouth-1.in.applicationinsights.azure.com/";

describe("the app's logger, made from the configuration", () => {
  it("loads nothing of Application Insights, and calls no loader, without a connection string", async () => {
    const loadSink = jest.fn<ReturnType<SinkLoader>, Parameters<SinkLoader>>();
    const log = await createLogger({ logLevel: "info" }, loadSink);
    const quiet = jest.spyOn(process.stdout, "write").mockImplementation(() => true);
    log.info("sweep handled due visits", { handled: 1 });
    quiet.mockRestore();
    await log.flush();
    expect(loadSink).not.toHaveBeenCalled();
    expect(mockExporterLoads).toEqual([]);
  });

  it("forwards every line, redacted, to the sink made from the connection string", async () => {
    const sent: LogEntry[] = [];
    const sink: LogSink = { send: (entry) => sent.push(entry), flush: jest.fn(async () => {}) };
    const loadSink = jest.fn<ReturnType<SinkLoader>, Parameters<SinkLoader>>(async () => sink);
    const log = await createLogger({ logLevel: "info", appInsightsConnectionString: CONNECTION_STRING }, loadSink);
    const quiet = jest.spyOn(process.stderr, "write").mockImplementation(() => true);
    log.error("notification keeps failing", { visitId: "v-1", attempts: 6, mobile: "07700 900123" });
    quiet.mockRestore();
    await log.flush();
    expect(loadSink).toHaveBeenCalledWith(CONNECTION_STRING);
    expect(sent).toEqual([{ time: expect.any(String), level: "error", message: "notification keeps failing", fields: { visitId: "v-1", attempts: 6 } }]);
    expect(sink.flush).toHaveBeenCalled();
  });
});
