// The typed filter and order-by written in the REST grammar: `field[comparator]:value`,
// `and(…)` / `or(…)` / `not(…)`, `field.subField`, and `order_by=field[Direction],…`.

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const COMPARATORS = new Set([
  "eq",
  "neq",
  "in",
  "containsAny",
  "is",
  "gt",
  "gte",
  "lt",
  "lte",
  "startsWith",
  "endsWith",
  "like",
  "ilike",
]);
const DIRECTIONS = new Set(["AscNullsFirst", "AscNullsLast", "DescNullsFirst", "DescNullsLast"]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function name(value: string, what: string): string {
  if (!NAME.test(value)) throw new TypeError(`filter: ${JSON.stringify(value)} is not a valid ${what} name`);
  return value;
}

/** A string in double quotes, `\` and `"` escaped with a backslash. */
export function quote(value: string): string {
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/** One operand: strings and dates quoted, numbers and booleans bare. */
function operand(value: unknown, at: string): string {
  if (typeof value === "string") return quote(value);
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new TypeError(`filter: ${at} is an invalid Date`);
    return quote(value.toISOString());
  }
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new TypeError(`filter: ${at} must be a finite number (got ${value})`);
    return String(value);
  }
  if (typeof value === "boolean") return String(value);
  if (value === null) throw new TypeError(`filter: ${at} is null; compare with { is: "NULL" } instead`);
  throw new TypeError(`filter: ${at} has an unsupported value ${JSON.stringify(value)}`);
}

/** The predicates of one field (or sub-field): one per comparator given. */
function comparisons(field: string, comparators: unknown): string[] {
  if (!isRecord(comparators)) {
    throw new TypeError(`filter: ${field} takes an object of comparators such as { eq: … } (got ${JSON.stringify(comparators)})`);
  }
  const out: string[] = [];
  for (const [comparator, value] of Object.entries(comparators)) {
    if (value === undefined) continue;
    if (!COMPARATORS.has(comparator)) throw new TypeError(`filter: unknown comparator ${JSON.stringify(comparator)} on ${field}`);
    const at = `${field}.${comparator}`;
    let text: string;
    if (comparator === "is") {
      if (value !== "NULL" && value !== "NOT_NULL") throw new TypeError(`filter: ${at} takes "NULL" or "NOT_NULL"`);
      text = value;
    } else if (comparator === "in" || comparator === "containsAny") {
      if (!Array.isArray(value)) throw new TypeError(`filter: ${at} takes a list`);
      text = `[${value.map((v: unknown, i: number) => operand(v, `${at}[${i}]`)).join(",")}]`;
    } else {
      text = operand(value, at);
    }
    out.push(`${field}[${comparator}]:${text}`);
  }
  return out;
}

/** The predicates of a filter object, all of which must hold. */
function predicates(filter: unknown, composites: ReadonlySet<string>): string[] {
  if (!isRecord(filter)) throw new TypeError(`filter: expected an object, got ${JSON.stringify(filter)}`);
  const out: string[] = [];
  for (const [key, value] of Object.entries(filter)) {
    if (value === undefined) continue;
    if (key === "and" || key === "or") {
      if (!Array.isArray(value) || value.length === 0) throw new TypeError(`filter: \`${key}\` takes a non-empty list of filters`);
      out.push(`${key}(${value.map((child: unknown) => group(child, composites)).join(",")})`);
    } else if (key === "not") {
      out.push(`not(${group(value, composites)})`);
    } else if (composites.has(key)) {
      if (!isRecord(value)) throw new TypeError(`filter: ${key} takes an object of sub-fields such as { primaryEmail: { eq: … } }`);
      for (const [sub, comparators] of Object.entries(value)) {
        if (comparators === undefined) continue;
        out.push(...comparisons(`${key}.${name(sub, "sub-field")}`, comparators));
      }
    } else {
      out.push(...comparisons(name(key, "field"), value));
    }
  }
  return out;
}

/** A filter as one predicate: itself, or `and(…)` of its predicates. */
function group(filter: unknown, composites: ReadonlySet<string>): string {
  const parts = predicates(filter, composites);
  if (parts.length === 0) throw new TypeError("filter: an empty filter inside `and`, `or` or `not` matches nothing definite; remove it");
  return parts.length === 1 ? (parts[0] as string) : `and(${parts.join(",")})`;
}

/**
 * A typed filter in the REST grammar; `undefined` when it holds no condition.
 * `composites` are the keys whose value is a composite's sub-field filters.
 */
export function serializeFilter(filter: object | undefined, composites: readonly string[]): string | undefined {
  if (filter === undefined) return undefined;
  const parts = predicates(filter, new Set(composites));
  return parts.length === 0 ? undefined : parts.join(",");
}

/** A typed order-by (one key or a list) as `order_by`; `undefined` when empty. */
export function serializeOrderBy(orderBy: string | object | readonly (string | object)[] | undefined): string | undefined {
  if (orderBy === undefined) return undefined;
  const items: readonly unknown[] = Array.isArray(orderBy) ? orderBy : [orderBy];
  const keys: string[] = [];
  const field = (path: string): string => {
    const parts = path.split(".");
    if (parts.length > 2 || !parts.every((p) => NAME.test(p))) throw new TypeError(`orderBy: ${JSON.stringify(path)} is not a field or field.subField`);
    return path;
  };
  for (const item of items) {
    if (typeof item === "string") {
      keys.push(field(item));
    } else if (isRecord(item)) {
      for (const [path, direction] of Object.entries(item)) {
        if (direction === undefined) continue;
        if (typeof direction !== "string" || !DIRECTIONS.has(direction)) {
          throw new TypeError(`orderBy: ${path} has direction ${JSON.stringify(direction)}; expected one of ${[...DIRECTIONS].join(", ")}`);
        }
        keys.push(`${field(path)}[${direction}]`);
      }
    } else {
      throw new TypeError(`orderBy: expected a field name or { field: direction }, got ${JSON.stringify(item)}`);
    }
  }
  return keys.length === 0 ? undefined : keys.join(",");
}
