import { useMutation, useQuery } from '@apollo/client/react';
import { useEffect, useRef, useState } from 'react';
import { graphql } from '../__generated__/gql';
import { useSessionStore } from '../app-context';
import {
  beginAttempt,
  endAttempt,
  pendingAttempt,
  QueueCancelled,
  sendQueued,
  type QueueWait,
} from '../booking-attempt';
import { errorCode } from '../errors';
import { bookingInput, partyInput, readParty } from '../party';
import { navigate } from '../router';
import { useSession } from '../session';
import { searchHref, type TripChoice } from '../trip';
import { queryStatus } from './query-status';
import { SearchJourneysQuery } from './search-journeys';

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
 * The review step: a fresh quote for the chosen journey and the party, and one booking per
 * attempt (its idempotency key kept from the first press; see booking-attempt.ts). At a rush
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
  const query = useQuery(SearchJourneysQuery, {
    skip: !party,
    variables: {
      from: choice.from,
      to: choice.to,
      date: choice.date,
      after: choice.departure ?? null,
      first: choice.departure ? 3 : 50,
      passengers,
    },
    fetchPolicy: 'network-only',
  });
  const { data, refetch } = query;
  const journey = data?.searchJourneys.find(
    (j) => j.runId === choice.runId && j.fromStop === choice.fromStop && j.toStop === choice.toStop,
  );
  const offer = journey?.fares.find((f) => f.seatClass === choice.seatClass);
  const [attempt, setAttempt] = useState(() => pendingAttempt(choice));
  const [book, booking] = useMutation(BookJourneyMutation);
  const [failure, setFailure] = useState<unknown>(null);
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

  const submit = async () => {
    if (sending.current || !offer) return;
    sending.current = true;
    setFailure(null);
    const current = beginAttempt(choice, offer.quoteToken);
    setAttempt(current);
    const leaving = new AbortController();
    leaveQueue.current = leaving;
    // Every send is this same input: the same quote and idempotency key.
    const input = {
      quoteToken: current.quoteToken,
      passengers: namedPassengers,
      idempotencyKey: current.idempotencyKey,
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
      setFailure(caught);
      if (FINAL_CODES.has(errorCode(caught) ?? '')) {
        endAttempt(choice);
        setAttempt(null);
      }
    } finally {
      sending.current = false;
      if (leaveQueue.current === leaving) leaveQueue.current = null;
    }
  };

  const code = errorCode(failure);
  const nextTrains = searchHref({
    ...choice,
    after: new Date(
      Date.parse(journey?.departure ?? choice.departure ?? `${choice.date}T00:00:00Z`) + 60_000,
    ).toISOString(),
  });

  return {
    session,
    party,
    journey,
    offer,
    /** `retry` asks for a fresh quote. */
    ...queryStatus(query),
    now,
    expired,
    attempt,
    /** A booking is being sent, or waits to be sent again. */
    booking: booking.loading || queue !== null,
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
    /** The journey and class are on sale and nothing final went wrong: booking is possible. */
    bookable: Boolean(journey && offer) && !FINAL_CODES.has(code ?? ''),
  };
}
