import { DateTimeScalar } from '@railgraph/service-kit';
import type { Resolvers } from '../__generated__/resolvers-types.js';
import { Journey } from './Journey.js';
import { Trip } from './Trip.js';

// FareOffer, PassengerFare and Money are served by the default resolvers from the offer model.
export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Journey,
  Trip,
};
