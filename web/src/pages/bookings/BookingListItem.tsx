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
    legs {
      ...JourneyLine
    }
    tickets {
      id
    }
    disruption {
      runId
    }
  }
`);

/**
 * A booking in the list: where, when, its status, tickets and total; a link to it. A trip with
 * changes names its first and last stations and lists its trains. A confirmed booking whose
 * train was cancelled says so: the traveller has a choice to make on it.
 */
export function BookingListItem(props: { booking: FragmentType<typeof BookingListItemFragment> }) {
  const booking = getFragmentData(BookingListItemFragment, props.booking);
  const first = booking.legs[0];
  const last = booking.legs[booking.legs.length - 1];
  const journey = first ? journeyText(first) : null;
  const end = last ? journeyText(last) : null;
  const title = journey && end ? `${journey.from} → ${end.to}` : `Booking ${booking.id.slice(0, 8).toUpperCase()}`;
  const changes = booking.legs.length - 1;
  return (
    <li className="card booking-item">
      <Link href={`/bookings/${encodeURIComponent(booking.id)}`} className="booking-link">
        <span className="booking-title">{title}</span>
        {journey ? (
          <span className="booking-when">
            {journey.date} · {journey.departs} ·{' '}
            {changes > 0
              ? `${changes} ${changes === 1 ? 'change' : 'changes'}: ${booking.legs.map((leg) => journeyText(leg).train).join(', ')}`
              : journey.train}
          </span>
        ) : null}
        <span className="booking-meta">
          <span className={`status status-${booking.status.toLowerCase()}`}>{STATUS_NAMES[booking.status]}</span> ·{' '}
          {booking.status === 'CONFIRMED' && booking.disruption ? (
            <>
              <span className="status status-disrupted">Train cancelled</span> ·{' '}
            </>
          ) : null}
          {booking.tickets.length} {booking.tickets.length === 1 ? 'ticket' : 'tickets'} · {formatMoney(booking.total)}
        </span>
      </Link>
    </li>
  );
}
