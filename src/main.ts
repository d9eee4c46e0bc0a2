/**
 * Composition root: configuration → adapters → ports → use cases → HTTP. The one place that wires.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Clock, Logger, SchoolRecord, VisitStore } from "./app/ports";
import { type DemoTeam, seedDemoSchool } from "./app/demo-school";
import { SchoolService } from "./app/school.service";
import { Schools } from "./app/schools";
import { loadTemplates } from "./policy/policy.templates";
import { TableSchoolStore } from "./storage/school.table-store";
import { SchoolActions } from "./teams/school-actions";
import { OfficeService } from "./app/office.service";
import { PendingApprovals } from "./app/pending-approvals";
import { ReviewService } from "./app/review.service";
import { StaffService } from "./app/staff.service";
import { VisitService } from "./app/visit.service";
import { type Config, ConfigError, parseConfig } from "./config/env";
import { projectFile } from "./config/project-files";
import { createHttpApp, listen } from "./http/server";
import { createLogger } from "./log/create-logger";
import { ssoVerifier } from "./http/sso-token";
import { tabRouter } from "./http/tab-api/tab-router";
import { TabUseCases } from "./http/tab-api/tab-use-cases";
import { loadPolicyFile, PolicyFileError } from "./policy/policy.loader";
import { type EmbeddedAzurite, startEmbeddedAzurite } from "./storage/embedded-azurite";
import { TableConversationStore } from "./storage/conversation.table-store";
import { CachedConversationStore } from "./app/conversation-cache";
import { visitIdAt } from "./domain/visit-id";
import { TableStaffDirectory } from "./storage/staff.table-store";
import { openTables, type StorageConnection, type TablesOptions } from "./storage/tables";
import { moveLegacyDayIndex } from "./storage/legacy-day-index";
import { TableVisitStore } from "./storage/visit.table-store";
import { createBotAdapter, messagesEndpoint } from "./teams/bot-adapter";
import { CardActions } from "./teams/card-actions";
import { CardViews } from "./teams/card-views";
import { ConversationCapture } from "./teams/conversation-capture";
import { HomeVisitsBot } from "./teams/home-visits.bot";
import { WorkReplies } from "./teams/work-replies";
import { TeamsSender } from "./teams/teams-sender";
import { OutboxDispatcher } from "./app/outbox.dispatcher";
import { SafetyNetWatch } from "./escalation/safety-net-watch";
import { DEFAULT_SWEEPER, Sweeper, type SweeperOptions } from "./escalation/sweeper";
import { TableDueIndex } from "./storage/due-index.table-store";
import { TableOutbox } from "./storage/outbox.table-store";
import type { RetentionRecord } from "./app/data-protection-ports";
import { RetentionService } from "./app/retention.service";
import { StaffDataService } from "./app/staff-data.service";
import { dailyRetention } from "./retention/daily-retention";
import { TableDataProtectionLedger } from "./storage/data-protection.table-store";
import { TableVisitArchive } from "./storage/visit-archive.table-store";

export interface RunningApp {
  /** Where the bot listens, e.g. http://127.0.0.1:3978 */
  url: string;
  schools: Schools;
  /** The example school the local demo was started with, when there is one. */
  demoSchool?: SchoolRecord;
  store: VisitStore;
  /** Runs one sweep now (tests and benchmarks drive time themselves); resolves how many visits it handled. */
  sweepOnce(): Promise<number>;
  /** Runs today's retention job now, unless it was done today; resolves what it removed. */
  retainOnce(): Promise<RetentionRecord | undefined>;
  stop(): Promise<void>;
}

/** What tests and benchmarks may swap: the clock, the log, and a storage request observer. */
export interface Overrides {
  clock?: Clock;
  log?: Logger;
  /** Sets the example school up in the local client's team, as the embedded default does. */
  demo?: boolean;
  onStorageRequest?: TablesOptions["onRequest"];
  /** false: no background sweeps (a test calls sweepOnce with its own clock). */
  sweeper?: Partial<SweeperOptions> | false;
  /** false: no daily retention job in the background (a test calls retainOnce with its own clock). */
  retention?: false;
}

/** The local client's team (scripts/playground-config.json), where the local demo's example school is set up. */
const PLAYGROUND_CONFIG = projectFile("scripts", "playground-config.json");

function playgroundTeam(): DemoTeam {
  const config = JSON.parse(readFileSync(PLAYGROUND_CONFIG, "utf8")) as { team: { id: string; channels: { id: string; name: string }[] } };
  const channel = config.team.channels.find((c) => c.name === "Safeguarding") ?? config.team.channels[0]!;
  return { teamId: config.team.id, alertChannel: channel };
}

const systemClock: Clock = { now: () => new Date() };
/** How long /healthz waits for storage: App Service counts a check that takes longer than a few seconds as failed. */
const HEALTH_STORAGE_TIMEOUT_MS = 2_000;

export async function startApp(config: Config, overrides: Overrides = {}): Promise<RunningApp> {
  const log: Logger & { flush?: () => Promise<void> } = overrides.log ?? (await createLogger(config));
  const clock = overrides.clock ?? systemClock;
  const templates = loadTemplates();

  let azurite: EmbeddedAzurite | undefined;
  let connection: StorageConnection;
  if (!config.storage) {
    azurite = await startEmbeddedAzurite({ persistence: { location: config.azuriteLocation } });
    connection = azurite.connectionString;
  } else {
    connection = "connectionString" in config.storage ? config.storage.connectionString : { accountUrl: config.storage.accountUrl };
  }
  let server: Server | undefined;
  try {
    const tables = await openTables(connection, {
      prefix: config.tablePrefix,
      ...(overrides.onStorageRequest ? { onRequest: overrides.onStorageRequest } : {}),
    });
    const moved = await moveLegacyDayIndex(tables);
    if (moved > 0) log.info("day index moved to its monthly tables", { rows: moved });
    const store = new TableVisitStore(tables);
    const conversations = new CachedConversationStore(new TableConversationStore(tables), clock);
    const staff = new TableStaffDirectory(tables);
    // Each instance takes the entries it scheduled, and is told of them as they are written (the sweeper sleeps between).
    const due = new TableDueIndex(tables, { owner: randomUUID() });
    const schoolStore = new TableSchoolStore(tables);
    const schools = new Schools(schoolStore, clock);
    const schoolService = new SchoolService(schoolStore, schools, staff, store, templates, clock, log);

    const adapter = createBotAdapter(config.credentials, log);
    const views = new CardViews(schools, staff, clock);
    const sender = new TeamsSender(adapter, config.credentials?.appId ?? "", config.tenantId, schools, conversations, staff, views, log);
    const outbox = new TableOutbox(tables);
    const dispatcher = new OutboxDispatcher(outbox, sender, clock, log);
    const service = new VisitService({ schools, store, due, staff, dispatcher, clock, newId: () => visitIdAt(clock.now(), randomBytes(10)), log });
    const capture = new ConversationCapture(conversations, staff, schools, log);
    // The local demo: the example school set up as a school sets itself up in Teams, ready to try.
    const demoSchool = azurite || overrides.demo ? await seedDemoSchool(schoolService, staff, loadPolicyFile(config.schoolProfile), playgroundTeam(), clock.now()) : undefined;
    const staffService = new StaffService(schools, staff, clock, log);
    const reviews = new ReviewService(schools, store, config.trustLeads);
    const office = new OfficeService(schools, store, outbox, clock);
    const ledger = new TableDataProtectionLedger(tables);
    const visitArchive = new TableVisitArchive(tables);
    const staffData = new StaffDataService({
      schools,
      schoolService,
      schoolStore,
      store,
      visits: visitArchive,
      directory: staff,
      staff,
      conversations,
      policies: schoolStore,
      ledger,
      clock,
      log,
      newPseudonymId: randomUUID,
    });
    const work = new WorkReplies(office, new PendingApprovals(schools, store, clock), schools, views);
    const actions = new CardActions(service, schools, staffService, views, clock, log, staffData);
    const bot = new HomeVisitsBot({
      service,
      actions,
      schoolActions: new SchoolActions(schoolService, capture, log),
      reviews,
      work,
      views,
      capture,
      schools,
      schoolService,
      tenantId: config.tenantId,
      clock,
      log,
    });
    const sweeperOptions = { ...DEFAULT_SWEEPER, intervalMs: config.sweepIntervalMs, ...(overrides.sweeper || {}) };
    const sweeper = new Sweeper(service, due, clock, log, sweeperOptions);
    due.onScheduled = (at) => sweeper.wakeBy(at);
    const watch = new SafetyNetWatch(sweeper, (limit, signal) => outbox.countFailing(limit, signal), clock, log, {
      sweepIntervalMs: sweeperOptions.intervalMs,
      storageTimeoutMs: HEALTH_STORAGE_TIMEOUT_MS,
    });
    const retention = new RetentionService({
      schools,
      policies: schoolStore,
      visits: visitArchive,
      staff,
      conversations,
      ledger,
      clock,
      log,
      logRetentionDays: config.logRetentionDays,
    });
    const retentionDaily = dailyRetention(retention, log);

    const tab = new TabUseCases({ schools, visits: service, office, reviews, staff: staffService, schoolService, store, directory: staff, staffData, clock });
    const tabRoutes = tabRouter({ useCases: tab, ...(config.tabSso ? { verify: ssoVerifier(config.tabSso) } : {}), webRoot: projectFile("dist", "web"), log });
    const http = createHttpApp(messagesEndpoint(adapter, bot), log, { mounted: { "/tab": tabRoutes }, health: () => watch.health() });
    server = await listen(http, config.host, config.port);
    const { port } = server.address() as AddressInfo;
    const running = server;
    if (overrides.sweeper !== false) {
      sweeper.start();
      watch.start();
    }
    if (overrides.retention !== false) retentionDaily.start();
    return {
      url: `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${port}`,
      schools,
      ...(demoSchool ? { demoSchool } : {}),
      store,
      sweepOnce: () => sweeper.sweepOnce(),
      retainOnce: () => retention.runIfDue(),
      async stop() {
        await watch.stop();
        await sweeper.stop();
        await retentionDaily.stop();
        await new Promise<void>((resolve) => running.close(() => resolve()));
        await store.settled();
        await azurite?.stop();
        await log.flush?.();
      },
    };
  } catch (error) {
    server?.close();
    await azurite?.stop();
    throw error;
  }
}

async function printHowToChat(app: RunningApp, config: Config): Promise<void> {
  const schools = await app.schools.list();
  const schoolLines = schools.map((school) => {
    const channel = school.policy.alertChannel;
    const state = school.state === "active" ? "running" : "being set up";
    return `    ${school.name} (${state}): ${channel ? `safeguarding alerts go to the channel "${channel.name}"` : "NO ALERT CHANNEL IS SET: alerts go 1:1 to the DSL and deputies"}`;
  });
  const lines = [
    "",
    `Home Visits for Teams is running (${schools.length} school${schools.length === 1 ? "" : "s"}).`,
    `  Bot endpoint:  ${app.url}/api/messages`,
    config.storage
      ? "  Storage:       the configured Azure Table Storage"
      : `  Storage:       embedded Azurite, data in ${config.azuriteLocation}/ (demo: fictional staff records for the visitors)`,
    app.demoSchool ? `  Example school: ${app.demoSchool.name}, set up from ${config.schoolProfile}` : undefined,
    config.credentials
      ? `  Auth:          Bot Framework tokens required (app id ${config.credentials.appId}), tenant ${config.tenantId} only`
      : `  Auth:          none (no MICROSOFT_APP_ID): listening on loopback only, for local use; tenant ${config.tenantId} only`,
    "  Schools:",
    ...(schoolLines.length > 0 ? schoolLines : ['    none yet: add the app to a school\'s staff team in Teams and type "settings" there']),
    `  Tab:           ${app.url}/tab/ (${config.tabSso ? "single sign-on for the school's tenant" : "no TAB_SSO_CLIENT_ID: its API refuses every call"})`,
    "",
    "To chat with it, in another terminal:  npm run playground",
    "  then open http://localhost:56150, click the team's General channel once (the bot then learns who",
    "  is in the team), and type \"new visit\" in the 1:1 chat (you are Alex Rivers, a visitor).",
    "  To be another person at the same time, in a third terminal:  npm run playground -- --as headteacher",
    "  (or --as dsl): each person gets a port and a browser tab of their own (56151, 56152, ...).",
    "Press Ctrl-C to stop.",
    "",
  ];
  process.stdout.write(lines.filter((line) => line !== undefined).join("\n"));
}

async function main(): Promise<void> {
  if (existsSync(".env")) process.loadEnvFile(".env");
  let config: Config;
  let app: RunningApp;
  try {
    config = parseConfig(process.env);
    app = await startApp(config);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof PolicyFileError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  await printHowToChat(app, config);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    process.stdout.write("\nStopping…\n");
    await app.stop();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop());
  process.on("SIGTERM", () => void stop());
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`Home Visits could not start: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
