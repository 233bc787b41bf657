export { checkInvariants, CONTRACTUAL_FAILURES, type InvariantInput, type InvariantResult } from './check.js';
export { readRunClassState, type RunClassState } from './inventory-state.js';
export { mailSettledWithin, mailWaitingCount, readMailWaiting, type MailWaiting } from './mail-waiting.js';
export {
  readTicketsStore,
  type StoredBooking,
  type StoredPayment,
  type StoredTicket,
  type StoredLeg,
  type TicketsStore,
} from './tickets-store.js';
