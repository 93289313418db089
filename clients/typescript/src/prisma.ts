/**
 * A Prisma Client extension for code whose ORM call is already in place:
 *
 *   const db = prisma.$extends(shadowExtension({ shadow, module: "auth", operations: {
 *     "user.findUnique": { queryName: "getUser", legacy: (args) => legacyGetUser(args.where.id) },
 *   }}));
 *   await db.user.findUnique({ where: { id } });   // served per the module's state
 *
 * Each listed model operation goes through `shadow.run`: the Prisma query is the ORM path, the given
 * function the legacy path, so in `legacy` and `shadow` the caller gets the legacy function's result
 * (it must return what the app expects from Prisma), in `orm` and `migrated` Prisma's. Operations not
 * listed run untouched. Prisma itself is not imported: this is a plain extension function, and
 * `@prisma/client` stays an optional peer dependency of the package.
 */
import type { Shadow } from "./shadow.js";

export interface OperationShadow<Args = any> {
  /** The pair's query_name; default `<model>.<operation>` (e.g. `user.findUnique`). */
  queryName?: string;
  /** The legacy path, given the operation's arguments. */
  legacy: (args: Args) => unknown;
  /** The sampling key of a call; default the `withRequest` scope's, else random. */
  requestId?: (args: Args) => string | undefined;
  /** The call's inputs for mismatch samples; default `args.where`. */
  context?: (args: Args) => Record<string, unknown> | undefined;
  /** An inline comparison spec for this query. */
  spec?: Record<string, unknown>;
}

export interface ShadowExtensionOptions {
  shadow: Shadow;
  module: string;
  /** Keyed by `model.operation`, the model as the client names it (`user` or `User`). */
  operations: Record<string, OperationShadow>;
}

interface QueryHookInput {
  model?: string;
  operation: string;
  args: unknown;
  query: (args: unknown) => PromiseLike<unknown>;
}

interface ExtendableClient {
  $extends(extension: unknown): unknown;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

function defaultContext(args: unknown): Record<string, unknown> | undefined {
  if (typeof args === "object" && args !== null) {
    const where = (args as { where?: unknown }).where;
    if (typeof where === "object" && where !== null) {
      return where as Record<string, unknown>;
    }
  }
  return undefined;
}

// The client type passes through untouched: `$extends` of a function extension returns what it returns.
export function shadowExtension(options: ShadowExtensionOptions): <C>(client: C) => C {
  const table = new Map<string, OperationShadow>();
  for (const [key, operation] of Object.entries(options.operations)) {
    const dot = key.indexOf(".");
    if (dot <= 0 || dot === key.length - 1 || typeof operation?.legacy !== "function") {
      throw new TypeError(`shadowExtension: "${key}" must be "model.operation" with a legacy function`);
    }
    table.set(`${lowerFirst(key.slice(0, dot))}.${key.slice(dot + 1)}`, operation);
  }
  const { shadow, module } = options;
  const extension = {
    name: "shadowdiff",
    query: {
      $allModels: {
        $allOperations({ model, operation, args, query }: QueryHookInput): Promise<unknown> | PromiseLike<unknown> {
          const key = `${lowerFirst(model ?? "")}.${operation}`;
          const chosen = table.get(key);
          if (chosen === undefined) {
            return query(args);
          }
          return shadow.run(module, chosen.queryName ?? key, {
            legacy: () => chosen.legacy(args),
            orm: () => query(args),
            requestId: chosen.requestId?.(args),
            context: chosen.context === undefined ? defaultContext(args) : chosen.context(args),
            spec: chosen.spec,
          });
        },
      },
    },
  };
  return <C>(client: C): C => (client as unknown as ExtendableClient).$extends(extension) as C;
}
