import { Button, Field, Link, mergeClasses, Spinner, Textarea } from "@fluentui/react-components";
import { type ReactNode, useRef, useState } from "react";
import type { BoardAlert, BoardVisit, Done, ResolveRequest } from "../../../src/http/tab-api/contract";
import { type ApiClient, failureText } from "../api-client";
import { falseAlarmText } from "../false-alarm";
import { timeOf } from "../london-time";
import type { BoardState } from "../use-board";
import { Facts } from "../ui/facts";
import { useLayout } from "../ui/layout";
import { type Outcome, OutcomeMessage } from "../ui/outcome-message";

/**
 * The open alerts of the day and what a responder does about them: "I'm on it" and "Contacted – safe" (or
 * "Dealt with") with a note. The same use case as the cards': each card about the alert is updated in place.
 */
export default function AlertsView({ state, api }: { state: BoardState & { refresh: () => void }; api: ApiClient }) {
  const layout = useLayout();
  const [outcome, setOutcome] = useState<Outcome>();
  const message = useRef<HTMLDivElement>(null);
  const board = state.board;
  if (!board) return state.refusal ? null : <Spinner label="Loading alerts…" />;
  const open = board.visits.flatMap((visit) => visit.alerts.map((alert) => ({ visit, alert })));

  const act = async (path: string, body?: ResolveRequest) => {
    try {
      const done = await api.post<Done>(path, body);
      setOutcome({ ok: true, text: done.message });
    } catch (error) {
      setOutcome({ ok: false, text: failureText(error) });
    }
    state.refresh();
    message.current?.focus();
  };

  return (
    <section aria-labelledby="alerts-heading" className={layout.section}>
      <h2 id="alerts-heading" className={layout.heading}>
        Open alerts
      </h2>
      <OutcomeMessage outcome={outcome} ref={message} />
      {open.length === 0 && <p className={layout.quiet}>No open alerts.</p>}
      <ul className={layout.list} aria-label="Open alerts">
        {open.map(({ visit, alert }) => (
          <AlertItem key={`${visit.id}/${alert.id}`} visit={visit} alert={alert} act={act} />
        ))}
      </ul>
    </section>
  );
}

function AlertItem({ visit, alert, act }: { visit: BoardVisit; alert: BoardAlert; act: (path: string, body?: ResolveRequest) => Promise<void> }) {
  const layout = useLayout();
  const [note, setNote] = useState("");
  const [busy, setBusy] = useState(false);
  const path = `/visits/${encodeURIComponent(visit.id)}/alerts/${encodeURIComponent(alert.id)}`;
  const run = async (suffix: string, body?: ResolveRequest) => {
    setBusy(true);
    await act(`${path}/${suffix}`, body);
    setBusy(false);
  };
  const where = visit.whereabouts;
  return (
    <li className={mergeClasses(layout.card, layout.alertCard)}>
      <h3 className={layout.cardHeading}>
        <span className={layout.alertText}>{alert.title}</span> · {visit.reference}
      </h3>
      {alert.silent && <p className={layout.line}><strong>Raised silently with the code word: do not call the visitor's phone openly.</strong></p>}
      {alert.falseAlarm && (
        <p className={layout.line}>
          <strong>{falseAlarmText(alert.falseAlarm)}</strong>
        </p>
      )}
      <Facts
        rows={[
          ["Staff", visit.staff.join(" and ")],
          ["Visit", `${visit.start}–${visit.end}, ${visit.statusText}`],
          ["Raised", `${timeOf(alert.raisedAt)} by ${alert.raisedBy}`],
          ["Missed", alert.missed],
          ["Handled by", alert.handledBy ? `${alert.handledBy.name} since ${timeOf(alert.handledBy.since)}` : "Nobody yet"],
          ["Note", alert.note],
          ["Pupil", where?.pupil],
          ["Address", where?.address],
          ...(where?.staff ?? []).map((person): [string, ReactNode] => [
            `${person.name}'s mobile`,
            person.mobile ? <Link href={`tel:${person.mobile.replace(/\s/g, "")}`}>{person.mobile}</Link> : "Not on file",
          ]),
        ]}
      />
      {alert.canAct && (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void run("resolve", { note });
          }}
        >
          <Field label="What was done (who you spoke to)" required>
            <Textarea value={note} onChange={(_, data) => setNote(data.value)} resize="vertical" />
          </Field>
          <div className={layout.actions}>
            {!alert.handledBy && (
              <Button type="button" disabled={busy} onClick={() => void run("acknowledge")}>
                I'm on it
              </Button>
            )}
            <Button type="submit" appearance="primary" disabled={busy}>
              {alert.resolveLabel}
            </Button>
          </div>
        </form>
      )}
      {!alert.canAct && <p className={layout.quiet}>Only the people who answer this kind of alert can act on it.</p>}
    </li>
  );
}
