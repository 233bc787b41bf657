import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: 'subgraphs/inventory/schema.graphql',
  generates: {
    'subgraphs/inventory/src/__generated__/resolvers-types.ts': {
      plugins: ['typescript', 'typescript-resolvers'],
      config: {
        federation: true,
        useTypeImports: true,
        enumsAsTypes: true,
        contextType: '../context.js#InventoryContext',
        scalars: { DateTime: 'Date' },
        mapperTypeSuffix: 'Model',
        mappers: {
          Hold: '../engine/engine.js#Hold',
          HeldSeat: '../engine/engine.js#HeldSeat',
          ClassAvailability: '../engine/engine.js#ClassAvailability',
          SeatMapSeat: '../engine/engine.js#SeatMapEntry',
          SeatMapCoach: '../inventory/seat-inventory.js#SeatMapCoach',
          Journey: '../layouts/representation.js#JourneyModel',
          TrainRun: '../layouts/representation.js#TrainRunModel',
        },
      },
    },
  },
};
export default config;
