import { performance } from "node:perf_hooks";
import type { PipelinePolicy } from "@azure/core-rest-pipeline";
import { TableClient, TableServiceClient, type TableServiceClientOptions } from "@azure/data-tables";
import { DefaultAzureCredential } from "@azure/identity";
import { isBehindTheAnswer } from "./behind-the-answer";
import { tryTimeoutPolicy } from "./try-timeout";
import { MonthlyTables } from "./monthly-tables";
import { VisitTables } from "./visit-tables";

/**
 * The project's tables by role. A stored table's name is the prefix followed by the name here. The families below
 * have a table per month, made as they are needed (monthly-tables.ts). docs/DATA-PROTECTION.md says what each holds
 * and how long, and a test fails if a table here is missing from it or from the retention job.
 */
export const TABLE_NAMES = {
  staff: "staff",
  conversations: "conversations",
  outboxFailing: "outboxfailing",
  due: "due",
  schools: "schools",
  dataProtection: "dataprotection",
} as const;

/** Tables made a month at a time: visits by the month they were requested, the day index by the month of the day. */
export const MONTHLY_TABLE_FAMILIES = {
  visits: "visits",
  visitsByDay: "visitsbyday",
} as const;

/** The name of the legacy day index, one table for every day, which builds before ADR 0005 wrote (legacy-day-index.ts). */
const LEGACY_DAY_INDEX = "visitsbyday";

export type TableRole = keyof typeof TABLE_NAMES;
export type Tables = Record<TableRole, TableClient> & {
  visits: VisitTables;
  visitsByDay: MonthlyTables;
  /** The legacy day index, to move its rows into the monthly tables and drop it (legacy-day-index.ts). */
  legacyDayIndex: TableClient;
};

/** What a request observer sees of each HTTP request; nothing of the SDK's types leaks out. */
export interface ObservedRequest {
  method: string;
  url: string;
  /** performance.now() when it was sent, and when its answer (or failure) came back: which requests overlapped. */
  startedAt: number;
  endedAt?: number;
  /** The HTTP status of the answer (412: another writer got there first); absent when none came. */
  status?: number;
  /** Sent by work nobody waits for (`behindTheAnswer`): a person's answer never includes it. */
  background?: true;
}

export interface TablesOptions {
  /** Letters and digits, starting with a letter: lets several deployments or test files share one account. */
  prefix?: string;
  /** Called for every HTTP request sent, retries included, so a benchmark can count storage round trips. */
  onRequest?: (request: ObservedRequest) => void;
}

/**
 * A failing request is retried a few times quickly: a person is waiting on a Teams card that gives up after
 * about 10 s, and the use case tells them plainly when storage is unreachable. The SDK's default backs off
 * for up to 7 s per request. Throttling answers (Retry-After) are still honoured by the SDK.
 */
export const RETRY = { maxRetries: 3, retryDelayInMs: 100, maxRetryDelayInMs: 1_000 };
/**
 * How long each try may wait for its answer. A table operation is answered in tens of milliseconds, so a try
 * still unanswered after this is stuck (storage paused, a connection gone quiet), and a fresh try on a fresh
 * connection is the better bet. With the retries above, a request that storage never answers fails in under
 * 7 s (four tries and up to 0.7 s of back-off) rather than hanging for as long as the socket stays open.
 */
export const TRY_TIMEOUT_MS = 1_500;

/**
 * Where the tables live: a connection string (Azurite, or an account key), or an account URL reached with
 * the app's managed identity (DefaultAzureCredential; AZURE_CLIENT_ID picks a user-assigned identity).
 */
export type StorageConnection = string | { accountUrl: string };

/** Opens the project's tables, creating any that are missing. */
export async function openTables(connection: StorageConnection, options: TablesOptions = {}): Promise<Tables> {
  const prefix = options.prefix ?? "";
  if (!/^([A-Za-z][A-Za-z0-9]*)?$/.test(prefix) || prefix.length > 40) {
    throw new Error("The table prefix must start with a letter and hold only letters and digits (at most 40).");
  }
  const perTry = [tryTimeoutPolicy(TRY_TIMEOUT_MS), ...(options.onRequest ? [observer(options.onRequest)] : [])];
  const clientOptions: TableServiceClientOptions = {
    retryOptions: RETRY,
    // Plain http is what Azurite speaks; an https endpoint is unaffected by this.
    allowInsecureConnection:
      typeof connection === "string" && /TableEndpoint=http:|DefaultEndpointsProtocol=http;|UseDevelopmentStorage=true/i.test(connection),
    additionalPolicies: perTry.map((policy) => ({ policy, position: "perRetry" as const })),
  };
  const entries = Object.entries(TABLE_NAMES) as [TableRole, string][];
  const credential = typeof connection === "string" ? undefined : new DefaultAzureCredential();
  const clientFor = (table: string) =>
    typeof connection === "string"
      ? TableClient.fromConnectionString(connection, table, clientOptions)
      : new TableClient(connection.accountUrl, table, credential!, clientOptions);
  const account =
    typeof connection === "string"
      ? TableServiceClient.fromConnectionString(connection, clientOptions)
      : new TableServiceClient(connection.accountUrl, credential!, clientOptions);
  const clients = entries.map(([role, name]) => [role, clientFor(prefix + name)] as const);
  // createTable already treats "table exists" (409) as success.
  await Promise.all(clients.map(([, client]) => client.createTable()));
  return {
    ...(Object.fromEntries(clients) as Record<TableRole, TableClient>),
    visits: new VisitTables(new MonthlyTables(prefix, MONTHLY_TABLE_FAMILIES.visits, account, clientFor)),
    visitsByDay: new MonthlyTables(prefix, MONTHLY_TABLE_FAMILIES.visitsByDay, account, clientFor),
    legacyDayIndex: clientFor(prefix + LEGACY_DAY_INDEX),
  };
}

function observer(onRequest: (request: ObservedRequest) => void): PipelinePolicy {
  return {
    name: "observeStorageRequests",
    async sendRequest(request, next) {
      const observed: ObservedRequest = {
        method: request.method,
        url: request.url,
        startedAt: performance.now(),
        ...(isBehindTheAnswer() ? { background: true as const } : {}),
      };
      onRequest(observed);
      try {
        const response = await next(request);
        observed.status = response.status;
        return response;
      } finally {
        observed.endedAt = performance.now();
      }
    },
  };
}
