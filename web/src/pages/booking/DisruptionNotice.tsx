import type { ReactNode } from 'react';
import { getFragmentData, type FragmentType } from '../../__generated__/fragment-masking';
import { graphql } from '../../__generated__/gql';
import { formatDate, formatTime } from '../../format';
import { Link } from '../../router';

/** What the notice of a cancelled train shows. */
export const DisruptionNoticeFragment = graphql(`
  fragment DisruptionNotice on Booking {
    id
    disruption {
      runId
      reason
      source
      cancelledAt
      rebookAfter
    }
  }
`);

/** From when a booking whose train was cancelled can be rebooked for free. */
export const RebookWindowFragment = graphql(`
  fragment RebookWindow on Booking {
    id
    disruption {
      runId
      rebookAfter
    }
  }
`);

/** The instant rebooking for free starts at, or null when no train of the booking was cancelled. */
export function rebookWindow(ref: FragmentType<typeof RebookWindowFragment>): string | null {
  return getFragmentData(RebookWindowFragment, ref).disruption?.rebookAfter ?? null;
}

interface DisruptionNoticeProps {
  booking: FragmentType<typeof DisruptionNoticeFragment>;
  /** The boarding station's time zone: the times are said on its clock. */
  timeZone: string;
  /** Where rebooking for free starts: the change of train from the rebooking window. */
  rebookHref: string;
  /** Cancelling for a full refund: the booking's cancel action. */
  cancel: ReactNode;
}

/**
 * A booking whose train was cancelled: said first, as an alert, with why and when, and the two
 * ways on: rebook for free on a later train, or cancel for a full refund.
 */
export function DisruptionNotice({ timeZone, rebookHref, cancel, ...props }: DisruptionNoticeProps) {
  const { disruption } = getFragmentData(DisruptionNoticeFragment, props.booking);
  if (!disruption) return null;
  const when = `${formatTime(disruption.cancelledAt, timeZone)} on ${formatDate(disruption.cancelledAt, timeZone)}`;
  return (
    <div role="alert" aria-labelledby="disruption-heading" className="notice error disruption">
      <h2 id="disruption-heading">Your train is cancelled</h2>
      <p className="disruption-reason">Reason: {disruption.reason}</p>
      <p>
        Cancelled at {when} by {disruption.source === 'OPERATOR' ? 'the operator' : 'the operator’s live updates'}.
      </p>
      <p>You can rebook on a later train for free, or cancel and get everything you paid back.</p>
      <div className="actions">
        <Link className="button primary" href={rebookHref}>
          Rebook for free
        </Link>
      </div>
      {cancel}
    </div>
  );
}
