import { Button, Field, Input } from "@fluentui/react-components";
import { type FormEvent, type ReactNode, useState } from "react";
import { useLayout } from "./layout";

export interface Period {
  from: string;
  to: string;
}

/** Two London dates and a button; `extra` adds fields of a view's own (a visit reference). */
export function PeriodForm({ initial, submitLabel, onSubmit, extra }: { initial: Period; submitLabel: string; onSubmit: (period: Period) => void; extra?: ReactNode }) {
  const layout = useLayout();
  const [period, setPeriod] = useState(initial);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit(period);
  };
  return (
    <form className={layout.fields} onSubmit={submit}>
      <Field label="From">
        <Input type="date" value={period.from} onChange={(_, data) => setPeriod({ ...period, from: data.value })} required />
      </Field>
      <Field label="To">
        <Input type="date" value={period.to} onChange={(_, data) => setPeriod({ ...period, to: data.value })} required />
      </Field>
      {extra}
      <Button type="submit" appearance="primary">
        {submitLabel}
      </Button>
    </form>
  );
}

/** The London date `days` before `date`. */
export function daysBefore(date: string, days: number): string {
  return new Date(Date.parse(`${date}T12:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);
}
