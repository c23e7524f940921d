// The public API of `twenty-rs-sdk`.

export { TwentyClient, type TwentyClientOptions } from "./client.js";
export { TwentyError, type ErrorCode, type SdkErrorCode } from "./errors.js";
export type { CallOptions, FetchLike, RetryOptions } from "./transport.js";
export type {
  Depth,
  FieldName,
  FindManyOptions,
  IterateOptions,
  ObjectClient,
  Page,
  PageInfo,
  Selected,
  Selection,
  WriteOptions,
} from "./object-client.js";
export type * from "./generated/errors.js";
export { serializeFilter, serializeOrderBy } from "./serialize.js";
export type * from "./generated/composites.js";
export type * from "./generated/filters.js";
export type * from "./generated/types.js";
export type * from "./generated/objects.js";
