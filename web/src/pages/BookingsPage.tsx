import { useQuery } from '@apollo/client/react';
import type { BookingStatus } from '../__generated__/graphql';
import { ErrorNotice } from '../components/ErrorNotice';
import { formatDate, formatMoney, formatTime } from '../format';
import { MyBookingsQuery } from '../operations';
import { Link } from '../router';

export const STATUS_NAMES: Record<BookingStatus, string> = {
  PENDING: 'Being booked',
  CONFIRMED: 'Confirmed',
  CANCELLED: 'Cancelled',
  REFUNDED: 'Refunded',
  FAILED: 'Failed',
  EXPIRED: 'Expired',
};

/** The signed-in traveller's bookings, newest first. */
export function BookingsPage() {
  const { data, loading, error, refetch } = useQuery(MyBookingsQuery, {
    variables: { first: 20 },
    fetchPolicy: 'cache-and-network',
  });
  const bookings = data?.me?.bookings ?? [];
  return (
    <section aria-labelledby="bookings-heading">
      <h1 id="bookings-heading">My bookings</h1>
      {error ? <ErrorNotice error={error} onRetry={() => void refetch()} /> : null}
      {loading && !data ? <p className="loading">Loading your bookings…</p> : null}
      {data && bookings.length === 0 ? (
        <p className="notice">
          No bookings yet. <Link href="/">Search for a train</Link>
        </p>
      ) : null}
      <ul className="booking-list">
        {bookings.map((booking) => {
          const journey = booking.tickets[0]?.journey;
          const title = journey
            ? `${journey.origin.name} → ${journey.destination.name}`
            : `Booking ${booking.id.slice(0, 8).toUpperCase()}`;
          return (
            <li key={booking.id} className="card booking-item">
              <Link href={`/bookings/${encodeURIComponent(booking.id)}`} className="booking-link">
                <span className="booking-title">{title}</span>
                {journey ? (
                  <span className="booking-when">
                    {formatDate(journey.departure, journey.origin.timeZone)} ·{' '}
                    {formatTime(journey.departure, journey.origin.timeZone)} · {journey.train.number}
                  </span>
                ) : null}
                <span className="booking-meta">
                  <span className={`status status-${booking.status.toLowerCase()}`}>
                    {STATUS_NAMES[booking.status]}
                  </span>{' '}
                  · {booking.tickets.length} {booking.tickets.length === 1 ? 'ticket' : 'tickets'} ·{' '}
                  {formatMoney(booking.total)}
                </span>
              </Link>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
