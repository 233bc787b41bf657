import { ErrorNotice } from '../components/ErrorNotice';
import { STATUS_NAMES, formatMoney } from '../format';
import { Link } from '../router';
import { BookingLegs } from './booking/BookingLegs';
import { BookingTickets } from './booking/BookingTickets';
import { CancelBooking } from './booking/CancelAction';
import { PaymentSummary } from './booking/PaymentSummary';
import { useBookingPage } from './useBookingPage';

/** A booking: confirmation after booking, and the detail page from "My bookings". */
export function BookingPage({ id, justBooked }: { id: string; justBooked: boolean }) {
  const { booking, loading, error, retry, heading, activeTickets } = useBookingPage(id, justBooked);

  if (error && !booking) return <ErrorNotice error={error} onRetry={retry} />;
  if (loading && !booking) return <p className="loading">Loading your booking…</p>;
  if (!booking) return <p className="notice">We could not find that booking.</p>;

  const confirmed = booking.status === 'CONFIRMED';
  return (
    <section aria-labelledby="booking-heading">
      <p className="back-link">
        <Link href="/bookings">← My bookings</Link>
      </p>
      <h1 id="booking-heading" ref={heading} tabIndex={-1}>
        {justBooked && confirmed ? 'You are booked' : 'Your booking'}
      </h1>
      <p className="booking-status">
        <span className={`status status-${booking.status.toLowerCase()}`}>{STATUS_NAMES[booking.status]}</span> ·
        Booking {booking.id.slice(0, 8).toUpperCase()} · {formatMoney(booking.total)}
      </p>
      <BookingLegs legs={booking.legs} />
      <h2>Tickets</h2>
      <BookingTickets
        bookingId={booking.id}
        legs={booking.legs}
        tickets={booking.tickets}
        confirmed={confirmed}
        cancellable={activeTickets > 1}
      />
      <PaymentSummary booking={booking} />
      {confirmed ? <CancelBooking booking={booking} /> : null}
    </section>
  );
}
