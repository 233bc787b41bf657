import { runnerFor, statement } from '@railgraph/database';
import { coalescing } from '@railgraph/service-kit';
import { AFTER_COMMIT_LINGER_MS } from '../booking/model.js';
import type { PrismaClient } from '../__generated__/prisma/client.js';
import type { PaymentProvider, ProviderPaymentState } from './provider.js';
import { recordProviderState, VOIDABLE } from './records.js';

/**
 * The payment steps of the outbox (docs/design.md §4): written in the transaction of the
 * booking change that calls for them, delivered right after it, and retried by the relay until
 * the provider answers. Each call carries an idempotency key derived from the booking (or the
 * refund), so a step delivered twice moves money once.
 *
 *  - CAPTURE_PAYMENT, with the commit: takes the authorized amount;
 *  - VOID_PAYMENT, with a compensation or an expiry: releases an authorization the booking will never use;
 *  - REFUND_PAYMENT, with a cancellation: refunds what the refund rule gave back.
 */
export type PaymentStepKind = 'CAPTURE_PAYMENT' | 'VOID_PAYMENT' | 'REFUND_PAYMENT';

const STEPS = new Set<string>(['CAPTURE_PAYMENT', 'VOID_PAYMENT', 'REFUND_PAYMENT']);
export const isPaymentStep = (kind: string): kind is PaymentStepKind => STEPS.has(kind);

export interface PaymentStepPayload {
  holdId: string;
  bookingId?: string;
  refundId?: string;
  amountMinor?: number;
  /**
   * CAPTURE_PAYMENT written by a commit: the provider and its payment id, so the capture needs
   * no read of the payment first (rows written before carry neither, and read it).
   */
  provider?: string;
  providerPaymentId?: string;
}

/** Delivers payment steps at one provider; the relay keeps one beside its inventory calls. */
export class PaymentSteps {
  /** Records captures on their payments, those of concurrent captures in one statement. */
  private readonly recordCapture = coalescing<CaptureRecord>(
    (records) =>
      runnerFor(this.prisma).run(statement('tickets.record-captures')`
      UPDATE "Payment" AS payment SET "capturedMinor" = captured."capturedMinor", "updatedAt" = now(),
        "status" = CASE WHEN payment."status" = 'AUTHORIZED' THEN 'CAPTURED'::"PaymentStatus" ELSE payment."status" END
      FROM jsonb_to_recordset(${JSON.stringify(records)}::jsonb) AS captured("bookingId" uuid, "capturedMinor" int)
      WHERE payment."bookingId" = captured."bookingId"
        -- Said twice so that the plan reads the payments by key: from the join alone a reused
        -- (generic) plan scanned the whole table once it held a few thousand payments.
        AND payment."bookingId" = ANY(${records.map((r) => r.bookingId)}::uuid[])`),
    { lingerMs: AFTER_COMMIT_LINGER_MS },
  );

  constructor(
    private readonly prisma: PrismaClient,
    private readonly provider: PaymentProvider,
  ) {}

  deliver(kind: PaymentStepKind, payload: PaymentStepPayload): Promise<void> {
    return deliverPaymentStep(this.prisma, this.provider, kind, payload, this.recordCapture);
  }
}

async function deliverPaymentStep(
  prisma: PrismaClient,
  provider: PaymentProvider,
  kind: PaymentStepKind,
  payload: PaymentStepPayload,
  recordCapture: (record: CaptureRecord) => Promise<void>,
): Promise<void> {
  // The hold's id is the booking's (older rows name only the hold).
  const bookingId = payload.bookingId ?? payload.holdId;
  if (kind === 'CAPTURE_PAYMENT' && payload.provider && payload.providerPaymentId) {
    if (payload.provider !== provider.name)
      throw new Error(`payment of booking ${bookingId} is at ${payload.provider}, not ${provider.name}`);
    return capture(provider, bookingId, payload.providerPaymentId, recordCapture);
  }
  const payment = await prisma.payment.findUnique({ where: { bookingId } });
  if (!payment) throw new Error(`no payment for booking ${bookingId}`);
  if (payment.provider !== provider.name)
    throw new Error(`payment of booking ${bookingId} is at ${payment.provider}, not ${provider.name}`);

  if (kind === 'CAPTURE_PAYMENT') {
    if (!payment.providerPaymentId) throw new Error(`payment of booking ${bookingId} was never authorized`);
    return capture(provider, bookingId, payment.providerPaymentId, recordCapture);
  }

  if (kind === 'VOID_PAYMENT') {
    if (!VOIDABLE.includes(payment.status)) return;
    // A crash between writing the row and hearing the provider left no payment id: asking
    // again with the same key gives the payment made then (or makes one, voided at once).
    const state: ProviderPaymentState = payment.providerPaymentId
      ? await provider.retrieve(payment.providerPaymentId)
      : await provider.authorize({
          idempotencyKey: bookingId,
          amountMinor: payment.amountMinor,
          currency: payment.currency,
          method: payment.method ?? '',
          description: `Railgraph booking ${bookingId}`,
          metadata: { bookingId },
        });
    const after =
      state.status === 'AUTHORIZED' || state.status === 'REQUIRES_ACTION'
        ? await provider.void(state.paymentId, `void-${bookingId}`)
        : state;
    if (after.status === 'CAPTURED') throw new Error(`payment of unconfirmed booking ${bookingId} was captured`);
    await recordProviderState(
      prisma,
      bookingId,
      after.status === 'DECLINED' ? after : { status: 'VOIDED', paymentId: after.paymentId, method: after.method },
    );
    return;
  }

  // REFUND_PAYMENT: recorded on the row by the cancellation; the provider refuses more than it captured.
  if (!payment.providerPaymentId) throw new Error(`payment of booking ${bookingId} was never authorized`);
  if (!payload.refundId || !payload.amountMinor) throw new Error('REFUND_PAYMENT without a refund');
  await provider.refund(payment.providerPaymentId, payload.amountMinor, payload.refundId);
}

/**
 * Captures the authorized amount and records what was taken in one statement. Refunds recorded
 * before the capture landed keep their status (PARTIALLY_REFUNDED, REFUNDED): the capture only
 * adds what was taken, and moves an AUTHORIZED payment to CAPTURED.
 */
async function capture(
  provider: PaymentProvider,
  bookingId: string,
  providerPaymentId: string,
  recordCapture: (record: CaptureRecord) => Promise<void>,
): Promise<void> {
  const state = await provider.capture(providerPaymentId, `capture-${bookingId}`);
  if (state.status !== 'CAPTURED') throw new Error(`capture of ${providerPaymentId} left it ${state.status}`);
  await recordCapture({ bookingId, capturedMinor: state.capturedMinor });
}

interface CaptureRecord {
  bookingId: string;
  capturedMinor: number;
}
