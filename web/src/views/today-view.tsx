import { MessageBar, MessageBarBody, MessageBarTitle, mergeClasses, Spinner } from "@fluentui/react-components";
import type { BoardVisit } from "../../../src/http/tab-api/contract";
import { falseAlarmText } from "../false-alarm";
import { dayOf, timeOf } from "../london-time";
import type { BoardState } from "../use-board";
import { useLayout } from "../ui/layout";
import { capitalised } from "../words";

/** Every visit of the day with who is on it, where it stands and what is due next; open alerts first. */
export default function TodayView({ state }: { state: BoardState }) {
  const layout = useLayout();
  const board = state.board;
  if (!board) return state.refusal ? null : <Spinner label="Loading today's visits…" />;
  const count = board.visits.length;
  return (
    <section aria-labelledby="today-heading" className={layout.section}>
      <h2 id="today-heading" className={layout.heading}>
        {board.scope === "mine" ? "Your visits today" : "Today's visits"}, {dayOf(board.date)}
      </h2>
      <p className={layout.quiet}>{count === 0 ? "No visits today." : `${count} visit${count === 1 ? "" : "s"}.`}</p>
      {board.undelivered.length > 0 && (
        <MessageBar intent="warning" layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>Not getting through to Teams: phone the people concerned.</MessageBarTitle>
            {board.undelivered.map((item) => `${item.reference}: ${item.what} (${item.attempts} attempts)`).join("; ")}
          </MessageBarBody>
        </MessageBar>
      )}
      <ul className={layout.list} aria-label="Visits">
        {board.visits.map((visit) => (
          <VisitItem key={visit.id} visit={visit} />
        ))}
      </ul>
    </section>
  );
}

function VisitItem({ visit }: { visit: BoardVisit }) {
  const layout = useLayout();
  return (
    <li className={mergeClasses(layout.card, visit.alerts.length > 0 && layout.alertCard)}>
      <h3 className={layout.cardHeading}>
        {visit.start}–{visit.end} · {visit.staff.join(" and ")}
      </h3>
      <p className={layout.line}>
        {visit.reference} · <strong>{capitalised(visit.statusText)}</strong>
      </p>
      {visit.nextCheckIn && (
        <p className={layout.line}>
          Next: {visit.nextCheckIn.label}, due {timeOf(visit.nextCheckIn.due)}
        </p>
      )}
      {visit.alerts.map((alert) => (
        <p key={alert.id} className={layout.line}>
          <strong className={layout.alertText}>{alert.title}</strong> since {timeOf(alert.raisedAt)}: {alert.handledBy ? `being handled by ${alert.handledBy.name}` : "nobody has taken it yet"}.
          {alert.falseAlarm && ` ${falseAlarmText(alert.falseAlarm)}`}
        </p>
      ))}
    </li>
  );
}
