import { Spinner } from "@fluentui/react-components";
import { useCallback, useEffect, useMemo, useState } from "react";
import type { AlertKind, Figures } from "../../../src/http/tab-api/contract";
import { type ApiClient, failureText } from "../api-client";
import { dayOf } from "../london-time";
import { BarChart } from "../ui/bar-chart";
import { useLayout } from "../ui/layout";
import { type Period, PeriodForm } from "../ui/period-form";
import { Problem } from "../ui/problem";

const KIND_WORDS: Record<AlertKind, string> = { overdue: "Missed check-ins", help: "Calls for help", "child-alone": "Children found alone", concern: "Safeguarding concerns" };

/** 1 September of the school year `date` falls in. */
const schoolYearStart = (date: string) => `${Number(date.slice(0, 4)) - (date.slice(5) < "09-01" ? 1 : 0)}-09-01`;

/** The governors' figures (R31) for a period, as charts that read as tables. */
export default function ReviewView({ api, today }: { api: ApiClient; today: string }) {
  const layout = useLayout();
  const initial = useMemo<Period>(() => ({ from: schoolYearStart(today), to: today }), [today]);
  const [figures, setFigures] = useState<Figures | string>();
  const count = useCallback(
    (period: Period) =>
      api
        .get<Figures>(`/review?from=${encodeURIComponent(period.from)}&to=${encodeURIComponent(period.to)}`)
        .then(setFigures, (error: unknown) => setFigures(failureText(error))),
    [api],
  );
  useEffect(() => void count(initial), [count, initial]);
  const show = (period: Period) => {
    setFigures(undefined);
    void count(period);
  };

  return (
    <section aria-labelledby="review-heading" className={layout.section}>
      <h2 id="review-heading" className={layout.heading}>
        Figures for the governors
      </h2>
      <PeriodForm initial={initial} submitLabel="Show" onSubmit={show} />
      {figures === undefined && <Spinner label="Counting…" />}
      {typeof figures === "string" && <Problem title="The figures cannot be shown.">{figures}</Problem>}
      {typeof figures === "object" && <FiguresShown figures={figures} />}
    </section>
  );
}

function FiguresShown({ figures }: { figures: Figures }) {
  const layout = useLayout();
  const resolved = figures.escalations.filter((e) => e.medianMinutesToResolve !== undefined);
  return (
    <>
      <p className={layout.line}>
        <strong>
          {figures.visits} visit{figures.visits === 1 ? "" : "s"}
        </strong>{" "}
        planned from {dayOf(figures.from)} to {dayOf(figures.to)}; {figures.incidents} incident{figures.incidents === 1 ? "" : "s"} recorded.
      </p>
      <BarChart title="Visits by purpose" unit="Visits" bars={figures.byPurpose.map((p) => ({ label: p.label, value: p.count }))} />
      {figures.cancellations.length > 0 ? (
        <BarChart title="Visits not made, by reason" unit="Visits" bars={figures.cancellations.map((c) => ({ label: c.reason, value: c.count }))} />
      ) : (
        <p className={layout.quiet}>No visit was cancelled, called off or declined.</p>
      )}
      <BarChart title="Alerts raised" unit="Alerts" bars={figures.escalations.map((e) => ({ label: KIND_WORDS[e.kind], value: e.raised }))} />
      {resolved.length > 0 && (
        <BarChart
          title="Median minutes from alert to resolved"
          unit="Minutes"
          bars={resolved.map((e) => ({ label: `${KIND_WORDS[e.kind]} (longest ${e.longestMinutesToResolve})`, value: e.medianMinutesToResolve! }))}
        />
      )}
      {figures.staffFeedback && (
        <>
          <h3 className={layout.cardHeading}>What visiting staff said</h3>
          {figures.staffFeedback.length === 0 ? (
            <p className={layout.quiet}>No feedback in this period.</p>
          ) : (
            <ul>
              {figures.staffFeedback.map((comment, i) => (
                <li key={i}>{comment}</li>
              ))}
            </ul>
          )}
        </>
      )}
    </>
  );
}
