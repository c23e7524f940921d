// What the types allow and refuse, checked by `tsc --strict` when the tests compile (each
// `@ts-expect-error` fails the build if the line it marks type-checks), and a scan of the
// published declarations for `any`.

import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { it } from "node:test";
import { fileURLToPath } from "node:url";
import type { Assert, Deep, Equal, OptionalKeys, S } from "./generated/openapi-agreement.js";
import type {
  Company,
  CompanyCreateInput,
  CompanyFilter,
  CompanyOrderBy,
  CompanyUpdateInput,
  OpportunityFilter,
  Person,
  PersonCreateInput,
  PersonFilter,
  TwentyClient,
  TwentyError,
} from "../src/index.js";

export const accepted: [PersonFilter, CompanyFilter, OpportunityFilter, CompanyOrderBy[], CompanyUpdateInput] = [
  {
    and: [{ name: { firstName: { startsWith: "A" } } }, { not: { emails: { primaryEmail: { is: "NULL" } } } }],
    or: [{ createdAt: { gte: new Date() } }, { companyId: { in: ["00000000-0000-4000-8000-000000000000"] } }],
    createdBy: { source: { in: ["API", "IMPORT"] } },
  },
  { employees: { gt: 10, lte: 1000 }, idealCustomerProfile: { eq: true }, domainName: { primaryLinkUrl: { ilike: "%.com" } } },
  { stage: { in: ["NEW", "MEETING"] }, amount: { amountMicros: { gte: 1_000_000 } } },
  ["name", { "address.addressCity": "DescNullsLast" }],
  { name: null, employees: 3 },
];

export const refused = [
  // @ts-expect-error: startsWith does not apply to numbers
  { employees: { startsWith: "1" } } satisfies CompanyFilter,
  // @ts-expect-error: a boolean field has no gt
  { idealCustomerProfile: { gt: true } } satisfies CompanyFilter,
  // @ts-expect-error: not one of the select's options
  { stage: { eq: "LOST" } } satisfies OpportunityFilter,
  // @ts-expect-error: a composite is compared through its sub-fields
  { name: { eq: "Ada" } } satisfies PersonFilter,
  // @ts-expect-error: no such field
  { nickname: { eq: "x" } } satisfies PersonFilter,
  // @ts-expect-error: `is` takes NULL or NOT_NULL
  { city: { is: null } } satisfies PersonFilter,
  // @ts-expect-error: not takes one filter, not a list
  { not: [{ city: { eq: "x" } }] } satisfies PersonFilter,
  // @ts-expect-error: a one-to-many relation cannot be compared
  { people: { eq: "x" } } satisfies CompanyFilter,
  // @ts-expect-error: JSON sub-fields cannot be ordered by
  "domainName.secondaryLinks" satisfies CompanyOrderBy,
  // @ts-expect-error: not a direction
  { name: "Descending" } satisfies CompanyOrderBy,
  // @ts-expect-error: the server sets createdAt
  { createdAt: "2025-01-01T00:00:00Z" } satisfies CompanyUpdateInput,
  // @ts-expect-error: idealCustomerProfile is NOT NULL: it cannot be cleared
  { idealCustomerProfile: null } satisfies CompanyUpdateInput,
  // @ts-expect-error: relations are written through their id
  { people: [] } satisfies CompanyCreateInput,
];

/** The agreement check's comparisons see the smallest difference between the spec and the SDK. */
export type AgreementCanFail = [
  // @ts-expect-error: the create input is not the update body
  Assert<Equal<PersonCreateInput, S["PersonForUpdate"]>>,
  // @ts-expect-error: one property's type differs
  Assert<Equal<PersonCreateInput, { [K in keyof S["Person"]]?: K extends "jobTitle" ? string : S["Person"][K] }>>,
  // @ts-expect-error: a nested relation's record differs
  Assert<Equal<Deep<Company>, Deep<{ [K in keyof S["CompanyForResponse"]]: K extends "people" ? S["OpportunityForResponse"][] : S["CompanyForResponse"][K] }>>>,
  // @ts-expect-error: a record whose relation would always be present
  Assert<Equal<OptionalKeys<Person>, never>>,
  // The spec itself, rebuilt property by property, agrees.
  Assert<Equal<PersonCreateInput, { [K in keyof S["Person"]]: S["Person"][K] }>>,
];

/** A record's fields are there without `?.`; its relations may be absent. */
export function fullName(person: Person): string {
  const company: string | null | undefined = person.company?.name;
  return `${person.name.firstName ?? ""} ${person.name.lastName ?? ""} ${company ?? ""}`;
}

/** Each object is a typed property of the client. */
export async function firstCity(client: TwentyClient): Promise<string | null | undefined> {
  const page = await client.people.findMany({ filter: { city: { is: "NOT_NULL" } }, orderBy: { city: "AscNullsLast" }, limit: 1 });
  // @ts-expect-error: companies take company filters
  await client.companies.findMany({ filter: { jobTitle: { eq: "CTO" } } });
  return page.records[0]?.city;
}

it("the published declarations never use `any`", async () => {
  const dist = fileURLToPath(new URL("../../dist/", import.meta.url));
  const files: string[] = [];
  for (const dir of [dist, join(dist, "generated")]) {
    for (const name of await readdir(dir)) {
      if (name.endsWith(".d.ts")) files.push(join(dir, name));
    }
  }
  assert.ok(files.length >= 10, `declarations in ${dist}: ${files.join(", ")}`);
  for (const file of files) {
    const code = (await readFile(file, "utf8")).replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");
    assert.doesNotMatch(code, /\bany\b/, file);
  }
});

/** What `fields` and `depth` make of a read's type (compiled only: never called). */
export async function selections(client: TwentyClient): Promise<void> {
  const page = await client.people.findMany({ fields: ["jobTitle", "company"], depth: 0 });
  const person = page.records[0]!;
  const kept: [string, string | null, string | null] = [person.id, person.jobTitle, person.companyId];
  void kept;
  // @ts-expect-error: not in `fields`
  void person.city;
  // @ts-expect-error: relations are absent at depth 0
  void person.company;
  const deep = await client.people.findOne("x", { fields: ["company"] });
  const company: Company | null | undefined = deep.company;
  void company;
  // @ts-expect-error: not in `fields`
  void deep.emails;
  const shallow = await client.companies.findOne("x", { depth: 0 });
  void shallow.name;
  // @ts-expect-error: relations are absent at depth 0
  void shallow.people;
  const created = await client.companies.create({ name: "x" }, { fields: ["name"] });
  void created.name;
  // @ts-expect-error: not in `fields`
  void created.employees;
  // @ts-expect-error: no such field
  await client.people.findMany({ fields: ["nickname"] });
  const whole: Person = (await client.people.findMany()).records[0]!;
  void whole;
}

/** Error codes are a union of the documented ones: a typo does not compile. */
export function isRateLimited(error: TwentyError): boolean {
  if (error.code === "RATE_LIMITED" || error.code === "TIMEOUT") return true;
  // @ts-expect-error: not a documented code
  return error.code === "RATE_LIMTED";
}

