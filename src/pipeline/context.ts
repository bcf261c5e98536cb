/**
 * Kept so imports of the old location keep compiling while other work lands; the types
 * live in src/types.ts. New code imports from there.
 */
export type { ActionName, Middleware, RequestContext, ResponseInfo, Terminal } from "../types.ts";
