import { useMutation, useQuery } from '@apollo/client/react';
import { useRef, useState } from 'react';
import { graphql } from '../../__generated__/gql';
import type { PassengerInput } from '../../__generated__/graphql';
import { awaitAction, beginAttempt, endAttempt, pendingAttempt, type AttemptTrip } from '../../booking-attempt';
import { BookingExpired, errorCode } from '../../errors';
import { paymentAction } from '../../payment';
import { navigate } from '../../router';
import type { TripChoice } from '../../trip';
import { queryStatus } from '../query-status';
import { useCardPayment } from '../review/useCardPayment';
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

/** Codes after which the same attempt must not be sent again: the next one needs a new key. */
const FINAL_CODES = new Set([
  'NOT_EXCHANGEABLE',
  'SOLD_OUT',
  'QUOTE_EXPIRED',
  'QUOTE_MISMATCH',
  'QUOTE_INVALID',
  'BAD_USER_INPUT',
  'IDEMPOTENCY_KEY_REUSED',
  'FORBIDDEN',
  'NOT_FOUND',
]);

/** Codes that end the attempt but leave the exchange possible: another card, a new attempt. */
const NEW_ATTEMPT_CODES = new Set(['PAYMENT_DECLINED', 'PAYMENT_REQUIRED', 'BOOKING_EXPIRED']);

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
  const [attempt, setAttempt] = useState(() => pendingAttempt(trip));
  const [exchange, exchanging] = useMutation(ExchangeBookingMutation, { refetchQueries });
  const [failure, setFailure] = useState<unknown>(null);
  const sending = useRef(false);

  const endThisAttempt = () => {
    endAttempt(trip);
    setAttempt(null);
    payment.clearAction();
  };
  const payment = useCardPayment({
    initialAction: attempt?.action ?? null,
    onFinished: (booked) => {
      endAttempt(trip);
      navigate(bookingHref(booked.id), { replace: true });
    },
    onFailed: (error, status) => {
      endThisAttempt();
      setFailure(status === 'EXPIRED' ? new BookingExpired() : error);
    },
    onUnavailable: setFailure,
  });

  const submit = async () => {
    if (sending.current || !offer) return;
    sending.current = true;
    setFailure(null);
    try {
      let paymentMethod: string;
      try {
        // An attempt already sent is sent again as it was: its card is not read (or made) again.
        paymentMethod = pendingAttempt(trip)?.paymentMethod ?? (await payment.newPaymentMethod());
      } catch (caught) {
        // Nothing was sent: the form says what to fix.
        setFailure(caught);
        return;
      }
      const current = beginAttempt(trip, { quoteToken: offer.quoteToken, paymentMethod });
      setAttempt(current);
      try {
        const result = await exchange({
          variables: {
            input: {
              bookingId,
              quoteToken: current.quoteToken,
              passengers,
              idempotencyKey: current.idempotencyKey,
              paymentMethod: current.paymentMethod ?? paymentMethod,
            },
          },
        });
        if (result.data) {
          endAttempt(trip);
          navigate(bookingHref(result.data.exchangeBooking.id), { replace: true });
        }
      } catch (caught) {
        const needed = paymentAction(caught);
        if (needed?.provider === 'sandbox' || needed?.provider === 'stripe') {
          // The new booking waits for the customer's answer; a reload can still give it.
          awaitAction(trip, needed);
          setAttempt(pendingAttempt(trip));
          payment.authenticate(needed);
          return;
        }
        setFailure(caught);
        const code = errorCode(caught) ?? '';
        if (FINAL_CODES.has(code) || NEW_ATTEMPT_CODES.has(code)) endThisAttempt();
      }
    } finally {
      sending.current = false;
    }
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
    canPay: payment.cardReady || Boolean(attempt?.paymentMethod),
    exchange: () => void submit(),
    failure,
    code,
    /** Nothing final went wrong: the exchange can be sent. */
    sendable: Boolean(offer && costs.data) && !FINAL_CODES.has(code ?? ''),
    /** After a failed quote: a fresh price clears the failure. */
    refreshPrice: () => void quote.refetch().then(() => setFailure(null)),
  };
}
