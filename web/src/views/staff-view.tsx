import { Button, Spinner } from "@fluentui/react-components";
import { useEffect, useState } from "react";
import type { StaffList } from "../../../src/http/tab-api/contract";
import { type ApiClient, failureText } from "../api-client";
import { Facts } from "../ui/facts";
import { useLayout } from "../ui/layout";
import { type Outcome, OutcomeMessage } from "../ui/outcome-message";
import { Problem } from "../ui/problem";
import { saveDownload } from "../ui/save-download";

/**
 * The staff in the school's profile and what their home-visit records lack (R06), for the admin, and anyone with a
 * record on file who holds no role; everything held about any of them downloads as a file (subject access).
 */
export default function StaffView({ api }: { api: ApiClient }) {
  const layout = useLayout();
  const [list, setList] = useState<StaffList | string>();
  const [download, setDownload] = useState<Outcome>();
  useEffect(() => {
    api.get<StaffList>("/staff").then(setList, (error: unknown) => setList(failureText(error)));
  }, [api]);

  const exportData = async (id: string) => setDownload(await saveDownload(api, `/staff/${encodeURIComponent(id)}/export`));

  return (
    <section aria-labelledby="staff-heading" className={layout.section}>
      <h2 id="staff-heading" className={layout.heading}>
        Staff records
      </h2>
      <p className={layout.quiet}>To change a record, or to erase someone who has left, type "staff" in your chat with the Home Visits bot.</p>
      <OutcomeMessage outcome={download} />
      {list === undefined && <Spinner label="Loading staff…" />}
      {typeof list === "string" && <Problem title="The staff records cannot be shown.">{list}</Problem>}
      {typeof list === "object" && (
        <ul className={layout.list} aria-label="Staff">
          {list.staff.map((person) => (
            <li key={person.id} className={layout.card}>
              <h3 className={layout.cardHeading}>{person.name}</h3>
              <Facts
                rows={[
                  ["Roles", person.roles.length > 0 ? person.roles.join(", ") : "None (a record is on file)"],
                  ["In Teams", person.inTeams ? "Yes" : "Not seen yet: cannot be messaged"],
                  ["Record", person.roles.includes("visitor") ? (person.gaps.length === 0 ? "Complete" : undefined) : "Not needed (does not go on visits)"],
                ]}
              />
              {person.gaps.length > 0 && (
                <ul aria-label={`Missing from ${person.name}'s record`}>
                  {person.gaps.map((gap) => (
                    <li key={gap.problem}>
                      {gap.problem}
                      {gap.blocking ? " (blocks approval)" : ""}
                    </li>
                  ))}
                </ul>
              )}
              <Button onClick={() => void exportData(person.id)} aria-label={`Export everything held about ${person.name}`}>
                Export
              </Button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
