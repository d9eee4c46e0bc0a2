import type { StoredVisit } from "../../src/app/ports";
import { SnapshotCache } from "../../src/app/snapshot-cache";
import { testPolicy } from "../support/policy-fixture";
import { visitIn } from "../domain/visit.builders";

const visit = visitIn("approved", testPolicy());
const stored = (id: string, etag = `W/"${id}"`): StoredVisit => ({ visit: { ...visit, id }, etag });

describe("SnapshotCache: the last snapshot this instance saved of each recently changed visit", () => {
  it("returns what was set, with its ETag, and nothing for a visit it never saw or was told to forget", () => {
    const cache = new SnapshotCache();
    cache.set("v1", stored("v1"));
    expect(cache.get("v1")).toEqual(stored("v1"));
    expect(cache.get("v2")).toBeUndefined();
    cache.forget("v1");
    expect(cache.get("v1")).toBeUndefined();
  });

  it("a newer save of the same visit replaces the older snapshot", () => {
    const cache = new SnapshotCache();
    cache.set("v1", stored("v1", 'W/"1"'));
    cache.set("v1", stored("v1", 'W/"2"'));
    expect(cache.get("v1")?.etag).toBe('W/"2"');
  });

  it("holds at most its capacity, dropping the visit used least recently", () => {
    const cache = new SnapshotCache(2);
    cache.set("v1", stored("v1"));
    cache.set("v2", stored("v2"));
    cache.get("v1"); // v1 is now the most recently used
    cache.set("v3", stored("v3"));
    expect([cache.get("v1"), cache.get("v2"), cache.get("v3")].map((entry) => entry?.visit.id)).toEqual(["v1", undefined, "v3"]);
  });
});
