import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One request the bot made to the Bot Connector. */
export interface ConnectorCall {
  method: string;
  path: string;
  conversationId?: string;
  body: Record<string, unknown>;
  at: number;
  /** What the fake answered (say, the id of a posted activity), once it has. */
  answer?: { status: number; body?: unknown };
}

/** Lets a test script the connector's answer (say, 429 with Retry-After) before the default one. */
export type ConnectorScript = (call: ConnectorCall) => { status: number; headers?: Record<string, string>; body?: unknown } | undefined;

/**
 * A local stand-in for the Bot Connector service, on loopback. It records every activity the bot sends
 * (replies, proactive messages, new 1:1 chats, updates) and answers as the real service does.
 */
export class FakeConnector {
  readonly calls: ConnectorCall[] = [];
  script: ConnectorScript = () => undefined;
  /** The team's roster, as GET /v3/conversations/{id}/pagedmembers pages it. */
  members: { id: string; name: string; aadObjectId: string }[] = [];
  /** The team's channels, as GET /v3/teams/{id}/conversations lists them (General has no name). */
  channels: { id: string; name?: string }[] = [];
  /** Teams of their own, by team id, where a test has several: their channels and members instead of the lists above. */
  teams: Record<string, { channels: { id: string; name?: string }[]; members: { id: string; name: string; aadObjectId: string }[] }> = {};
  private server?: Server;
  private nextId = 1;

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  /** Activities the bot sent into a conversation (replies and proactive posts), oldest first. */
  sentTo(conversationId: string): Record<string, unknown>[] {
    return this.calls.filter((c) => c.method === "POST" && c.conversationId === conversationId && c.path.includes("/activities")).map((c) => c.body);
  }

  /** Adaptive cards in what the bot sent to a conversation. */
  cardsTo(conversationId: string): Record<string, unknown>[] {
    return this.sentTo(conversationId).flatMap((activity) =>
      ((activity.attachments as { contentType: string; content: Record<string, unknown> }[] | undefined) ?? [])
        .filter((a) => a.contentType === "application/vnd.microsoft.card.adaptive")
        .map((a) => a.content),
    );
  }

  /** The team a /v3/teams/{id}/… or /v3/conversations/{id}/pagedmembers path is about, if the test gave it its own. */
  private teamOf(path: string) {
    const id = /^\/v3\/(?:teams|conversations)\/([^/]+)\//.exec(path)?.[1];
    return id ? (this.teams[id] ?? Object.values(this.teams).find((t) => t.channels.some((c) => c.id === id))) : undefined;
  }

  reset(): void {
    this.calls.length = 0;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    const match = /^\/v3\/conversations\/([^/]+)/.exec(path);
    const call: ConnectorCall = {
      method: req.method ?? "GET",
      path,
      ...(match ? { conversationId: match[1] } : {}),
      body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
      at: Date.now(),
    };
    this.calls.push(call);
    const scripted = this.script(call);
    if (scripted) {
      call.answer = { status: scripted.status, ...(scripted.body === undefined ? {} : { body: scripted.body }) };
      res.writeHead(scripted.status, { "content-type": "application/json", ...scripted.headers });
      res.end(scripted.body === undefined ? "" : JSON.stringify(scripted.body));
      return;
    }
    let body: unknown;
    if (call.method === "POST" && path === "/v3/conversations") {
      body = { id: `a:created-${this.nextId++}`, activityId: `created-${this.nextId++}` };
    } else if (call.method === "GET" && /^\/v3\/teams\/[^/]+\/conversations$/.test(path)) {
      body = { conversations: this.teamOf(path)?.channels ?? this.channels };
    } else if (call.method === "GET" && path.endsWith("/pagedmembers")) {
      body = this.membersPage(this.teamOf(path)?.members ?? this.members, new URL(req.url ?? "/", "http://x").searchParams);
    } else {
      body = { id: `activity-${this.nextId++}` };
    }
    call.answer = { status: 200, body };
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  }

  /** One page of the roster, as Teams pages it: `pageSize` members (from 50 to 500), and a token for the next page while any are left. */
  private membersPage(members: FakeConnector["members"], query: URLSearchParams): { members: FakeConnector["members"]; continuationToken?: string } {
    const size = Math.max(MEMBERS_PAGE.min, Math.min(Number(query.get("pageSize")) || MEMBERS_PAGE.default, MEMBERS_PAGE.max));
    const from = Number(query.get("continuationToken")?.replace(/^after-/, "") ?? 0);
    const next = from + size;
    return { members: members.slice(from, next), ...(next < members.length ? { continuationToken: `after-${next}` } : {}) };
  }
}

/** Teams' page sizes for members ("Get Teams specific context for your bot", Microsoft Learn). */
const MEMBERS_PAGE = { min: 50, default: 200, max: 500 };
