import { randomBytes } from 'node:crypto';
import { runnerFor, statement } from '@railgraph/database';
import { coalescingEach, coalescingLanes } from '@railgraph/service-kit';
import type { PrismaClient, SandboxPayment } from '../__generated__/prisma/client.js';
import { AFTER_COMMIT_LINGER_MS } from '../booking/model.js';
import { isUniqueViolation } from '../booking/saga-statements.js';
import type { AuthorizeRequest, PaymentProvider, ProviderPaymentState, RefundResult } from './provider.js';

/**
 * The embedded sandbox provider: Stripe test mode's behaviour for Stripe's test payment
 * methods, with no network and no account, for `npm start` and the tests. Its payments live in
 * tickets' database (`SandboxPayment`, `SandboxRefund`), so every replica and a restarted
 * process see the same ones, and every money-moving call is idempotent by its key there.
 */

/** What each test method does when authorized, as in Stripe test mode. */
const TEST_METHODS: Record<
  string,
  { outcome: 'authorize' } | { outcome: 'decline'; code: string } | { outcome: '3ds' }
> = {
  pm_card_visa: { outcome: 'authorize' },
  pm_card_mastercard: { outcome: 'authorize' },
  pm_card_chargeDeclined: { outcome: 'decline', code: 'generic_decline' },
  pm_card_visa_chargeDeclinedInsufficientFunds: { outcome: 'decline', code: 'insufficient_funds' },
  pm_card_threeDSecure2Required: { outcome: '3ds' },
};

const declineMessages: Record<string, string> = {
  generic_decline: 'Your card was declined.',
  insufficient_funds: 'Your card has insufficient funds.',
  authentication_required: 'The customer did not authenticate the payment.',
  invalid_payment_method: 'No such payment method.',
};

type SandboxStatus = 'REQUIRES_ACTION' | 'AUTHORIZED' | 'CAPTURED' | 'VOIDED' | 'DECLINED';

/** A payment as an authorization writes it, unless its key was written before. */
interface NewPayment {
  id: string;
  idempotencyKey: string;
  amountMinor: number;
  currency: string;
  method: string;
  status: SandboxStatus;
  declineCode: string | null;
  clientSecret: string | null;
}

const newId = (prefix: string) => `${prefix}_sandbox_${randomBytes(12).toString('hex')}`;

/** The shape of the client secrets this sandbox gives out: anything else awaits no payment. */
const CLIENT_SECRET = /^pi_sandbox_[0-9a-f]{24}_secret_[0-9a-f]{24}$/;

/**
 * What the provider reads of a stored payment. The named statements below return exactly these
 * columns, never `*`: a statement kept prepared on a connection fails once its table's columns
 * change ("cached plan must not change result type"), as they may while a migration runs
 * beside older processes.
 */
type StoredState = Pick<
  SandboxPayment,
  | 'id'
  | 'status'
  | 'method'
  | 'amountMinor'
  | 'currency'
  | 'declineCode'
  | 'clientSecret'
  | 'capturedMinor'
  | 'refundedMinor'
>;

/** The state a stored payment is in, in the provider interface's terms. */
function stateOf(p: StoredState): ProviderPaymentState {
  const status = p.status as SandboxStatus;
  switch (status) {
    case 'AUTHORIZED':
      return { status, paymentId: p.id, method: p.method };
    case 'REQUIRES_ACTION':
      return { status, paymentId: p.id, method: p.method, clientSecret: p.clientSecret ?? '' };
    case 'CAPTURED':
      return {
        status,
        paymentId: p.id,
        method: p.method,
        capturedMinor: p.capturedMinor,
        refundedMinor: p.refundedMinor,
      };
    case 'VOIDED':
      return { status, paymentId: p.id, method: p.method };
    case 'DECLINED': {
      const declineCode = p.declineCode ?? 'generic_decline';
      return {
        status,
        paymentId: p.id,
        method: p.method,
        declineCode,
        message: declineMessages[declineCode] ?? 'The payment was declined.',
      };
    }
  }
}

/** A sandbox payment that cannot make the move asked of it (Stripe answers such calls with an error). */
export class SandboxPaymentStateError extends Error {
  override name = 'SandboxPaymentStateError';
}

export interface SandboxProvider extends PaymentProvider {
  readonly name: 'sandbox';
  /**
   * The customer's answer to the 3-D Secure challenge of the payment with this client secret:
   * approved, the payment is authorized; refused, it is declined (`authentication_required`).
   * Returns whether this answer stands: true for the first answer and for the same answer
   * again, false once the payment was answered otherwise or no longer awaits one; null for
   * an unknown secret.
   */
  authenticate(clientSecret: string, approve: boolean): Promise<boolean | null>;
}

export function createSandboxProvider(prisma: PrismaClient): SandboxProvider {
  const byId = async (paymentId: string): Promise<SandboxPayment> => {
    const payment = await prisma.sandboxPayment.findUnique({ where: { id: paymentId } });
    if (!payment) throw new SandboxPaymentStateError(`No such payment: ${paymentId}`);
    return payment;
  };

  /** Moves the payment from one of `from` to `data` in one conditional statement; the stored payment after. */
  const move = async (paymentId: string, from: SandboxStatus[], data: Partial<SandboxPayment>) => {
    await prisma.sandboxPayment.updateMany({ where: { id: paymentId, status: { in: from } }, data });
    return byId(paymentId);
  };

  /**
   * Captures, those asked for while a statement runs together in the next (at a rush every
   * booking captures right after its commit): each AUTHORIZED payment moves to CAPTURED; the
   * answer is the payment moved, or null for one that was not AUTHORIZED.
   */
  const captureTogether = coalescingEach<string, StoredState | null>(
    async (ids) => {
      const moved = await runnerFor(prisma).run<StoredState & Record<string, unknown>>(statement(
        'tickets.sandbox-capture',
      )`
      UPDATE "SandboxPayment" SET "status" = 'CAPTURED', "capturedMinor" = "amountMinor", "updatedAt" = now()
      WHERE "id" = ANY(${ids}::text[]) AND "status" = 'AUTHORIZED'
      RETURNING "id", "status", "method", "amountMinor", "currency", "declineCode", "clientSecret", "capturedMinor",
        "refundedMinor"`);
      const byMovedId = new Map(moved.map((payment) => [payment.id, payment]));
      // The same payment twice in a batch moves once: the second caller reads it as it is.
      return ids.map((id) => {
        const payment = byMovedId.get(id) ?? null;
        byMovedId.delete(id);
        return payment;
      });
    },
    { lingerMs: AFTER_COMMIT_LINGER_MS },
  );

  /**
   * Authorizations, those asked for while a statement runs together in the next (at a rush every
   * booking authorizes): one row per key, whoever writes first, and a key written before is read
   * back in the same statement; the answer is the stored payment under each key, or null for a
   * key a concurrent twin wrote after the statement's snapshot (read again by the caller).
   */
  const authorizeTogether = coalescingLanes<NewPayment, (StoredState & { idempotencyKey: string }) | null>(
    2,
    250,
    async (payments) => {
      const stored = await runnerFor(prisma).run<StoredState & { idempotencyKey: string }>(statement(
        'tickets.sandbox-authorize-batch',
      )`
        WITH input AS (
          SELECT * FROM jsonb_to_recordset(${JSON.stringify(payments)}::jsonb) AS p(id text, "idempotencyKey" text,
            "amountMinor" int, currency text, method text, status text, "declineCode" text, "clientSecret" text)
        ), inserted AS (
          INSERT INTO "SandboxPayment" ("id", "idempotencyKey", "amountMinor", "currency", "method", "status",
            "declineCode", "clientSecret", "updatedAt")
          SELECT id, "idempotencyKey", "amountMinor", currency, method, status, "declineCode", "clientSecret", now()
          FROM input
          ON CONFLICT ("idempotencyKey") DO NOTHING
          RETURNING "id", "status", "method", "amountMinor", "currency", "declineCode", "clientSecret",
            "capturedMinor", "refundedMinor", "idempotencyKey"
        )
        SELECT * FROM inserted
        UNION ALL
        SELECT "id", "status", "method", "amountMinor", "currency", "declineCode", "clientSecret", "capturedMinor",
          "refundedMinor", "idempotencyKey"
        FROM "SandboxPayment"
        -- As arrays, so that the keys are looked up in their index: as subqueries, a reused
        -- (generic) plan scanned the whole table once it held a few thousand payments.
        WHERE "idempotencyKey" = ANY(ARRAY(SELECT "idempotencyKey" FROM input))
          AND "idempotencyKey" <> ALL(ARRAY(SELECT "idempotencyKey" FROM inserted))`);
      // A key twice in one batch is written once (the first), and both callers read that row.
      const byKey = new Map(stored.map((payment) => [payment.idempotencyKey, payment]));
      return payments.map((p) => byKey.get(p.idempotencyKey) ?? null);
    },
  );

  return {
    name: 'sandbox',

    async authorize(request: AuthorizeRequest): Promise<ProviderPaymentState> {
      const behaviour = TEST_METHODS[request.method];
      const id = newId('pi');
      const status: SandboxStatus =
        !behaviour || behaviour.outcome === 'decline'
          ? 'DECLINED'
          : behaviour.outcome === '3ds'
            ? 'REQUIRES_ACTION'
            : 'AUTHORIZED';
      // One row per key, whoever writes first: a retry reads it back, in the same statement.
      // (A concurrent twin that committed after this statement's snapshot is read by a second.)
      const declineCode = !behaviour
        ? 'invalid_payment_method'
        : behaviour.outcome === 'decline'
          ? behaviour.code
          : null;
      const clientSecret = status === 'REQUIRES_ACTION' ? `${id}_secret_${randomBytes(12).toString('hex')}` : null;
      const written = await authorizeTogether({
        id,
        idempotencyKey: request.idempotencyKey,
        amountMinor: request.amountMinor,
        currency: request.currency,
        method: request.method,
        status,
        declineCode,
        clientSecret,
      });
      const stored =
        written ??
        (await prisma.sandboxPayment.findUniqueOrThrow({ where: { idempotencyKey: request.idempotencyKey } }));
      // As Stripe: a key reused with other parameters is an error, not the other payment.
      if (
        stored.amountMinor !== request.amountMinor ||
        stored.currency !== request.currency ||
        stored.method !== request.method
      ) {
        throw new SandboxPaymentStateError(`Idempotency key ${request.idempotencyKey} was used with other parameters`);
      }
      return stateOf(stored);
    },

    async retrieve(paymentId: string): Promise<ProviderPaymentState> {
      return stateOf(await byId(paymentId));
    },

    async capture(paymentId: string): Promise<ProviderPaymentState> {
      // Only a payment that was not AUTHORIZED is read again.
      const after = (await captureTogether(paymentId)) ?? (await byId(paymentId));
      if (after.status !== 'CAPTURED')
        throw new SandboxPaymentStateError(
          `Payment ${paymentId} is ${after.status.toLowerCase()}; it cannot be captured`,
        );
      return stateOf(after);
    },

    async void(paymentId: string): Promise<ProviderPaymentState> {
      const after = await move(paymentId, ['AUTHORIZED', 'REQUIRES_ACTION'], { status: 'VOIDED' });
      if (after.status === 'CAPTURED')
        throw new SandboxPaymentStateError(`Payment ${paymentId} was captured; refund it instead`);
      // Voided now or before, or declined: nothing is reserved either way.
      return stateOf(after);
    },

    async refund(paymentId: string, amountMinor: number, idempotencyKey: string): Promise<RefundResult> {
      if (!Number.isInteger(amountMinor) || amountMinor <= 0)
        throw new SandboxPaymentStateError(`A refund is a positive whole amount, not ${amountMinor}`);
      const id = newId('re');
      try {
        await prisma.$transaction(async (tx) => {
          await tx.sandboxRefund.create({ data: { id, paymentId, idempotencyKey, amountMinor } });
          // The guard and the sum in one statement: concurrent refunds never add up past the capture.
          const grown = await tx.$executeRaw`
            UPDATE "SandboxPayment" SET "refundedMinor" = "refundedMinor" + ${amountMinor}, "updatedAt" = now()
            WHERE "id" = ${paymentId} AND "status" = 'CAPTURED' AND "refundedMinor" + ${amountMinor} <= "capturedMinor"`;
          if (grown !== 1)
            throw new SandboxPaymentStateError(
              `Payment ${paymentId} cannot refund ${amountMinor}: not captured, or more than is left`,
            );
        });
        return { refundId: id, amountMinor };
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        // The key was used before: that refund, once.
        const earlier = await prisma.sandboxRefund.findUniqueOrThrow({ where: { idempotencyKey } });
        if (earlier.paymentId !== paymentId || earlier.amountMinor !== amountMinor)
          throw new SandboxPaymentStateError(`Idempotency key ${idempotencyKey} was used with other parameters`);
        return { refundId: earlier.id, amountMinor: earlier.amountMinor };
      }
    },

    async authenticate(clientSecret: string, approve: boolean): Promise<boolean | null> {
      if (!CLIENT_SECRET.test(clientSecret)) return null;
      const payment = await prisma.sandboxPayment.findUnique({ where: { clientSecret } });
      if (!payment) return null;
      const answer = approve ? 'APPROVED' : 'REFUSED';
      await prisma.sandboxPayment.updateMany({
        where: { id: payment.id, status: 'REQUIRES_ACTION', challenge: null },
        data: approve
          ? { status: 'AUTHORIZED', challenge: answer }
          : { status: 'DECLINED', challenge: answer, declineCode: 'authentication_required' },
      });
      const after = await byId(payment.id);
      return after.challenge === answer;
    },
  };
}
