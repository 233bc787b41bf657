import { useMutation, useQuery } from '@apollo/client/react';
import { graphql } from '../../__generated__/gql';
import type { PassengerInput } from '../../__generated__/graphql';
import type { AttemptTrip } from '../../booking-attempt';
import { errorCode } from '../../errors';
import { navigate } from '../../router';
import type { TripChoice } from '../../trip';
import { queryStatus } from '../query-status';
import { FINAL_ATTEMPT_CODES, useCardAttempt, type SendAttempt } from '../review/useCardAttempt';
import { useQuote } from '../review/useQuote';
import { BOOKINGS_PAGE_SIZE, MyBookingsQuery } from '../useBookingsPage';

/** What exchanging the booking for the chosen train costs now (`ExchangeQuoteCard` shows it). */
const ExchangeQuoteQuery = graphql(`
  query ExchangeQuote($bookingId: ID!, $quoteToken: String!, $passengers: [PassengerInput!]!) {
    exchangeQuote(bookingId: $bookingId, quoteToken: $quoteToken, passengers: $passengers) {
      bookingId
      ...ExchangeQuoteCard
    }
  }
`);

/** The exchange: its answer is the new booking, which names the one it replaced. */
const ExchangeBookingMutation = graphql(`
  mutation ExchangeBooking($input: ExchangeBookingInput!) {
    exchangeBooking(input: $input) {
      id
      status
      exchangedFrom {
        id
      }
    }
  }
`);

/** Codes after which the same attempt must not be sent again: the booking cannot be exchanged, too. */
const FINAL_CODES = new Set([...FINAL_ATTEMPT_CODES, 'NOT_EXCHANGEABLE', 'NOT_FOUND']);

/** "My bookings" shows both bookings as they now stand once back there. */
const refetchQueries = [{ query: MyBookingsQuery, variables: { first: BOOKINGS_PAGE_SIZE } }];

const bookingHref = (id: string) => `/bookings/${encodeURIComponent(id)}?booked=1`;

/**
 * Exchanging a booking for the train (or trip) and class chosen: a fresh quote for its travelling
 * passengers, what the exchange costs (`exchangeQuote`), and one exchange per attempt, its
 * idempotency key kept from the first press as a booking's is (booking-attempt.ts, keyed by the
 * booking exchanged too). The new journey is paid by card as a booking is, 3-D Secure included:
 * the booking waiting for the answer is the NEW one, finished with `completeBookingPayment`.
 * Done, the traveller lands on the new booking.
 */
export function useExchange(bookingId: string, choice: TripChoice, passengers: PassengerInput[]) {
  const trip: AttemptTrip = { ...choice, passengerInputs: passengers, exchanging: bookingId };
  const quote = useQuote(choice, passengers, false);
  const { offer } = quote;
  const costs = useQuery(ExchangeQuoteQuery, {
    skip: !offer,
    variables: { bookingId, quoteToken: offer?.quoteToken ?? '', passengers },
    fetchPolicy: 'network-only',
  });
  const [exchange, exchanging] = useMutation(ExchangeBookingMutation, { refetchQueries });
  const { attempt, failure, clearFailure, payment, canPay, submit } = useCardAttempt(trip, {
    finalCodes: FINAL_CODES,
    onBooked: (id) => navigate(bookingHref(id), { replace: true }),
  });

  /** Sends the exchange: every send is the same quote, passengers and idempotency key. */
  const sendExchange: SendAttempt = async (current, paymentMethod) => {
    const result = await exchange({
      variables: {
        input: {
          bookingId,
          quoteToken: current.quoteToken,
          passengers,
          idempotencyKey: current.idempotencyKey,
          paymentMethod,
        },
      },
    });
    return result.data ? result.data.exchangeBooking.id : null;
  };

  const code = errorCode(failure);
  return {
    quote,
    offer,
    /** What the exchange costs, once quoted. */
    costs: costs.data?.exchangeQuote,
    costsStatus: queryStatus(costs),
    /** Why the exchange cannot be quoted (NOT_EXCHANGEABLE among them). */
    costsError: costs.error,
    attempt,
    payment,
    /** The exchange is being sent (its card being read first). */
    busy: exchanging.loading || payment.readingCard,
    /** A card can be paid with: the sandbox's, Stripe's form ready, or the attempt's own card. */
    canPay,
    exchange: () => {
      if (offer) void submit(offer.quoteToken, sendExchange);
    },
    failure,
    code,
    /** Nothing final went wrong: the exchange can be sent. */
    sendable: Boolean(offer && costs.data) && !FINAL_CODES.has(code ?? ''),
    /** After a failed quote: a fresh price clears the failure. */
    refreshPrice: () => void quote.refetch().then(clearFailure),
  };
}
