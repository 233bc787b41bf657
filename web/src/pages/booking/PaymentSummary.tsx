import { getFragmentData, type FragmentType } from '../../__generated__/fragment-masking';
import { graphql } from '../../__generated__/gql';
import { formatMoney, type MoneyValue } from '../../format';
import { PAYMENT_STATUS_NAMES, methodName } from '../../payment';

/** What a booking shows of its payment, and the refunds its cancellations gave. */
export const PaymentSummaryFragment = graphql(`
  fragment PaymentSummary on Booking {
    id
    payment {
      status
      amount {
        amountMinor
        currency
      }
      refunded {
        amountMinor
        currency
      }
      method
    }
    refunds {
      id
      amount {
        amountMinor
        currency
      }
    }
  }
`);

export type PaymentSummaryRef = FragmentType<typeof PaymentSummaryFragment>;

/**
 * What the cancellations refunded that the payment does not show as refunded yet: refunds reach
 * the card after the cancellation (tickets sends them to the provider through its outbox).
 * Zero once the payment has caught up, and for a booking without a payment.
 */
export function refundOnItsWay(ref: PaymentSummaryRef | undefined): MoneyValue | null {
  const booking = getFragmentData(PaymentSummaryFragment, ref);
  const payment = booking?.payment;
  if (!payment || payment.status === 'ON_ACCOUNT') return null;
  const given = booking.refunds.reduce((sum, refund) => sum + refund.amount.amountMinor, 0);
  const left = given - payment.refunded.amountMinor;
  return left > 0 ? { amountMinor: left, currency: payment.refunded.currency } : null;
}

/**
 * The payment is about to change without the traveller doing anything: authorized and about to
 * be captured (the relay captures right after the booking is confirmed), or a refund on its way.
 */
export function paymentSettling(ref: PaymentSummaryRef | undefined): boolean {
  const payment = getFragmentData(PaymentSummaryFragment, ref)?.payment;
  return payment?.status === 'AUTHORIZED' || refundOnItsWay(ref) !== null;
}

/** The payment of a booking: where it stands in words, the amount, the card, what came back. */
export function PaymentSummary(props: { booking: PaymentSummaryRef }) {
  const booking = getFragmentData(PaymentSummaryFragment, props.booking);
  const payment = booking.payment;
  // Bookings made before payments have none to show.
  if (!payment) return null;
  const coming = refundOnItsWay(props.booking);
  return (
    <section className="card payment" aria-labelledby="payment-heading">
      <h2 id="payment-heading">Payment</h2>
      <dl>
        <dt>Status</dt>
        <dd className="payment-status">{PAYMENT_STATUS_NAMES[payment.status]}</dd>
        <dt>Amount</dt>
        <dd>{formatMoney(payment.amount)}</dd>
        {payment.method ? (
          <>
            <dt>Paid with</dt>
            <dd>{methodName(payment.method)}</dd>
          </>
        ) : null}
        {payment.refunded.amountMinor > 0 ? (
          <>
            <dt>Refunded</dt>
            <dd className="payment-refunded">{formatMoney(payment.refunded)}</dd>
          </>
        ) : null}
      </dl>
      {coming ? (
        <p role="status" className="hint">
          A refund of {formatMoney(coming)} is on its way to your card.
        </p>
      ) : null}
    </section>
  );
}
