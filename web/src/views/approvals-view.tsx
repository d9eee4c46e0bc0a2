import { Button, Field, Spinner, Textarea } from "@fluentui/react-components";
import { useCallback, useEffect, useRef, useState } from "react";
import type { Approval, Approvals, DecisionRequest, Done } from "../../../src/http/tab-api/contract";
import { type ApiClient, failureText } from "../api-client";
import { dayOf } from "../london-time";
import { Facts } from "../ui/facts";
import { useLayout } from "../ui/layout";
import { type Outcome, OutcomeMessage } from "../ui/outcome-message";
import { Problem } from "../ui/problem";

/** Requests waiting for this person's decision, with what they need to weigh and the three answers. */
export default function ApprovalsView({ api }: { api: ApiClient }) {
  const layout = useLayout();
  const [list, setList] = useState<Approval[] | string>();
  const [outcome, setOutcome] = useState<Outcome>();
  const message = useRef<HTMLDivElement>(null);
  const load = useCallback(() => api.get<Approvals>("/approvals").then((a) => setList(a.visits), (error: unknown) => setList(failureText(error))), [api]);
  useEffect(() => void load(), [load]);

  const decide = async (visit: Approval, request: DecisionRequest) => {
    try {
      const done = await api.post<Done>(`/visits/${encodeURIComponent(visit.id)}/decision`, request);
      setOutcome({ ok: true, text: `${visit.reference}: ${done.message}` });
    } catch (error) {
      setOutcome({ ok: false, text: `${visit.reference}: ${failureText(error)}` });
    }
    await load();
    message.current?.focus();
  };

  return (
    <section aria-labelledby="approvals-heading" className={layout.section}>
      <h2 id="approvals-heading" className={layout.heading}>
        Waiting for your decision
      </h2>
      <OutcomeMessage outcome={outcome} ref={message} />
      {list === undefined && <Spinner label="Loading requests…" />}
      {typeof list === "string" && <Problem title="The requests cannot be shown.">{list}</Problem>}
      {Array.isArray(list) && list.length === 0 && <p className={layout.quiet}>Nothing is waiting for your decision.</p>}
      {Array.isArray(list) && (
        <ul className={layout.list} aria-label="Requests">
          {list.map((visit) => (
            <ApprovalItem key={visit.id} visit={visit} decide={decide} />
          ))}
        </ul>
      )}
    </section>
  );
}

function ApprovalItem({ visit, decide }: { visit: Approval; decide: (visit: Approval, request: DecisionRequest) => Promise<void> }) {
  const layout = useLayout();
  const [note, setNote] = useState("");
  const [busy, setBusy] = useState(false);
  const answer = async (decision: DecisionRequest["decision"]) => {
    setBusy(true);
    await decide(visit, { decision, version: visit.version, ...(note.trim() ? { note: note.trim() } : {}) });
    setBusy(false);
  };
  const blocking = visit.staffGaps.some((gap) => gap.blocking);
  return (
    <li className={layout.card}>
      <h3 className={layout.cardHeading}>
        {visit.reference} · {dayOf(visit.date)}, {visit.start}–{visit.end}
      </h3>
      <Facts
        rows={[
          ["Asked by", visit.requestedBy],
          ["Staff", visit.staffing === "lone" ? `${visit.staff.join(" and ")} (lone visit)` : visit.staff.join(" and ")],
          ["Risk assessment", visit.riskAssessment],
          ["Purpose", visit.purpose],
          ["Pupil", visit.pupil],
          ["Address", visit.address],
          ["At the door", visit.entry === "enter" ? "Entering the home" : "Doorstep only"],
          ["Announced", visit.announced ? "Yes" : `No: ${visit.unannouncedReason ?? ""}`],
          ["Known risks", visit.knownRisks],
          ["Animals", visit.pets],
          ["Medical needs", visit.medicalNeeds],
          ["Social worker", visit.socialWorker],
        ]}
      />
      {visit.staffGaps.length > 0 && (
        <>
          <p className={layout.line}>
            <strong>Missing from staff records{blocking ? " (blocks approval)" : ""}:</strong>
          </p>
          <ul>
            {visit.staffGaps.map((gap) => (
              <li key={`${gap.name}-${gap.problem}`}>
                {gap.name}: {gap.problem}
                {gap.blocking ? " (blocks approval)" : ""}
              </li>
            ))}
          </ul>
        </>
      )}
      <Field label="Note to the visitor (optional)">
        <Textarea value={note} onChange={(_, data) => setNote(data.value)} resize="vertical" />
      </Field>
      <div className={layout.actions}>
        <Button appearance="primary" disabled={busy} onClick={() => void answer("approve")}>
          Approve
        </Button>
        <Button disabled={busy} onClick={() => void answer("decline")}>
          Decline
        </Button>
        <Button disabled={busy} onClick={() => void answer("requestChanges")}>
          Ask for changes
        </Button>
      </div>
    </li>
  );
}
