import type { ObservedRequest } from "../src/storage/tables";

/**
 * The storage round trips someone waited for: of the requests answered by `answeredAt`, the longest chain in which
 * each was sent after the one before had answered. Requests in flight together are one round trip. Work the app does
 * behind the answer (a day row's copy written after a save) is not waited for, even when it lands before the answer
 * is sent.
 */
export function roundTripsWaited(requests: readonly ObservedRequest[], answeredAt: number): number {
  const answered = requests.filter((r) => !r.background && r.endedAt !== undefined && r.endedAt <= answeredAt).sort((a, b) => a.endedAt! - b.endedAt!);
  let trips = 0;
  let last = Number.NEGATIVE_INFINITY;
  for (const request of answered) {
    if (request.startedAt >= last) {
      trips++;
      last = request.endedAt!;
    }
  }
  return trips;
}
