import { badInput, DomainError, ErrorCode } from '@railgraph/service-kit';
import type { Payment, PrismaClient } from '../__generated__/prisma/client.js';
import type { PaymentStatus } from '../__generated__/prisma/enums.js';
import type { MoneyView } from '../booking/views.js';
import type { PaymentProviderName, ProviderPaymentState } from './provider.js';

/**
 * Tickets' own record of each booking's payment (the `Payment` row) and the errors the sale
 * answers with. The provider holds the money; this row says what tickets asked of it, so a
 * crash, the relay and the sweeper know what is left to capture, void or refund.
 */

/** `pm_` then letters, digits or underscores, at most 255 characters: the shape of a provider's method id. */
const paymentMethodPattern = /^pm_[A-Za-z0-9_]{1,252}$/;

/** BAD_USER_INPUT (`extensions.field` paymentMethod) for a method that is not a provider's method id. */
export function checkPaymentMethod(method: string): string {
  if (!paymentMethodPattern.test(method)) {
    throw badInput('paymentMethod must be a payment method id: pm_ followed by letters, digits or underscores', {
      field: 'paymentMethod',
    });
  }
  return method;
}

export const paymentRequired = () =>
  new DomainError(ErrorCode.PAYMENT_REQUIRED, 'A booking needs a payment method (paymentMethod)');

export const paymentDeclined = (declineCode: string, message?: string) =>
  new DomainError(ErrorCode.PAYMENT_DECLINED, message ?? 'The payment was declined; nothing was charged', {
    declineCode,
  });

export const paymentActionRequired = (bookingId: string, provider: PaymentProviderName, clientSecret: string) =>
  new DomainError(
    ErrorCode.PAYMENT_ACTION_REQUIRED,
    'The card issuer asks the customer to authenticate the payment; then call completeBookingPayment',
    { bookingId, provider, clientSecret },
  );

/** The payment as the API shows it (`Booking.payment`). */
export interface PaymentView {
  status: Exclude<PaymentStatus, 'AUTHORIZING'>;
  amount: MoneyView;
  refunded: MoneyView;
  method: string | null;
}

export function paymentViewOf(payment: Payment): PaymentView {
  const money = (amountMinor: number): MoneyView => ({ amountMinor, currency: payment.currency });
  return {
    // Being authorized is, to the customer, not authorized yet: it waits on the provider.
    status: payment.status === 'AUTHORIZING' ? 'REQUIRES_ACTION' : payment.status,
    amount: money(payment.amountMinor),
    refunded: money(payment.refundedMinor),
    method: payment.method,
  };
}

/** The payments of these bookings, in their order (null for one made before payments). */
export async function paymentsOf(prisma: PrismaClient, bookingIds: readonly string[]): Promise<Array<Payment | null>> {
  const rows = await prisma.payment.findMany({ where: { bookingId: { in: [...bookingIds] } } });
  const byBooking = new Map(rows.map((row) => [row.bookingId, row]));
  return bookingIds.map((id) => byBooking.get(id) ?? null);
}

/** Statuses in which the provider may still reserve money the booking will never take. */
export const VOIDABLE: PaymentStatus[] = ['AUTHORIZING', 'REQUIRES_ACTION', 'AUTHORIZED'];

/**
 * The provider's answer recorded on the row, as long as it still awaits one (never undoes a
 * later move); with `pendingTickets`, the signed tickets a payment awaiting the customer keeps.
 */
export async function recordProviderState(
  prisma: Pick<PrismaClient, 'payment'>,
  bookingId: string,
  state: ProviderPaymentState,
  pendingTickets?: object[],
): Promise<void> {
  const status: PaymentStatus =
    state.status === 'DECLINED' ? 'FAILED' : state.status === 'CAPTURED' ? 'CAPTURED' : state.status;
  await prisma.payment.updateMany({
    where: { bookingId, status: { in: VOIDABLE } },
    data: {
      status,
      ...(state.paymentId ? { providerPaymentId: state.paymentId } : {}),
      ...(state.status === 'DECLINED' ? { declineCode: state.declineCode } : {}),
      ...(pendingTickets ? { pendingTickets } : {}),
    },
  });
}
