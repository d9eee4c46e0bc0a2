import type { StoredVisit } from "./ports";

/**
 * The last snapshot this instance saved of each recently changed visit, so the next change on the same
 * instance (the visitor's following check-in) need not wait for the read. It is never trusted on its own: the save
 * is guarded by the cached ETag, so a visit changed elsewhere fails the write and is decided again on the stored
 * visit (read beside the save, visit.service.ts), and a refusal decided on cached data is re-checked against
 * storage before anyone sees it.
 */
export class SnapshotCache {
  private readonly entries = new Map<string, StoredVisit>();

  constructor(private readonly capacity = 1_000) {}

  get(visitId: string): StoredVisit | undefined {
    const entry = this.entries.get(visitId);
    if (entry) {
      // Map keeps insertion order: re-inserting marks the entry as most recently used.
      this.entries.delete(visitId);
      this.entries.set(visitId, entry);
    }
    return entry;
  }

  set(visitId: string, entry: StoredVisit): void {
    this.entries.delete(visitId);
    this.entries.set(visitId, entry);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  forget(visitId: string): void {
    this.entries.delete(visitId);
  }
}
