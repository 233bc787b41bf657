import type { PassengerInput } from './__generated__/graphql';
import { errorCode, retryAfterSeconds } from './errors';
import type { PaymentAction } from './payment';
import type { TripChoice } from './trip';
import { passengerList } from './trip';

/**
 * A trip as booked: the choice, and the passengers exactly as quoted (ages included); for an
 * exchange, the booking it replaces (`exchanging`).
 */
export type AttemptTrip = TripChoice & { passengerInputs?: readonly PassengerInput[]; exchanging?: string };

/**
 * One attempt to book a trip: the quote being paid, the card paying it and the idempotency key
 * it is sent with. Kept in sessionStorage from the moment the traveller presses "Book", so a
 * double click, a retry or a reload of the page sends the same request with the same key and
 * the booking (and its payment) happens once. A declined payment ends the attempt: that
 * booking FAILED, so the next press is a new attempt with a new key.
 */
export interface BookingAttempt {
  trip: string;
  quoteToken: string;
  /** The payment method sent; absent in attempts kept before payments (and for none chosen). */
  paymentMethod?: string;
  idempotencyKey: string;
  startedAt: number;
  /** The booking waits for the customer's 3-D Secure answer: kept so a reload can still give it. */
  action?: PaymentAction;
}

/** What a new attempt pays: the quote, and the card (a provider's payment method id). */
export interface AttemptPayment {
  quoteToken: string;
  paymentMethod?: string;
}

const PREFIX = 'railgraph.booking-attempt:';

/**
 * What identifies a trip for booking: journey, class, passengers (with ages) and seats; a trip
 * with changes adds its id, as trips sharing a first leg differ in the later ones; an exchange
 * starts with the booking it replaces. A direct journey's key is as before, so attempts kept in
 * an open tab still match.
 */
export function tripKey(choice: AttemptTrip): string {
  const list: readonly PassengerInput[] = choice.passengerInputs ?? passengerList(choice.passengers);
  const passengers = list.map((p) => (typeof p.age === 'number' ? `${p.type}:${p.age}` : p.type)).join('+');
  const key = [choice.runId, choice.fromStop, choice.toStop, choice.seatClass, passengers, choice.seats.join('+')];
  const trip = choice.tripId ? [...key, choice.tripId] : key;
  // Exchanging a booking for a trip is another attempt than booking that trip afresh: its own key.
  return (choice.exchanging ? [`exchange:${choice.exchanging}`, ...trip] : trip).join('|');
}

export function pendingAttempt(choice: AttemptTrip, storage: Storage = sessionStorage): BookingAttempt | null {
  try {
    const raw = storage.getItem(PREFIX + tripKey(choice));
    return raw ? (JSON.parse(raw) as BookingAttempt) : null;
  } catch {
    return null;
  }
}

/**
 * The attempt in progress for this trip (its own quote and card, whatever is chosen now), or a
 * new one for this quote and card.
 */
export function beginAttempt(
  choice: AttemptTrip,
  { quoteToken, paymentMethod }: AttemptPayment,
  storage: Storage = sessionStorage,
  newKey: () => string = () => crypto.randomUUID(),
): BookingAttempt {
  const existing = pendingAttempt(choice, storage);
  if (existing) return existing;
  const attempt: BookingAttempt = {
    trip: tripKey(choice),
    quoteToken,
    ...(paymentMethod ? { paymentMethod } : {}),
    idempotencyKey: newKey(),
    startedAt: Date.now(),
  };
  storage.setItem(PREFIX + attempt.trip, JSON.stringify(attempt));
  return attempt;
}

/**
 * Notes on the attempt that its booking waits for the customer to authenticate the payment
 * (PAYMENT_ACTION_REQUIRED): the attempt is not over, and a reload offers the challenge again.
 */
export function awaitAction(choice: AttemptTrip, action: PaymentAction, storage: Storage = sessionStorage): void {
  const attempt = pendingAttempt(choice, storage);
  if (attempt) storage.setItem(PREFIX + attempt.trip, JSON.stringify({ ...attempt, action }));
}

/** Forget the attempt: it booked, or it failed in a way a new attempt must follow (a decline among them). */
export function endAttempt(choice: AttemptTrip, storage: Storage = sessionStorage): void {
  storage.removeItem(PREFIX + tripKey(choice));
}

/** Most times one press of Book is sent again after RATE_LIMITED before the traveller is told. */
export const MAX_QUEUE_RETRIES = 5;
/** How long a bookJourney request may take before the page says it waits for its place in the queue. */
export const SLOW_BOOKING_MS = 2_000;
/** The wait when RATE_LIMITED does not say how long (`retryAfterSeconds`), and the longest one heeded. */
const DEFAULT_RETRY_SECONDS = 5;
const MAX_RETRY_SECONDS = 30;
/** Up to this much is added to each wait, so travellers told the same wait do not all come back at once. */
const RETRY_JITTER_MS = 1_000;

/** Waiting in the booking queue: sent again at `retryAt` (ms since the epoch), retry `retry` of `retries`. */
export interface QueueWait {
  seconds: number;
  retryAt: number;
  retry: number;
  retries: number;
}

/** The traveller stopped waiting in the queue; the attempt (and its key) is kept for the next press. */
export class QueueCancelled extends Error {
  constructor() {
    super('The traveller left the booking queue');
    this.name = 'QueueCancelled';
  }
}

export interface QueuedSendOptions {
  /** Aborted: no more retries (a request already sent still gets its answer). */
  signal?: AbortSignal;
  /** The wait before each retry, then null once sending is over. */
  onQueued?: (wait: QueueWait | null) => void;
  /** True while a request has taken longer than `slowAfterMs`, false once it answered. */
  onSlow?: (slow: boolean) => void;
  maxRetries?: number;
  slowAfterMs?: number;
  now?: () => number;
  random?: () => number;
}

/**
 * Sends a booking and, while the API answers RATE_LIMITED (the booking queue is full, design
 * §4), sends it again after `retryAfterSeconds`, at most `maxRetries` times. `send` must send
 * the same attempt each time (the same idempotency key): a refused request wrote nothing, so
 * the retry is the first attempt, and should an answer be lost it is the same booking anyway.
 * Any other answer, or RATE_LIMITED once the retries are spent, is the caller's.
 */
export async function sendQueued<T>(send: () => Promise<T>, options: QueuedSendOptions = {}): Promise<T> {
  const {
    signal,
    onQueued = () => undefined,
    onSlow = () => undefined,
    maxRetries = MAX_QUEUE_RETRIES,
    slowAfterMs = SLOW_BOOKING_MS,
    now = Date.now,
    random = Math.random,
  } = options;
  try {
    for (let retry = 1; ; retry++) {
      try {
        return await timed(send, slowAfterMs, onSlow);
      } catch (error) {
        if (errorCode(error) !== 'RATE_LIMITED' || retry > maxRetries) throw error;
        if (signal?.aborted) throw new QueueCancelled();
        const seconds = Math.min(MAX_RETRY_SECONDS, retryAfterSeconds(error) ?? DEFAULT_RETRY_SECONDS);
        const delayMs = seconds * 1000 + Math.floor(random() * RETRY_JITTER_MS);
        onQueued({ seconds, retryAt: now() + delayMs, retry, retries: maxRetries });
        await pause(delayMs, signal);
      }
    }
  } finally {
    onQueued(null);
  }
}

/** `send`, reporting through `onSlow` while it takes longer than `slowAfterMs`. */
async function timed<T>(send: () => Promise<T>, slowAfterMs: number, onSlow: (slow: boolean) => void): Promise<T> {
  let slow = false;
  const timer = setTimeout(() => {
    slow = true;
    onSlow(true);
  }, slowAfterMs);
  try {
    return await send();
  } finally {
    clearTimeout(timer);
    if (slow) onSlow(false);
  }
}

/** Resolves after `ms`, or rejects with QueueCancelled as soon as `signal` aborts. */
function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new QueueCancelled());
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new QueueCancelled());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
