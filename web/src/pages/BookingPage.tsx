import { useApolloClient, useMutation, useQuery } from '@apollo/client/react';
import { useEffect, useRef, useState } from 'react';
import type { BookingQuery as BookingData } from '../__generated__/graphql';
import { TicketQr } from '../components/TicketQr';
import { plainMessage } from '../errors';
import { ErrorNotice } from '../components/ErrorNotice';
import { PASSENGER_NAMES, formatDate, formatDuration, formatMoney, formatTime } from '../format';
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
  const [asking, setAsking] = useState(false);
  const [preview, setPreview] = useState<RefundPreview | null>(null);
  const [cancel, cancelling] = useMutation(CancelBookingMutation, {
    refetchQueries: [{ query: MyBookingsQuery, variables: { first: 20 } }],
  });
  const confirmButton = useRef<HTMLButtonElement>(null);

  const ask = async () => {
    setAsking(true);
    setPreview(null);
    setPreview(await previewRefund(client, booking.id));
  };
  useEffect(() => {
    if (asking && preview) confirmButton.current?.focus();
  }, [asking, preview]);

  if (!asking)
    return (
      <div className="actions">
        <button type="button" className="secondary danger" onClick={() => void ask()}>
          Cancel this booking
        </button>
      </div>
    );
  return (
    <div className="card cancel-panel" role="region" aria-labelledby="cancel-heading">
      <h2 id="cancel-heading">Cancel this booking?</h2>
      {preview === null ? <p className="loading">Working out your refund…</p> : null}
      {preview?.kind === 'amount' ? (
        <p className="refund">
          You will get <strong>{formatMoney(preview.amount)}</strong> back of {formatMoney(preview.paid)}.
        </p>
      ) : null}
      {preview?.kind === 'rule' || preview?.kind === 'error' ? (
        <p className="refund">
          We cannot show the exact refund here yet. It follows the fare rules: the full {formatMoney(booking.total)}{' '}
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
          onClick={() => void cancel({ variables: { id: booking.id } }).catch(() => undefined)}
        >
          {cancelling.loading ? 'Cancelling…' : 'Yes, cancel booking'}
        </button>
        <button type="button" className="secondary" onClick={() => setAsking(false)}>
          Keep my booking
        </button>
      </div>
    </div>
  );
}

/** Cancels one ticket of a booking, after showing what it refunds; the others stay valid. */
function CancelTicket({ bookingId, ticket, number }: { bookingId: string; ticket: Ticket; number: number }) {
  const client = useApolloClient();
  const [asking, setAsking] = useState(false);
  const [preview, setPreview] = useState<RefundPreview | null>(null);
  const [cancel, cancelling] = useMutation(CancelTicketsMutation, {
    refetchQueries: [{ query: MyBookingsQuery, variables: { first: 20 } }],
  });
  const confirmButton = useRef<HTMLButtonElement>(null);

  const ask = async () => {
    setAsking(true);
    setPreview(null);
    setPreview(await previewRefund(client, bookingId, [ticket.id]));
  };
  useEffect(() => {
    if (asking && preview) confirmButton.current?.focus();
  }, [asking, preview]);

  if (!asking)
    return (
      <div className="actions">
        <button type="button" className="secondary danger" onClick={() => void ask()}>
          Cancel ticket {number}
        </button>
      </div>
    );
  const heading = `cancel-ticket-${ticket.id}`;
  return (
    <div className="card cancel-panel" role="region" aria-labelledby={heading}>
      <h4 id={heading}>Cancel ticket {number}?</h4>
      {preview === null ? <p className="loading">Working out your refund…</p> : null}
      {preview?.kind === 'amount' ? (
        <p className="refund">
          You will get <strong>{formatMoney(preview.amount)}</strong> back of {formatMoney(preview.paid)}. The other
          tickets stay valid.
        </p>
      ) : null}
      {preview?.kind === 'rule' || preview?.kind === 'error' ? (
        <p className="refund">
          We cannot show the exact refund here yet. It follows the fare rules: the full {formatMoney(ticket.fare)} until
          24 hours before departure, half until departure, nothing after.
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
          onClick={() => void cancel({ variables: { bookingId, ticketIds: [ticket.id] } }).catch(() => undefined)}
        >
          {cancelling.loading ? 'Cancelling…' : `Yes, cancel ticket ${number}`}
        </button>
        <button type="button" className="secondary" onClick={() => setAsking(false)}>
          Keep this ticket
        </button>
      </div>
    </div>
  );
}
