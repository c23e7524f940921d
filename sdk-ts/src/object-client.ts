// One object's REST operations (`client.people.findMany(…)`, …), typed by the generated
// type map of the object and driven by its generated descriptor (path, envelope keys).

import { TwentyError } from "./errors.js";
import { serializeFilter, serializeOrderBy } from "./serialize.js";
import type { Transport } from "./transport.js";

/** The types of one object, as generated (`PersonTypes`, …). */
export interface ObjectTypes {
  record: { id: string };
  create: object;
  update: object;
  filter: object;
  orderBy: string | object;
}

/** What the runtime needs of an object (generated in `OBJECTS`). */
export interface ObjectDescriptor {
  readonly nameSingular: string;
  readonly namePlural: string;
  /** The keys under `data` of each operation's response. */
  readonly keys: {
    readonly findOne: string;
    readonly findMany: string;
    readonly create: string;
    readonly createMany: string;
    readonly update: string;
    readonly updateMany: string;
    /** A one-record `DELETE` answers under it whether it soft-deletes or destroys. */
    readonly delete: string;
    readonly restore: string;
  };
  /** The filter keys whose value is a composite's sub-field filters. */
  readonly composites: readonly string[];
}

/** `0`: a record's own fields; `1`: its related records too (the server's default). */
export type Depth = 0 | 1;

/** Where a page stands in the whole list. */
export interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  /** The cursor of the first record (for `endingBefore`); null on an empty page. */
  startCursor: string | null;
  /** The cursor of the last record (for `startingAfter`); null on an empty page. */
  endCursor: string | null;
}

/** One page of records. */
export interface Page<R> {
  records: R[];
  /** How many records match the filter, over all pages. */
  totalCount: number;
  pageInfo: PageInfo;
}

export interface FindManyOptions<T extends ObjectTypes> {
  filter?: T["filter"];
  /** One sort key or several; `id` is always the last tiebreaker. */
  orderBy?: T["orderBy"] | readonly T["orderBy"][];
  /** Page size: 0 to 200 (the server's default is 60). */
  limit?: number;
  /** The `pageInfo.endCursor` of the previous page. */
  startingAfter?: string;
  /** The `pageInfo.startCursor` of the current page, to page backwards. */
  endingBefore?: string;
  depth?: Depth;
}

export interface IterateOptions<T extends ObjectTypes> {
  filter?: T["filter"];
  orderBy?: T["orderBy"] | readonly T["orderBy"][];
  /** Records fetched per request: 1 to 200 (default 200). */
  pageSize?: number;
  depth?: Depth;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function unexpected(what: string, body: unknown): TwentyError {
  return new TwentyError({
    status: 200,
    code: "INVALID_RESPONSE",
    messages: [`the response has no ${what}`],
    body,
  });
}

/** The value under `data.<key>` of a response. */
function data(body: unknown, key: string): unknown {
  if (!isRecord(body) || !isRecord(body.data) || !(key in body.data)) throw unexpected(`data.${key}`, body);
  return body.data[key];
}

function one<R>(body: unknown, key: string): R {
  const value = data(body, key);
  if (!isRecord(value)) throw unexpected(`record under data.${key}`, body);
  return value as R;
}

function many<R>(body: unknown, key: string): R[] {
  const value = data(body, key);
  if (!Array.isArray(value)) throw unexpected(`list under data.${key}`, body);
  return value as R[];
}

function checkId(id: string): string {
  if (typeof id !== "string" || id === "") throw new TypeError("the record id must be a non-empty string");
  return encodeURIComponent(id);
}

/** The REST operations of one object. */
export class ObjectClient<T extends ObjectTypes> {
  readonly #transport: Transport;
  readonly #object: ObjectDescriptor;
  readonly #path: string;

  constructor(transport: Transport, object: ObjectDescriptor) {
    this.#transport = transport;
    this.#object = object;
    this.#path = `/rest/${encodeURIComponent(object.namePlural)}`;
  }

  #filter(filter: T["filter"] | undefined): string | undefined {
    return serializeFilter(filter, this.#object.composites);
  }

  /** One page of the records matching `filter`, in `orderBy` order. */
  async findMany(options: FindManyOptions<T> = {}): Promise<Page<T["record"]>> {
    const body = await this.#transport.request("GET", this.#path, {
      query: {
        filter: this.#filter(options.filter),
        order_by: serializeOrderBy(options.orderBy),
        limit: options.limit,
        starting_after: options.startingAfter,
        ending_before: options.endingBefore,
        depth: options.depth,
      },
    });
    const records = many<T["record"]>(body, this.#object.keys.findMany);
    if (!isRecord(body) || typeof body.totalCount !== "number" || !isRecord(body.pageInfo)) {
      throw unexpected("totalCount and pageInfo", body);
    }
    return { records, totalCount: body.totalCount, pageInfo: body.pageInfo as unknown as PageInfo };
  }

  /** Every record matching `filter`, page after page (cursors, so each record comes exactly once). */
  async *iterate(options: IterateOptions<T> = {}): AsyncGenerator<T["record"], void, undefined> {
    const limit = options.pageSize ?? 200;
    if (!Number.isInteger(limit) || limit < 1) throw new TypeError(`iterate: pageSize must be a positive integer (got ${limit})`);
    let startingAfter: string | undefined;
    for (;;) {
      const page = await this.findMany({
        filter: options.filter,
        orderBy: options.orderBy,
        depth: options.depth,
        limit,
        startingAfter,
      });
      yield* page.records;
      const next = page.pageInfo.endCursor;
      if (!page.pageInfo.hasNextPage || next === null || page.records.length === 0) return;
      startingAfter = next;
    }
  }

  /** The record with this id (a 404 TwentyError when there is none). */
  async findOne(id: string, options: { depth?: Depth } = {}): Promise<T["record"]> {
    const body = await this.#transport.request("GET", `${this.#path}/${checkId(id)}`, { query: { depth: options.depth } });
    return one(body, this.#object.keys.findOne);
  }

  /** Creates a record; with `upsert`, updates the one with the same id or unique value instead. */
  async create(data: T["create"], options: { upsert?: boolean } = {}): Promise<T["record"]> {
    const body = await this.#transport.request("POST", this.#path, {
      query: { upsert: options.upsert },
      body: data,
    });
    return one(body, this.#object.keys.create);
  }

  /** Creates several records in one request (all or none). */
  async createMany(data: readonly T["create"][], options: { upsert?: boolean } = {}): Promise<T["record"][]> {
    const body = await this.#transport.request("POST", `/rest/batch/${encodeURIComponent(this.#object.namePlural)}`, {
      query: { upsert: options.upsert },
      body: data,
    });
    return many(body, this.#object.keys.createMany);
  }

  /** Changes the given fields of a record (`null` clears a nullable one). */
  async update(id: string, data: T["update"]): Promise<T["record"]> {
    const body = await this.#transport.request("PATCH", `${this.#path}/${checkId(id)}`, { body: data });
    return one(body, this.#object.keys.update);
  }

  /** Changes the given fields of every record matching `filter` (which may not be empty). */
  async updateMany(filter: T["filter"], data: T["update"]): Promise<T["record"][]> {
    const text = this.#filter(filter);
    if (text === undefined) throw new TypeError("updateMany: the filter holds no condition; refusing to update every record");
    const body = await this.#transport.request("PATCH", this.#path, { query: { filter: text }, body: data });
    return many(body, this.#object.keys.updateMany);
  }

  /** Soft-deletes a record: it can be restored. */
  async delete(id: string): Promise<T["record"]> {
    const body = await this.#transport.request("DELETE", `${this.#path}/${checkId(id)}`, { query: { soft_delete: true } });
    return one(body, this.#object.keys.delete);
  }

  /** Deletes a record for good. */
  async destroy(id: string): Promise<T["record"]> {
    const body = await this.#transport.request("DELETE", `${this.#path}/${checkId(id)}`);
    return one(body, this.#object.keys.delete);
  }

  /** Restores a soft-deleted record. */
  async restore(id: string): Promise<T["record"]> {
    const body = await this.#transport.request("PATCH", `${this.#path}/${checkId(id)}/restore`);
    return one(body, this.#object.keys.restore);
  }
}
