// The public API of `twenty-sdk`.

export { TwentyClient, type TwentyClientOptions } from "./client.js";
export { TwentyError } from "./errors.js";
export type { FetchLike, RetryOptions } from "./transport.js";
export type { Depth, FindManyOptions, IterateOptions, ObjectClient, Page, PageInfo } from "./object-client.js";
export { serializeFilter, serializeOrderBy } from "./serialize.js";
export type * from "./generated/composites.js";
export type * from "./generated/filters.js";
export type * from "./generated/types.js";
export type * from "./generated/objects.js";
