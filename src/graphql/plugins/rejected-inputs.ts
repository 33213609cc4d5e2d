// "This element of your list was left out": a query whose list argument holds a bad element (an id with U+0000, a
// genre too long) answers with the rest and names each element it left out in `extensions.rejectedInputs`, as
// `{ argument, index, reason }`. Writes report theirs in the payload instead (recordInteractions.rejected).
//
// Kept per request in a WeakMap keyed by the context object, like plugins/degraded.ts.
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';

export interface RejectedInput {
  /** The argument path, e.g. `filter.excludeIds`. */
  argument: string;
  /** Position of the element in that list. */
  index: number;
  reason: string;
}

const rejectedByContext = new WeakMap<object, RejectedInput[]>();

export function rejectInput(context: object, rejection: RejectedInput): void {
  const list = rejectedByContext.get(context);
  if (!list) rejectedByContext.set(context, [rejection]);
  else if (!list.some((r) => r.argument === rejection.argument && r.index === rejection.index)) list.push(rejection);
}

export function rejectedInputs(context: object): readonly RejectedInput[] {
  return rejectedByContext.get(context) ?? [];
}

export function rejectedInputsPlugin(): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response }) {
          const rejected = rejectedInputs(contextValue);
          if (rejected.length === 0) return;
          const result = response.body.kind === 'single' ? response.body.singleResult : response.body.initialResult;
          result.extensions = { ...result.extensions, rejectedInputs: rejected };
        },
      };
    },
  };
}
