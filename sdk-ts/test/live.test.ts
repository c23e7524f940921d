// The scenario with the SDK against the real twenty-server, on SQLite and on
// Postgres: create a company and its people, filter (nested or / and on composite
// sub-fields), order, page through 250 records with the iterator, update and clear fields,
// soft delete and restore, and typed errors. Under CI=true nothing may be skipped.

import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readdir } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { TwentyClient, TwentyError, type Company, type Person, type TwentyObjects } from "../src/index.js";
import type { ObjectClient, ObjectTypes } from "../src/object-client.js";
import { COMPARATOR_CASES } from "./generated/comparator-cases.js";
import { RECORD_KEYS } from "./generated/record-keys.js";
import { LiveServer, unavailable, type Backend } from "./live-server.js";

const CI = process.env.CI === "true";
const README_EXAMPLES = fileURLToPath(new URL("../readme-examples/", import.meta.url));

/** What the README's example prints (its comments say so too). */
const README_OUTPUT = "2 [ 'Lovelace', 'Hopper' ]\n400 INVALID_VALUE\n";

async function rejection(promise: Promise<unknown>): Promise<TwentyError> {
  const error = await promise.then(
    () => assert.fail("expected the call to fail"),
    (e: unknown) => e,
  );
  assert.ok(error instanceof TwentyError, `expected a TwentyError, got ${String(error)}`);
  return error;
}

for (const backend of ["sqlite", "postgres"] as const satisfies readonly Backend[]) {
  describe(`the SDK against twenty-server on ${backend}`, async () => {
    const missing = await unavailable(backend);
    if (missing !== undefined) {
      if (CI) throw new Error(`CI=true and the live ${backend} leg cannot run: ${missing}`);
      it(`skipped: ${missing}`, { skip: missing }, () => undefined);
      return;
    }

    let server: LiveServer;
    let client: TwentyClient;
    let acme: Company;
    let people: Person[] = [];

    before(async () => {
      server = await LiveServer.start(backend);
      client = new TwentyClient({ url: server.url, apiKey: server.apiKey });
    });
    after(async () => {
      await server?.stop();
    });

    it("runs the README's example as written", async () => {
      const examples = (await readdir(README_EXAMPLES)).filter((f) => f.endsWith(".js"));
      assert.deepEqual(examples, ["example-1.js"]);
      const { stdout } = await promisify(execFile)(process.execPath, [README_EXAMPLES + "example-1.js"], {
        env: { ...process.env, TWENTY_URL: server.url, TWENTY_API_KEY: server.apiKey },
      });
      assert.equal(stdout, README_OUTPUT);
    });

    it("creates a company and its people", async () => {
      acme = await client.companies.create({
        name: "Acme",
        domainName: { primaryLinkUrl: "https://acme.test" },
        employees: 120,
        address: { addressCity: "Lyon", addressCountry: "France" },
      });
      assert.equal(acme.name, "Acme");
      assert.equal(acme.domainName.primaryLinkUrl, "https://acme.test");
      assert.equal(acme.address.addressCity, "Lyon");
      people = await client.people.createMany([
        { name: { firstName: "Ada", lastName: "Lovelace" }, emails: { primaryEmail: "ada@acme.test" }, city: "London", jobTitle: "Engineer", companyId: acme.id },
        { name: { firstName: "Grace", lastName: "Hopper" }, emails: { primaryEmail: "grace@navy.test" }, city: "Arlington", jobTitle: "Admiral", companyId: acme.id },
        { name: { firstName: "Alan", lastName: "Turing" }, emails: { primaryEmail: "alan@acme.test" }, city: "Manchester", companyId: acme.id },
        { name: { firstName: "Ada", lastName: "Byron" }, emails: { primaryEmail: "byron@other.test" }, city: "Paris", companyId: acme.id },
      ]);
      assert.equal(people.length, 4);
      assert.ok(people.every((p) => p.companyId === acme.id));
      const withPeople = await client.companies.findOne(acme.id, { depth: 1 });
      assert.deepEqual(withPeople.people?.map((p) => p.id).sort(), people.map((p) => p.id).sort());
      const own = await client.people.findOne(people[0]!.id, { depth: 0 });
      // Absent at depth 0, in the value and in its type.
      assert.equal((own as Record<string, unknown>).company, undefined);
      assert.equal(own.name.firstName, "Ada");
    });

    it("returns records with exactly the keys of the record types (depth 0, then depth 1)", async () => {
      const checks: [keyof typeof client & ("companies" | "people"), string][] = [
        ["companies", acme.id],
        ["people", people[0]!.id],
      ];
      for (const [plural, id] of checks) {
        const keys = RECORD_KEYS[plural]!;
        // One call for either object: its records' keys are what the test compares.
        const objects = client[plural] as unknown as { findOne(id: string, options: { depth: 0 | 1 }): Promise<object> };
        const flat = await objects.findOne(id, { depth: 0 });
        assert.deepEqual(Object.keys(flat).sort(), [...keys.depth0].sort(), `${plural} at depth 0`);
        const deep = await objects.findOne(id, { depth: 1 });
        assert.deepEqual(Object.keys(deep).sort(), [...keys.depth0, ...keys.relations].sort(), `${plural} at depth 1`);
      }
    });

    it("answers only the selected fields, as their types say", async () => {
      const page = await client.people.findMany({ filter: { companyId: { eq: acme.id } }, fields: ["city", "company"], depth: 0, limit: 1 });
      assert.deepEqual(Object.keys(page.records[0]!).sort(), ["city", "companyId", "id"]);
      const one = await client.companies.findOne(acme.id, { fields: ["name"] });
      assert.deepEqual(Object.keys(one).sort(), ["id", "name"]);
      const created = await client.companies.create({ name: "Selected" }, { fields: ["name"] });
      assert.deepEqual(created, { id: created.id, name: "Selected" });
      const updated = await client.companies.update(created.id, { employees: 3 }, { fields: ["employees"] });
      assert.deepEqual(updated, { id: created.id, employees: 3 });
    });

    it("filters with nested or / and on composite sub-fields, in order", async () => {
      const page = await client.people.findMany({
        filter: {
          companyId: { eq: acme.id },
          or: [
            { and: [{ name: { firstName: { eq: "Ada" } } }, { emails: { primaryEmail: { endsWith: "@acme.test" } } }] },
            { name: { lastName: { ilike: "%HOPP%" } } },
            { not: { city: { in: ["London", "Arlington", "Paris"] } }, name: { firstName: { startsWith: "Al" } } },
          ],
        },
        orderBy: [{ "name.lastName": "DescNullsLast" }],
        depth: 0,
      });
      assert.deepEqual(
        page.records.map((p) => p.name.lastName),
        ["Turing", "Lovelace", "Hopper"],
      );
      assert.equal(page.totalCount, 3);
    });

    it("orders by several keys", async () => {
      const page = await client.people.findMany({
        filter: { companyId: { eq: acme.id } },
        orderBy: ["name.firstName", { city: "DescNullsLast" }],
      });
      assert.deepEqual(
        page.records.map((p) => `${p.name.firstName} ${p.city}`),
        ["Ada Paris", "Ada London", "Alan Manchester", "Grace Arlington"],
      );
    });

    it("pages through 250 records with the iterator, each exactly once", async () => {
      const created: string[] = [];
      for (let batch = 0; batch < 5; batch++) {
        const records = await client.people.createMany(
          Array.from({ length: 50 }, (_, i) => ({
            name: { firstName: "Bulk", lastName: `P${String(batch * 50 + i).padStart(3, "0")}` },
            jobTitle: "bulk",
            // Ties on the sort key: the id tiebreaker must keep pages stable.
            city: `City ${i % 7}`,
          })),
        );
        created.push(...records.map((r) => r.id));
      }
      assert.equal(new Set(created).size, 250);
      const seen: string[] = [];
      for await (const person of client.people.iterate({ filter: { jobTitle: { eq: "bulk" } }, orderBy: { city: "AscNullsFirst" }, pageSize: 33 })) {
        seen.push(person.id);
      }
      assert.equal(seen.length, 250);
      assert.equal(new Set(seen).size, 250);
      assert.deepEqual([...seen].sort(), [...created].sort());
      const first = await client.people.findMany({ filter: { jobTitle: { eq: "bulk" } }, limit: 10 });
      assert.equal(first.totalCount, 250);
      assert.equal(first.records.length, 10);
      assert.equal(first.pageInfo.hasNextPage, true);
      // Forward to the second page, then back before it: the first page again.
      const second = await client.people.findMany({ filter: { jobTitle: { eq: "bulk" } }, limit: 10, startingAfter: first.pageInfo.endCursor! });
      assert.equal(second.records.length, 10);
      assert.equal(second.pageInfo.hasPreviousPage, true);
      const back = await client.people.findMany({ filter: { jobTitle: { eq: "bulk" } }, limit: 10, endingBefore: second.pageInfo.startCursor! });
      assert.deepEqual(back.records.map((p) => p.id), first.records.map((p) => p.id));
    });

    it("upserts: a create with an existing id updates that record", async () => {
      const created = await client.companies.create({ name: "Upsert Co", employees: 1 });
      const again = await client.companies.create({ id: created.id, name: "Upsert Co", employees: 2 }, { upsert: true });
      assert.equal(again.id, created.id);
      assert.equal(again.employees, 2);
      const conflict = await rejection(client.companies.create({ id: created.id, name: "Upsert Co" }));
      assert.equal(conflict.status, 409, conflict.message);
    });

    it("updates a field and clears another", async () => {
      const ada = people[0]!;
      const updated = await client.people.update(ada.id, { jobTitle: "Analyst", city: null });
      assert.equal(updated.jobTitle, "Analyst");
      assert.equal(updated.city, null);
      const read = await client.people.findOne(ada.id);
      assert.equal(read.jobTitle, "Analyst");
      assert.equal(read.city, null);
      assert.equal(read.name.lastName, "Lovelace", "fields not sent are left as they are");
      const many = await client.people.updateMany({ jobTitle: { eq: "bulk" }, name: { lastName: { in: ["P000", "P001"] } } }, { jobTitle: "bulk-updated" });
      assert.deepEqual(many.map((p) => p.name.lastName).sort(), ["P000", "P001"]);
    });

    it("soft deletes and restores", async () => {
      const grace = people[1]!;
      const deleted = await client.people.delete(grace.id);
      assert.equal(deleted.id, grace.id);
      const gone = await rejection(client.people.findOne(grace.id));
      assert.equal(gone.status, 404);
      assert.equal(gone.code, "NOT_FOUND");
      const trash = await client.people.findMany({ filter: { deletedAt: { is: "NOT_NULL" } } });
      assert.deepEqual(trash.records.map((p) => p.id), [grace.id]);
      const restored = await client.people.restore(grace.id);
      assert.equal(restored.deletedAt, null);
      assert.equal((await client.people.findOne(grace.id)).name.firstName, "Grace");
      const destroyed = await client.people.destroy(people[3]!.id);
      assert.equal(destroyed.id, people[3]!.id);
      assert.equal((await rejection(client.people.findOne(people[3]!.id))).status, 404);
    });

    it("rejects bad input with a typed 400", async () => {
      const badValue = await rejection(client.people.findMany({ filter: { createdAt: { gt: "not a date" } } }));
      assert.equal(badValue.status, 400);
      assert.ok(badValue.messages.join(" ").includes("createdAt"), badValue.message);
      const unknown = await rejection(client.people.create({ name: { firstName: "X" }, nickname: "x" } as Parameters<typeof client.people.create>[0]));
      assert.equal(unknown.status, 400);
      assert.ok(unknown.messages.join(" ").includes("nickname"), unknown.message);
      const tooMany = await rejection(client.people.findMany({ limit: 500 }));
      assert.equal(tooMany.status, 400);
    });

    it("runs raw GraphQL on the same records, with typed GraphQL errors", async () => {
      const data = await client.graphql<{ people: { totalCount: number; edges: { node: { id: string; name: { lastName: string } } }[] } }>(
        `query People($company: UUID) {
          people(filter: { companyId: { eq: $company } }, orderBy: [{ name: { lastName: AscNullsFirst } }]) {
            totalCount
            edges { node { id name { lastName } } }
          }
        }`,
        { company: acme.id },
      );
      const rest = await client.people.findMany({ filter: { companyId: { eq: acme.id } }, orderBy: { "name.lastName": "AscNullsFirst" } });
      assert.equal(data.people.totalCount, rest.totalCount);
      assert.deepEqual(
        data.people.edges.map((e) => e.node.id),
        rest.records.map((p) => p.id),
      );
      const error = await rejection(client.graphql("{ people { edges { node { nickname } } } }"));
      assert.equal(error.code, "INVALID_QUERY");
      assert.equal(error.graphqlCode, "GRAPHQL_VALIDATION_FAILED");
      assert.ok(error.requestId, "the x-request-id of the response");
      assert.ok(error.messages.join(" ").includes("nickname"), error.message);
    });

    it("the server accepts exactly the comparators the filter types allow, for each kind of value", async () => {
      const objects: TwentyObjects = client;
      const problems: string[] = [];
      for (const c of COMPARATOR_CASES) {
        const target = objects[c.object as keyof TwentyObjects] as unknown as ObjectClient<ObjectTypes>;
        for (const comparator of [...c.accepted, ...c.refused]) {
          const operand = comparator === "is" ? "NULL" : comparator === "in" || comparator === "containsAny" ? [c.operand] : c.operand;
          const [field, sub] = c.path.split(".") as [string, string | undefined];
          const filter = sub === undefined ? { [field]: { [comparator]: operand } } : { [field]: { [sub]: { [comparator]: operand } } };
          const outcome = await target.findMany({ filter, limit: 1 }).then(
            () => "accepted",
            (e: unknown) => (e instanceof TwentyError && e.status === 400 ? "refused" : `failed: ${String(e)}`),
          );
          const expected = c.accepted.includes(comparator) ? "accepted" : "refused";
          if (outcome !== expected) problems.push(`${c.kind} ${c.object}.${c.path}[${comparator}]: ${outcome}, expected ${expected}`);
        }
      }
      assert.deepEqual(problems, []);
    });

    it("rejects writes with a read-only key (403) and everything with a revoked key (401)", async () => {
      const readOnly = new TwentyClient({ url: server.url, apiKey: server.readOnlyKey });
      assert.equal((await readOnly.people.findMany({ limit: 1 })).records.length, 1);
      const forbidden = await rejection(readOnly.companies.create({ name: "Nope" }));
      assert.equal(forbidden.status, 403);
      assert.equal(forbidden.code, "FORBIDDEN");
      const key = await server.createKey("to revoke");
      const soonRevoked = new TwentyClient({ url: server.url, apiKey: key.secret });
      assert.equal((await soonRevoked.companies.findOne(acme.id)).id, acme.id);
      await server.revokeKey(key.id);
      // Revoked by another process (the CLI): the server may trust its 2 s key cache until then.
      const deadline = Date.now() + 5_000;
      while (Date.now() < deadline && (await soonRevoked.companies.findOne(acme.id).then(() => true, () => false))) {
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      const revoked = await rejection(soonRevoked.companies.findOne(acme.id));
      assert.equal(revoked.status, 401);
      assert.equal(revoked.code, "UNAUTHENTICATED");
    });
  });
}
