// The client against a tiny local HTTP server: requests as sent (paths, query, headers,
// bodies), envelopes, typed errors, the iterator's cursors, and retries on 429 / 503.

import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, beforeEach, describe, it } from "node:test";
import { TwentyClient, TwentyError } from "../src/index.js";

interface Seen {
  method: string;
  url: URL;
  headers: IncomingMessage["headers"];
  body: unknown;
  at: number;
}

type Handler = (request: Seen, response: ServerResponse) => void;

let handler: Handler = (_request, response) => response.end();
const seen: Seen[] = [];
const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on("data", (chunk: Buffer) => chunks.push(chunk));
  request.on("end", () => {
    const text = Buffer.concat(chunks).toString("utf8");
    const entry: Seen = {
      method: request.method ?? "",
      url: new URL(request.url ?? "/", "http://localhost"),
      headers: request.headers,
      body: text === "" ? undefined : JSON.parse(text),
      at: Date.now(),
    };
    seen.push(entry);
    handler(entry, response);
  });
});
let url = "";

function json(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { "content-type": "application/json", ...headers });
  response.end(JSON.stringify(body));
}

function client(options: Partial<ConstructorParameters<typeof TwentyClient>[0]> = {}): TwentyClient {
  return new TwentyClient({ url, apiKey: "twk_test", retry: { minDelayMs: 10 }, ...options });
}

before(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  seen.length = 0;
});

describe("requests", () => {
  it("findMany sends the filter, order, page and depth as the REST parameters", async () => {
    handler = (_r, response) =>
      json(response, 200, {
        data: { people: [{ id: "1" }] },
        totalCount: 7,
        pageInfo: { hasNextPage: true, hasPreviousPage: false, startCursor: "s", endCursor: "e" },
      });
    const page = await client().people.findMany({
      filter: { or: [{ name: { firstName: { eq: "Ada" } } }, { city: { is: "NULL" } }] },
      orderBy: [{ createdAt: "DescNullsLast" }, "name.lastName"],
      limit: 5,
      startingAfter: "cursor",
      depth: 0,
    });
    assert.deepEqual(page, {
      records: [{ id: "1" }],
      totalCount: 7,
      pageInfo: { hasNextPage: true, hasPreviousPage: false, startCursor: "s", endCursor: "e" },
    });
    const [request] = seen;
    assert.ok(request);
    assert.equal(request.method, "GET");
    assert.equal(request.url.pathname, "/rest/people");
    assert.deepEqual(Object.fromEntries(request.url.searchParams), {
      filter: 'or(name.firstName[eq]:"Ada",city[is]:NULL)',
      order_by: "createdAt[DescNullsLast],name.lastName",
      limit: "5",
      starting_after: "cursor",
      depth: "0",
    });
    assert.equal(request.headers.authorization, "Bearer twk_test");
  });

  it("each operation uses its route and reads its envelope key", async () => {
    const record = { id: "11111111-1111-4111-8111-111111111111" };
    handler = (request, response) => {
      const path = `${request.method} ${request.url.pathname}${request.url.search}`;
      const keys: Record<string, string> = {
        [`GET /rest/companies/${record.id}?depth=1`]: "company",
        "POST /rest/companies?upsert=true": "createCompany",
        "POST /rest/batch/companies": "createCompanies",
        [`PATCH /rest/companies/${record.id}`]: "updateCompany",
        "PATCH /rest/companies?filter=name%5Beq%5D%3A%22A%22": "updateCompanies",
        [`DELETE /rest/companies/${record.id}?soft_delete=true`]: "deleteCompany",
        [`DELETE /rest/companies/${record.id}`]: "deleteCompany",
        [`PATCH /rest/companies/${record.id}/restore`]: "restoreCompany",
      };
      const key = keys[path];
      if (key === undefined) return json(response, 404, { statusCode: 404, error: "NotFound", messages: [path], code: "NOT_FOUND" });
      const many = key === "createCompanies" || key === "updateCompanies";
      json(response, 200, { data: { [key]: many ? [record] : record } });
    };
    const companies = client().companies;
    assert.deepEqual(await companies.findOne(record.id, { depth: 1 }), record);
    assert.deepEqual(await companies.create({ name: "A" }, { upsert: true }), record);
    assert.deepEqual(await companies.createMany([{ name: "A" }, { name: "B" }]), [record]);
    assert.deepEqual(await companies.update(record.id, { name: null, employees: 3 }), record);
    assert.deepEqual(await companies.updateMany({ name: { eq: "A" } }, { employees: 4 }), [record]);
    assert.deepEqual(await companies.delete(record.id), record);
    assert.deepEqual(await companies.destroy(record.id), record);
    assert.deepEqual(await companies.restore(record.id), record);
    assert.deepEqual(seen[2]?.body, [{ name: "A" }, { name: "B" }]);
    assert.deepEqual(seen[3]?.body, { name: null, employees: 3 });
    assert.equal(seen[3]?.headers["content-type"], "application/json");
  });

  it("updateMany refuses an empty filter instead of updating everything", async () => {
    await assert.rejects(client().companies.updateMany({}, { employees: 1 }), /refusing to update every record/);
    assert.equal(seen.length, 0);
  });

  it("the token comes from apiKey, else TWENTY_API_KEY; headers are added", async () => {
    handler = (_r, response) => json(response, 200, { data: { company: { id: "x" } } });
    const saved = process.env.TWENTY_API_KEY;
    process.env.TWENTY_API_KEY = "twk_env";
    try {
      await new TwentyClient({ url, headers: { "x-request-id": "abc" } }).companies.findOne("x");
      await new TwentyClient({ url, apiKey: "twk_explicit" }).companies.findOne("x");
      delete process.env.TWENTY_API_KEY;
      await new TwentyClient({ url }).companies.findOne("x");
    } finally {
      if (saved === undefined) delete process.env.TWENTY_API_KEY;
      else process.env.TWENTY_API_KEY = saved;
    }
    assert.equal(seen[0]?.headers.authorization, "Bearer twk_env");
    assert.equal(seen[0]?.headers["x-request-id"], "abc");
    assert.equal(seen[1]?.headers.authorization, "Bearer twk_explicit");
    assert.equal(seen[2]?.headers.authorization, undefined);
  });

  it("a custom fetch is used", async () => {
    const calls: string[] = [];
    const fake = async (input: string): Promise<Response> => {
      calls.push(input);
      return new Response(JSON.stringify({ data: { company: { id: "z" } } }), { status: 200 });
    };
    const found = await new TwentyClient({ url: "https://crm.example.com/base/", fetch: fake }).companies.findOne("z");
    assert.deepEqual(found, { id: "z" });
    assert.deepEqual(calls, ["https://crm.example.com/base/rest/companies/z"]);
  });

  it("a bad url is refused at construction", () => {
    assert.throws(() => new TwentyClient({ url: "localhost:3000" }), /http\(s\) URL/);
  });
});

describe("errors", () => {
  it("an error response becomes a TwentyError with status, code, messages and request id", async () => {
    handler = (_r, response) =>
      json(
        response,
        400,
        { statusCode: 400, error: "BadRequestException", messages: ["unknown field `nope`"], code: "UNKNOWN_FIELD" },
        { "x-request-id": "req-1" },
      );
    const error = await client().people.findMany().then(
      () => assert.fail("expected a rejection"),
      (e: unknown) => e,
    );
    assert.ok(error instanceof TwentyError);
    assert.equal(error.status, 400);
    assert.equal(error.code, "UNKNOWN_FIELD");
    assert.equal(error.serverCode, "UNKNOWN_FIELD");
    assert.deepEqual(error.messages, ["unknown field `nope`"]);
    assert.equal(error.kind, "BadRequestException");
    assert.equal(error.requestId, "req-1");
    assert.match(error.message, /^400 UNKNOWN_FIELD: unknown field `nope`$/);
  });

  it("a code this SDK does not know is UNKNOWN, the server's kept in serverCode", async () => {
    handler = (_r, response) => json(response, 400, { statusCode: 400, error: "BadRequestException", messages: ["new"], code: "SOMETHING_NEWER" });
    await assert.rejects(client().people.findMany(), (e: unknown) => {
      assert.ok(e instanceof TwentyError);
      assert.equal(e.code, "UNKNOWN");
      assert.equal(e.serverCode, "SOMETHING_NEWER");
      return true;
    });
  });

  it("a non-JSON error keeps its status and text", async () => {
    handler = (_r, response) => {
      response.writeHead(502, { "content-type": "text/plain" });
      response.end("bad gateway");
    };
    await assert.rejects(client().people.findMany(), (e: unknown) => {
      assert.ok(e instanceof TwentyError);
      assert.equal(e.status, 502);
      assert.equal(e.code, "INTERNAL_ERROR");
      assert.equal(e.serverCode, undefined, "the server sent no code");
      assert.deepEqual(e.messages, ["bad gateway"]);
      return true;
    });
  });

  it("an unexpected success body is INVALID_RESPONSE, a dead server NETWORK_ERROR", async () => {
    handler = (_r, response) => json(response, 200, { data: {} });
    await assert.rejects(client().people.findOne("x"), (e: unknown) => e instanceof TwentyError && e.code === "INVALID_RESPONSE");
    await assert.rejects(new TwentyClient({ url: "http://127.0.0.1:9" }).people.findOne("x"), (e: unknown) => e instanceof TwentyError && e.code === "NETWORK_ERROR" && e.status === 0);
  });

  it("graphql returns data, and rejects GraphQL errors with their code", async () => {
    handler = (request, response) => {
      const body = request.body as { query: string; variables?: Record<string, unknown> };
      if (body.query.includes("limit")) {
        return json(response, 200, {
          data: null,
          errors: [{ message: "limit 500 exceeds the maximum of 200", extensions: { code: "BAD_USER_INPUT", twentyCode: "LIMIT_EXCEEDED" } }],
        });
      }
      if (body.query.includes("boom")) {
        return json(
          response,
          200,
          { data: null, errors: [{ message: "Cannot query field boom", extensions: { code: "GRAPHQL_VALIDATION_FAILED", twentyCode: "INVALID_QUERY" } }] },
          { "x-request-id": "gql-1" },
        );
      }
      json(response, 200, { data: { echo: body.variables } });
    };
    const data = await client().graphql<{ echo: { n: number } }>("query($n: Int) { echo }", { n: 2 });
    assert.deepEqual(data, { echo: { n: 2 } });
    assert.equal(seen[0]?.url.pathname, "/graphql");
    await assert.rejects(client().graphql("{ boom }"), (e: unknown) => {
      assert.ok(e instanceof TwentyError);
      assert.equal(e.code, "INVALID_QUERY");
      assert.equal(e.graphqlCode, "GRAPHQL_VALIDATION_FAILED");
      assert.deepEqual(e.messages, ["Cannot query field boom"]);
      assert.equal(e.requestId, "gql-1");
      return true;
    });
    await assert.rejects(client().graphql("{ limit }"), (e: unknown) => {
      assert.ok(e instanceof TwentyError);
      assert.equal(e.code, "LIMIT_EXCEEDED");
      assert.equal(e.graphqlCode, "BAD_USER_INPUT");
      return true;
    });
  });
});

describe("abort and timeouts", () => {
  it("a timeout rejects with TIMEOUT; the client's default is overridden per call", async () => {
    handler = (_r, response) => {
      setTimeout(() => json(response, 200, { data: { company: { id: "late" } } }), 300);
    };
    await assert.rejects(client({ timeoutMs: 50 }).companies.findOne("late"), (e: unknown) => {
      assert.ok(e instanceof TwentyError);
      assert.equal(e.code, "TIMEOUT");
      assert.equal(e.status, 0);
      assert.match(e.message, /within 50 ms/);
      return true;
    });
    const found = await client({ timeoutMs: 50 }).companies.findOne("late", { timeoutMs: 2000 });
    assert.deepEqual(found, { id: "late" });
  });

  it("an AbortSignal aborts the request, and a retry's wait", async () => {
    handler = (_r, response) => {
      setTimeout(() => json(response, 200, { data: { people: [] }, totalCount: 0, pageInfo: {} }), 300);
    };
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("user left")), 30);
    await assert.rejects(client().people.findMany({ signal: controller.signal }), (e: unknown) => {
      assert.ok(e instanceof TwentyError);
      assert.equal(e.code, "ABORTED");
      assert.match(e.message, /user left/);
      return true;
    });
    handler = (_r, response) => json(response, 503, { statusCode: 503, error: "ServiceUnavailable", messages: ["later"], code: "SERVICE_UNAVAILABLE" }, { "retry-after": "5" });
    const waiting = new AbortController();
    const started = Date.now();
    setTimeout(() => waiting.abort(), 50);
    await assert.rejects(client().companies.create({ name: "x" }, { signal: waiting.signal }), (e: unknown) => e instanceof TwentyError && e.code === "ABORTED");
    assert.ok(Date.now() - started < 2000, "the wait for Retry-After was cut short");
    const already = AbortSignal.abort();
    await assert.rejects(client().graphql("{ x }", undefined, { signal: already }), (e: unknown) => e instanceof TwentyError && e.code === "ABORTED");
  });

  it("timeoutMs must be a non-negative number", () => {
    assert.throws(() => new TwentyClient({ url, timeoutMs: -1 }), /timeoutMs/);
  });
});

describe("retries", () => {
  it("429 and 503 are retried with growing delays until success", async () => {
    let calls = 0;
    handler = (_r, response) => {
      calls++;
      if (calls === 1) return json(response, 429, { statusCode: 429, error: "TooManyRequests", messages: ["slow down"], code: "RATE_LIMITED" });
      if (calls === 2) return json(response, 503, { statusCode: 503, error: "ServiceUnavailable", messages: ["db down"], code: "SERVICE_UNAVAILABLE" });
      json(response, 200, { data: { company: { id: "ok" } } });
    };
    const found = await new TwentyClient({ url, retry: { minDelayMs: 40 } }).companies.findOne("ok");
    assert.deepEqual(found, { id: "ok" });
    assert.equal(seen.length, 3);
    const [first, second, third] = seen.map((s) => s.at);
    // Equal jitter: retry n waits between half and all of minDelayMs × 2^n.
    assert.ok(second! - first! >= 20, `first wait ${second! - first!} ms`);
    assert.ok(third! - second! >= 40, `second wait ${third! - second!} ms`);
  });

  it("Retry-After (seconds) is honoured", async () => {
    let calls = 0;
    handler = (_r, response) => {
      calls++;
      if (calls === 1) return json(response, 429, { statusCode: 429, error: "TooManyRequests", messages: ["wait"], code: "RATE_LIMITED" }, { "retry-after": "1" });
      json(response, 200, { data: { company: { id: "ok" } } });
    };
    await client({ retry: { minDelayMs: 1 } }).companies.findOne("ok");
    const waited = seen[1]!.at - seen[0]!.at;
    assert.ok(waited >= 950, `waited ${waited} ms`);
  });

  it("gives up after the configured retries with the last error, and never retries other statuses", async () => {
    handler = (_r, response) => json(response, 503, { statusCode: 503, error: "ServiceUnavailable", messages: ["db down"], code: "SERVICE_UNAVAILABLE" });
    await assert.rejects(client({ retry: { retries: 2, minDelayMs: 1 } }).people.findMany(), (e: unknown) => e instanceof TwentyError && e.status === 503);
    assert.equal(seen.length, 3);
    seen.length = 0;
    handler = (_r, response) => json(response, 500, { statusCode: 500, error: "Internal", messages: ["x"], code: "INTERNAL_ERROR" });
    await assert.rejects(client().people.findMany(), (e: unknown) => e instanceof TwentyError && e.status === 500);
    assert.equal(seen.length, 1);
  });

  it("a Retry-After longer than maxDelayMs is not waited for", async () => {
    handler = (_r, response) => json(response, 429, { statusCode: 429, error: "TooManyRequests", messages: ["later"], code: "RATE_LIMITED" }, { "retry-after": "3600" });
    const started = Date.now();
    await assert.rejects(client({ retry: { maxDelayMs: 1000 } }).people.findMany(), (e: unknown) => e instanceof TwentyError && e.status === 429);
    assert.equal(seen.length, 1);
    assert.ok(Date.now() - started < 1000);
  });
});

describe("iterate", () => {
  it("follows endCursor until hasNextPage is false, yielding each record once", async () => {
    const all = Array.from({ length: 7 }, (_, i) => ({ id: `r${i}` }));
    handler = (request, response) => {
      const limit = Number(request.url.searchParams.get("limit"));
      const after = request.url.searchParams.get("starting_after");
      const start = after === null ? 0 : Number(after) + 1;
      const records = all.slice(start, start + limit);
      const end = start + records.length - 1;
      json(response, 200, {
        data: { people: records },
        totalCount: all.length,
        pageInfo: { hasNextPage: end < all.length - 1, hasPreviousPage: start > 0, startCursor: String(start), endCursor: String(end) },
      });
    };
    const ids: string[] = [];
    for await (const person of client().people.iterate({ pageSize: 3, filter: { city: { eq: "Paris" } } })) ids.push(person.id);
    assert.deepEqual(ids, all.map((r) => r.id));
    assert.deepEqual(seen.map((s) => s.url.searchParams.get("starting_after")), [null, "2", "5"]);
    assert.ok(seen.every((s) => s.url.searchParams.get("filter") === 'city[eq]:"Paris"'));
  });
});
