import { createHash } from "node:crypto";
import { visitIdAt } from "../../src/domain/visit-id";

/** A visit id for a test: the same name always gives the same id, requested at `createdAt`. */
export function testVisitId(name: string, createdAt = "2026-06-01T08:00:00Z"): string {
  return visitIdAt(new Date(createdAt), createHash("sha256").update(name).digest());
}
