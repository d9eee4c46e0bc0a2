/**
 * R31: the figures a school's governors review (annually, termly, or after incidents): visits by purpose,
 * cancellations by reason, escalations and how fast they were resolved, over a chosen period.
 */
import type { PolicyProfile } from "../policy/policy.schema";
import type { AlertKind } from "./alert";
import { csvCell } from "./record";
import { purposeLabel, type Visit } from "./visit";

export interface ReviewFigures {
  from: string;
  to: string;
  visits: number;
  byPurpose: { label: string; count: number }[];
  cancellations: { reason: string; count: number }[];
  escalations: { kind: AlertKind; raised: number; resolved: number; medianMinutesToResolve?: number; longestMinutesToResolve?: number }[];
  incidents: number;
  /** R31: what visiting staff said about the policy, where the school reviews with their feedback. */
  staffFeedback?: string[];
}

const ALERT_KINDS: AlertKind[] = ["overdue", "help", "child-alone", "concern"];

/** Figures for the visits planned between two London dates, inclusive. */
export function reviewFigures(visits: readonly Visit[], from: string, to: string, policy: PolicyProfile): ReviewFigures {
  const inPeriod = visits.filter((v) => v.details.date >= from && v.details.date <= to);
  const count = <K extends string>(keys: K[]) => {
    const counts = new Map<K, number>();
    for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
    return [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  };
  const reasons = inPeriod.flatMap((v) => {
    if (v.calledOff) return [`called off at the door: ${v.calledOff.reason.replace(/-/g, " ")}`];
    if (v.cancellation) return [`cancelled before the visit: ${v.cancellation.reason}`];
    if (v.status === "declined") return ["not approved"];
    return [];
  });
  const alerts = inPeriod.flatMap((v) => v.alerts);
  return {
    from,
    to,
    visits: inPeriod.length,
    byPurpose: count(inPeriod.map((v) => purposeLabel(policy, v))).map(([label, n]) => ({ label, count: n })),
    cancellations: count(reasons).map(([reason, n]) => ({ reason, count: n })),
    escalations: ALERT_KINDS.map((kind) => {
      const ofKind = alerts.filter((a) => a.kind === kind);
      const minutes = ofKind
        .filter((a) => a.resolved)
        .map((a) => (Date.parse(a.resolved!.at) - Date.parse(a.raisedAt)) / 60000)
        .sort((a, b) => a - b);
      return {
        kind,
        raised: ofKind.length,
        resolved: minutes.length,
        ...(minutes.length > 0 ? { medianMinutesToResolve: round(median(minutes)), longestMinutesToResolve: round(minutes[minutes.length - 1]!) } : {}),
      };
    }),
    incidents: inPeriod.reduce((n, v) => n + v.incidents.length, 0),
    ...(policy.review.staffFeedback ? { staffFeedback: inPeriod.flatMap((v) => (v.record?.staffFeedback ? [v.record.staffFeedback] : [])) } : {}),
  };
}

/** The figures as CSV: one "section,item,value" row per figure, for the governors' pack. */
export function reviewCsv(figures: ReviewFigures): string {
  const rows: string[][] = [
    ["section", "item", "value"],
    ["period", "from", figures.from],
    ["period", "to", figures.to],
    ["visits", "total", String(figures.visits)],
    ...figures.byPurpose.map((p) => ["visits by purpose", p.label, String(p.count)]),
    ...figures.cancellations.map((c) => ["cancellations", c.reason, String(c.count)]),
    ...figures.escalations.flatMap((e) => [
      ["escalations raised", e.kind, String(e.raised)],
      ["escalations resolved", e.kind, String(e.resolved)],
      ...(e.medianMinutesToResolve !== undefined ? [["median minutes to resolve", e.kind, String(e.medianMinutesToResolve)]] : []),
      ...(e.longestMinutesToResolve !== undefined ? [["longest minutes to resolve", e.kind, String(e.longestMinutesToResolve)]] : []),
    ]),
    ["incidents", "total", String(figures.incidents)],
    ...(figures.staffFeedback
      ? [["staff feedback", "comments", String(figures.staffFeedback.length)], ...figures.staffFeedback.map((comment) => ["staff feedback", "comment", comment])]
      : []),
  ];
  return rows.map((row) => row.map(csvCell).join(",")).join("\r\n") + "\r\n";
}

function median(sorted: number[]): number {
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const round = (n: number) => Math.round(n * 10) / 10;
