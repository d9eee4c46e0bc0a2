import type { ObservedRequest } from "../src/storage/tables";

/**
 * The storage round trips someone waited for: of the requests answered by `answeredAt`, the longest chain in which
 * each was sent after the one before had answered. Requests in flight together are one round trip. Work the app does
 * behind the answer (a day row's copy written after a save) is not waited for, even when it lands before the answer
 * is sent.
 */
export function roundTripsWaited(requests: readonly ObservedRequest[], answeredAt: number): number {
  return longestChain(waitedFor(requests, answeredAt)).length;
}

/**
 * That chain's round trips, in order, each with every request sent while it was in flight: what kind of round
 * trips they were ("a point read", then "a mark beside a transaction").
 */
export function roundTripsOf(requests: readonly ObservedRequest[], answeredAt: number): ObservedRequest[][] {
  const answered = waitedFor(requests, answeredAt);
  const chain = longestChain(answered);
  return chain.map((trip, i) => {
    const after = i === 0 ? Number.NEGATIVE_INFINITY : chain[i - 1]!.endedAt!;
    return answered.filter((r) => r.startedAt >= after && r.startedAt < trip.endedAt!).sort((a, b) => a.startedAt - b.startedAt);
  });
}

const waitedFor = (requests: readonly ObservedRequest[], answeredAt: number) =>
  requests.filter((r) => !r.background && r.endedAt !== undefined && r.endedAt <= answeredAt);

function longestChain(answered: readonly ObservedRequest[]): ObservedRequest[] {
  const chain: ObservedRequest[] = [];
  let last = Number.NEGATIVE_INFINITY;
  for (const request of [...answered].sort((a, b) => a.endedAt! - b.endedAt!)) {
    if (request.startedAt >= last) {
      chain.push(request);
      last = request.endedAt!;
    }
  }
  return chain;
}
