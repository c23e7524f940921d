// The client: `new TwentyClient({ url, apiKey?, fetch?, headers?, retry? })`, one property
// per object (`client.people`, …) and a raw `graphql(query, variables)` call.

import { TwentyError, graphqlError } from "./errors.js";
import { OBJECTS, type TwentyObjects } from "./generated/objects.js";
import { ObjectClient } from "./object-client.js";
import { Transport, type CallOptions, type FetchLike, type RetryOptions } from "./transport.js";

export interface TwentyClientOptions {
  /** The server, e.g. `https://crm.example.com` (the REST API is under `/rest`, GraphQL at `/graphql`). */
  url: string;
  /** An API key; when absent, `TWENTY_API_KEY` from the environment (Node), else none. */
  apiKey?: string;
  /** The `fetch` to call (default: the global one). */
  fetch?: FetchLike;
  /** Headers sent with every request. */
  headers?: Readonly<Record<string, string>>;
  /** Retries of 429 and 503 responses (default: 3 retries, 500 ms doubling, at most 30 s). */
  retry?: RetryOptions;
  /** Milliseconds each attempt of a call may take, body included (default 30,000; 0: no limit); each call may set its own. */
  timeoutMs?: number;
}

// The per-object properties (`people`, `companies`, …) are declared by the generated
// `TwentyObjects` and set in the constructor.
export interface TwentyClient extends TwentyObjects {}

/** A client of a Twenty server's API. */
export class TwentyClient {
  readonly #transport: Transport;

  constructor(options: TwentyClientOptions) {
    this.#transport = new Transport(options);
    for (const [key, descriptor] of Object.entries(OBJECTS)) {
      Object.defineProperty(this, key, {
        value: new ObjectClient(this.#transport, descriptor),
        enumerable: true,
      });
    }
  }

  /**
   * Runs a GraphQL operation (POST /graphql) and returns its `data`; GraphQL errors reject
   * with a TwentyError. For typed operations, generate `T` from the server's SDL
   * (`GET /graphql/schema.graphql`) with a GraphQL code generator (see the README).
   */
  async graphql<T = unknown>(query: string, variables?: Readonly<Record<string, unknown>>, options: CallOptions = {}): Promise<T> {
    const { body, requestId } = await this.#transport.send("POST", "/graphql", {
      ...options,
      body: variables === undefined ? { query } : { query, variables },
    });
    if (typeof body !== "object" || body === null) {
      throw new TwentyError({ status: 200, code: "INVALID_RESPONSE", messages: ["the GraphQL response is not an object"], requestId, body });
    }
    const record = body as Record<string, unknown>;
    if (Array.isArray(record.errors) && record.errors.length > 0) {
      throw graphqlError(200, record, requestId);
    }
    if (!("data" in record)) {
      throw new TwentyError({ status: 200, code: "INVALID_RESPONSE", messages: ["the GraphQL response has no data"], requestId, body });
    }
    return record.data as T;
  }
}
