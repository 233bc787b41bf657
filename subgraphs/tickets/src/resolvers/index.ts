import { DateTimeScalar } from '@railgraph/service-kit';
import type { Resolvers } from '../__generated__/resolvers-types.js';
import { AccountStatement } from './AccountStatement.js';
import { Booking } from './Booking.js';
import { BookingEvent } from './BookingEvent.js';
import { Mutation } from './Mutation.js';
import { Query } from './Query.js';
import { Ticket } from './Ticket.js';
import { User } from './User.js';

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Query,
  Mutation,
  AccountStatement,
  Booking,
  BookingEvent,
  Ticket,
  User,
};
