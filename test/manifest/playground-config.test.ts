import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort } from "../support/azurite";

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

/**
 * Starts scripts/playground.mjs against a stand-in bot that answers 200 to everything. By default it is told the bot's
 * endpoint and a free port; `env` changes what it is told (an undefined value leaves a variable unset), `cwd` where it
 * runs (and so which .env it reads).
 */
async function startPlayground(args: string[], logDir: string, botPort: number, env: Record<string, string | undefined> = {}, cwd = root) {
  const settings: Record<string, string | undefined> = {
    ...process.env,
    BOT_ENDPOINT: `http://127.0.0.1:${botPort}/api/messages`,
    PLAYGROUND_PORT: String(await freePort()),
    M365_AGENTS_PLAYGROUND_LOGFILE: path.join(logDir, `playground-${args.join("-") || "default"}.log`),
    ...env,
  };
  for (const [name, value] of Object.entries(settings)) if (value === undefined) delete settings[name];
  const child = spawn(process.execPath, [path.join(root, "scripts", "playground.mjs"), ...args], { cwd, env: settings, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the playground did not start:\n${output}`)), 20000);
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const open = /Open http:\/\/localhost:(\d+)/.exec(output);
      if (open) {
        clearTimeout(timer);
        resolve(Number(open[1]));
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
  const stop = async () => {
    child.kill("SIGTERM");
    return exited;
  };
  return { child, exited, loaded, stop, port, output: () => output };
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
  /** The paths the stand-in bot was asked for: the playground reached it. */
  let reached: string[];
  beforeEach(async () => {
    logDir = mkdtempSync(path.join(tmpdir(), "hv-playground-"));
    reached = [];
    bot = createHttpServer((req, res) => {
      reached.push(`${req.method} ${req.url}`);
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
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

  it("runs as several people at once, each on a port of their own, so the visitor's keeps running while the head's starts", async () => {
    const asVisitor = await startPlayground([], logDir, botPort, { PLAYGROUND_PORT: undefined });
    const asHead = await startPlayground(["--as", "headteacher"], logDir, botPort, { PLAYGROUND_PORT: undefined });
    try {
      expect(asVisitor.output()).toContain("as Alex Rivers (Entra object id 00000000-0000-4000-8000-0000000000a1), on port 56150");
      expect(asHead.output()).toContain("as Jo Fenwick (Entra object id 00000000-0000-4000-8000-0000000000a2), on port 56151");
      expect(asHead.port).not.toBe(asVisitor.port);
      expect((await asVisitor.loaded()).currentUser.name).toBe("Alex Rivers");
      expect((await asHead.loaded()).currentUser.name).toBe("Jo Fenwick");
    } finally {
      expect(await asHead.stop()).toBe(0);
      expect(await asVisitor.stop()).toBe(0);
    }
  });

  it("takes another port with --port", async () => {
    const port = await freePort();
    const playground = await startPlayground(["--as", "dsl", "--port", String(port)], logDir, botPort, { PLAYGROUND_PORT: undefined });
    try {
      expect(playground.port).toBe(port);
      expect((await playground.loaded()).currentUser.name).toBe("Priya Lane");
    } finally {
      expect(await playground.stop()).toBe(0);
    }
  });

  it("reaches the bot on the PORT the bot reads, from the environment or from the .env it starts with", async () => {
    const folder = mkdtempSync(path.join(tmpdir(), "hv-playground-env-"));
    writeFileSync(path.join(folder, ".env"), `# fictional local settings\nPORT=${botPort}\n`);
    try {
      for (const [env, cwd] of [[{ PORT: String(botPort) }, root], [{ PORT: undefined }, folder]] as const) {
        reached = [];
        const playground = await startPlayground([], logDir, botPort, { BOT_ENDPOINT: undefined, HOST: undefined, ...env }, cwd);
        try {
          expect(playground.output()).toContain(`Agents Playground for http://127.0.0.1:${botPort}/api/messages, as Alex Rivers`);
          await playground.loaded();
          expect(reached).toContainEqual(expect.stringMatching(/^[A-Z]+ \/api\/messages$/));
        } finally {
          expect(await playground.stop()).toBe(0);
        }
      }
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
