import { Button, Field, Input, Spinner } from "@fluentui/react-components";
import { useCallback, useEffect, useMemo, useState } from "react";
import type { RecordRow, Records } from "../../../src/http/tab-api/contract";
import { type ApiClient, failureText } from "../api-client";
import { dayOf } from "../london-time";
import { Facts } from "../ui/facts";
import { useLayout } from "../ui/layout";
import { type Outcome, OutcomeMessage } from "../ui/outcome-message";
import { daysBefore, type Period, PeriodForm } from "../ui/period-form";
import { Problem } from "../ui/problem";
import { saveDownload } from "../ui/save-download";
import { capitalised } from "../words";

const OUTCOME_WORDS: Record<NonNullable<RecordRow["outcome"]>, string> = { seen: "Visit took place", "not-seen": "Nobody seen", "called-off": "Called off at the door" };

const query = (period: Period, reference?: string) =>
  `from=${encodeURIComponent(period.from)}&to=${encodeURIComponent(period.to)}${reference ? `&reference=${encodeURIComponent(reference)}` : ""}`;

/** The visits of a period (or one by its reference), and their records as a CSV file for the school's system (R21). */
export default function RecordsView({ api, today }: { api: ApiClient; today: string }) {
  const layout = useLayout();
  const initial = useMemo<Period>(() => ({ from: daysBefore(today, 30), to: today }), [today]);
  const [period, setPeriod] = useState(initial);
  const [reference, setReference] = useState("");
  const [found, setFound] = useState<Records | string>();
  const [download, setDownload] = useState<Outcome>();

  const look = useCallback(
    (wanted: Period, ref: string) =>
      api.get<Records>(`/records?${query(wanted, ref.trim())}`).then(setFound, (error: unknown) => setFound(failureText(error))),
    [api],
  );
  useEffect(() => void look(initial, ""), [look, initial]);

  const saveCsv = async () => setDownload(await saveDownload(api, `/records.csv?${query(period)}`));

  return (
    <section aria-labelledby="records-heading" className={layout.section}>
      <h2 id="records-heading" className={layout.heading}>
        Visit records
      </h2>
      <PeriodForm
        initial={period}
        submitLabel="Find"
        onSubmit={(wanted) => {
          setPeriod(wanted);
          setFound(undefined);
          void look(wanted, reference);
        }}
        extra={
          <Field label="Visit reference (optional)" hint="For example HV-1A2B3C, looked for in the dates given.">
            <Input value={reference} onChange={(_, data) => setReference(data.value)} />
          </Field>
        }
      />
      <div className={layout.actions}>
        <Button onClick={() => void saveCsv()}>Download the period's records (CSV)</Button>
      </div>
      <OutcomeMessage outcome={download} />
      {found === undefined && <Spinner label="Looking…" />}
      {typeof found === "string" && <Problem title="The records cannot be shown.">{found}</Problem>}
      {typeof found === "object" && (
        <>
          <p className={layout.quiet}>
            {found.visits.length === 0 ? "No visits found" : `${found.visits.length} visit${found.visits.length === 1 ? "" : "s"}`} from {dayOf(found.from)} to {dayOf(found.to)}.
          </p>
          <ul className={layout.list} aria-label="Visits found">
            {found.visits.map((visit) => (
              <li key={visit.id} className={layout.card}>
                <h3 className={layout.cardHeading}>
                  {visit.reference} · {dayOf(visit.date)}, {visit.start}–{visit.end}
                </h3>
                <Facts
                  rows={[
                    ["Pupil", visit.pupil],
                    ["Purpose", visit.purpose],
                    ["Staff", visit.staff.join(" and ")],
                    ["Status", capitalised(visit.statusText)],
                    ["Outcome", visit.outcome ? OUTCOME_WORDS[visit.outcome] : "Not recorded"],
                    ["Recorded by", visit.recordedBy],
                  ]}
                />
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
