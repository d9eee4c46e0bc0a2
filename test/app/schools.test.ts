import { SCHOOLS_CACHE_MS, Schools } from "../../src/app/schools";
import { testPolicy } from "../support/policy-fixture";
import { visitIn } from "../domain/visit.builders";
import { FixedClock } from "./support/memory-ports";
import { MemorySchoolStore } from "./support/memory-schools";

function setUp() {
  const clock = new FixedClock("2026-11-23T08:00:00.000Z");
  const store = new MemorySchoolStore();
  const school = store.put(testPolicy());
  return { clock, store, school, schools: new Schools(store, clock) };
}

describe("Schools: every school of the deployment, read once and kept a short while", () => {
  it("reads every school in one read, and again only when the list is older than the cache's time", async () => {
    const env = setUp();
    await env.schools.active("test-school");
    await env.schools.of("00000000-0000-4000-8000-000000000001");
    expect(env.store.reads).toBe(1);
    env.clock.advance(SCHOOLS_CACHE_MS);
    await env.schools.active("test-school");
    expect(env.store.reads).toBe(2);
  });

  it("looks for an unknown school again at most every few seconds, so forged ids cost no read each", async () => {
    const env = setUp();
    await env.schools.get("no-such-school");
    for (let i = 0; i < 50; i++) await env.schools.get(`forged-${i}`);
    expect(env.store.reads).toBe(1);
  });

  it("serves the list it last read while storage cannot be read", async () => {
    const env = setUp();
    await env.schools.list();
    env.clock.advance(SCHOOLS_CACHE_MS);
    env.store.list = () => Promise.reject(new Error("ETIMEDOUT"));
    expect((await env.schools.list()).map((s) => s.id)).toEqual(["test-school"]);
  });

  it("finds a visit's approved-under version once, then from memory, and its school's current version without a read", async () => {
    const env = setUp();
    const changed = await env.store.update(env.school, { name: env.school.name, state: "active", policy: testPolicy((p) => void (p.escalation.grace = "PT20M")) }, { by: { id: "x", name: "X" }, at: "", change: "grace" });
    if (!changed.ok) throw new Error("not saved");
    const visit = { ...visitIn("approved", testPolicy()), policyVersion: 1 };
    expect((await env.schools.policyFor(visit))!.escalation.grace).toBe("PT10M");
    const reads = env.store.reads;
    for (let i = 0; i < 5; i++) await env.schools.policyFor(visit);
    expect(env.store.reads).toBe(reads);
    expect((await env.schools.policyFor({ ...visit, policyVersion: 2 }))!.escalation.grace).toBe("PT20M");
  });

  it("knows a school as running only once every role its policy names is held", async () => {
    const env = setUp();
    const policy = testPolicy((p) => void (p.school.id = "half-set-up"));
    env.store.put({ ...policy, people: policy.people.filter((person) => !person.roles.includes("headteacher")) }, "team-2");
    expect(await env.schools.active("half-set-up")).toBeUndefined();
    expect(await env.schools.get("half-set-up")).toMatchObject({ state: "setting-up" });
  });
});
