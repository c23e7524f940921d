// The one error type of the SDK: every failed call rejects with a TwentyError.

/** What a failed call tells: the HTTP status, a stable code to branch on, and messages for people. */
export class TwentyError extends Error {
  /** The HTTP status, or 0 when no response arrived (network failure). */
  readonly status: number;
  /**
   * A stable, machine-readable code: the server's (`BAD_REQUEST`, `UNAUTHENTICATED`,
   * `FORBIDDEN`, `NOT_FOUND`, …, or a GraphQL error's `extensions.code`), or the SDK's own
   * `NETWORK_ERROR` and `INVALID_RESPONSE`.
   */
  readonly code: string;
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
    this.code = init.code;
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

/** The code used when the server sent none: derived from the status. */
function codeOfStatus(status: number): string {
  switch (status) {
    case 400:
      return "BAD_REQUEST";
    case 401:
      return "UNAUTHENTICATED";
    case 403:
      return "FORBIDDEN";
    case 404:
      return "NOT_FOUND";
    case 409:
      return "CONFLICT";
    case 413:
      return "PAYLOAD_TOO_LARGE";
    case 429:
      return "TOO_MANY_REQUESTS";
    case 503:
      return "SERVICE_UNAVAILABLE";
    default:
      return status >= 500 ? "INTERNAL_SERVER_ERROR" : "HTTP_ERROR";
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
  return new TwentyError({
    status,
    code: extensions !== undefined && typeof extensions.code === "string" ? extensions.code : "GRAPHQL_ERROR",
    messages: errors.flatMap((e) => strings(e.message)),
    requestId,
    body,
  });
}
