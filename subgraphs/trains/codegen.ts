import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: 'subgraphs/trains/schema.graphql',
  generates: {
    'subgraphs/trains/src/__generated__/resolvers-types.ts': {
      plugins: ['typescript', 'typescript-resolvers'],
      config: {
        federation: true,
        useTypeImports: true,
        enumsAsTypes: true,
        contextType: '../context.js#TrainsContext',
        scalars: { Date: 'string', DateTime: 'Date' },
        mappers: {
          Station: '../timetable/model.js#Station as StationModel',
          Train: '../timetable/model.js#Train as TrainModel',
          TrainRun: '../timetable/model.js#TrainRun as TrainRunModel',
          RunStop: '../timetable/model.js#RunStop as RunStopModel',
          Journey: '../timetable/model.js#Journey as JourneyModel',
          Trip: '../timetable/model.js#Trip as TripModel',
          Consist: '../consist/layout.js#ConsistLayout',
          Coach: '../consist/layout.js#CoachLayout',
          Seat: '../consist/layout.js#SeatLayout',
          RunCancellation: '../cancellations/model.js#RunCancellation as RunCancellationModel',
          RunCancellationEntry: '../cancellations/model.js#RunCancellation as RunCancellationModel',
        },
      },
    },
  },
};
export default config;
