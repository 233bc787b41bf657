import type { JWK, CryptoKey } from 'jose';
import type { QuoteVerifier, PassengerTypeName } from '@railgraph/quotes';
import type { Logger } from '@railgraph/service-kit';
import type { PrismaClient, Booking, Payment, Ticket } from '../__generated__/prisma/client.js';
import type { PaymentProvider } from '../payments/provider.js';
import type { AdmissionGate } from './admission.js';
import type { AfterCommit } from './after-commit.js';
import type { InventoryClient } from './inventory-client.js';
import type { OutboxRelay } from './outbox.js';
import type { SagaWrites } from './saga-statements.js';
import type { SoldOutMemo } from './sold-out-memo.js';
import type { TicketVerdict } from './ticket-code.js';

/**
 * What the parts of the bookings module share: the shapes they hand out and take in, their
 * collaborators, page limits, and the seat id format. Imports only types.
 */

export type BookingWithTickets = Booking & { tickets: Ticket[] };

/** A booking with its payment, as a replay reads it (a decline answers with its decline code). */
export type BookingWithPayment = BookingWithTickets & { payment?: Payment | null };

export interface BookJourneyRequest {
  quoteToken: string;
  passengers: PassengerTypeName[];
  /** Each passenger's age as given (null when not), in passenger order; must match the quote. */
  passengerAges?: Array<number | null> | undefined;
  /**
   * Each passenger's name as given (null when not), in passenger order; `checkBookRequest`
   * trims and checks them. Not part of the quote.
   */
  passengerNames?: Array<string | null> | undefined;
  idempotencyKey: string;
  seats?: string[] | null | undefined;
  /**
   * The provider's payment method id (`pm_...`): required for a traveller, ignored for a
   * partner (whose bookings are ON_ACCOUNT). Not part of the request hash: a retry with the
   * same key gets the first attempt's result whatever card it names.
   */
  paymentMethod?: string | null | undefined;
}

export interface TicketValidationResult {
  valid: boolean;
  status: TicketVerdict;
  reason: string | null;
  validFrom: Date | null;
  validUntil: Date | null;
  /** The name the code carries, when it is genuine and names one. */
  passengerName: string | null;
  ticket: (Ticket & { booking: Booking }) | null;
}

/** Whether a booking owns a hold, as inventory's reaper asks. */
export interface HoldOwnership {
  holdId: string;
  owned: boolean;
  bookingStatus: Booking['status'] | null;
}

/** A seat sold on a confirmed booking, as inventory rebuilds a run from. */
export interface ConfirmedSeat {
  holdId: string;
  coach: number;
  seatLabel: string;
  fromStop: number;
  toStop: number;
}

/** Most bookings one page of `User.bookings` or `Query.myBookings` holds. */
export const MAX_BOOKINGS_PAGE = 50;

/** Most hold ids one ownership look-up may ask about. */
export const MAX_HOLD_IDS_PER_LOOKUP = 500;

export interface BookingDeps {
  prisma: PrismaClient;
  inventory: InventoryClient;
  quotes: QuoteVerifier;
  relay: OutboxRelay;
  /** Authorizes travellers' payments (docs/design.md §4); the relay captures, voids and refunds. */
  payments: PaymentProvider;
  signingKey: { kid: string; privateKey: CryptoKey };
  jwks: { keys: JWK[] };
  holdTtlSeconds: number;
  log: Logger;
  onOutcome?: (outcome: string) => void;
  /** Now, for refund rules and ticket validity; the system clock unless a test sets one. */
  clock?: () => Date;
  /**
   * The booking queue at a rush (docs/design.md §4): bookings wait at `gate` and sold-out
   * requests are answered from `memo` (`queued-booking.ts`). Without it (tests of the saga
   * itself) every booking runs the saga at once.
   */
  rush?: BookingRush;
  /** Runs known to be cancelled: a quote on one is refused RUN_CANCELLED before anything is held. */
  cancelledRuns?: { has(runId: string): boolean };
  /** Called after each publishing of events this process committed (the mail dispatcher's nudge). */
  onEventsPublished?: () => void;
  /**
   * The saga's batched writes, shared by every saga of the process so concurrent bookings'
   * statements go together (`Bookings` makes one); a saga without makes its own.
   */
  writes?: SagaWrites;
  /**
   * Where step 6 runs once a booking is committed, after its answer (`after-commit.ts`), shared
   * by every saga of the process so stopping waits for all of it; a saga without makes its own.
   */
  afterCommit?: AfterCommit;
}

/** What the booking queue at a rush is made of; `service.ts` builds it from the environment. */
export interface BookingRush {
  gate: AdmissionGate;
  memo: SoldOutMemo;
  /** A request answered SOLD_OUT from the memo. */
  onMemoHit?: () => void;
}

/**
 * How long the batched work after a commit (deleting delivered rows, capturing and recording
 * captures) waits for more bookings' items before it goes out: at 200 bookings a second, 10 ms
 * gathers about four bookings' worth where going at once found one or two.
 */
export const AFTER_COMMIT_LINGER_MS = 10;

/** Now by the deps' clock: the system clock unless a test sets one. */
export const nowOf = (deps: Pick<BookingDeps, 'clock'>): Date => deps.clock?.() ?? new Date();

/** A transaction's client, as `prisma.$transaction` hands it to its callback. */
export type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

/** A seat's id as the API and the events name it: `<coach>-<label>`, e.g. 3-12A. */
export const seatIdOf = (seat: { coach: number; label: string }) => `${seat.coach}-${seat.label}`;

/** The coach and label of a seat id (`seatIdOf`'s form); none when it is not one. */
export function parseSeatId(seatId: string): Array<{ coach: number; seatLabel: string }> {
  const match = /^(\d+)-(.+)$/.exec(seatId);
  return match ? [{ coach: Number(match[1]), seatLabel: match[2]! }] : [];
}
