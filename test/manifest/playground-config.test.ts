import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer as createHttpServer, type Server } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

const root = path.resolve(__dirname, "..", "..");

type PlaygroundUser = { id: string; name: string; aadObjectId: string; email: string };
type PlaygroundConfig = {
  version: string;
  currentUser: PlaygroundUser;
  users: PlaygroundUser[];
  personalChat: { id: string };
  groupChat: { id: string };
  team: { id: string; name: string; channels: { id: string; name: string }[] };
};

const config = JSON.parse(readFileSync(path.join(root, "scripts", "playground-config.json"), "utf8")) as PlaygroundConfig;
const everyone = [config.currentUser, ...config.users];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Starts scripts/playground.mjs against a stand-in bot that answers 200 to everything. */
async function startPlayground(args: string[], logDir: string, botPort: number) {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(root, "scripts", "playground.mjs"), ...args], {
    cwd: root,
    env: {
      ...process.env,
      BOT_ENDPOINT: `http://127.0.0.1:${botPort}/api/messages`,
      PLAYGROUND_PORT: String(port),
      M365_AGENTS_PLAYGROUND_LOGFILE: path.join(logDir, "playground.log"),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the playground did not start:\n${output}`)), 20000);
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Open http://localhost:")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("exit", () => reject(new Error(`the playground stopped early:\n${output}`)));
  });
  const loaded = async () => {
    // The playground's own UI reads this (an internal route); it answers, once the bot's endpoint answers,
    // with the config it loaded from our file.
    const response = await fetch(`http://127.0.0.1:${port}/_internal/v1/config`);
    return ((await response.json()) as { config: { currentUser: PlaygroundUser; personalChat: { id: string }; teams: { channels: { name: string }[] }[] } }).config;
  };
  return { child, exited, loaded, output: () => output };
}

describe("the Agents Playground config (scripts/playground-config.json)", () => {
  it("keeps to the playground's rules: exactly five other users, unique ids, one channel besides General", () => {
    expect(config.version).toBe("0.1.1");
    expect(config.users).toHaveLength(5);
    expect(new Set(everyone.map((p) => p.id)).size).toBe(6);
    const conversationIds = [config.personalChat.id, config.groupChat.id, config.team.id, ...config.team.channels.map((c) => c.id)];
    expect(new Set(conversationIds).size).toBe(conversationIds.length);
    expect(config.team.channels.map((c) => c.name)).toEqual(["Safeguarding"]);
  });

  it("has the visitor as the default user, and the headteacher and the DSL in the team", () => {
    expect(config.currentUser).toMatchObject({ name: "Alex Rivers", aadObjectId: "00000000-0000-4000-8000-0000000000a1" });
    expect(config.users).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: "Jo Fenwick", aadObjectId: "00000000-0000-4000-8000-0000000000a2" }),
        expect.objectContaining({ name: "Priya Lane", aadObjectId: "00000000-0000-4000-8000-0000000000a3" }),
      ]),
    );
  });

  it("only has people the example school's profile knows, under the same names", () => {
    const profile = JSON.parse(readFileSync(path.join(root, "policies", "thorns-primary.json"), "utf8")) as {
      people: { aadObjectId: string; displayName: string }[];
    };
    for (const person of everyone) {
      expect(profile.people).toContainEqual(expect.objectContaining({ aadObjectId: person.aadObjectId, displayName: person.name }));
    }
  });
});

describe("scripts/playground.mjs", () => {
  let logDir: string;
  let bot: Server;
  let botPort: number;
  beforeEach(async () => {
    logDir = mkdtempSync(path.join(tmpdir(), "hv-playground-"));
    bot = createHttpServer((_req, res) => res.writeHead(200, { "content-type": "application/json" }).end("{}"));
    await new Promise<void>((resolve) => bot.listen(0, "127.0.0.1", resolve));
    botPort = (bot.address() as { port: number }).port;
  });
  afterEach(async () => {
    await new Promise((resolve) => bot.close(resolve));
    rmSync(logDir, { recursive: true, force: true });
  });

  it("starts the playground with the committed config and stops on SIGTERM", async () => {
    const playground = await startPlayground([], logDir, botPort);
    try {
      const loaded = await playground.loaded();
      expect(loaded.currentUser.aadObjectId).toBe("00000000-0000-4000-8000-0000000000a1");
      expect(loaded.teams[0]?.channels.map((c) => c.name)).toEqual(["General", "Safeguarding"]);
    } finally {
      playground.child.kill("SIGTERM");
    }
    expect(await playground.exited).toBe(0);
  });

  it("starts as the headteacher with --as headteacher, in her own 1:1 chat, and stops on SIGINT", async () => {
    const playground = await startPlayground(["--as", "headteacher"], logDir, botPort);
    try {
      const loaded = await playground.loaded();
      expect(loaded.currentUser).toMatchObject({ name: "Jo Fenwick", aadObjectId: "00000000-0000-4000-8000-0000000000a2" });
      expect(loaded.personalChat.id).not.toBe(config.personalChat.id);
      expect(playground.output()).toContain("as Jo Fenwick");
    } finally {
      playground.child.kill("SIGINT");
    }
    expect(await playground.exited).toBe(0);
  });
});
