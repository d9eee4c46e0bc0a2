import type { Board } from "../../src/http/tab-api/contract";
import { useLayout } from "./ui/layout";

/** What a screen reader hears when the open alerts change (and only then): the board itself is not re-read. */
export function BoardAnnouncer({ board }: { board?: Board }) {
  const layout = useLayout();
  const alerts = board?.visits.flatMap((visit) =>
    visit.alerts.map((alert) => `${alert.title} on ${visit.reference} (${visit.staff.join(" and ")})${alert.handledBy ? `, being handled by ${alert.handledBy.name}` : ""}${alert.falseAlarm ? `, said by ${alert.falseAlarm.by} to be a false alarm` : ""}.`),
  );
  const summary = alerts === undefined ? "" : alerts.length === 0 ? "No open alerts." : `${alerts.length} open alert${alerts.length === 1 ? "" : "s"}: ${alerts.join(" ")}`;
  return (
    <div role="status" aria-live="polite" className={layout.visuallyHidden}>
      {summary}
    </div>
  );
}
