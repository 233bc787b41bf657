export { checkInvariants, CONTRACTUAL_FAILURES, type InvariantInput, type InvariantResult } from './check.js';
export { readRunClassState, type RunClassState } from './inventory-state.js';
export {
  readTicketsStore,
  type StoredBooking,
  type StoredPayment,
  type StoredTicket,
  type TicketsStore,
} from './tickets-store.js';
