import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { GraphQLError } from 'graphql';

/**
 * Refuses, before planning, a request that does not name one operation the API can run: a
 * document with several operations and no (or an unknown) `operationName`, or a subscription
 * (the API has none). Apollo Server refuses these itself only when it executes a schema; in
 * front of a gateway they reached the query planner, which threw, and the answer was a 500.
 * The refusal is Apollo's own `OPERATION_RESOLUTION_FAILURE` (design §10), HTTP 400.
 */
export function operationResolutionPlugin<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, request, schema }) {
          if (!operation) {
            const named = request.operationName;
            throw refusal(
              named
                ? `The document has no operation named "${named.slice(0, 100)}"`
                : 'The document has several operations: name the one to run in operationName',
            );
          }
          const root =
            operation.operation === 'query'
              ? schema.getQueryType()
              : operation.operation === 'mutation'
                ? schema.getMutationType()
                : schema.getSubscriptionType();
          if (!root) throw refusal(`This API has no ${operation.operation} operations`);
        },
      };
    },
  };
}

const refusal = (message: string) =>
  new GraphQLError(message, { extensions: { code: 'OPERATION_RESOLUTION_FAILURE', http: { status: 400 } } });
