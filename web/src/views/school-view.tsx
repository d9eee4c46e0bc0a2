import { Button, MessageBar, MessageBarBody, MessageBarTitle, Spinner } from "@fluentui/react-components";
import { useEffect, useState } from "react";
import type { PolicySection, SchoolRole, SchoolSettings } from "../../../src/http/tab-api/contract";
import { type ApiClient, failureText } from "../api-client";
import { momentOf } from "../london-time";
import { Facts } from "../ui/facts";
import { useLayout } from "../ui/layout";
import { type Outcome, OutcomeMessage } from "../ui/outcome-message";
import { Problem } from "../ui/problem";
import { saveDownload } from "../ui/save-download";

const NO_CHANNEL = "None chosen: alerts for the safeguarding channel go to the DSL and deputy DSLs in their 1:1 chats.";

/**
 * The school's settings and roles, read only: everything for the head and admin, with the policy file to download;
 * where safeguarding alerts go for the DSL. Changes are made on the settings cards in Teams, which the view says how
 * to open.
 */
export default function SchoolView({ api }: { api: ApiClient }) {
  const layout = useLayout();
  const [settings, setSettings] = useState<SchoolSettings | string>();
  const [download, setDownload] = useState<Outcome>();
  useEffect(() => {
    api.get<SchoolSettings>("/school").then(setSettings, (error: unknown) => setSettings(failureText(error)));
  }, [api]);

  const savePolicy = async () => setDownload(await saveDownload(api, "/school/policy.json"));

  return (
    <section aria-labelledby="school-heading" className={layout.section}>
      <h2 id="school-heading" className={layout.heading}>
        {typeof settings === "object" && settings.shown === "alert-channel" ? "Where safeguarding alerts go" : "The school's settings and roles"}
      </h2>
      {settings === undefined && <Spinner label="Loading the school's settings…" />}
      {typeof settings === "string" && <Problem title="The school's settings cannot be shown.">{settings}</Problem>}
      {typeof settings === "object" && (
        <>
          <p className={layout.quiet}>{settings.howToChange}</p>
          {settings.state === "setting-up" && (
            <MessageBar intent="warning" layout="multiline">
              <MessageBarBody>
                <MessageBarTitle>Still being set up.</MessageBarTitle> Nobody can ask for a home visit until every role the policy relies on is held.
              </MessageBarBody>
            </MessageBar>
          )}
          <Facts
            rows={[
              ["Alert channel", settings.alertChannel ? `“${settings.alertChannel.name}”` : NO_CHANNEL],
              ["Chosen by", settings.alertChannelChosenBy],
              ["Staff team members", settings.teamMembers === undefined ? undefined : `${settings.teamMembers} known to the app: roles go to them`],
              ["Policy", settings.policy && policyVersion(settings.policy)],
            ]}
          />
          {settings.shown === "everything" && (
            <>
              <div className={layout.actions}>
                <Button onClick={() => void savePolicy()}>Download the policy file (JSON)</Button>
              </div>
              <p className={layout.quiet}>The file never holds the code word.</p>
              <OutcomeMessage outcome={download} />
            </>
          )}
          {settings.roles && <Roles roles={settings.roles} />}
          {settings.summary && <Summary sections={settings.summary} />}
        </>
      )}
    </section>
  );
}

function policyVersion(policy: NonNullable<SchoolSettings["policy"]>): string {
  const made = policy.changedBy && policy.changedAt ? `, made by ${policy.changedBy} on ${momentOf(policy.changedAt)}` : "";
  return `Version ${policy.version}${made}${policy.change ? `: ${policy.change}` : "."}`;
}

function Roles({ roles }: { roles: SchoolRole[] }) {
  const layout = useLayout();
  return (
    <>
      <h3 id="roles-heading" className={layout.cardHeading}>
        Roles
      </h3>
      <ul className={layout.list} aria-labelledby="roles-heading">
        {roles.map((role) => (
          <li key={role.role} className={layout.card}>
            <h4 className={layout.cardHeading}>{role.name}</h4>
            <p className={layout.quiet}>{role.purpose}.</p>
            <Facts rows={[["Held by", role.holders.length > 0 ? role.holders.join(", ") : "Nobody"]]} />
            {role.neededFor && (
              <p className={layout.alertText}>
                <strong>Needed before the school can run.</strong> In the policy this role {role.neededFor.join(", and ")}.
              </p>
            )}
          </li>
        ))}
      </ul>
    </>
  );
}

function Summary({ sections }: { sections: PolicySection[] }) {
  const layout = useLayout();
  return (
    <>
      <h3 id="policy-heading" className={layout.cardHeading}>
        The policy
      </h3>
      <ul className={layout.list} aria-labelledby="policy-heading">
        {sections.map((section) => (
          <li key={section.title} className={layout.card}>
            <h4 className={layout.cardHeading}>{section.title}</h4>
            <Facts rows={section.settings.map(({ label, value }) => [label, typeof value === "string" ? value : <ValueList key={label} items={value} />])} />
          </li>
        ))}
      </ul>
    </>
  );
}

function ValueList({ items }: { items: string[] }) {
  return (
    <ul>
      {items.map((item) => (
        <li key={item}>{item}</li>
      ))}
    </ul>
  );
}
