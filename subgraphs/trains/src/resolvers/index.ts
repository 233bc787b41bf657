import { DateScalar, DateTimeScalar } from '@railgraph/service-kit';
import type { Resolvers } from '../__generated__/resolvers-types.js';
import { Consist } from './Consist.js';
import { Journey } from './Journey.js';
import { Mutation } from './Mutation.js';
import { Query } from './Query.js';
import { RunCancellationEntry } from './RunCancellationEntry.js';
import { RunStop } from './RunStop.js';
import { Station } from './Station.js';
import { Train } from './Train.js';
import { TrainRun } from './TrainRun.js';
import { Trip } from './Trip.js';

export const resolvers: Resolvers = {
  Date: DateScalar,
  DateTime: DateTimeScalar,
  Query,
  Mutation,
  RunCancellationEntry,
  Station,
  Train,
  Consist,
  TrainRun,
  RunStop,
  Journey,
  Trip,
};
