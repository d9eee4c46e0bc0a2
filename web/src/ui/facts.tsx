import type { ReactNode } from "react";
import { useLayout } from "./layout";

/** Name–value pairs as a description list; a missing value leaves its row out. */
export function Facts({ rows }: { rows: [string, ReactNode | undefined][] }) {
  const layout = useLayout();
  return (
    <dl className={layout.facts}>
      {rows
        .filter(([, value]) => value !== undefined && value !== "")
        .map(([name, value]) => (
          <div key={name} className={layout.factGroup}>
            <dt className={layout.factName}>{name}</dt>
            <dd className={layout.factValue}>{value}</dd>
          </div>
        ))}
    </dl>
  );
}
