'use strict';
// What the connector's tests run against: the real `twenty-server` (TWENTY_SERVER_BIN, built
// by `cargo xtask test`) on a fresh SQLite data dir or a fresh Postgres database, a workspace
// and its key made with the CLI, delivering webhooks to 127.0.0.1; and a webhook receiver
// on 127.0.0.1 standing in for Zapier's hook URL. Not a test file itself.

const { execFile, spawn } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const { mkdtemp, rm } = require('node:fs/promises');
const http = require('node:http');
const net = require('node:net');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { promisify } = require('node:util');

const run = promisify(execFile);
const adminUrl = () => process.env.TWENTY_TEST_PG_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

/** Why the live tests cannot run, or `undefined`. Under `CI=true` the caller fails instead. */
async function unavailable(backend) {
  if (!process.env.TWENTY_SERVER_BIN) return 'TWENTY_SERVER_BIN is not set (cargo xtask test sets it to the built twenty-server)';
  if (backend === 'postgres') {
    try {
      await run('psql', [adminUrl(), '-v', 'ON_ERROR_STOP=1', '-qAtc', 'SELECT 1']);
    } catch (error) {
      return `Postgres is not reachable with psql at ${adminUrl()}: ${String(error.message).split('\n')[0]}`;
    }
  }
  return undefined;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

class LiveServer {
  static async start(backend) {
    const bin = process.env.TWENTY_SERVER_BIN;
    const self = new LiveServer();
    self.dataDir = await mkdtemp(join(tmpdir(), 'twenty-zapier-'));
    const port = await freePort();
    self.url = `http://127.0.0.1:${port}`;
    self.args = ['--data-dir', self.dataDir, '--listen', `127.0.0.1:${port}`];
    self.env = { ...process.env, RUST_LOG: 'warn', TWENTY_WEBHOOK_ALLOWED_HOSTS: '127.0.0.1/32', TWENTY_WEBHOOK_POLL_INTERVAL: '50ms' };
    delete self.env.DATABASE_URL;
    delete self.env.PG_DATABASE_URL;
    if (backend === 'postgres') {
      self.database = `twenty_zapier_${randomBytes(6).toString('hex')}`;
      await run('psql', [adminUrl(), '-v', 'ON_ERROR_STOP=1', '-qc', `CREATE DATABASE ${self.database}`]);
      const url = new URL(adminUrl());
      url.pathname = `/${self.database}`;
      self.args.push('--database-url', url.href);
    }
    const { stdout } = await run(bin, [...self.args, 'workspace', 'create', '--name', 'Zapier test', '--json'], { env: self.env });
    const created = JSON.parse(stdout);
    self.apiKey = created.apiKey.secret;
    self.workspaceId = created.workspace.id;
    self.log = '';
    self.child = spawn(bin, [...self.args, 'serve'], { env: self.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (chunk) => {
      self.log = (self.log + chunk.toString('utf8')).slice(-20000);
    };
    self.child.stdout.on('data', keep);
    self.child.stderr.on('data', keep);
    const deadline = Date.now() + 60000;
    while (Date.now() < deadline) {
      if (self.child.exitCode !== null) throw new Error(`twenty-server exited with ${self.child.exitCode}:\n${self.log}`);
      try {
        if ((await fetch(`${self.url}/healthz`)).ok) return self;
      } catch {
        // Not listening yet.
      }
      await sleep(100);
    }
    throw new Error(`twenty-server did not answer /healthz within 60 s:\n${self.log}`);
  }

  /** A POST of JSON to the server with the workspace's key; the parsed answer. */
  async post(path, body) {
    const response = await fetch(`${this.url}${path}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${this.apiKey}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    return response.json();
  }

  /** A metadata GraphQL operation; throws on errors. */
  async metadata(query, variables = {}) {
    const body = await this.post('/metadata', { query, variables });
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data;
  }

  async stop() {
    if (this.child && this.child.exitCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.kill('SIGTERM');
      await Promise.race([exited, sleep(10000)]);
      if (this.child.exitCode === null) this.child.kill('SIGKILL');
    }
    await rm(this.dataDir, { recursive: true, force: true });
    if (this.database) {
      await run('psql', [adminUrl(), '-v', 'ON_ERROR_STOP=1', '-qc', `DROP DATABASE IF EXISTS ${this.database} WITH (FORCE)`]);
    }
  }
}

/** Zapier's side of a REST hook: collects the JSON bodies posted to it. */
class Receiver {
  static async start() {
    const self = new Receiver();
    self.bodies = [];
    self.server = http.createServer((request, response) => {
      let text = '';
      request.on('data', (chunk) => {
        text += chunk;
      });
      request.on('end', () => {
        self.bodies.push({ headers: request.headers, body: JSON.parse(text) });
        response.writeHead(200, { 'Content-Type': 'application/json' });
        response.end('{"status":"success"}');
      });
    });
    await new Promise((resolve) => self.server.listen(0, '127.0.0.1', resolve));
    self.url = `http://127.0.0.1:${self.server.address().port}/hooks/catch/1/abc`;
    return self;
  }

  /** Waits for a delivery matching `predicate` (30 s at most). */
  async next(predicate, what) {
    const deadline = Date.now() + 30000;
    while (Date.now() < deadline) {
      const found = this.bodies.find((b) => predicate(b.body));
      if (found) return found;
      await sleep(50);
    }
    throw new Error(`no delivery of ${what} within 30 s (received: ${JSON.stringify(this.bodies.map((b) => b.body.eventName))})`);
  }

  stop() {
    return new Promise((resolve) => this.server.close(resolve));
  }
}

module.exports = { LiveServer, Receiver, unavailable };
