import { useMutation } from '@apollo/client/react';
import { useCallback, useEffect, useRef, useState } from 'react';
import { graphql } from '../__generated__/gql';
import { useSessionStore } from '../app-context';
import {
  awaitAction,
  beginAttempt,
  endAttempt,
  pendingAttempt,
  QueueCancelled,
  sendQueued,
  type QueueWait,
} from '../booking-attempt';
import { BookingExpired, CardPaymentsUnavailable, errorCode } from '../errors';
import { bookingInput, partyInput, readParty } from '../party';
import { DEFAULT_TEST_CARD, paymentAction, type PaymentAction } from '../payment';
import { navigate } from '../router';
import { useSession } from '../session';
import { authenticateWithStripe } from '../stripe/card-payment';
import { usePaymentSettings } from '../stripe/settings';
import { searchHref, type TripChoice } from '../trip';
import type { CardCollector } from './review/StripeCardForm';
import { usePaymentChallenge } from './review/usePaymentChallenge';
import { useSandboxAuthentication } from './review/useSandboxAuthentication';
import { useQuote } from './review/useQuote';
import { useStripeJs } from './review/useStripeJs';

const BookJourneyMutation = graphql(`
  mutation BookJourney($input: BookJourneyInput!) {
    bookJourney(input: $input) {
      id
      status
    }
  }
`);

/** Codes after which the same attempt must not be sent again: the next one needs a new key. */
const FINAL_CODES = new Set([
  'SOLD_OUT',
  'SEAT_TAKEN',
  'QUOTE_EXPIRED',
  'QUOTE_MISMATCH',
  'QUOTE_INVALID',
  'BAD_USER_INPUT',
  'IDEMPOTENCY_KEY_REUSED',
  'FORBIDDEN',
]);

/**
 * Codes that end the attempt (its booking FAILED, or nothing was written) but leave the trip
 * bookable: another card, sent as a new attempt with a new idempotency key.
 */
const NEW_ATTEMPT_CODES = new Set(['PAYMENT_DECLINED', 'PAYMENT_REQUIRED', 'BOOKING_EXPIRED']);

/** The time now, updated every `intervalMs`. */
function useNow(intervalMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

/**
 * The review step: a fresh quote for the chosen journey (or trip with changes) and the party, the card paying it, and
 * one booking per attempt (its idempotency key kept from the first press; see
 * booking-attempt.ts). A declined card ends the attempt: another card is a new attempt. A
 * payment needing the customer's 3-D Secure answer keeps it (the booking waits, seats held)
 * until the challenge is answered (the sandbox's dialog, or Stripe's own with Stripe.js) and
 * the booking finished. With a Stripe publishable key configured the card is typed into Stripe
 * Elements and read into a payment method on Book; without one, the sandbox's test cards. At a rush
 * the API may answer RATE_LIMITED (its booking queue is full): the same attempt is sent again
 * after the wait it asks for, a few times, unless the traveller leaves the queue.
 */
export function useReviewPage(tripChoice: TripChoice) {
  const session = useSession(useSessionStore());
  // Who travels was filled in on the passengers step; the same list, ages included, is quoted
  // and booked, so the quote matches the booking. Only the booking carries the names.
  const [party] = useState(() => readParty(tripChoice));
  const passengers = party ? partyInput(party) : [];
  const namedPassengers = party ? bookingInput(party) : [];
  const choice = { ...tripChoice, passengerInputs: passengers };
  // A trip with changes is quoted whole (one quote, one payment); its seats are assigned.
  const quote = useQuote(choice, passengers, !party);
  const { journey, trip, offer, refetch } = quote;
  const [attempt, setAttempt] = useState(() => pendingAttempt(choice));
  const [book, booking] = useMutation(BookJourneyMutation);
  const [failure, setFailure] = useState<unknown>(null);
  /** The sandbox's card chosen; an attempt already sent keeps its own (`attempt.paymentMethod`). */
  const [method, setMethod] = useState(DEFAULT_TEST_CARD);
  /** Stripe.js and its card form when a publishable key is configured; `off`: the sandbox's cards. */
  const stripeJs = useStripeJs(usePaymentSettings());
  /** Reads the card in Stripe's form into a payment method, while the form is up. */
  const collector = useRef<CardCollector | null>(null);
  const [cardReady, setCardReady] = useState(false);
  const setCardCollector = useCallback((collect: CardCollector | null) => {
    collector.current = collect;
    setCardReady(collect !== null);
  }, []);
  /** The card is being read into a payment method, before bookJourney is sent. */
  const [readingCard, setReadingCard] = useState(false);
  /** The booking waits for the customer's 3-D Secure answer; after a reload too. */
  const [action, setAction] = useState<PaymentAction | null>(() => attempt?.action ?? null);
  /** The challenge dialog is open (closing it leaves the booking waiting). */
  const [challengeOpen, setChallengeOpen] = useState(false);
  /** Waiting to be sent again after RATE_LIMITED. */
  const [queue, setQueue] = useState<QueueWait | null>(null);
  /** A bookJourney request has taken longer than a moment: it waits for its place in the queue. */
  const [slow, setSlow] = useState(false);
  const sending = useRef(false);
  const leaveQueue = useRef<AbortController | null>(null);
  // Leaving the page stops the retries (the attempt is kept for a reload).
  useEffect(() => () => leaveQueue.current?.abort(), []);
  const now = useNow(10_000);
  const expired = offer ? Date.parse(offer.expiresAt) <= now : false;

  /** The attempt is over: a new one (new key) may follow. */
  const endThisAttempt = () => {
    endAttempt(choice);
    setAttempt(null);
    setAction(null);
    setChallengeOpen(false);
  };
  const challenge = usePaymentChallenge({
    onFinished: (booked) => {
      endAttempt(choice);
      navigate(`/bookings/${encodeURIComponent(booked.id)}?booked=1`, { replace: true });
    },
    onFailed: (error, status) => {
      endThisAttempt();
      setFailure(status === 'EXPIRED' ? new BookingExpired() : error);
    },
  });
  const sandboxAuthentication = useSandboxAuthentication();

  /**
   * The customer's 3-D Secure step for a waiting booking: the sandbox's dialog (answered there),
   * or Stripe's own page through Stripe.js; either then finishes the booking (usePaymentChallenge).
   */
  const authenticate = (needed: PaymentAction) => {
    challenge.reset();
    if (needed.provider === 'sandbox') {
      setChallengeOpen(true);
      return;
    }
    if (needed.provider === 'stripe' && stripeJs.status === 'ready') {
      const { stripe } = stripeJs;
      challenge.answer(needed, () => authenticateWithStripe(stripe, needed.clientSecret));
      return;
    }
    // Stripe's step needs Stripe.js: the booking waits (its seats held) until it can be given.
    setFailure(new CardPaymentsUnavailable());
  };

  /** The payment method a new attempt pays with: the sandbox card chosen, or the card typed into Stripe's form. */
  const newPaymentMethod = async (): Promise<string> => {
    if (stripeJs.status === 'off') return method;
    const collect = collector.current;
    if (!collect) throw new CardPaymentsUnavailable();
    setReadingCard(true);
    try {
      return await collect();
    } finally {
      setReadingCard(false);
    }
  };

  const submit = async () => {
    if (sending.current || !offer) return;
    sending.current = true;
    setFailure(null);
    let paymentMethod: string;
    try {
      // An attempt already sent is sent again as it was: its card is not read (or made) again.
      paymentMethod = pendingAttempt(choice)?.paymentMethod ?? (await newPaymentMethod());
    } catch (caught) {
      // Nothing was sent: the form says what to fix, and the next press reads the card again.
      setFailure(caught);
      sending.current = false;
      return;
    }
    const current = beginAttempt(choice, { quoteToken: offer.quoteToken, paymentMethod });
    setAttempt(current);
    const leaving = new AbortController();
    leaveQueue.current = leaving;
    // Every send is this same input: the same quote and idempotency key.
    const input = {
      quoteToken: current.quoteToken,
      passengers: namedPassengers,
      idempotencyKey: current.idempotencyKey,
      // An attempt kept from before payments had no card: the one chosen now.
      paymentMethod: current.paymentMethod ?? paymentMethod,
      ...(choice.seats.length > 0 ? { seats: choice.seats } : {}),
    };
    try {
      const result = await sendQueued(() => book({ variables: { input } }), {
        signal: leaving.signal,
        onQueued: setQueue,
        onSlow: setSlow,
      });
      if (result.data) {
        endAttempt(choice);
        navigate(`/bookings/${encodeURIComponent(result.data.bookJourney.id)}?booked=1`, { replace: true });
      }
    } catch (caught) {
      // Left the queue: nothing failed, and the attempt stays for the next press.
      if (caught instanceof QueueCancelled) return;
      const needed = paymentAction(caught);
      if (needed?.provider === 'sandbox' || needed?.provider === 'stripe') {
        awaitAction(choice, needed);
        setAttempt(pendingAttempt(choice));
        setAction(needed);
        authenticate(needed);
        return;
      }
      setFailure(caught);
      const code = errorCode(caught) ?? '';
      if (FINAL_CODES.has(code) || NEW_ATTEMPT_CODES.has(code)) endThisAttempt();
    } finally {
      sending.current = false;
      if (leaveQueue.current === leaving) leaveQueue.current = null;
    }
  };

  const code = errorCode(failure);
  const nextTrains = searchHref({
    ...choice,
    after: new Date(
      Date.parse(quote.departure ?? choice.departure ?? `${choice.date}T00:00:00Z`) + 60_000,
    ).toISOString(),
  });

  return {
    session,
    party,
    journey,
    /** The trip with changes chosen, when it is one (then `journey` is absent). */
    trip,
    offer,
    /** `retry` asks for a fresh quote. */
    ...quote.status,
    now,
    expired,
    attempt,
    /** A booking is being sent (its card being read first), or waits to be sent again. */
    booking: booking.loading || queue !== null || readingCard,
    /** Stripe.js and its card form (`off` without a publishable key: the sandbox's cards). */
    stripeJs,
    setCardCollector,
    /** A card can be paid with: the sandbox's, Stripe's form ready, or the attempt's own card. */
    canPay: stripeJs.status === 'off' || Boolean(attempt?.paymentMethod) || cardReady,
    book: () => void submit(),
    /** Waiting in the booking queue after RATE_LIMITED, until the next try. */
    queue,
    /** The request has taken a while: it waits for its place in the queue. */
    slow,
    /** Stops the retries; the attempt is kept, so Book sends it again with the same key. */
    leaveQueue: () => leaveQueue.current?.abort(),
    failure,
    code,
    /** After a failed quote: a fresh price clears the failure. */
    retryWithNewPrice: () => void refetch().then(() => setFailure(null)),
    nextTrains,
    /** The card chosen, and choosing another. */
    method,
    setMethod,
    /** The booking waits for the customer's 3-D Secure answer. */
    action,
    /** The sandbox's challenge dialog is open. */
    challengeOpen,
    /** Asks for the answer again: reopens the sandbox's dialog, or Stripe's page. */
    openChallenge: () => {
      if (action) authenticate(action);
    },
    /** The answer given in the sandbox's dialog. */
    answerSandbox: (approve: boolean) => {
      if (action) challenge.answer(action, () => sandboxAuthentication(action.clientSecret, approve));
    },
    /** Closed unanswered: the booking waits until answered or its hold expires. */
    closeChallenge: () => setChallengeOpen(false),
    challenge,
    /** The journey (or trip) and class are on sale and nothing final went wrong: booking is possible. */
    bookable: Boolean((journey ?? trip) && offer) && !FINAL_CODES.has(code ?? ''),
  };
}
