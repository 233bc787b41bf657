import { useApolloClient, useMutation, useQuery } from '@apollo/client/react';
import { useEffect, useRef, useState } from 'react';
import type { BookingQuery as BookingData } from '../__generated__/graphql';
import { TicketQr } from '../components/TicketQr';
import { plainMessage } from '../errors';
import { ErrorNotice } from '../components/ErrorNotice';
import { PASSENGER_NAMES, formatDate, formatDuration, formatMoney, formatTime, type MoneyValue } from '../format';
import { BookingQuery, CancelBookingMutation, CancelTicketsMutation, MyBookingsQuery } from '../operations';
import { ticketNames } from '../party';
import { previewRefund, type RefundPreview } from '../refund';
import { Link } from '../router';
import { STATUS_NAMES } from './BookingsPage';

type Booking = NonNullable<BookingData['booking']>;
type Ticket = Booking['tickets'][number];

/** A booking: confirmation after booking, and the detail page from "My bookings". */
export function BookingPage({ id, justBooked }: { id: string; justBooked: boolean }) {
  const { data, loading, error, refetch } = useQuery(BookingQuery, {
    variables: { id },
    fetchPolicy: 'cache-and-network',
  });
  const heading = useRef<HTMLHeadingElement>(null);
  const booking = data?.booking;
  useEffect(() => {
    if (booking && justBooked) heading.current?.focus();
  }, [booking, justBooked]);

  if (error && !booking) return <ErrorNotice error={error} onRetry={() => void refetch()} />;
  if (loading && !booking) return <p className="loading">Loading your booking…</p>;
  if (!booking) return <p className="notice">We could not find that booking.</p>;

  const journey = booking.tickets[0]?.journey;
  // Tickets carry the fare category, not the name: names come from this device's booking state.
  const names = ticketNames(booking.id, booking.tickets);
  const activeTickets = booking.tickets.filter((t) => t.status === 'ACTIVE').length;
  return (
    <section aria-labelledby="booking-heading">
      <p className="back-link">
        <Link href="/bookings">← My bookings</Link>
      </p>
      <h1 id="booking-heading" ref={heading} tabIndex={-1}>
        {justBooked && booking.status === 'CONFIRMED' ? 'You are booked' : 'Your booking'}
      </h1>
      <p className="booking-status">
        <span className={`status status-${booking.status.toLowerCase()}`}>{STATUS_NAMES[booking.status]}</span> ·
        Booking {booking.id.slice(0, 8).toUpperCase()} · {formatMoney(booking.total)}
      </p>
      {journey ? (
        <p className="trip-line">
          {formatDate(journey.departure, journey.origin.timeZone)} ·{' '}
          <strong>{formatTime(journey.departure, journey.origin.timeZone)}</strong> {journey.origin.name} →{' '}
          <strong>{formatTime(journey.arrival, journey.destination.timeZone)}</strong> {journey.destination.name} ·{' '}
          {formatDuration(journey.durationMinutes)} · {journey.train.number}
        </p>
      ) : null}
      <h2>Tickets</h2>
      <ul className="tickets">
        {booking.tickets.map((ticket, index) => (
          <li key={ticket.id} className="ticket card">
            <div className="ticket-details">
              <h3>
                Ticket {index + 1}: {names[index] ?? PASSENGER_NAMES[ticket.passenger]}
              </h3>
              <dl>
                {names[index] ? (
                  <>
                    <dt>Fare category</dt>
                    <dd>{PASSENGER_NAMES[ticket.passenger]}</dd>
                  </>
                ) : null}
                <dt>Coach</dt>
                <dd>{ticket.coach}</dd>
                <dt>Seat</dt>
                <dd>{ticket.seat}</dd>
                <dt>Fare</dt>
                <dd>{formatMoney(ticket.fare)}</dd>
              </dl>
              {booking.status === 'CONFIRMED' && ticket.status === 'CANCELLED' ? (
                <p className="ticket-void">Cancelled</p>
              ) : null}
              {/* With one ticket left, cancelling it is cancelling the booking (below). */}
              {booking.status === 'CONFIRMED' && ticket.status === 'ACTIVE' && activeTickets > 1 ? (
                <CancelTicket bookingId={booking.id} ticket={ticket} number={index + 1} />
              ) : null}
            </div>
            {booking.status === 'CONFIRMED' && ticket.status === 'ACTIVE' ? (
              <TicketQr
                code={ticket.code}
                label={`QR code of ticket ${index + 1}, coach ${ticket.coach} seat ${ticket.seat}. Show it to the inspector.`}
              />
            ) : (
              <p className="ticket-void">Not valid for travel</p>
            )}
          </li>
        ))}
      </ul>
      {booking.status === 'CONFIRMED' ? <CancelBooking booking={booking} /> : null}
    </section>
  );
}

function CancelBooking({ booking }: { booking: Booking }) {
  const client = useApolloClient();
  const [cancel, cancelling] = useMutation(CancelBookingMutation, {
    refetchQueries: [{ query: MyBookingsQuery, variables: { first: 20 } }],
  });
  return (
    <CancelAction
      what="booking"
      title="Cancel this booking?"
      headingId="cancel-heading"
      Heading="h2"
      openLabel="Cancel this booking"
      confirmLabel="Yes, cancel booking"
      keepLabel="Keep my booking"
      fullRefund={booking.total}
      quote={() => previewRefund(client, booking.id)}
      cancel={() => cancel({ variables: { id: booking.id } })}
      cancelling={cancelling}
    />
  );
}

/** Cancels one ticket of a booking, after showing what it refunds; the others stay valid. */
function CancelTicket({ bookingId, ticket, number }: { bookingId: string; ticket: Ticket; number: number }) {
  const client = useApolloClient();
  const [cancel, cancelling] = useMutation(CancelTicketsMutation, {
    refetchQueries: [{ query: MyBookingsQuery, variables: { first: 20 } }],
  });
  return (
    <CancelAction
      what="ticket"
      title={`Cancel ticket ${number}?`}
      headingId={`cancel-ticket-${ticket.id}`}
      Heading="h4"
      openLabel={`Cancel ticket ${number}`}
      confirmLabel={`Yes, cancel ticket ${number}`}
      keepLabel="Keep this ticket"
      fullRefund={ticket.fare}
      quote={() => previewRefund(client, bookingId, [ticket.id])}
      cancel={() => cancel({ variables: { bookingId, ticketIds: [ticket.id] } })}
      cancelling={cancelling}
    />
  );
}

interface CancelActionProps {
  /** What is cancelled: a ticket's refund adds that the other tickets stay valid. */
  what: 'booking' | 'ticket';
  title: string;
  headingId: string;
  Heading: 'h2' | 'h4';
  openLabel: string;
  confirmLabel: string;
  keepLabel: string;
  /** What the rule refunds in full, stated when the API cannot quote. */
  fullRefund: MoneyValue;
  quote: () => Promise<RefundPreview>;
  cancel: () => Promise<unknown>;
  cancelling: { loading: boolean; error?: unknown };
}

/** A cancel button that first shows the refund, then asks to confirm. */
function CancelAction(props: CancelActionProps) {
  const { Heading, cancelling } = props;
  const [asking, setAsking] = useState(false);
  const [preview, setPreview] = useState<RefundPreview | null>(null);
  const confirmButton = useRef<HTMLButtonElement>(null);

  const ask = async () => {
    setAsking(true);
    setPreview(null);
    setPreview(await props.quote());
  };
  useEffect(() => {
    if (asking && preview) confirmButton.current?.focus();
  }, [asking, preview]);

  if (!asking)
    return (
      <div className="actions">
        <button type="button" className="secondary danger" onClick={() => void ask()}>
          {props.openLabel}
        </button>
      </div>
    );
  return (
    <div className="card cancel-panel" role="region" aria-labelledby={props.headingId}>
      <Heading id={props.headingId}>{props.title}</Heading>
      {preview === null ? <p className="loading">Working out your refund…</p> : null}
      {preview?.kind === 'amount' ? (
        <p className="refund">
          You will get <strong>{formatMoney(preview.amount)}</strong> back of {formatMoney(preview.paid)}.
          {props.what === 'ticket' ? ' The other tickets stay valid.' : null}
        </p>
      ) : null}
      {preview?.kind === 'rule' || preview?.kind === 'error' ? (
        <p className="refund">
          We cannot show the exact refund here yet. It follows the fare rules: the full {formatMoney(props.fullRefund)}{' '}
          until 24 hours before departure, half until departure, nothing after.
        </p>
      ) : null}
      {cancelling.error ? (
        <p role="alert" className="notice error">
          {plainMessage(cancelling.error)}
        </p>
      ) : null}
      <div className="actions">
        <button
          ref={confirmButton}
          type="button"
          className="primary danger"
          disabled={cancelling.loading || preview === null}
          onClick={() => void props.cancel().catch(() => undefined)}
        >
          {cancelling.loading ? 'Cancelling…' : props.confirmLabel}
        </button>
        <button type="button" className="secondary" onClick={() => setAsking(false)}>
          {props.keepLabel}
        </button>
      </div>
    </div>
  );
}
