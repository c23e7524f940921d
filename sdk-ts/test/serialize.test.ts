// The typed filter and order-by written in the REST grammar.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { serializeFilter, serializeOrderBy } from "../src/index.js";
import type { CompanyFilter, CompanyOrderBy, PersonFilter } from "../src/index.js";

const PERSON_COMPOSITES = ["name", "emails", "linkedinLink", "xLink", "phones", "createdBy", "updatedBy"];

function person(filter: PersonFilter): string | undefined {
  return serializeFilter(filter, PERSON_COMPOSITES);
}

describe("serializeFilter", () => {
  it("writes one comparison as field[comparator]:value", () => {
    assert.equal(person({ jobTitle: { eq: "CTO" } }), 'jobTitle[eq]:"CTO"');
  });

  it("joins the entries of one object with commas (the root's implicit and)", () => {
    assert.equal(
      person({ jobTitle: { startsWith: "VP" }, city: { is: "NOT_NULL" } }),
      'jobTitle[startsWith]:"VP",city[is]:NOT_NULL',
    );
    assert.equal(person({ position: { gte: 1, lt: 10 } }), "position[gte]:1,position[lt]:10");
  });

  it("writes composite sub-fields with a dot", () => {
    assert.equal(
      person({ name: { firstName: { eq: "Ada" }, lastName: { ilike: "%love%" } } }),
      'name.firstName[eq]:"Ada",name.lastName[ilike]:"%love%"',
    );
  });

  it("nests and / or / not, grouping multi-entry children in and(…)", () => {
    assert.equal(
      person({
        or: [
          { name: { firstName: { eq: "Ada" } } },
          { and: [{ emails: { primaryEmail: { endsWith: "@acme.com" } } }, { not: { city: { eq: "Paris" } } }] },
          { jobTitle: { eq: "CEO" }, city: { eq: "Berlin" } },
        ],
      }),
      'or(name.firstName[eq]:"Ada",and(emails.primaryEmail[endsWith]:"@acme.com",not(city[eq]:"Paris")),and(jobTitle[eq]:"CEO",city[eq]:"Berlin"))',
    );
  });

  it("quotes strings with backslash escapes, leaves numbers and booleans bare", () => {
    assert.equal(person({ jobTitle: { eq: 'say "hi", \\o/ (ok)' } }), 'jobTitle[eq]:"say \\"hi\\", \\\\o/ (ok)"');
    const company: CompanyFilter = { employees: { gt: 1.5 }, idealCustomerProfile: { eq: false } };
    assert.equal(serializeFilter(company, []), "employees[gt]:1.5,idealCustomerProfile[eq]:false");
  });

  it("writes lists for in and containsAny, and dates as quoted ISO strings", () => {
    assert.equal(
      person({ id: { in: ["a", "b"] }, createdAt: { gte: new Date(Date.UTC(2025, 0, 2, 3, 4, 5)) } }),
      'id[in]:["a","b"],createdAt[gte]:"2025-01-02T03:04:05.000Z"',
    );
    assert.equal(serializeFilter({ tags: { containsAny: ["x", "y"] } }, []), 'tags[containsAny]:["x","y"]');
  });

  it("leaves undefined entries out and gives undefined for an empty filter", () => {
    assert.equal(person({}), undefined);
    assert.equal(person({ jobTitle: undefined, city: { eq: undefined, neq: "X" } }), 'city[neq]:"X"');
    assert.equal(serializeFilter(undefined, []), undefined);
  });

  it("refuses what the grammar cannot say", () => {
    assert.throws(() => person({ or: [] }), /non-empty list/);
    assert.throws(() => person({ not: {} }), /empty filter/);
    assert.throws(() => serializeFilter({ jobTitle: { eq: null } }, []), /is: "NULL"/);
    assert.throws(() => serializeFilter({ "job]Title": { eq: "x" } }, []), /not a valid field name/);
    assert.throws(() => serializeFilter({ jobTitle: { bogus: "x" } }, []), /unknown comparator/);
    assert.throws(() => serializeFilter({ position: { eq: Number.NaN } }, []), /finite number/);
    assert.throws(() => serializeFilter({ city: { is: "EMPTY" } }, []), /NULL" or "NOT_NULL/);
    assert.throws(() => serializeFilter({ city: "Paris" }, []), /object of comparators/);
  });
});

describe("serializeOrderBy", () => {
  it("writes fields, sub-fields and directions in order", () => {
    const orderBy: CompanyOrderBy[] = [{ employees: "DescNullsLast" }, "name", { "address.addressCity": "AscNullsLast" }];
    assert.equal(serializeOrderBy(orderBy), "employees[DescNullsLast],name,address.addressCity[AscNullsLast]");
    assert.equal(serializeOrderBy("createdAt"), "createdAt");
    assert.equal(serializeOrderBy({ createdAt: "DescNullsFirst" }), "createdAt[DescNullsFirst]");
    assert.equal(serializeOrderBy([]), undefined);
    assert.equal(serializeOrderBy(undefined), undefined);
  });

  it("refuses unknown directions and malformed names", () => {
    assert.throws(() => serializeOrderBy({ name: "Down" }), /direction/);
    assert.throws(() => serializeOrderBy("a.b.c"), /field or field.subField/);
    assert.throws(() => serializeOrderBy("name[Asc]"), /field or field.subField/);
  });
});
