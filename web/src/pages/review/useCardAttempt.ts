import { useRef, useState } from 'react';
import {
  awaitAction,
  beginAttempt,
  endAttempt,
  pendingAttempt,
  type AttemptTrip,
  type BookingAttempt,
} from '../../booking-attempt';
import { BookingExpired, errorCode } from '../../errors';
import { paymentAction } from '../../payment';
import { useCardPayment } from './useCardPayment';

/**
 * Codes after which no attempt, booking or exchange, may be sent again (the next one needs a new
 * key): the seats are gone, the quote cannot be paid, or the request itself is refused. A flow
 * adds its own (`finalCodes`).
 */
export const FINAL_ATTEMPT_CODES: ReadonlySet<string> = new Set([
  'SOLD_OUT',
  'QUOTE_EXPIRED',
  'QUOTE_MISMATCH',
  'QUOTE_INVALID',
  'BAD_USER_INPUT',
  'IDEMPOTENCY_KEY_REUSED',
  'FORBIDDEN',
]);

/**
 * Codes that end the attempt (its booking FAILED, or nothing was written) but leave the trip
 * payable: another card, sent as a new attempt with a new idempotency key.
 */
const NEW_ATTEMPT_CODES = new Set(['PAYMENT_DECLINED', 'PAYMENT_REQUIRED', 'BOOKING_EXPIRED']);

interface CardAttemptOptions {
  /** The flow's codes after which the same attempt must not be sent again (FINAL_ATTEMPT_CODES and its own). */
  finalCodes: ReadonlySet<string>;
  /** Where the traveller goes once the booking is made (or finished after the customer's answer). */
  onBooked: (bookingId: string) => void;
}

/**
 * Sends the attempt once: the booking's id when it was made, or null when nothing came of it
 * and nothing failed (the traveller left the queue). It throws what the API answered otherwise.
 */
export type SendAttempt = (attempt: BookingAttempt, paymentMethod: string) => Promise<string | null>;

/**
 * One attempt at a booking paid by card, as the review books a trip and the change exchanges a
 * booking: its idempotency key kept from the first press (booking-attempt.ts), so a retry or a
 * reload sends the same request; its card read once (useCardPayment). A payment needing the
 * customer's 3-D Secure answer keeps the attempt (the booking waits, seats held) until the
 * answer finishes or fails the booking; a declined card ends it, and another card is a new one.
 */
export function useCardAttempt(trip: AttemptTrip, { finalCodes, onBooked }: CardAttemptOptions) {
  const [attempt, setAttempt] = useState(() => pendingAttempt(trip));
  const [failure, setFailure] = useState<unknown>(null);
  const sending = useRef(false);

  /** The attempt is over: a new one (new key) may follow. */
  const endThisAttempt = () => {
    endAttempt(trip);
    setAttempt(null);
    payment.clearAction();
  };
  const payment = useCardPayment({
    initialAction: attempt?.action ?? null,
    onFinished: (booked) => {
      endAttempt(trip);
      onBooked(booked.id);
    },
    onFailed: (error, status) => {
      endThisAttempt();
      setFailure(status === 'EXPIRED' ? new BookingExpired() : error);
    },
    // Stripe's step needs Stripe.js: the booking waits (its seats held) until it can be given.
    onUnavailable: setFailure,
  });

  /** What a send that threw leads to: the customer's 3-D Secure step, or the failure shown. */
  const sendFailed = (caught: unknown) => {
    const needed = paymentAction(caught);
    if (needed?.provider === 'sandbox' || needed?.provider === 'stripe') {
      // The booking waits for the customer's answer; a reload can still give it.
      awaitAction(trip, needed);
      setAttempt(pendingAttempt(trip));
      payment.authenticate(needed);
      return;
    }
    setFailure(caught);
    const code = errorCode(caught) ?? '';
    if (finalCodes.has(code) || NEW_ATTEMPT_CODES.has(code)) endThisAttempt();
  };

  const submit = async (quoteToken: string, send: SendAttempt) => {
    if (sending.current) return;
    sending.current = true;
    setFailure(null);
    try {
      let paymentMethod: string;
      try {
        // An attempt already sent is sent again as it was: its card is not read (or made) again.
        paymentMethod = pendingAttempt(trip)?.paymentMethod ?? (await payment.newPaymentMethod());
      } catch (caught) {
        // Nothing was sent: the form says what to fix, and the next press reads the card again.
        setFailure(caught);
        return;
      }
      const current = beginAttempt(trip, { quoteToken, paymentMethod });
      setAttempt(current);
      try {
        // An attempt kept from before payments had no card: the one chosen now.
        const bookingId = await send(current, current.paymentMethod ?? paymentMethod);
        if (bookingId !== null) {
          endAttempt(trip);
          onBooked(bookingId);
        }
      } catch (caught) {
        sendFailed(caught);
      }
    } finally {
      sending.current = false;
    }
  };

  return {
    attempt,
    failure,
    /** After a fresh quote: the failure it answers is cleared. */
    clearFailure: () => setFailure(null),
    /** The card paying, and the customer's 3-D Secure step when the booking waits for it. */
    payment,
    /** A card can be paid with: the sandbox's, Stripe's form ready, or the attempt's own card. */
    canPay: payment.cardReady || Boolean(attempt?.paymentMethod),
    /** Sends the attempt for this quote with `send` (the same input every time: one key, one card). */
    submit,
  };
}
