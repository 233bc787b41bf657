import { getFragmentData, type FragmentType } from '../../__generated__/fragment-masking';
import { graphql } from '../../__generated__/gql';
import { journeyText } from '../../components/JourneyLine';
import { STATUS_NAMES, formatMoney } from '../../format';
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
        ...JourneyLine
      }
    }
  }
`);

/** A booking in the list: where, when, its status, tickets and total; a link to it. */
export function BookingListItem(props: { booking: FragmentType<typeof BookingListItemFragment> }) {
  const booking = getFragmentData(BookingListItemFragment, props.booking);
  const first = booking.tickets[0];
  const journey = first ? journeyText(first.journey) : null;
  const title = journey ? `${journey.from} → ${journey.to}` : `Booking ${booking.id.slice(0, 8).toUpperCase()}`;
  return (
    <li className="card booking-item">
      <Link href={`/bookings/${encodeURIComponent(booking.id)}`} className="booking-link">
        <span className="booking-title">{title}</span>
        {journey ? (
          <span className="booking-when">
            {journey.date} · {journey.departs} · {journey.train}
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
