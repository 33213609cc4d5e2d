// "This answer is worse than usual": resolvers that fell back (Qdrant unreachable → Postgres popularity) mark the
// request, and the plugin tells the client in `extensions.degraded` and counts it, so operators see it too.
//
// The flag lives in a WeakMap keyed by the request's context object, so it needs no field in RequestContext and is
// collected with the request. (Apollo's HTTP batching would share one context between operations; it is off.)
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';

/** Why an answer is degraded: `extensions.degraded.reasons` holds these (README § Errors lists them). */
export const DEGRADED_REASONS = {
  VECTOR_STORE_UNAVAILABLE: 'Qdrant (or the transport to it) could not answer; the list came from Postgres instead',
  ITEMS_NOT_INDEXED: 'The items were saved in Postgres; their vectors come with the next training',
  VECTORS_NOT_REMOVED: 'The items were deleted (never listed again); their vectors go with the next training',
} as const;

export type DegradedReason = keyof typeof DEGRADED_REASONS;

/** Qdrant (or the transport to it) could not answer; the list came from Postgres instead. */
export const VECTOR_STORE_UNAVAILABLE = 'VECTOR_STORE_UNAVAILABLE' satisfies DegradedReason;

const reasonsByContext = new WeakMap<object, Set<string>>();

/**
 * Records that this request answered from a fallback. `reason` is a short stable code, one of DEGRADED_REASONS in
 * this service (it becomes a metric label: never ids, URLs or messages). Idempotent per reason.
 */
export function markDegraded(context: object, reason: DegradedReason | (string & {})): void {
  const reasons = reasonsByContext.get(context);
  if (reasons) reasons.add(reason);
  else reasonsByContext.set(context, new Set([reason]));
}

/** The reasons recorded for this request, in the order first marked; empty when the answer is not degraded. */
export function degradedReasons(context: object): readonly string[] {
  const reasons = reasonsByContext.get(context);
  return reasons ? [...reasons] : [];
}

/** What the plugin needs of a Prometheus counter (prom-client's Counter<'reason'> fits). */
export interface DegradedCounter {
  inc(labels: { reason: string }): void;
}

/**
 * Adds `extensions: { degraded: { reasons } }` to a degraded response and counts it once per reason. The fallback
 * answer itself stays a normal `data` result with HTTP 200: the client got what it asked for, only less personal.
 */
export function degradedPlugin(options: { counter?: DegradedCounter } = {}): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response }) {
          const reasons = degradedReasons(contextValue);
          if (reasons.length === 0) return;
          const degraded = { reasons };
          if (response.body.kind === 'single') {
            response.body.singleResult.extensions = { ...response.body.singleResult.extensions, degraded };
          } else {
            // @defer: only the initial payload can still be annotated when the response starts.
            response.body.initialResult.extensions = { ...response.body.initialResult.extensions, degraded };
          }
          for (const reason of reasons) options.counter?.inc({ reason });
        },
      };
    },
  };
}
