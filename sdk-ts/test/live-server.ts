// Starts the real `twenty-server` for a test: a fresh SQLite data dir (and, for the
// Postgres leg, a fresh database created and dropped with psql), a workspace and API keys
// made with the CLI, and the server on a free 127.0.0.1 port. Not a test file itself.

import { execFile, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export type Backend = "sqlite" | "postgres";

/** Why the live tests cannot run here, or `undefined` when they can. */
export async function unavailable(backend: Backend): Promise<string | undefined> {
  if (process.env.TWENTY_SERVER_BIN === undefined) {
    return "TWENTY_SERVER_BIN is not set (cargo xtask test sets it to the built twenty-server)";
  }
  if (backend === "postgres") {
    try {
      await run("psql", [adminUrl(), "-v", "ON_ERROR_STOP=1", "-qAtc", "SELECT 1"]);
    } catch (error) {
      return `Postgres is not reachable with psql at ${adminUrl()}: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`;
    }
  }
  return undefined;
}

function adminUrl(): string {
  return process.env.TWENTY_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

interface CreatedKey {
  id: string;
  secret: string;
}

export class LiveServer {
  readonly url: string;
  /** A read-write key of the workspace. */
  readonly apiKey: string;
  /** A read-only key of the same workspace. */
  readonly readOnlyKey: string;
  readonly #bin: string;
  readonly #args: string[];
  readonly #env: NodeJS.ProcessEnv;
  readonly #dataDir: string;
  readonly #database: string | undefined;
  readonly #workspace: string;
  #process: ChildProcess | undefined;
  #log = "";

  private constructor(init: { url: string; apiKey: string; readOnlyKey: string; bin: string; args: string[]; env: NodeJS.ProcessEnv; dataDir: string; database: string | undefined; workspace: string }) {
    this.url = init.url;
    this.apiKey = init.apiKey;
    this.readOnlyKey = init.readOnlyKey;
    this.#bin = init.bin;
    this.#args = init.args;
    this.#env = init.env;
    this.#dataDir = init.dataDir;
    this.#database = init.database;
    this.#workspace = init.workspace;
  }

  /** A fresh store, a workspace with a read-write and a read-only key, and the server serving it. */
  static async start(backend: Backend): Promise<LiveServer> {
    const bin = process.env.TWENTY_SERVER_BIN;
    if (bin === undefined) throw new Error("TWENTY_SERVER_BIN is not set");
    const dataDir = await mkdtemp(join(tmpdir(), "twenty-sdk-live-"));
    const port = await freePort();
    const args = ["--data-dir", dataDir, "--listen", `127.0.0.1:${port}`];
    const env: NodeJS.ProcessEnv = { ...process.env, RUST_LOG: "warn" };
    delete env.DATABASE_URL;
    delete env.PG_DATABASE_URL;
    let database: string | undefined;
    if (backend === "postgres") {
      database = `twenty_sdk_${randomBytes(6).toString("hex")}`;
      await run("psql", [adminUrl(), "-v", "ON_ERROR_STOP=1", "-qc", `CREATE DATABASE ${database}`]);
      const url = new URL(adminUrl());
      url.pathname = `/${database}`;
      args.push("--database-url", url.href);
    }
    const cli = async (...command: string[]): Promise<string> => (await run(bin, [...args, ...command], { env })).stdout;
    const created = JSON.parse(await cli("workspace", "create", "--name", "SDK live test", "--json")) as {
      workspace: { id: string };
      apiKey: CreatedKey;
    };
    const readOnly = JSON.parse(
      await cli("api-key", "create", "--workspace", created.workspace.id, "--name", "read-only", "--read-only", "--json"),
    ) as CreatedKey;
    const server = new LiveServer({
      url: `http://127.0.0.1:${port}`,
      apiKey: created.apiKey.secret,
      readOnlyKey: readOnly.secret,
      bin,
      args,
      env,
      dataDir,
      database,
      workspace: created.workspace.id,
    });
    await server.#serve();
    return server;
  }

  async #serve(): Promise<void> {
    const child = spawn(this.#bin, [...this.#args, "serve"], { env: this.#env, stdio: ["ignore", "pipe", "pipe"] });
    this.#process = child;
    const keep = (chunk: Buffer): void => {
      this.#log = (this.#log + chunk.toString("utf8")).slice(-20_000);
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`twenty-server exited with ${child.exitCode}:\n${this.#log}`);
      try {
        const response = await fetch(`${this.url}/healthz`);
        if (response.ok) return;
      } catch {
        // Not listening yet.
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`twenty-server did not answer /healthz within 60 s:\n${this.#log}`);
  }

  /** Creates another read-write key with the CLI. */
  async createKey(name: string): Promise<CreatedKey> {
    const { stdout } = await run(this.#bin, [...this.#args, "api-key", "create", "--workspace", this.#workspace, "--name", name, "--json"], { env: this.#env });
    return JSON.parse(stdout) as CreatedKey;
  }

  /** Revokes a key with the CLI (while the server runs). */
  async revokeKey(id: string): Promise<void> {
    await run(this.#bin, [...this.#args, "api-key", "revoke", id], { env: this.#env });
  }

  /** What the server printed lately (for failure messages). */
  get log(): string {
    return this.#log;
  }

  /** Stops the server and removes its data dir and database. */
  async stop(): Promise<void> {
    const child = this.#process;
    if (child !== undefined && child.exitCode === null) {
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
    }
    await rm(this.#dataDir, { recursive: true, force: true });
    if (this.#database !== undefined) {
      await run("psql", [adminUrl(), "-v", "ON_ERROR_STOP=1", "-qc", `DROP DATABASE IF EXISTS ${this.#database} WITH (FORCE)`]);
    }
  }
}
