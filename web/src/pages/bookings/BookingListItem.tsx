import { getFragmentData, type FragmentType } from '../../__generated__/fragment-masking';
import { graphql } from '../../__generated__/gql';
import { STATUS_NAMES, formatDate, formatMoney, formatTime } from '../../format';
import { Link } from '../../router';

/** What "My bookings" shows of each booking. */
export const BookingListItemFragment = graphql(`
  fragment BookingListItem on Booking {
    id
    status
    total {
      amountMinor
      currency
    }
    tickets {
      id
      journey {
        runId
        fromStop
        toStop
        departure
        train {
          number
        }
        origin {
          code
          name
          timeZone
        }
        destination {
          code
          name
        }
      }
    }
  }
`);

/** A booking in the list: where, when, its status, tickets and total; a link to it. */
export function BookingListItem(props: { booking: FragmentType<typeof BookingListItemFragment> }) {
  const booking = getFragmentData(BookingListItemFragment, props.booking);
  const journey = booking.tickets[0]?.journey;
  const title = journey
    ? `${journey.origin.name} → ${journey.destination.name}`
    : `Booking ${booking.id.slice(0, 8).toUpperCase()}`;
  return (
    <li className="card booking-item">
      <Link href={`/bookings/${encodeURIComponent(booking.id)}`} className="booking-link">
        <span className="booking-title">{title}</span>
        {journey ? (
          <span className="booking-when">
            {formatDate(journey.departure, journey.origin.timeZone)} ·{' '}
            {formatTime(journey.departure, journey.origin.timeZone)} · {journey.train.number}
          </span>
        ) : null}
        <span className="booking-meta">
          <span className={`status status-${booking.status.toLowerCase()}`}>{STATUS_NAMES[booking.status]}</span> ·{' '}
          {booking.tickets.length} {booking.tickets.length === 1 ? 'ticket' : 'tickets'} · {formatMoney(booking.total)}
        </span>
      </Link>
    </li>
  );
}
