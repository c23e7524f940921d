// HTTP for the client: URL building, auth and headers, JSON bodies, error mapping, and
// retries with exponential backoff on 429 and 503 (honouring Retry-After). Only `fetch`.

import { TwentyError, errorFromResponse } from "./errors.js";

/** The `fetch` the client calls (the global one by default). */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** How 429 (too many requests) and 503 (unavailable) responses are retried. */
export interface RetryOptions {
  /** How many times a request is retried after the first attempt (default 3; 0 disables). */
  retries?: number;
  /** The first backoff delay in milliseconds, doubled on each retry (default 500). */
  minDelayMs?: number;
  /** The longest wait, backoff or `Retry-After` (default 30,000 ms); a longer `Retry-After` is not waited for. */
  maxDelayMs?: number;
}

/** A value of a query parameter; `undefined` leaves the parameter out. */
export type QueryValue = string | number | boolean | undefined;

/** What every call accepts to bound it: an `AbortSignal` and a timeout. */
export interface CallOptions {
  /** Aborts the call (a TwentyError with code `ABORTED`), retries included. */
  signal?: AbortSignal | undefined;
  /** Milliseconds each attempt may take, body included (default: the client's `timeoutMs`; 0: none); past it, a TwentyError with code `TIMEOUT`. */
  timeoutMs?: number | undefined;
}

export interface RequestOptions extends CallOptions {
  query?: Readonly<Record<string, QueryValue>>;
  body?: unknown;
}

/** The client's default timeout of one attempt: 30 s. */
export const DEFAULT_TIMEOUT_MS = 30_000;

const RETRYABLE = new Set([429, 503]);

/** Reads `TWENTY_API_KEY` where a `process.env` exists (Node); browsers have none. */
function environmentApiKey(): string | undefined {
  const process = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  const key = process?.env?.TWENTY_API_KEY;
  return key === undefined || key === "" ? undefined : key;
}

/** The wait a `Retry-After` header asks for, in milliseconds (seconds or an HTTP date). */
export function retryAfterMs(header: string | null, now: number = Date.now()): number | undefined {
  if (header === null) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Waits `ms`, or rejects with the signal's reason when it aborts first. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

function checkTimeout(where: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) {
    throw new TypeError(`${where}: \`timeoutMs\` must be a non-negative number of milliseconds (got ${value})`);
  }
  return value;
}

/** One attempt's signal: aborted by the caller's signal or by its timeout (0: none). */
class AttemptSignal {
  readonly controller = new AbortController();
  timedOut = false;
  readonly #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #caller: AbortSignal | undefined;
  readonly #onAbort = () => this.controller.abort(this.#caller?.reason);

  constructor(caller: AbortSignal | undefined, timeoutMs: number) {
    this.#caller = caller;
    if (caller?.aborted) this.controller.abort(caller.reason);
    else caller?.addEventListener("abort", this.#onAbort, { once: true });
    this.#timer =
      timeoutMs > 0
        ? setTimeout(() => {
            this.timedOut = true;
            this.controller.abort(new Error(`timed out after ${timeoutMs} ms`));
          }, timeoutMs)
        : undefined;
  }

  done(): void {
    clearTimeout(this.#timer);
    this.#caller?.removeEventListener("abort", this.#onAbort);
  }
}

export class Transport {
  readonly #base: string;
  readonly #token: string | undefined;
  readonly #fetch: FetchLike;
  readonly #headers: Readonly<Record<string, string>>;
  readonly #retries: number;
  readonly #minDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #timeoutMs: number;

  constructor(options: {
    url: string;
    apiKey?: string | undefined;
    fetch?: FetchLike | undefined;
    headers?: Readonly<Record<string, string>> | undefined;
    retry?: RetryOptions | undefined;
    timeoutMs?: number | undefined;
  }) {
    let parsed: URL;
    try {
      parsed = new URL(options.url);
    } catch {
      throw new TypeError(`TwentyClient: \`url\` must be an absolute URL such as http://127.0.0.1:3000 (got ${JSON.stringify(options.url)})`);
    }
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
      throw new TypeError(`TwentyClient: \`url\` must be an http(s) URL such as http://127.0.0.1:3000 (got ${JSON.stringify(options.url)})`);
    }
    if (parsed.search !== "" || parsed.hash !== "") {
      throw new TypeError("TwentyClient: `url` must not have a query string or fragment");
    }
    this.#base = parsed.href.replace(/\/+$/, "");
    this.#token = options.apiKey ?? environmentApiKey();
    const fetchImpl = options.fetch ?? (typeof globalThis.fetch === "function" ? globalThis.fetch.bind(globalThis) : undefined);
    if (fetchImpl === undefined) {
      throw new TypeError("TwentyClient: no global `fetch` here; pass the `fetch` option");
    }
    this.#fetch = fetchImpl;
    this.#headers = { ...options.headers };
    const retries = options.retry?.retries ?? 3;
    const minDelayMs = options.retry?.minDelayMs ?? 500;
    const maxDelayMs = options.retry?.maxDelayMs ?? 30_000;
    for (const [name, value] of [["retries", retries], ["minDelayMs", minDelayMs], ["maxDelayMs", maxDelayMs]] as const) {
      if (!Number.isFinite(value) || value < 0) {
        throw new TypeError(`TwentyClient: \`retry.${name}\` must be a non-negative number (got ${value})`);
      }
    }
    this.#retries = Math.floor(retries);
    this.#minDelayMs = minDelayMs;
    this.#maxDelayMs = maxDelayMs;
    this.#timeoutMs = checkTimeout("TwentyClient", options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  }

  /** Sends a request to `path` (below the server URL) and returns the parsed JSON body of a 2xx response. */
  async request(method: string, path: string, options: RequestOptions = {}): Promise<unknown> {
    return (await this.send(method, path, options)).body;
  }

  /** Like `request`, with the response's `x-request-id` too. */
  async send(method: string, path: string, options: RequestOptions = {}): Promise<{ body: unknown; requestId: string | undefined }> {
    const url = new URL(this.#base + path);
    for (const [name, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    const headers: Record<string, string> = { accept: "application/json", ...this.#headers };
    if (this.#token !== undefined) headers.authorization = `Bearer ${this.#token}`;
    let body: string | undefined;
    if (options.body !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(options.body);
    }
    const timeoutMs = options.timeoutMs === undefined ? this.#timeoutMs : checkTimeout(`${method} ${path}`, options.timeoutMs);
    const caller = options.signal;
    const failed = (cause: unknown, timedOut: boolean): TwentyError => {
      const reason = cause instanceof Error ? cause.message : String(cause);
      if (timedOut) {
        return new TwentyError({ status: 0, code: "TIMEOUT", messages: [`${method} ${url.href}: no complete answer within ${timeoutMs} ms`], cause });
      }
      if (caller?.aborted) {
        return new TwentyError({ status: 0, code: "ABORTED", messages: [`${method} ${url.href} was aborted: ${reason}`], cause: caller.reason });
      }
      return new TwentyError({ status: 0, code: "NETWORK_ERROR", messages: [`${method} ${url.href} failed: ${reason}`], cause });
    };
    for (let attempt = 0; ; attempt++) {
      const signal = new AttemptSignal(caller, timeoutMs);
      const init: RequestInit = { method, headers, signal: signal.controller.signal };
      if (body !== undefined) init.body = body;
      try {
        let response: Response;
        try {
          response = await this.#fetch(url.href, init);
        } catch (cause) {
          throw failed(cause, signal.timedOut);
        }
        if (RETRYABLE.has(response.status) && attempt < this.#retries) {
          const delay = this.#delay(attempt, response.headers.get("retry-after"));
          if (delay !== undefined) {
            // Free the connection before waiting.
            await response.body?.cancel().catch(() => undefined);
            signal.done();
            try {
              await sleep(delay, caller);
            } catch (cause) {
              throw failed(cause, false);
            }
            continue;
          }
        }
        try {
          return await this.#read(response);
        } catch (cause) {
          if (cause instanceof TwentyError) throw cause;
          throw failed(cause, signal.timedOut);
        }
      } finally {
        signal.done();
      }
    }
  }

  /** How long to wait before retry number `attempt + 1`; `undefined` when `Retry-After` asks for longer than allowed. */
  #delay(attempt: number, retryAfter: string | null): number | undefined {
    const asked = retryAfterMs(retryAfter);
    if (asked !== undefined) return asked <= this.#maxDelayMs ? asked : undefined;
    const backoff = Math.min(this.#maxDelayMs, this.#minDelayMs * 2 ** attempt);
    // Equal jitter: at least half the backoff, so clients that failed together spread out.
    return backoff / 2 + Math.random() * (backoff / 2);
  }

  async #read(response: Response): Promise<{ body: unknown; requestId: string | undefined }> {
    const requestId = response.headers.get("x-request-id") ?? undefined;
    const text = await response.text();
    let parsed: unknown;
    let json = false;
    try {
      parsed = text === "" ? undefined : JSON.parse(text);
      json = true;
    } catch {
      parsed = undefined;
    }
    if (!response.ok) {
      throw errorFromResponse(response.status, parsed, text, requestId);
    }
    if (!json || parsed === undefined) {
      throw new TwentyError({
        status: response.status,
        code: "INVALID_RESPONSE",
        messages: [`expected a JSON body, got ${JSON.stringify(text.slice(0, 200))}`],
        requestId,
        body: text,
      });
    }
    return { body: parsed, requestId };
  }
}
