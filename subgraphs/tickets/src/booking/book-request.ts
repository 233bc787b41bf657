import { createHash } from 'node:crypto';
import { badInput, DomainError, ErrorCode } from '@railgraph/service-kit';
import { checkPaymentMethod, paymentRequired } from '../payments/records.js';
import type { BookJourneyRequest, BookingWithPayment, BookingWithTickets } from './model.js';
import type { BookingOwner } from './owner.js';
import { checkPassengerNames } from './passenger-names.js';

/**
 * The request to book as the saga takes it: checked before anything is written, hashed to
 * tell a retry from a reused idempotency key, and answered from the first attempt on a retry.
 */

const MAX_PASSENGERS = 9;
/** A trip has at most three trains (two changes, as trains searches). */
const MAX_TRIP_LEGS = 3;
const idempotencyKeyPattern = /^[A-Za-z0-9._:-]{8,128}$/;
const seatIdPattern = /^\d{1,3}-[0-9]{1,3}[A-Z]$/;

/**
 * BAD_USER_INPUT for a malformed key, too few or many passengers, a bad list of seats, or a bad
 * or (for a traveller) missing passenger name; the request with its names normalised otherwise.
 */
export function checkBookRequest(request: BookJourneyRequest, owner: BookingOwner): BookJourneyRequest {
  if (!idempotencyKeyPattern.test(request.idempotencyKey)) {
    throw badInput('idempotencyKey must be 8-128 characters of letters, digits, ".", "_", ":" or "-"');
  }
  if (request.passengers.length < 1 || request.passengers.length > MAX_PASSENGERS) {
    throw badInput(`A booking has 1 to ${MAX_PASSENGERS} passengers`);
  }
  if (request.seats && request.seats.length > 0) {
    // One per passenger, or one per passenger on each train of a trip (its legs known once the
    // quote is verified: `seatsPerLeg`).
    const perPassenger = request.seats.length / request.passengers.length;
    if (!Number.isInteger(perPassenger) || perPassenger > MAX_TRIP_LEGS) {
      throw badInput('Name one seat per passenger, or none to have seats assigned');
    }
    const bad = request.seats.find((seat) => !seatIdPattern.test(seat));
    if (bad) throw badInput(`Seat ${bad} is not a seat id like 3-12A`);
  }
  const passengerNames = checkPassengerNames(request.passengerNames, request.passengers.length, owner);
  // A partner books on account: its method, if any, is ignored. A traveller pays by card, so
  // without a method nothing is held or written.
  if (owner.kind === 'CLIENT') return { ...request, passengerNames, paymentMethod: null };
  if (request.paymentMethod === undefined || request.paymentMethod === null) throw paymentRequired();
  return { ...request, passengerNames, paymentMethod: checkPaymentMethod(request.paymentMethod) };
}

/**
 * sha256 of the request as the client sent it (names as `checkBookRequest` normalised them), to
 * tell a retry from a reused key: a retry naming a passenger differently is another request.
 * Ages and names count only when some are given, so requests without them hash as they always did.
 */
export function requestHashOf(request: BookJourneyRequest): string {
  const canonical = JSON.stringify([
    request.quoteToken,
    request.passengers,
    request.seats ?? [],
    ...(request.passengerAges?.some((age) => age !== null) ? [request.passengerAges] : []),
    ...(request.passengerNames?.some((name) => name !== null) ? [{ names: request.passengerNames }] : []),
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

/** What a retry with a known key gets: the first attempt's result. */
export function replay(earlier: BookingWithPayment, requestHash: string): BookingWithTickets {
  if (earlier.requestHash !== requestHash) {
    throw new DomainError(
      ErrorCode.IDEMPOTENCY_KEY_REUSED,
      'This idempotency key was used for a different booking request',
    );
  }
  if (earlier.status === 'PENDING') {
    throw new DomainError(ErrorCode.IDEMPOTENCY_IN_PROGRESS, 'This booking is still being made; retry in a moment', {
      bookingId: earlier.id,
    });
  }
  if ((earlier.status === 'FAILED' || earlier.status === 'EXPIRED') && earlier.failureCode) {
    const code = earlier.failureCode as ErrorCode;
    // A decline answers again with its reason.
    const details =
      code === ErrorCode.PAYMENT_DECLINED ? { declineCode: earlier.payment?.declineCode ?? 'generic_decline' } : {};
    throw code in ErrorCode && code !== ErrorCode.INTERNAL_SERVER_ERROR
      ? new DomainError(
          code as Exclude<ErrorCode, 'INTERNAL_SERVER_ERROR'>,
          earlier.failureMessage ?? 'The booking failed',
          details,
        )
      : new DomainError(ErrorCode.SERVICE_UNAVAILABLE, 'The booking failed');
  }
  return earlier;
}
