/**
 * The request a call belongs to, set once per request by the app (middleware) and read by `run` and
 * the Prisma extension when a call does not name its own `requestId` / `context`.
 *
 *   app.use((req, res, next) => withRequest({ requestId: req.get("x-request-id") }, next));
 */
import { AsyncLocalStorage } from "node:async_hooks";

export interface RequestScope {
  requestId?: string;
  context?: Record<string, unknown>;
}

const storage = new AsyncLocalStorage<RequestScope>();

/** Runs `fn` with `scope` as the current request (for everything it awaits, too). */
export function withRequest<T>(scope: RequestScope, fn: () => T): T {
  return storage.run(scope, fn);
}

export function currentRequest(): RequestScope | undefined {
  return storage.getStore();
}
