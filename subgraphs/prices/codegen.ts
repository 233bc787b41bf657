import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: 'subgraphs/prices/schema.graphql',
  generates: {
    'subgraphs/prices/src/__generated__/resolvers-types.ts': {
      plugins: ['typescript', 'typescript-resolvers'],
      config: {
        federation: true,
        useTypeImports: true,
        enumsAsTypes: true,
        contextType: '../context.js#PricesContext',
        scalars: { DateTime: 'Date' },
        mapperTypeSuffix: 'Model',
        mappers: {
          Journey: '../quotes/journey.js#JourneyEntity',
          Trip: '../quotes/trip.js#TripEntity',
          FareOffer: '../quotes/offers.js#FareOffer',
        },
      },
    },
  },
};
export default config;
