import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { connect, createServer, type AddressInfo } from "node:net";
import { resolve } from "node:path";
import { setTimeout as delay } from "node:timers/promises";

const HOST = "127.0.0.1";
/** Azurite's development account: public and documented by Microsoft, so not a secret. */
const DEV_ACCOUNT = "devstoreaccount1";
const DEV_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
const STOP_GRACE_MS = 10_000;
const STDERR_KEPT = 4_000;

/**
 * Runs inside the Azurite process. If we die without stopping it (a crash, SIGKILL), Azurite would live on,
 * holding its port and data folder. Orphaned, it shuts itself down the clean way instead.
 */
const ORPHAN_WATCH =
  "const parent = process.ppid;" +
  "const timer = setInterval(() => { if (process.ppid !== parent) { clearInterval(timer); process.kill(process.pid, 'SIGINT'); } }, 500);" +
  "timer.unref();";

/** On disk in `location` (kept across restarts), or in memory (gone when it stops). */
export type AzuritePersistence = { location: string } | { inMemory: true };

export interface EmbeddedAzuriteOptions {
  persistence: AzuritePersistence;
  /** A fixed port, say to restart on the same connection string; a free one is picked when absent. */
  port?: number;
  startTimeoutMs?: number;
}

export interface EmbeddedAzurite {
  port: number;
  /** The Azurite server's own process id: a test pauses it (SIGSTOP) to play storage that stops answering. */
  pid: number;
  connectionString: string;
  /**
   * Stops Azurite and waits for it to exit. It is sent SIGINT, its only clean shutdown: on SIGTERM it exits
   * without saving, losing the last few seconds of writes.
   */
  stop(): Promise<void>;
  /** Ends Azurite at once, as a crash would. On disk it saves every 5 s, so recent writes may be lost. */
  kill(): Promise<void>;
}

/** The command line of the Azurite Table service from the npm package, with the orphan watch preloaded. */
export function azuriteCommand(port: number, persistence: AzuritePersistence): { command: string; args: string[] } {
  const main = azuriteTableMain();
  const store = "location" in persistence ? ["--location", resolve(persistence.location)] : ["--inMemoryPersistence"];
  return {
    command: process.execPath,
    args: [
      "--import",
      `data:text/javascript,${encodeURIComponent(ORPHAN_WATCH)}`,
      main,
      "--tableHost",
      HOST,
      "--tablePort",
      String(port),
      "--silent",
      "--disableTelemetry",
      "--skipApiVersionCheck",
      ...store,
    ],
  };
}

export async function startEmbeddedAzurite(options: EmbeddedAzuriteOptions): Promise<EmbeddedAzurite> {
  const port = await claimablePort(options.port);
  const { command, args } = azuriteCommand(port, options.persistence);
  // Its own process group, so a Ctrl-C in the terminal reaches only us and we decide when Azurite stops.
  const child = spawn(command, args, { stdio: ["ignore", "ignore", "pipe"], detached: true });
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (text: string) => {
    stderr = (stderr + text).slice(-STDERR_KEPT);
  });
  let spawnError: Error | undefined;
  child.once("error", (error) => {
    spawnError = error;
  });
  // "close" comes after "exit" once stderr is drained, so an error message is complete by then.
  const exited = new Promise<void>((done) => child.once("close", () => done()));

  const end = async (signal: NodeJS.Signals) => {
    if (child.pid === undefined) return; // it never started, so there is no exit to wait for
    if (running(child)) child.kill(signal);
    const force = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
    await exited;
    clearTimeout(force);
  };

  const timeoutMs = options.startTimeoutMs ?? 15_000;
  const deadline = Date.now() + timeoutMs;
  const notReady = (): string | undefined => {
    if (spawnError) return `could not start (${spawnError.message})`;
    if (!running(child)) return `exited with ${child.exitCode ?? child.signalCode} before it was ready`;
    if (Date.now() > deadline) return `did not listen on ${HOST}:${port} within ${timeoutMs} ms`;
    return undefined;
  };
  while (!(await accepts(port))) {
    const problem = notReady();
    if (problem) {
      await end("SIGKILL");
      throw new Error(`Azurite ${problem}.${stderr.trim() ? ` Its error output: ${stderr.trim()}` : ""}`);
    }
    await delay(50);
  }

  return {
    port,
    pid: child.pid!,
    connectionString:
      `DefaultEndpointsProtocol=http;AccountName=${DEV_ACCOUNT};AccountKey=${DEV_KEY};` +
      `TableEndpoint=http://${HOST}:${port}/${DEV_ACCOUNT};`,
    stop: () => end("SIGINT"),
    kill: () => end("SIGKILL"),
  };
}

function azuriteTableMain(): string {
  try {
    return require.resolve("azurite/dist/src/table/main.js");
  } catch {
    throw new Error("Azurite is not installed (it is a development dependency). Install it, or give a storage connection string.");
  }
}

function running(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/**
 * The port to hand Azurite: the one asked for, checked to be free (else our readiness probe could reach
 * whatever holds it), or a free one. Azurite cannot tell us which port 0 gave it.
 */
async function claimablePort(port = 0): Promise<number> {
  const server = createServer();
  server.listen(port, HOST);
  try {
    await once(server, "listening");
  } catch (error) {
    throw new Error(`Port ${port} on ${HOST} is not free for Azurite: ${(error as Error).message}`);
  }
  const claimed = (server.address() as AddressInfo).port;
  server.close();
  await once(server, "close");
  return claimed;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((answer) => {
    const socket = connect({ host: HOST, port });
    socket.once("connect", () => {
      socket.destroy();
      answer(true);
    });
    socket.once("error", () => {
      socket.destroy();
      answer(false);
    });
  });
}
