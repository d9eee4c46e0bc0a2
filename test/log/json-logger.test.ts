import { jsonLogger, LEVELS, type Level, type LogEntry, type LogSink } from "../../src/log/json-logger";
import { REDACTED } from "../../src/log/redact";

// Fictional: a drama-range mobile number, an .example address, a postcode in no real area.
const PERSONAL = {
  name: "Alex Rivers",
  pupilReference: "J.S. Year 4",
  address: "12 Example Road, Thornbury ZZ9 9ZZ",
  mobile: "07700 900123",
  email: "alex.rivers@thorns-primary.example",
  note: "Parent said the dog is aggressive",
  riskAssessment: "Lone visit: parent known to the school",
};

function capture(minimum: Level = "debug") {
  const lines: { level: Level; json: Record<string, unknown> }[] = [];
  const sent: LogEntry[] = [];
  const sink: LogSink = { send: (entry) => sent.push(entry), flush: async () => {} };
  const log = jsonLogger(minimum, (line, level) => lines.push({ level, json: JSON.parse(line) as Record<string, unknown> }), sink);
  return { log, lines, sent };
}

describe("the JSON logger", () => {
  it.each(LEVELS)("drops personal fields a caller logs at %s, and marks fields it does not know", (level) => {
    const { log, lines } = capture();
    log[level]("visit changed", { visitId: "0193a5c2-7b1e-7d41-9c2a-5e8f10b2c3d4", ...PERSONAL, purpose: "attendance" });
    expect(lines).toHaveLength(1);
    const { time: _time, ...line } = lines[0]!.json;
    expect(line).toEqual({ level, message: "visit changed", visitId: "0193a5c2-7b1e-7d41-9c2a-5e8f10b2c3d4", purpose: REDACTED });
  });

  it("walks nested objects and lists the same way", () => {
    const { log, lines } = capture();
    log.error("save failed", {
      visit: { visitId: "v-1", visitorName: "Alex Rivers", household: { pets: "two dogs", adults: 2 } },
      visitors: [{ staff: "aad-1", displayName: "Jo Fenwick" }, "Priya Lane"],
    });
    const { time: _time, ...line } = lines[0]!.json;
    expect(line).toEqual({
      level: "error",
      message: "save failed",
      visit: { visitId: "v-1", household: { adults: REDACTED } },
      visitors: [{ staff: "aad-1" }, REDACTED],
    });
    expect(JSON.stringify(lines)).not.toMatch(/Alex|Fenwick|Priya|dogs/);
  });

  it("keeps what the app logs today: ids, codes, counts, field names", () => {
    const { log, lines } = capture();
    log.error("notification keeps failing", { visitId: "v-1", itemId: "o-7", kind: "alert-changed", attempts: 6, error: "503: Service Unavailable" });
    log.info("visit changed", { visitId: "v-1", events: ["visit.approved", "briefing.sent"], queued: 2 });
    log.info("staff records saved", { by: "8f0e1d2c-aaaa-4bbb-8ccc-111122223333", staff: ["29:1a2b3c", "aad-2"] });
    log.warn("card data rejected", { fields: ["visitors.0.mobile", "date"] });
    log.error("turn failed", { activityType: "message", error: "TypeError: cannot read properties of undefined" });
    expect(lines.map(({ json: { time: _time, level: _level, message: _message, ...fields } }) => fields)).toEqual([
      { visitId: "v-1", itemId: "o-7", kind: "alert-changed", attempts: 6, error: "503: Service Unavailable" },
      { visitId: "v-1", events: ["visit.approved", "briefing.sent"], queued: 2 },
      { by: "8f0e1d2c-aaaa-4bbb-8ccc-111122223333", staff: ["29:1a2b3c", "aad-2"] },
      { fields: ["visitors.0.mobile", "date"] },
      { activityType: "message", error: "TypeError: cannot read properties of undefined" },
    ]);
  });

  it("redacts a safe field whose value is not the shape its name promises", () => {
    const { log, lines } = capture();
    log.info("staff records saved", { staff: ["Alex Rivers", "alex.rivers@thorns-primary.example"], attempts: "six", kind: { name: "x" } });
    expect(lines[0]!.json).toMatchObject({ staff: [REDACTED, REDACTED], attempts: REDACTED, kind: REDACTED });
  });

  it("scrubs error text of quoted values, e-mail addresses, phone numbers and postcodes, and cuts it short", () => {
    const { log, lines } = capture();
    log.error("visit save failed", {
      visitId: "v-1",
      error: `Error: "12 Example Road" rejected for alex.rivers@thorns-primary.example, call 07700 900123 or +44 7700 900123, ZZ9 9ZZ at 2026-12-03T07:32:00.000Z`,
    });
    log.error("sweep failed", { error: new Error(`visit 0193a5c2-7b1e-7d41-9c2a-5e8f10b2c3d4 failed: ${"x".repeat(400)}`) });
    expect(lines[0]!.json.error).toBe(`Error: ${REDACTED} rejected for ${REDACTED}, call ${REDACTED} or ${REDACTED}, ${REDACTED} at 2026-12-03T07:32:00.000Z`);
    const long = lines[1]!.json.error as string;
    expect(long.startsWith("Error: visit 0193a5c2-7b1e-7d41-9c2a-5e8f10b2c3d4 failed: xxx")).toBe(true);
    expect(long).toHaveLength(301);
  });

  it("does not let a field overwrite the line's time, level or message", () => {
    const { log, lines } = capture();
    log.warn("unknown card verb", { verb: "openThing", message: "Alex Rivers", level: "debug" });
    expect(lines[0]!.json).toMatchObject({ level: "warn", message: "unknown card verb", verb: "openThing" });
  });

  it("sends the sink the lines it writes, redacted the same way, none below the minimum level", () => {
    const { log, lines, sent } = capture("warn");
    log.debug("debug line", { visitId: "v-1" });
    log.info("info line", { visitId: "v-1" });
    log.warn("visit save kept conflicting", { visitId: "v-1", name: "Alex Rivers" });
    log.error("notification keeps failing", { visitId: "v-1", note: "Parent said the dog is aggressive" });
    expect(lines.map((line) => line.level)).toEqual(["warn", "error"]);
    expect(sent.map(({ level, message, fields }) => ({ level, message, fields }))).toEqual([
      { level: "warn", message: "visit save kept conflicting", fields: { visitId: "v-1" } },
      { level: "error", message: "notification keeps failing", fields: { visitId: "v-1" } },
    ]);
    expect(sent.map((entry) => entry.time)).toEqual(lines.map((line) => line.json.time));
  });
});
