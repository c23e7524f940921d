// One object's REST operations (`client.people.findMany(…)`, …), typed by the generated
// type map of the object and driven by its generated descriptor (path, envelope keys).

import { TwentyError } from "./errors.js";
import { serializeFilter, serializeOrderBy } from "./serialize.js";
import type { CallOptions, Transport } from "./transport.js";

/** The types of one object, as generated (`PersonTypes`, …). */
export interface ObjectTypes {
  record: { id: string };
  create: object;
  update: object;
  filter: object;
  orderBy: string | object;
  /** The record's relation fields (absent from records read at `depth: 0`). */
  relations: string;
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

/** A field a `fields` list may name (`id` always comes). */
export type FieldName<T extends ObjectTypes> = Exclude<keyof T["record"] & string, "id">;

/** The fields and depth a read asks for, each inferred from the call. */
export interface Selection<T extends ObjectTypes, F extends readonly FieldName<T>[] | undefined, D extends Depth | undefined> {
  /** Only these fields (and `id`; a relation brings its `…Id` column): the result's type follows. */
  fields?: F;
  /** `0`: no related records (the result's type has no relation fields); `1`: the server's default. */
  depth?: D;
}

/**
 * What a read answers: the record, narrowed to `id`, the named fields and the named
 * relations' `…Id` columns when `fields` is given, without relation fields at `depth: 0`.
 */
export type Selected<T extends ObjectTypes, F extends readonly FieldName<T>[] | undefined, D extends Depth | undefined> = WithoutRelations<
  T,
  F extends readonly (infer K extends string)[] ? Pick<T["record"], Extract<K | "id" | `${K}Id`, keyof T["record"]>> : T["record"],
  D
>;

type WithoutRelations<T extends ObjectTypes, R, D> = [D] extends [0] ? Omit<R, T["relations"]> : R;

export interface FindManyOptions<T extends ObjectTypes> extends CallOptions {
  filter?: T["filter"];
  /** One sort key or several; `id` is always the last tiebreaker. */
  orderBy?: T["orderBy"] | readonly T["orderBy"][];
  /** Page size: 0 to 200 (the server's default is 60). */
  limit?: number;
  /** The `pageInfo.endCursor` of the previous page. */
  startingAfter?: string;
  /** The `pageInfo.startCursor` of the current page, to page backwards. */
  endingBefore?: string;
}

export interface IterateOptions<T extends ObjectTypes> extends CallOptions {
  filter?: T["filter"];
  orderBy?: T["orderBy"] | readonly T["orderBy"][];
  /** Records fetched per request: 1 to 200 (default 200). */
  pageSize?: number;
}

/** Options of a write: `fields` narrows the record it answers (and its type). */
export interface WriteOptions<T extends ObjectTypes, F extends readonly FieldName<T>[] | undefined> extends CallOptions {
  /** Only these fields of the answered record (and `id`). */
  fields?: F;
}

/** The `fields` query parameter of a selection. */
function fieldsParam(fields: readonly string[] | undefined): string | undefined {
  if (fields === undefined) return undefined;
  if (!Array.isArray(fields) || fields.some((f) => typeof f !== "string" || f === "" || f.includes(","))) {
    throw new TypeError("fields: a list of field names");
  }
  return fields.length === 0 ? "id" : fields.join(",");
}

/** The signal and timeout of a call's options. */
function call(options: CallOptions): CallOptions {
  return { signal: options.signal, timeoutMs: options.timeoutMs };
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
  async findMany<const F extends readonly FieldName<T>[] | undefined = undefined, const D extends Depth | undefined = undefined>(
    options: FindManyOptions<T> & Selection<T, F, D> = {},
  ): Promise<Page<Selected<T, F, D>>> {
    const body = await this.#transport.request("GET", this.#path, {
      ...call(options),
      query: {
        fields: fieldsParam(options.fields),
        filter: this.#filter(options.filter),
        order_by: serializeOrderBy(options.orderBy),
        limit: options.limit,
        starting_after: options.startingAfter,
        ending_before: options.endingBefore,
        depth: options.depth,
      },
    });
    const records = many<Selected<T, F, D>>(body, this.#object.keys.findMany);
    if (!isRecord(body) || typeof body.totalCount !== "number" || !isRecord(body.pageInfo)) {
      throw unexpected("totalCount and pageInfo", body);
    }
    return { records, totalCount: body.totalCount, pageInfo: body.pageInfo as unknown as PageInfo };
  }

  /** Every record matching `filter`, page after page (cursors, so each record comes exactly once). */
  async *iterate<const F extends readonly FieldName<T>[] | undefined = undefined, const D extends Depth | undefined = undefined>(
    options: IterateOptions<T> & Selection<T, F, D> = {},
  ): AsyncGenerator<Selected<T, F, D>, void, undefined> {
    const limit = options.pageSize ?? 200;
    if (!Number.isInteger(limit) || limit < 1) throw new TypeError(`iterate: pageSize must be a positive integer (got ${limit})`);
    let startingAfter: string | undefined;
    for (;;) {
      const page: Page<Selected<T, F, D>> = await this.findMany<F, D>({
        ...call(options),
        filter: options.filter,
        orderBy: options.orderBy,
        ...(options.fields === undefined ? {} : { fields: options.fields }),
        ...(options.depth === undefined ? {} : { depth: options.depth }),
        limit,
        startingAfter,
      } as FindManyOptions<T> & Selection<T, F, D>);
      yield* page.records;
      const next = page.pageInfo.endCursor;
      if (!page.pageInfo.hasNextPage || next === null || page.records.length === 0) return;
      startingAfter = next;
    }
  }

  /** The record with this id (a 404 TwentyError when there is none). */
  async findOne<const F extends readonly FieldName<T>[] | undefined = undefined, const D extends Depth | undefined = undefined>(
    id: string,
    options: Selection<T, F, D> & CallOptions = {},
  ): Promise<Selected<T, F, D>> {
    const body = await this.#transport.request("GET", `${this.#path}/${checkId(id)}`, {
      ...call(options),
      query: { depth: options.depth, fields: fieldsParam(options.fields) },
    });
    return one(body, this.#object.keys.findOne);
  }

  /** Creates a record; with `upsert`, updates the one with the same id or unique value instead. */
  async create<const F extends readonly FieldName<T>[] | undefined = undefined>(
    data: T["create"],
    options: WriteOptions<T, F> & { upsert?: boolean } = {},
  ): Promise<Selected<T, F, undefined>> {
    const body = await this.#transport.request("POST", this.#path, {
      ...call(options),
      query: { upsert: options.upsert, fields: fieldsParam(options.fields) },
      body: data,
    });
    return one(body, this.#object.keys.create);
  }

  /** Creates several records in one request (all or none). */
  async createMany<const F extends readonly FieldName<T>[] | undefined = undefined>(
    data: readonly T["create"][],
    options: WriteOptions<T, F> & { upsert?: boolean } = {},
  ): Promise<Selected<T, F, undefined>[]> {
    const body = await this.#transport.request("POST", `/rest/batch/${encodeURIComponent(this.#object.namePlural)}`, {
      ...call(options),
      query: { upsert: options.upsert, fields: fieldsParam(options.fields) },
      body: data,
    });
    return many(body, this.#object.keys.createMany);
  }

  /** Changes the given fields of a record (`null` clears a nullable one). */
  async update<const F extends readonly FieldName<T>[] | undefined = undefined>(
    id: string,
    data: T["update"],
    options: WriteOptions<T, F> = {},
  ): Promise<Selected<T, F, undefined>> {
    const body = await this.#transport.request("PATCH", `${this.#path}/${checkId(id)}`, {
      ...call(options),
      query: { fields: fieldsParam(options.fields) },
      body: data,
    });
    return one(body, this.#object.keys.update);
  }

  /** Changes the given fields of every record matching `filter` (which may not be empty). */
  async updateMany(filter: T["filter"], data: T["update"], options: CallOptions = {}): Promise<T["record"][]> {
    const text = this.#filter(filter);
    if (text === undefined) throw new TypeError("updateMany: the filter holds no condition; refusing to update every record");
    const body = await this.#transport.request("PATCH", this.#path, { ...call(options), query: { filter: text }, body: data });
    return many(body, this.#object.keys.updateMany);
  }

  /** Soft-deletes a record: it can be restored. */
  async delete(id: string, options: CallOptions = {}): Promise<T["record"]> {
    const body = await this.#transport.request("DELETE", `${this.#path}/${checkId(id)}`, { ...call(options), query: { soft_delete: true } });
    return one(body, this.#object.keys.delete);
  }

  /** Deletes a record for good. */
  async destroy(id: string, options: CallOptions = {}): Promise<T["record"]> {
    const body = await this.#transport.request("DELETE", `${this.#path}/${checkId(id)}`, call(options));
    return one(body, this.#object.keys.delete);
  }

  /** Restores a soft-deleted record. */
  async restore<const F extends readonly FieldName<T>[] | undefined = undefined>(
    id: string,
    options: WriteOptions<T, F> = {},
  ): Promise<Selected<T, F, undefined>> {
    const body = await this.#transport.request("PATCH", `${this.#path}/${checkId(id)}/restore`, {
      ...call(options),
      query: { fields: fieldsParam(options.fields) },
    });
    return one(body, this.#object.keys.restore);
  }
}
