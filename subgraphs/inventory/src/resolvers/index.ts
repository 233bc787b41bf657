import { DateTimeScalar } from '@railgraph/service-kit';
import type { Resolvers } from '../__generated__/resolvers-types.js';
import { Journey } from './Journey.js';
import { Mutation } from './Mutation.js';
import { TrainRun } from './TrainRun.js';

// Hold, HeldSeat, ClassAvailability, SeatMapCoach and SeatMapSeat are served by the
// default resolvers from their domain models.
export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Journey,
  TrainRun,
  Mutation,
};
