/**
 * Composition root: configuration → adapters → ports → use cases → HTTP. The one place that wires.
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { Clock, Logger, VisitStore } from "./app/ports";
import { OfficeService } from "./app/office.service";
import { ReviewService } from "./app/review.service";
import { seedDemoStaffRecords } from "./app/demo-staff";
import { StaffService } from "./app/staff.service";
import { VisitService } from "./app/visit.service";
import { type Config, ConfigError, parseConfig } from "./config/env";
import { createHttpApp, listen } from "./http/server";
import { ssoVerifier } from "./http/sso-token";
import { tabRouter } from "./http/tab-api/tab-router";
import { TabUseCases } from "./http/tab-api/tab-use-cases";
import { jsonLogger } from "./log/json-logger";
import { loadPolicyFile, PolicyFileError } from "./policy/policy.loader";
import type { PolicyProfile } from "./policy/policy.schema";
import { type EmbeddedAzurite, startEmbeddedAzurite } from "./storage/embedded-azurite";
import { TableConversationStore } from "./storage/conversation.table-store";
import { CachedConversationStore } from "./app/conversation-cache";
import { visitIdAt } from "./domain/visit-id";
import { TableStaffDirectory } from "./storage/staff.table-store";
import { openTables, type StorageConnection, type TablesOptions } from "./storage/tables";
import { TableVisitStore } from "./storage/visit.table-store";
import { createBotAdapter, messagesEndpoint } from "./teams/bot-adapter";
import { CardActions } from "./teams/card-actions";
import { CardViews } from "./teams/card-views";
import { ConversationCapture } from "./teams/conversation-capture";
import { HomeVisitsBot } from "./teams/home-visits.bot";
import { TeamsSender } from "./teams/teams-sender";
import { OutboxDispatcher } from "./app/outbox.dispatcher";
import { DEFAULT_SWEEPER, Sweeper, type SweeperOptions } from "./escalation/sweeper";
import { TableDueIndex } from "./storage/due-index.table-store";
import { TableOutbox } from "./storage/outbox.table-store";

export interface RunningApp {
  /** Where the bot listens, e.g. http://127.0.0.1:3978 */
  url: string;
  policy: PolicyProfile;
  store: VisitStore;
  /** Runs one sweep now (tests and benchmarks drive time themselves); resolves how many visits it handled. */
  sweepOnce(): Promise<number>;
  stop(): Promise<void>;
}

/** What tests and benchmarks may swap: the clock, the log, and a storage request observer. */
export interface Overrides {
  clock?: Clock;
  log?: Logger;
  policy?: PolicyProfile;
  onStorageRequest?: TablesOptions["onRequest"];
  /** false: no background sweeps (a test calls sweepOnce with its own clock). */
  sweeper?: Partial<SweeperOptions> | false;
}

const systemClock: Clock = { now: () => new Date() };

export async function startApp(config: Config, overrides: Overrides = {}): Promise<RunningApp> {
  const log = overrides.log ?? jsonLogger(config.logLevel);
  const policy = overrides.policy ?? loadPolicyFile(config.schoolProfile);
  const clock = overrides.clock ?? systemClock;

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
    const store = new TableVisitStore(tables);
    const conversations = new CachedConversationStore(new TableConversationStore(tables), clock);
    const staff = new TableStaffDirectory(tables);
    const due = new TableDueIndex(tables);

    const adapter = createBotAdapter(config.credentials, log);
    const views = new CardViews(policy, staff, clock);
    const sender = new TeamsSender(adapter, config.credentials?.appId ?? "", policy, conversations, staff, views, log);
    const outbox = new TableOutbox(tables);
    const dispatcher = new OutboxDispatcher(outbox, sender, clock, log);
    const service = new VisitService({ policy, store, due, staff, dispatcher, clock, newId: () => visitIdAt(clock.now(), randomBytes(10)), log });
    const capture = new ConversationCapture(conversations, staff, log);
    // The local demo needs complete staff records before the example school's policy lets anyone approve a visit.
    if (azurite) await seedDemoStaffRecords(policy, staff, clock.now());
    const reviews = new ReviewService(policy, store);
    const staffService = new StaffService(policy, staff, clock, log);
    const office = new OfficeService(policy, store, outbox, clock);
    const actions = new CardActions(service, staffService, views, clock, log);
    const bot = new HomeVisitsBot(service, actions, reviews, office, views, capture, clock, log);
    const sweeper = new Sweeper(service, due, clock, log, { ...DEFAULT_SWEEPER, intervalMs: config.sweepIntervalMs, ...(overrides.sweeper || {}) });

    const http = createHttpApp(messagesEndpoint(adapter, bot), log);
    const tab = new TabUseCases({ policy, visits: service, office, reviews, staff: staffService, store, directory: staff, clock });
    http.use("/tab", tabRouter({ useCases: tab, ...(config.tabSso ? { verify: ssoVerifier(config.tabSso) } : {}), webRoot: path.resolve("dist", "web"), log }));
    server = await listen(http, config.host, config.port);
    const { port } = server.address() as AddressInfo;
    const running = server;
    if (overrides.sweeper !== false) sweeper.start();
    return {
      url: `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${port}`,
      policy,
      store,
      sweepOnce: () => sweeper.sweepOnce(),
      async stop() {
        await sweeper.stop();
        await new Promise<void>((resolve) => running.close(() => resolve()));
        await azurite?.stop();
      },
    };
  } catch (error) {
    server?.close();
    await azurite?.stop();
    throw error;
  }
}

function printHowToChat(app: RunningApp, config: Config): void {
  const lines = [
    "",
    `Home Visits for Teams is running for ${app.policy.school.name}.`,
    `  Bot endpoint:  ${app.url}/api/messages`,
    config.storage
      ? "  Storage:       the configured Azure Table Storage"
      : `  Storage:       embedded Azurite, data in ${config.azuriteLocation}/ (demo: fictional staff records for the visitors)`,
    `  School policy: ${config.schoolProfile}`,
    config.credentials
      ? `  Auth:          Bot Framework tokens required (app id ${config.credentials.appId})`
      : "  Auth:          none (no MICROSOFT_APP_ID): listening on loopback only, for local use",
    `  Tab:           ${app.url}/tab/ (${config.tabSso ? "single sign-on for the school's tenant" : "no TAB_SSO_CLIENT_ID: its API refuses every call"})`,
    "",
    "To chat with it, in another terminal:  npm run playground",
    "  then open http://localhost:56150, click the team's General channel once (the bot then learns who",
    "  is in the team and where its Safeguarding channel is), and type \"new visit\" in the 1:1 chat",
    "  (you are Alex Rivers, a visitor).",
    "  To act as another person, restart it with:  npm run playground -- --as headteacher   (or --as dsl)",
    "Press Ctrl-C to stop.",
    "",
  ];
  process.stdout.write(lines.join("\n"));
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
  printHowToChat(app, config);
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
