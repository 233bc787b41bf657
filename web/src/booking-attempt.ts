import type { PassengerInput } from './__generated__/graphql';
import type { TripChoice } from './trip';
import { passengerList } from './trip';

/** A trip as booked: the choice, and the passengers exactly as quoted (ages included). */
export type AttemptTrip = TripChoice & { passengerInputs?: readonly PassengerInput[] };

/**
 * One attempt to book a trip: the quote being paid and the idempotency key it is sent with.
 * Kept in sessionStorage from the moment the traveller presses "Book", so a double click,
 * a retry or a reload of the page sends the same key and the booking happens once.
 */
export interface BookingAttempt {
  trip: string;
  quoteToken: string;
  idempotencyKey: string;
  startedAt: number;
}

const PREFIX = 'railgraph.booking-attempt:';

/** What identifies a trip for booking: journey, class, passengers (with ages) and seats. */
export function tripKey(choice: AttemptTrip): string {
  const list: readonly PassengerInput[] = choice.passengerInputs ?? passengerList(choice.passengers);
  const passengers = list.map((p) => (typeof p.age === 'number' ? `${p.type}:${p.age}` : p.type)).join('+');
  return [choice.runId, choice.fromStop, choice.toStop, choice.seatClass, passengers, choice.seats.join('+')].join('|');
}

export function pendingAttempt(choice: AttemptTrip, storage: Storage = sessionStorage): BookingAttempt | null {
  try {
    const raw = storage.getItem(PREFIX + tripKey(choice));
    return raw ? (JSON.parse(raw) as BookingAttempt) : null;
  } catch {
    return null;
  }
}

/** The attempt in progress for this trip, or a new one for this quote. */
export function beginAttempt(
  choice: AttemptTrip,
  quoteToken: string,
  storage: Storage = sessionStorage,
  newKey: () => string = () => crypto.randomUUID(),
): BookingAttempt {
  const existing = pendingAttempt(choice, storage);
  if (existing) return existing;
  const attempt: BookingAttempt = {
    trip: tripKey(choice),
    quoteToken,
    idempotencyKey: newKey(),
    startedAt: Date.now(),
  };
  storage.setItem(PREFIX + attempt.trip, JSON.stringify(attempt));
  return attempt;
}

/** Forget the attempt: it booked, or it failed in a way a new attempt must follow. */
export function endAttempt(choice: AttemptTrip, storage: Storage = sessionStorage): void {
  storage.removeItem(PREFIX + tripKey(choice));
}
