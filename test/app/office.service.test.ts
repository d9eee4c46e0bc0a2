import { FAILING_LIST_MAX_AGE_MS, OfficeService } from "../../src/app/office.service";
import type { OutboxItem } from "../../src/app/notifications";
import { officeDayCard } from "../../src/cards/office-day.card";
import { visitReference } from "../../src/domain/visit";
import { validateCard, visibleText } from "../cards/support/validate-card";
import { acted, pairDetails, visitIn } from "../cards/support/visit-fixture";
import { actor, testPolicy } from "../support/policy-fixture";
import { FixedClock, MemoryOutbox, MemoryVisitStore } from "./support/memory-ports";
import { schoolsWith } from "./support/memory-schools";

const policy = testPolicy();
const clock = new FixedClock("2026-11-23T10:30:00.000Z");

async function setUp() {
  clock.set("2026-11-23T10:30:00.000Z");
  const outbox = new MemoryOutbox();
  const store = new MemoryVisitStore(outbox);
  const calm = visitIn("in-visit", pairDetails({ start: "09:00", end: "10:00" }));
  const helped = acted({ ...visitIn("in-visit"), id: "9a1e0b2a-0000-4000-8000-000000000777" }, { type: "requestHelp", silent: false }, actor("visitor"), "2026-11-23T10:20:00.000Z", policy);
  for (const visit of [calm, helped]) await store.save(undefined, visit, []);
  const stuck: OutboxItem = {
    id: "000009-000",
    visitId: helped.id,
    schoolId: helped.schoolId,
    notification: { kind: "alert", to: { channel: "safeguarding" }, alertId: "A1" },
    createdAt: "2026-11-23T10:20:00.000Z",
    status: "pending",
    attempts: 6,
    nextAttemptAt: "2026-11-23T10:35:00.000Z",
    failing: true,
  };
  outbox.add([stuck]);
  return { service: new OfficeService(schoolsWith(clock, policy).schools, store, outbox, clock), outbox, calm, helped };
}

describe("the office's view of today", () => {
  it("lists today's visits, open alerts first, and notifications that keep failing to reach Teams", async () => {
    const { service, calm, helped } = await setUp();
    const [day, ...others] = await service.today(actor("office"));
    expect(others).toEqual([]);
    expect(day).toMatchObject({ policy, date: "2026-11-23", alerting: [helped.id], undelivered: [{ visitId: helped.id, failing: true }] });
    const card = officeDayCard(day!);
    validateCard(card);
    const words = visibleText(card);
    expect(words.indexOf(visitReference(helped.id))).toBeLessThan(words.indexOf(visitReference(calm.id)));
    expect(words).toMatch(/ALERT: Help requested/);
    expect(words).toMatch(/1 notification\(s\) keep failing to reach Teams/);
  });

  it("says plainly when the school has no alert channel, and nothing of it when it has one", async () => {
    const { service } = await setUp();
    const [day] = await service.today(actor("office"));
    const noChannel = officeDayCard({ ...day!, policy: { ...policy, alertChannel: null } });
    validateCard(noChannel);
    expect(visibleText(noChannel)).toContain(
      'No alert channel is set: safeguarding alerts go 1:1 to the DSL and deputies until the headteacher, the DSL or the admin chooses one (type "settings" in the staff team).',
    );
    expect(visibleText(officeDayCard(day!))).not.toMatch(/alert channel/i);
  });

  it("is only for the office and those who answer for staff safety", async () => {
    const { service } = await setUp();
    expect(await service.today(actor("visitor"))).toEqual([]);
    expect(await service.today(actor("dsl"))).toHaveLength(1);
  });

  it("reads the failing list once in its few seconds of age for every board, then refreshes it without keeping a board waiting", async () => {
    const { service, outbox } = await setUp();
    const reads = jest.spyOn(outbox, "failing");
    await Promise.all([service.today(actor("office")), service.today(actor("dsl"))]);
    clock.advance(FAILING_LIST_MAX_AGE_MS - 1);
    await service.today(actor("office"));
    expect(reads).toHaveBeenCalledTimes(1);

    // Too old: this board gets the list it has while a fresh one is read; one that fails is not kept.
    clock.advance(1);
    let fail!: (error: Error) => void;
    reads.mockReturnValueOnce(new Promise((_, reject) => (fail = reject)));
    const [shownMeanwhile] = await service.today(actor("office"));
    expect(shownMeanwhile!.undelivered).toHaveLength(1);
    fail(new Error("storage unavailable"));
    await new Promise((resolve) => setImmediate(resolve));

    const [next] = await service.today(actor("office"));
    expect(next!.undelivered).toHaveLength(1);
    expect(reads).toHaveBeenCalledTimes(3);
  });

  it("makes the first board wait for the list, and tells it when the list cannot be read", async () => {
    const { service, outbox } = await setUp();
    jest.spyOn(outbox, "failing").mockRejectedValueOnce(new Error("storage unavailable"));
    await expect(service.today(actor("office"))).rejects.toThrow("storage unavailable");
    expect((await service.today(actor("office")))[0]!.undelivered).toHaveLength(1);
  });
});
