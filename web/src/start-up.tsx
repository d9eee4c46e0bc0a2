import { FluentProvider, makeStyles, Spinner, tokens } from "@fluentui/react-components";
import { lazy, Suspense, useEffect, useMemo, useState } from "react";
import { ApiClient } from "./api-client";
import { connectToTeams, type TeamsConnection, type TeamsTheme } from "./teams-connection";
import { FLUENT_THEMES } from "./theme";
import { Problem } from "./ui/problem";
import { TabApp } from "./tab-app";

/** Only the channel tab's configuration page needs it, once per channel. */
const ConfigPage = lazy(() => import("./config-page"));

const useStyles = makeStyles({
  root: { minHeight: "100vh", backgroundColor: tokens.colorNeutralBackground3, color: tokens.colorNeutralForeground1 },
  page: { maxWidth: "64rem", margin: "0 auto", padding: `${tokens.spacingVerticalM} ${tokens.spacingHorizontalM}`, boxSizing: "border-box" },
});

type Phase = { name: "connecting" } | { name: "connected"; teams: TeamsConnection } | { name: "failed"; message: string };

/** Connects to Teams, then shows the board (or, at /tab/config, the channel tab's configuration) in the Teams theme. */
export function StartUp() {
  const styles = useStyles();
  const [phase, setPhase] = useState<Phase>({ name: "connecting" });
  const [theme, setTheme] = useState<TeamsTheme>("default");

  useEffect(() => {
    connectToTeams().then(
      (teams) => {
        setTheme(teams.theme);
        teams.onThemeChange(setTheme);
        setPhase({ name: "connected", teams });
      },
      (error: unknown) => setPhase({ name: "failed", message: error instanceof Error ? error.message : String(error) }),
    );
  }, []);

  const teams = phase.name === "connected" ? phase.teams : undefined;
  const api = useMemo(() => (teams ? new ApiClient(teams.token) : undefined), [teams]);
  const configuring = window.location.pathname.replace(/\/$/, "").endsWith("/config");

  return (
    <FluentProvider theme={FLUENT_THEMES[theme]} className={styles.root} data-theme={theme}>
      <div className={styles.page}>
        {phase.name === "connecting" && <Spinner label="Connecting to Teams…" />}
        {phase.name === "failed" && <Problem title="The board cannot open.">{phase.message}</Problem>}
        {api && configuring && (
          <Suspense fallback={<Spinner label="Loading…" />}>
            <ConfigPage />
          </Suspense>
        )}
        {api && !configuring && <TabApp api={api} {...(teams?.teamId ? { teamId: teams.teamId } : {})} />}
      </div>
    </FluentProvider>
  );
}
