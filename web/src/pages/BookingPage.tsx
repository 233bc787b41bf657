import { getFragmentData } from '../__generated__/fragment-masking';
import { ErrorNotice } from '../components/ErrorNotice';
import { JourneyLineFragment } from '../components/JourneyLine';
import { STATUS_NAMES, formatMoney } from '../format';
import { Link } from '../router';
import { BookingLegs } from './booking/BookingLegs';
import { BookingTickets } from './booking/BookingTickets';
import { CancelBooking } from './booking/CancelAction';
import { ChangeTrainAction } from './booking/ChangeTrainAction';
import { DisruptionNotice, DisruptionNoticeFragment } from './booking/DisruptionNotice';
import { ExchangeLinks } from './booking/ExchangeLinks';
import { PaymentSummary } from './booking/PaymentSummary';
import { changeHref } from './change/change-plan';
import { useBookingPage } from './useBookingPage';

/** A booking: confirmation after booking, and the detail page from "My bookings". */
export function BookingPage({ id, justBooked }: { id: string; justBooked: boolean }) {
  const { booking, loading, error, retry, heading, activeTickets } = useBookingPage(id, justBooked);

  if (error && !booking) return <ErrorNotice error={error} onRetry={retry} />;
  if (loading && !booking) return <p className="loading">Loading your booking…</p>;
  if (!booking) return <p className="notice">We could not find that booking.</p>;

  const confirmed = booking.status === 'CONFIRMED';
  // A cancelled train leaves two choices, said first: rebook for free, or cancel for a full refund.
  const disrupted = confirmed && Boolean(getFragmentData(DisruptionNoticeFragment, booking).disruption);
  const firstLeg = booking.legs[0] ? getFragmentData(JourneyLineFragment, booking.legs[0]) : undefined;
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
      <ExchangeLinks booking={booking} />
      {disrupted ? (
        <DisruptionNotice
          booking={booking}
          timeZone={firstLeg?.origin.timeZone ?? 'UTC'}
          rebookHref={changeHref(booking.id, { ages: [] })}
          cancel={<CancelBooking booking={booking} disrupted />}
        />
      ) : null}
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
      {confirmed && activeTickets > 0 && !disrupted ? <ChangeTrainAction bookingId={booking.id} /> : null}
      {confirmed && !disrupted ? <CancelBooking booking={booking} /> : null}
    </section>
  );
}
