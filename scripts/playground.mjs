// Starts the Microsoft 365 Agents Playground (a local, offline Teams-like chat client) against the running bot,
// as one of the example school's people.
//
//   npm start                                   (in one terminal: the bot on http://127.0.0.1:3978)
//   npm run playground                          (in another: you are Alex Rivers, the visitor, on port 56150)
//   npm run playground -- --as headteacher      (in a third, at the same time: Jo Fenwick, who approves, on 56151)
//   npm run playground -- --as dsl              (and Priya Lane, the Designated Safeguarding Lead, on 56152)
//
// A playground acts as one "current user", fixed when it starts, so each person runs one of their own, in its own
// terminal and browser tab: each person has a port of their own (56150 plus their place in the config), so several
// run side by side. --as also takes a first name (alex, jo, priya, sam, ifeoma, lou); --port picks another port.
//
// Environment:
//   BOT_ENDPOINT       the bot's messaging endpoint. Default: http://<HOST>:<PORT>/api/messages, from the bot's own
//                      HOST (127.0.0.1) and PORT (3978), read as npm start reads them: the environment, then .env
//   PLAYGROUND_PORT    the playground's port, the same as --port. Default: the person's own
//   PLAYGROUND_AS      who you are, the same as --as. Default: visitor
//   M365_AGENTS_PLAYGROUND_LOGFILE   its log file. Default: devTools/m365agentsplayground.<first name>.log (git-ignored)
//
// The people, the team and its "Safeguarding" channel are in scripts/playground-config.json: the playground's
// own config format (version 0.1.1), written as JSON, which its YAML parser reads as it is. All fictional.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { setTimeout } from "node:timers";
import { URL, fileURLToPath } from "node:url";
import { parseEnv } from "node:util";

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const baseConfigFile = path.join(root, "scripts", "playground-config.json");
const devTools = path.join(root, "devTools");

/** The visitor's playground port; each other person's is the next one along, by their place in the config. */
const FIRST_PORT = 56150;

const ROLE_ALIASES = {
  visitor: "00000000-0000-4000-8000-0000000000a1",
  headteacher: "00000000-0000-4000-8000-0000000000a2",
  head: "00000000-0000-4000-8000-0000000000a2",
  approver: "00000000-0000-4000-8000-0000000000a2",
  dsl: "00000000-0000-4000-8000-0000000000a3",
};

function fail(message) {
  console.error(`playground: ${message}`);
  process.exit(2);
}

function option(name) {
  const args = process.argv.slice(2);
  for (let i = 0; i < args.length; i += 1) {
    if (args[i] === `--${name}`) return args[i + 1] ?? fail(`--${name} needs a value`);
    if (args[i].startsWith(`--${name}=`)) return args[i].slice(name.length + 3);
  }
  return undefined;
}

/** A path as the person at the terminal can find it: relative inside the repository, absolute outside. */
function shown(file) {
  const relative = path.relative(root, file);
  return relative.startsWith("..") || path.isAbsolute(relative) ? file : relative;
}

function slug(name) {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
}

/**
 * The config to start with: the committed one as it is for its current user (the visitor), or a copy under
 * devTools/ (git-ignored) in which the chosen person is the current user. Each person gets their own 1:1 chat
 * id, so the bot never mixes up whose chat a stored conversation reference belongs to.
 */
function configFor(who) {
  if (!existsSync(baseConfigFile)) fail(`cannot find ${baseConfigFile}`);
  const base = JSON.parse(readFileSync(baseConfigFile, "utf8"));
  const everyone = [base.currentUser, ...base.users];
  const wanted = who.trim().toLowerCase();
  const aadObjectId = ROLE_ALIASES[wanted];
  const person = everyone.find((p) => p.aadObjectId === aadObjectId || p.givenName.toLowerCase() === wanted);
  if (!person) {
    fail(`--as ${who}: say visitor, headteacher or dsl, or a first name: ${everyone.map((p) => p.givenName.toLowerCase()).join(", ")}`);
  }
  const team = { name: base.team.name, channels: base.team.channels.map((c) => `"${c.name}"`).join(", ") };
  const port = FIRST_PORT + everyone.indexOf(person);
  if (person === base.currentUser) return { file: baseConfigFile, person, team, port };
  const config = {
    ...base,
    currentUser: person,
    users: base.users.map((p) => (p === person ? base.currentUser : p)),
    personalChat: { id: `a:playground-personal-${slug(person.name)}` },
  };
  const dir = path.join(devTools, "playground");
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `config.${slug(person.givenName)}.json`);
  writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`);
  return { file, person, team, port };
}

/**
 * One of the bot's settings as npm start reads it: the environment, then a .env in the current folder. Only the
 * settings asked for are read from .env: the rest of it (the bot's secrets) is none of the playground's business.
 */
function botSetting(name) {
  const set = process.env[name]?.trim();
  if (set) return set;
  return existsSync(".env") ? parseEnv(readFileSync(".env", "utf8"))[name]?.trim() || undefined : undefined;
}

/** Where the bot listens (src/config/env.ts): its HOST and PORT, a wildcard host meaning this computer. */
function botEndpoint() {
  const given = process.env.BOT_ENDPOINT?.trim();
  if (given) return given;
  const host = botSetting("HOST") ?? "127.0.0.1";
  const reachable = ["0.0.0.0", "::"].includes(host) ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host;
  return `http://${reachable}:${botSetting("PORT") ?? "3978"}/api/messages`;
}

const endpoint = botEndpoint();
try {
  new URL(endpoint);
} catch {
  fail(`BOT_ENDPOINT (or HOST and PORT) must make a URL such as http://127.0.0.1:3978/api/messages, not "${endpoint}"`);
}
const { file: configFile, person, team, port: ownPort } = configFor(option("as") ?? process.env.PLAYGROUND_AS ?? "visitor");
const port = option("port") ?? (process.env.PLAYGROUND_PORT?.trim() || String(ownPort));
if (!/^\d+$/.test(port) || Number(port) < 1 || Number(port) > 65535) fail(`the playground's port (--port or PLAYGROUND_PORT) must be a port number, not "${port}"`);
const logFile = path.resolve(process.env.M365_AGENTS_PLAYGROUND_LOGFILE?.trim() || path.join(devTools, `m365agentsplayground.${slug(person.givenName)}.log`));
mkdirSync(path.dirname(logFile), { recursive: true });
const logStart = existsSync(logFile) ? statSync(logFile).size : 0;

const cli = path.join(path.dirname(require.resolve("@microsoft/m365agentsplayground/package.json")), "cli.js");
const child = spawn(process.execPath, [cli, "-e", endpoint, "-c", "msteams", "-p", port, "--disable-telemetry"], {
  cwd: root,
  env: {
    ...process.env,
    TEAMSAPPTESTER_BROWSER: "none",
    M365_AGENTS_PLAYGROUND_CONFIG_PATH: configFile,
    M365_AGENTS_PLAYGROUND_LOGFILE: logFile,
  },
  stdio: ["ignore", "pipe", "inherit"],
});

console.log(`Agents Playground for ${endpoint}, as ${person.name} (Entra object id ${person.aadObjectId}), on port ${port}`);
console.log(`  people and team: ${shown(configFile)}; log: ${shown(logFile)}`);

let announced = false;
child.stdout.setEncoding("utf8");
child.stdout.on("data", (text) => {
  process.stdout.write(text);
  // The playground moves to a random port when the one asked for is taken: report the one it got.
  const listening = /Listening on (\d+)/.exec(text);
  if (listening && !announced) {
    announced = true;
    console.log(
      [
        "",
        `  Open http://localhost:${listening[1]} in a browser. It waits for the bot, then installs the app for ${person.name}.`,
        ...(listening[1] === port ? [] : [`  (Port ${port} was taken, so the playground chose ${listening[1]}.)`]),
        `  Chats: the 1:1 chat with the bot, a group chat, and the team "${team.name}" with General and ${team.channels}.`,
        "  To be someone else at the same time, run in another terminal: npm run playground -- --as visitor | headteacher | dsl",
        "  (each person gets a port and a browser tab of their own; channel posts show in the tab that last opened the team).",
        "  To send one message as another person without restarting: Mock an Activity > Custom activity, edit \"from\", Send activity.",
        `  Note: the playground listens on all network interfaces, not only this computer.`,
        "",
      ].join("\n"),
    );
  }
});

let stopping = false;
function stop(signal) {
  if (stopping) return;
  stopping = true;
  // The playground's own SIGINT handler waits for its telemetry flush before it exits; SIGTERM stops it at once.
  child.kill("SIGTERM");
  setTimeout(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }, 5000).unref();
  console.log(`\nplayground: ${signal} received, stopping the playground`);
}
process.on("SIGINT", () => stop("SIGINT"));
process.on("SIGTERM", () => stop("SIGTERM"));

child.on("error", (error) => fail(`could not start the playground: ${error.message}`));
child.on("exit", (code, signal) => {
  if (stopping) process.exit(0);
  if (code !== 0) {
    // Config errors go to the log file, not to the terminal: show this run's.
    const errors = existsSync(logFile)
      ? readFileSync(logFile).subarray(logStart).toString("utf8").split("\n").filter((line) => line.startsWith("error "))
      : [];
    console.error(`playground: stopped (${signal ?? `exit code ${code}`})${errors.length ? `:\n${errors.join("\n")}` : ""}`);
  }
  process.exit(code ?? 1);
});
