import { getFragmentData, type FragmentType } from '../../__generated__/fragment-masking';
import { graphql } from '../../__generated__/gql';
import { plainMessage } from '../../errors';
import { formatMoney, type MoneyValue } from '../../format';
import type { RefundPreview } from '../../refund';
import { useCancelAction, useCancelBooking, useCancelTicket } from './useCancel';

/** What cancelling a booking needs of it. */
export const CancelBookingFragment = graphql(`
  fragment CancelBooking on Booking {
    id
    total {
      amountMinor
      currency
    }
  }
`);

/** What cancelling a ticket needs of it. */
export const CancelTicketFragment = graphql(`
  fragment CancelTicket on Ticket {
    id
    fare {
      amountMinor
      currency
    }
  }
`);

/**
 * Cancels the whole booking, after showing what it refunds. Once its train was cancelled
 * (`disrupted`), it is one of the disruption notice's two choices: everything comes back.
 */
export function CancelBooking(props: { booking: FragmentType<typeof CancelBookingFragment>; disrupted?: boolean }) {
  const booking = getFragmentData(CancelBookingFragment, props.booking);
  const actions = useCancelBooking(booking.id);
  return (
    <CancelAction
      what="booking"
      title="Cancel this booking?"
      headingId="cancel-heading"
      Heading={props.disrupted ? 'h3' : 'h2'}
      openLabel={props.disrupted ? 'Cancel for a full refund' : 'Cancel this booking'}
      confirmLabel="Yes, cancel booking"
      keepLabel="Keep my booking"
      fullRefund={booking.total}
      disrupted={props.disrupted ?? false}
      {...actions}
    />
  );
}

/** Cancels one ticket of a booking, after showing what it refunds; the others stay valid. */
export function CancelTicket(props: {
  bookingId: string;
  ticket: FragmentType<typeof CancelTicketFragment>;
  number: number;
  /** One below the ticket's own heading. */
  headingLevel?: 4 | 5;
}) {
  const { bookingId, number, headingLevel = 4 } = props;
  const ticket = getFragmentData(CancelTicketFragment, props.ticket);
  const actions = useCancelTicket(bookingId, ticket.id);
  return (
    <CancelAction
      what="ticket"
      title={`Cancel ticket ${number}?`}
      headingId={`cancel-ticket-${ticket.id}`}
      Heading={headingLevel === 4 ? 'h4' : 'h5'}
      openLabel={`Cancel ticket ${number}`}
      confirmLabel={`Yes, cancel ticket ${number}`}
      keepLabel="Keep this ticket"
      fullRefund={ticket.fare}
      {...actions}
    />
  );
}

interface CancelActionProps {
  /** What is cancelled: a ticket's refund adds that the other tickets stay valid. */
  what: 'booking' | 'ticket';
  title: string;
  headingId: string;
  Heading: 'h2' | 'h3' | 'h4' | 'h5';
  openLabel: string;
  confirmLabel: string;
  keepLabel: string;
  /** What the rule refunds in full, stated when the API cannot quote. */
  fullRefund: MoneyValue;
  /** The booking's train was cancelled: the refund is in full whatever the rule says. */
  disrupted?: boolean;
  quote: () => Promise<RefundPreview>;
  cancel: () => Promise<unknown>;
  cancelling: { loading: boolean; error?: unknown };
}

/** A cancel button that first shows the refund, then asks to confirm. */
function CancelAction(props: CancelActionProps) {
  const { Heading, cancelling } = props;
  const { asking, preview, confirmButton, ask, keep } = useCancelAction(props.quote);
  if (!asking)
    return (
      <div className="actions">
        <button type="button" className="secondary danger" onClick={ask}>
          {props.openLabel}
        </button>
      </div>
    );
  return (
    <div className="card cancel-panel" role="region" aria-labelledby={props.headingId}>
      <Heading id={props.headingId}>{props.title}</Heading>
      {preview === null ? <p className="loading">Working out your refund…</p> : null}
      {preview?.kind === 'amount' ? (
        <p className="refund">
          You will get <strong>{formatMoney(preview.amount)}</strong> back of {formatMoney(preview.paid)}.
          {props.what === 'ticket' ? ' The other tickets stay valid.' : null}
        </p>
      ) : null}
      {(preview?.kind === 'rule' || preview?.kind === 'error') && props.disrupted ? (
        <p className="refund">Your train was cancelled, so you get the full {formatMoney(props.fullRefund)} back.</p>
      ) : null}
      {(preview?.kind === 'rule' || preview?.kind === 'error') && !props.disrupted ? (
        <p className="refund">
          We cannot show the exact refund here yet. It follows the fare rules: the full {formatMoney(props.fullRefund)}{' '}
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
          onClick={() => void props.cancel().catch(() => undefined)}
        >
          {cancelling.loading ? 'Cancelling…' : props.confirmLabel}
        </button>
        <button type="button" className="secondary" onClick={keep}>
          {props.keepLabel}
        </button>
      </div>
    </div>
  );
}
