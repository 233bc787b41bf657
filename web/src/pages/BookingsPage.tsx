import { ErrorNotice } from '../components/ErrorNotice';
import { Link } from '../router';
import { BookingListItem } from './bookings/BookingListItem';
import { useBookingsPage } from './useBookingsPage';

/** The signed-in traveller's bookings, newest first. */
export function BookingsPage() {
  const { bookings, loaded, loading, error, retry } = useBookingsPage();
  return (
    <section aria-labelledby="bookings-heading">
      <h1 id="bookings-heading">My bookings</h1>
      {error ? <ErrorNotice error={error} onRetry={retry} /> : null}
      {loading && !loaded ? <p className="loading">Loading your bookings…</p> : null}
      {loaded && bookings.length === 0 ? (
        <p className="notice">
          No bookings yet. <Link href="/">Search for a train</Link>
        </p>
      ) : null}
      <ul className="booking-list">
        {bookings.map((booking) => (
          <BookingListItem key={booking.id} booking={booking} />
        ))}
      </ul>
    </section>
  );
}
