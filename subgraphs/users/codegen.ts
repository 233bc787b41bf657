import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: 'subgraphs/users/schema.graphql',
  generates: {
    'subgraphs/users/src/__generated__/resolvers-types.ts': {
      plugins: ['typescript', 'typescript-resolvers'],
      config: {
        federation: true,
        useTypeImports: true,
        enumsAsTypes: true,
        contextType: '../context.js#UsersContext',
        scalars: { DateTime: 'Date', Date: 'string' },
        mappers: {
          User: '../accounts/accounts.js#Account',
          AuthPayload: '../tokens/sessions.js#Session',
          SavedPassenger: '../accounts/saved-passengers.js#SavedPassenger as SavedPassengerModel',
        },
      },
    },
  },
};
export default config;
