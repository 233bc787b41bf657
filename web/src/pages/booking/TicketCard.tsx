import { getFragmentData, type FragmentType } from '../../__generated__/fragment-masking';
import { graphql } from '../../__generated__/gql';
import { TicketQr } from '../../components/TicketQr';
import { PASSENGER_NAMES, formatMoney } from '../../format';
import { CancelTicket } from './CancelAction';

/** What a ticket of a booking shows. */
export const TicketCardFragment = graphql(`
  fragment TicketCard on Ticket {
    id
    seat
    coach
    passenger
    passengerName
    code
    status
    fare {
      amountMinor
      currency
    }
    ...CancelTicket
  }
`);

interface TicketCardProps {
  ticket: FragmentType<typeof TicketCardFragment>;
  bookingId: string;
  /** 1-based, as the traveller counts. */
  number: number;
  /** The booking is confirmed: active tickets are valid for travel. */
  confirmed: boolean;
  /** Other tickets are still active; the last one is cancelled with the booking. */
  cancellable: boolean;
  /** 3 in a booking's ticket list; 4 under a leg's heading on a trip with changes. */
  headingLevel?: 3 | 4;
}

/**
 * One ticket: who (the passenger's name as on their ID, which the inspector checks; the fare
 * category for tickets issued before tickets carried names), coach, seat and fare, its QR code
 * while valid, and cancelling it alone.
 */
export function TicketCard({ bookingId, number, confirmed, cancellable, headingLevel = 3, ...props }: TicketCardProps) {
  const ticket = getFragmentData(TicketCardFragment, props.ticket);
  const name = ticket.passengerName;
  const valid = confirmed && ticket.status === 'ACTIVE';
  const Heading = headingLevel === 3 ? 'h3' : 'h4';
  return (
    <li className="ticket card">
      <div className="ticket-details">
        <Heading>
          Ticket {number}: {name ?? PASSENGER_NAMES[ticket.passenger]}
        </Heading>
        <dl>
          {name ? (
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
        {confirmed && ticket.status === 'CANCELLED' ? <p className="ticket-void">Cancelled</p> : null}
        {ticket.status === 'EXCHANGED' ? <p className="ticket-void">Exchanged</p> : null}
        {valid && cancellable ? (
          <CancelTicket
            bookingId={bookingId}
            ticket={ticket}
            number={number}
            headingLevel={headingLevel === 3 ? 4 : 5}
          />
        ) : null}
      </div>
      {valid ? (
        <TicketQr
          code={ticket.code}
          label={`QR code of ticket ${number}, coach ${ticket.coach} seat ${ticket.seat}. Show it to the inspector.`}
        />
      ) : (
        <p className="ticket-void">Not valid for travel</p>
      )}
    </li>
  );
}
