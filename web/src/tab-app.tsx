import { Button, Field, makeStyles, Select, Spinner, Tab, TabList, tokens, typographyStyles } from "@fluentui/react-components";
import { lazy, type ReactNode, Suspense, useCallback, useEffect, useMemo, useState } from "react";
import type { Me, SchoolAccess, ViewId } from "../../src/http/tab-api/contract";
import { type ApiClient, ApiFailure, asFailure } from "./api-client";
import { BoardAnnouncer } from "./board-announcer";
import { ConnectionStatus } from "./connection-status";
import { useBoard } from "./use-board";
import { Problem } from "./ui/problem";
import TodayView from "./views/today-view";

// Today is what most people open the tab for: it comes with the page, the other views when first chosen.
const AlertsView = lazy(() => import("./views/alerts-view"));
const ApprovalsView = lazy(() => import("./views/approvals-view"));
const RecordsView = lazy(() => import("./views/records-view"));
const ReviewView = lazy(() => import("./views/review-view"));
const StaffView = lazy(() => import("./views/staff-view"));
const SchoolView = lazy(() => import("./views/school-view"));

const VIEW_NAMES: Record<ViewId, string> = {
  today: "Today",
  alerts: "Alerts",
  approvals: "Approvals",
  records: "Records",
  review: "Review",
  staff: "Staff",
  school: "School",
};

const useStyles = makeStyles({
  header: { display: "flex", flexWrap: "wrap", alignItems: "baseline", columnGap: tokens.spacingHorizontalM, marginBottom: tokens.spacingVerticalS },
  title: { ...typographyStyles.title3, margin: 0 },
  who: { color: tokens.colorNeutralForeground2, margin: 0 },
  nav: { overflowX: "auto", marginBottom: tokens.spacingVerticalS },
});

/**
 * The signed-in person's tab: who they are, the school it is about (the channel tab's own team's school, else their
 * first; staff of several schools can switch), the views their roles there open, and the one chosen.
 */
export function TabApp({ api, teamId }: { api: ApiClient; teamId?: string }) {
  const [me, setMe] = useState<Me | ApiFailure>();
  const signIn = useCallback(
    () => api.get<Me>("/me").then(setMe, (error: unknown) => setMe(asFailure(error))),
    [api],
  );
  useEffect(() => void signIn(), [signIn]);
  const retry = () => {
    setMe(undefined);
    void signIn();
  };

  if (!me) return <Spinner label="Signing you in…" />;
  if (me instanceof ApiFailure) {
    return (
      <Problem title={me.isLostContact ? "The server cannot be reached." : "You cannot use the board."}>
        {me.message} {me.isLostContact && <Button onClick={retry}>Try again</Button>}
      </Problem>
    );
  }
  return <SchoolChosen me={me} api={api} {...(teamId ? { teamId } : {})} />;
}

function SchoolChosen({ me, api, teamId }: { me: Me; api: ApiClient; teamId?: string }) {
  const [schoolId, setSchoolId] = useState(() => (me.schools.find((s) => s.teamId === teamId) ?? me.schools[0]!).id);
  const school = me.schools.find((s) => s.id === schoolId)!;
  const atSchool = useMemo(() => api.atSchool(school.id), [api, school.id]);
  const choice =
    me.schools.length > 1 ? (
      <Field label="School">
        <Select value={school.id} onChange={(_, data) => setSchoolId(data.value)}>
          {me.schools.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </Select>
      </Field>
    ) : undefined;
  // A school of its own state: nothing of one school's board or forms carries over to another's.
  return <SignedIn key={school.id} me={me} school={school} api={atSchool} choice={choice} />;
}

function SignedIn({ me, school, api, choice }: { me: Me; school: SchoolAccess; api: ApiClient; choice: ReactNode }) {
  const styles = useStyles();
  // Today where the person has it; else the one view they have (Review for a trust lead, School while setting up).
  const [view, setView] = useState<ViewId>(school.views[0]!);
  const board = useBoard(api, school.views.includes("today"));
  const openAlerts = board.board?.visits.reduce((n, v) => n + v.alerts.length, 0) ?? 0;

  const label = (id: ViewId) => (id === "alerts" && openAlerts > 0 ? `${VIEW_NAMES.alerts} (${openAlerts})` : VIEW_NAMES[id]);
  return (
    <>
      <header className={styles.header}>
        <h1 className={styles.title}>Home visits</h1>
        <p className={styles.who}>
          {school.name} · {me.name}
        </p>
      </header>
      {choice}
      <nav aria-label="Views" className={styles.nav}>
        <TabList selectedValue={view} onTabSelect={(_, data) => setView(data.value as ViewId)}>
          {school.views.map((id) => (
            <Tab key={id} id={`view-${id}`} value={id}>
              {label(id)}
            </Tab>
          ))}
        </TabList>
      </nav>
      <main>
        <div role="tabpanel" aria-labelledby={`view-${view}`}>
          {(view === "today" || view === "alerts") && <ConnectionStatus state={board} />}
          <Suspense fallback={<Spinner label="Loading…" />}>
            {view === "today" && <TodayView state={board} />}
            {view === "alerts" && <AlertsView state={board} api={api} />}
            {view === "approvals" && <ApprovalsView api={api} />}
            {view === "records" && <RecordsView api={api} today={me.today} />}
            {view === "review" && <ReviewView api={api} today={me.today} />}
            {view === "staff" && <StaffView api={api} />}
            {view === "school" && <SchoolView api={api} />}
          </Suspense>
        </div>
      </main>
      <BoardAnnouncer board={board.board} />
    </>
  );
}
