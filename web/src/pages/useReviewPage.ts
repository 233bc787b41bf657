import { useMutation } from '@apollo/client/react';
import { useEffect, useRef, useState } from 'react';
import { graphql } from '../__generated__/gql';
import { useSessionStore } from '../app-context';
import { QueueCancelled, sendQueued, type QueueWait } from '../booking-attempt';
import { errorCode } from '../errors';
import { bookingInput, partyInput, readParty } from '../party';
import { navigate } from '../router';
import { useSession } from '../session';
import { searchHref, type TripChoice } from '../trip';
import { FINAL_ATTEMPT_CODES, useCardAttempt, type SendAttempt } from './review/useCardAttempt';
import { useQuote } from './review/useQuote';

const BookJourneyMutation = graphql(`
  mutation BookJourney($input: BookJourneyInput!) {
    bookJourney(input: $input) {
      id
      status
    }
  }
`);

/** Codes after which the same attempt must not be sent again: a seat chosen on the map was taken, too. */
const FINAL_CODES = new Set([...FINAL_ATTEMPT_CODES, 'SEAT_TAKEN']);

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
  const [book, booking] = useMutation(BookJourneyMutation);
  const { attempt, failure, clearFailure, payment, canPay, submit } = useCardAttempt(choice, {
    finalCodes: FINAL_CODES,
    onBooked: (id) => navigate(`/bookings/${encodeURIComponent(id)}?booked=1`, { replace: true }),
  });
  /** Waiting to be sent again after RATE_LIMITED. */
  const [queue, setQueue] = useState<QueueWait | null>(null);
  /** A bookJourney request has taken longer than a moment: it waits for its place in the queue. */
  const [slow, setSlow] = useState(false);
  const leaveQueue = useRef<AbortController | null>(null);
  // Leaving the page stops the retries (the attempt is kept for a reload).
  useEffect(() => () => leaveQueue.current?.abort(), []);
  const now = useNow(10_000);
  const expired = offer ? Date.parse(offer.expiresAt) <= now : false;

  /** Sends the attempt through the booking queue: every send is the same quote and idempotency key. */
  const sendBooking: SendAttempt = async (current, paymentMethod) => {
    const leaving = new AbortController();
    leaveQueue.current = leaving;
    const input = {
      quoteToken: current.quoteToken,
      passengers: namedPassengers,
      idempotencyKey: current.idempotencyKey,
      paymentMethod,
      ...(choice.seats.length > 0 ? { seats: choice.seats } : {}),
    };
    try {
      const result = await sendQueued(() => book({ variables: { input } }), {
        signal: leaving.signal,
        onQueued: setQueue,
        onSlow: setSlow,
      });
      return result.data ? result.data.bookJourney.id : null;
    } catch (caught) {
      // Left the queue: nothing failed, and the attempt stays for the next press.
      if (caught instanceof QueueCancelled) return null;
      throw caught;
    } finally {
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
    booking: booking.loading || queue !== null || payment.readingCard,
    /** The card paying, and the customer's 3-D Secure step when the booking waits for it. */
    payment,
    canPay,
    book: () => {
      if (offer) void submit(offer.quoteToken, sendBooking);
    },
    /** Waiting in the booking queue after RATE_LIMITED, until the next try. */
    queue,
    /** The request has taken a while: it waits for its place in the queue. */
    slow,
    /** Stops the retries; the attempt is kept, so Book sends it again with the same key. */
    leaveQueue: () => leaveQueue.current?.abort(),
    failure,
    code,
    /** After a failed quote: a fresh price clears the failure. */
    retryWithNewPrice: () => void refetch().then(clearFailure),
    nextTrains,
    /** The journey (or trip) and class are on sale and nothing final went wrong: booking is possible. */
    bookable: Boolean((journey ?? trip) && offer) && !FINAL_CODES.has(code ?? ''),
  };
}
