import { getFragmentData, type FragmentType } from '../../__generated__/fragment-masking';
import { graphql } from '../../__generated__/gql';
import { Link } from '../../router';

/** The bookings an exchange links: the one this booking was exchanged for, or the one it replaced. */
export const ExchangeLinksFragment = graphql(`
  fragment ExchangeLinks on Booking {
    id
    exchangedTo {
      id
    }
    exchangedFrom {
      id
    }
  }
`);

/** A booking's reference as the traveller reads it, e.g. `B0157B24`. */
export const bookingReference = (id: string) => id.slice(0, 8).toUpperCase();

const bookingHref = (id: string) => `/bookings/${encodeURIComponent(id)}`;

/**
 * Where an exchanged booking's valid tickets are now ("Exchanged for booking …"), and where a
 * booking made by an exchange came from.
 */
export function ExchangeLinks(props: { booking: FragmentType<typeof ExchangeLinksFragment> }) {
  const { exchangedTo, exchangedFrom } = getFragmentData(ExchangeLinksFragment, props.booking);
  if (!exchangedTo && !exchangedFrom) return null;
  return (
    <>
      {exchangedTo ? (
        <p className="notice exchanged-to">
          Exchanged for booking <Link href={bookingHref(exchangedTo.id)}>{bookingReference(exchangedTo.id)}</Link>,
          which holds your valid tickets.
        </p>
      ) : null}
      {exchangedFrom ? (
        <p className="hint exchanged-from">
          Changed from booking <Link href={bookingHref(exchangedFrom.id)}>{bookingReference(exchangedFrom.id)}</Link>.
        </p>
      ) : null}
    </>
  );
}
