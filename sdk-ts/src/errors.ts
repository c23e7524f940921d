// The one error type of the SDK: every failed call rejects with a TwentyError.

import { SERVER_ERROR_CODES, type ServerErrorCode } from "./generated/errors.js";

/**
 * The SDK's own codes: no answer arrived (`NETWORK_ERROR`), not in time (`TIMEOUT`), or
 * the caller aborted (`ABORTED`); an answer that is not the API's (`INVALID_RESPONSE`);
 * a code this version of the SDK does not know, from a newer server (`UNKNOWN`; the
 * server's is in `serverCode`).
 */
export type SdkErrorCode = "NETWORK_ERROR" | "TIMEOUT" | "ABORTED" | "INVALID_RESPONSE" | "UNKNOWN";

/** Every `code` a TwentyError can have: the server's documented codes and the SDK's own. */
export type ErrorCode = ServerErrorCode | SdkErrorCode;

const KNOWN: ReadonlySet<string> = new Set<string>([...SERVER_ERROR_CODES, "NETWORK_ERROR", "TIMEOUT", "ABORTED", "INVALID_RESPONSE", "UNKNOWN"]);

/** `code` when it is one of the documented codes, else `UNKNOWN`. */
function known(code: string): ErrorCode {
  return KNOWN.has(code) ? (code as ErrorCode) : "UNKNOWN";
}

/** What a failed call tells: the HTTP status, a stable code to branch on, and messages for people. */
export class TwentyError extends Error {
  /** The HTTP status, or 0 when no response arrived (network failure). */
  readonly status: number;
  /**
   * A stable, machine-readable code to branch on: one of the server's documented codes
   * (`INVALID_FILTER`, `UNAUTHENTICATED`, `NOT_FOUND`, `RATE_LIMITED`, … — for GraphQL,
   * its `extensions.twentyCode`), derived from the status when the body names none, or
   * one of the SDK's own ({@link SdkErrorCode}).
   */
  readonly code: ErrorCode;
  /** The code exactly as the server sent it (also when `code` is `UNKNOWN`). */
  readonly serverCode: string | undefined;
  /** For a GraphQL error: its `extensions.code` (`BAD_USER_INPUT`, `NOT_FOUND`, …). */
  readonly graphqlCode: string | undefined;
  /** The server's messages (never empty). */
  readonly messages: readonly string[];
  /** The kind of error the server named (`BadRequestException`, …), when it named one. */
  readonly kind: string | undefined;
  /** The `x-request-id` of the response, to find the request in the server's logs. */
  readonly requestId: string | undefined;
  /** The parsed response body, as received. */
  readonly body: unknown;

  constructor(init: {
    status: number;
    code: string;
    serverCode?: string | undefined;
    graphqlCode?: string | undefined;
    messages: readonly string[];
    kind?: string | undefined;
    requestId?: string | undefined;
    body?: unknown;
    cause?: unknown;
  }) {
    const messages = init.messages.length > 0 ? init.messages : [`request failed with status ${init.status}`];
    super(`${init.status} ${init.code}: ${messages.join("; ")}`, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = "TwentyError";
    this.status = init.status;
    this.code = known(init.code);
    this.serverCode = init.serverCode;
    this.graphqlCode = init.graphqlCode;
    this.messages = messages;
    this.kind = init.kind;
    this.requestId = init.requestId;
    this.body = init.body;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === "string");
  return [];
}

/** The code used when the server sent none: the documented code of the status. */
function codeOfStatus(status: number): ErrorCode {
  switch (status) {
    case 400:
      return "INVALID_REQUEST";
    case 401:
      return "UNAUTHENTICATED";
    case 403:
      return "FORBIDDEN";
    case 404:
      return "NOT_FOUND";
    case 405:
      return "METHOD_NOT_ALLOWED";
    case 408:
      return "REQUEST_TIMEOUT";
    case 413:
      return "PAYLOAD_TOO_LARGE";
    case 414:
      return "URI_TOO_LONG";
    case 429:
      return "RATE_LIMITED";
    case 431:
      return "HEADERS_TOO_LARGE";
    case 503:
      return "SERVICE_UNAVAILABLE";
    default:
      return status >= 500 ? "INTERNAL_ERROR" : "UNKNOWN";
  }
}

/** A TwentyError from an error response: the REST body (`statusCode`, `error`, `messages`, `code`) or a GraphQL one (`errors`). */
export function errorFromResponse(status: number, body: unknown, text: string, requestId: string | undefined): TwentyError {
  if (isRecord(body)) {
    if (Array.isArray(body.errors) && body.errors.length > 0) {
      return graphqlError(status, body, requestId);
    }
    const messages = strings(body.messages).concat(strings(body.message));
    const kind = typeof body.error === "string" ? body.error : undefined;
    return new TwentyError({
      status,
      code: typeof body.code === "string" ? body.code : codeOfStatus(status),
      serverCode: typeof body.code === "string" ? body.code : undefined,
      messages: messages.length > 0 ? messages : kind !== undefined ? [kind] : [],
      kind,
      requestId,
      body,
    });
  }
  return new TwentyError({
    status,
    code: codeOfStatus(status),
    messages: text.trim() === "" ? [] : [text.trim().slice(0, 500)],
    requestId,
    body: text,
  });
}

/** A TwentyError from a GraphQL response's `errors`. */
export function graphqlError(status: number, body: Record<string, unknown>, requestId: string | undefined): TwentyError {
  const errors = Array.isArray(body.errors) ? body.errors.filter(isRecord) : [];
  const first = errors[0];
  const extensions = first !== undefined && isRecord(first.extensions) ? first.extensions : undefined;
  const graphqlCode = extensions !== undefined && typeof extensions.code === "string" ? extensions.code : undefined;
  const twentyCode = extensions !== undefined && typeof extensions.twentyCode === "string" ? extensions.twentyCode : undefined;
  return new TwentyError({
    status,
    code: twentyCode ?? (graphqlCode === "UNAUTHENTICATED" || graphqlCode === "FORBIDDEN" || graphqlCode === "NOT_FOUND" ? graphqlCode : codeOfStatus(status === 200 ? 400 : status)),
    serverCode: twentyCode,
    graphqlCode,
    messages: errors.flatMap((e) => strings(e.message)),
    requestId,
    body,
  });
}
