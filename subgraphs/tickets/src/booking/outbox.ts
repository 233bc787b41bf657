import { randomUUID } from 'node:crypto';
import {
  coalescing,
  DomainError,
  ErrorCode,
  repeatEvery,
  type Logger,
  type RepeatingTask,
} from '@railgraph/service-kit';
import { runnerFor, statement } from '@railgraph/database';
import type { PrismaClient } from '../__generated__/prisma/client.js';
import type { PaymentProvider } from '../payments/provider.js';
import { isPaymentStep, PaymentSteps, type PaymentStepKind } from '../payments/steps.js';
import type { InventoryClient } from './inventory-client.js';
import { legOfHold } from './legs.js';
import { AFTER_COMMIT_LINGER_MS } from './model.js';

/**
 * Saga steps that must happen even if this process dies after the booking committed:
 * confirming a hold (a sale), releasing one (a cancellation or compensation) and releasing
 * some of its seats (single tickets cancelled). The rows are written in the same
 * transaction as the booking change; the relay retries them with backoff until inventory
 * acknowledges. The inventory operations are idempotent, so a step done twice is harmless.
 */
export type OutboxKind = 'CONFIRM_HOLD' | 'RELEASE_HOLD' | 'RELEASE_SEATS' | PaymentStepKind;
export interface OutboxPayload {
  holdId: string;
  requestId: string;
  /** RELEASE_SEATS: the seats (`<coach>-<label>`) of the cancelled tickets. */
  seats?: string[];
  /** The payment steps: the booking whose payment it is (`payments/steps.ts`). */
  bookingId?: string;
  /** REFUND_PAYMENT: the refund (its id is the provider's idempotency key) and its amount. */
  refundId?: string;
  amountMinor?: number;
  /** CAPTURE_PAYMENT from a commit: where the payment is, so the capture reads nothing first. */
  provider?: string;
  providerPaymentId?: string;
}

type Tx = Pick<PrismaClient, 'outboxMessage'>;

/**
 * How long a row is claimed by the relay delivering it: longer than the slowest delivery (up
 * to three inventory calls of at most 5 s each), so no two relays, in this process or another
 * replica, deliver one row at once. A claim that outlives its process simply lapses.
 */
export const OUTBOX_CLAIM_MS = 30_000;

/**
 * The longest one delivery takes: three inventory calls of at most 5 s each (a confirmation
 * that holds the seats again). A relay starts a row's delivery only while its claim has at
 * least this long to run, so the claim cannot lapse mid-delivery and let another relay in.
 */
export const OUTBOX_DELIVERY_MAX_MS = 15_000;

/**
 * Writes a saga step in the caller's transaction, already claimed by the writer, who delivers
 * it right after the commit (`OutboxRelay.deliver`); should the writer die first, the claim
 * lapses and any relay takes the row.
 */
export async function enqueue(tx: Tx, kind: OutboxKind, payload: OutboxPayload): Promise<string> {
  const id = randomUUID();
  await tx.outboxMessage.create({
    data: { id, kind, payload: { ...payload }, nextAttemptAt: new Date(Date.now() + OUTBOX_CLAIM_MS) },
  });
  return id;
}

/** Seconds a hold taken again for a sold booking lives before its immediate confirmation. */
const REHOLD_TTL_SECONDS = 120;

const hasCode = (error: unknown, code: ErrorCode) => error instanceof DomainError && error.code === code;

export function backoffMs(attempts: number): number {
  return Math.min(500 * 2 ** Math.min(attempts, 10), 60_000);
}

export class OutboxRelay {
  private readonly schedule: RepeatingTask;
  /**
   * Deletes delivered rows, those of concurrent deliveries in one statement: at a rush every
   * booking delivers two rows (the hold's confirmation and the capture), at different moments,
   * so a batch lingers a few milliseconds for more (a delivered row is claimed meanwhile).
   */
  private readonly remove = coalescing<string>(
    (ids) =>
      runnerFor(this.prisma).run(
        statement('tickets.outbox-delete')`DELETE FROM "OutboxMessage" WHERE "id" = ANY(${ids}::uuid[])`,
      ),
    { lingerMs: AFTER_COMMIT_LINGER_MS },
  );

  /** Captures, voids and refunds payments (the payment steps); without a provider those steps wait. */
  private readonly payments: PaymentSteps | null;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly inventory: InventoryClient,
    private readonly log: Logger,
    intervalMs: number,
    payments?: PaymentProvider,
  ) {
    this.payments = payments ? new PaymentSteps(prisma, payments) : null;
    this.schedule = repeatEvery(
      intervalMs,
      () => this.drain(),
      (error) => this.log.error({ err: error }, 'outbox relay pass failed'),
    );
  }

  /** Runs one step now; on failure leaves it for the relay. Returns whether it was done. */
  async deliver(id: string, kind: OutboxKind, payload: OutboxPayload): Promise<boolean> {
    try {
      if (isPaymentStep(kind)) {
        if (!this.payments) throw new Error(`no payment provider to deliver ${kind}`);
        await this.payments.deliver(kind, payload);
      } else if (kind === 'CONFIRM_HOLD') await this.confirmHold(payload);
      else if (kind === 'RELEASE_SEATS')
        await this.inventory.releaseSeats(payload.holdId, payload.seats ?? [], payload.requestId);
      else await this.inventory.release(payload.holdId, payload.requestId);
      await this.remove(id);
      return true;
    } catch (error) {
      if (kind !== 'CONFIRM_HOLD' && !isPaymentStep(kind) && hasCode(error, ErrorCode.NOT_FOUND)) {
        // Inventory holds nothing under this id: nothing to release. (A hold that lands after
        // this, from a request that timed out, expires and the reaper frees it: no live booking owns it.)
        await this.remove(id);
        return true;
      }
      if (kind === 'RELEASE_SEATS' && hasCode(error, ErrorCode.BAD_USER_INPUT)) {
        // The hold does not take these seats: inventory rebuilt the run from tickets' active
        // tickets after the cancellation committed (so without them). Nothing to release.
        this.log.warn({ err: error, outboxId: id, holdId: payload.holdId }, 'inventory no longer holds the seats');
        await this.remove(id);
        return true;
      }
      const row = await this.prisma.outboxMessage.findUnique({ where: { id } });
      if (row) {
        await this.prisma.outboxMessage.update({
          where: { id },
          data: {
            attempts: row.attempts + 1,
            nextAttemptAt: new Date(Date.now() + backoffMs(row.attempts)),
            lastError: error instanceof Error ? error.message : String(error),
          },
        });
      }
      this.log.warn(
        { err: error, outboxId: id, kind, holdId: payload.holdId },
        'outbox step failed; the relay will retry',
      );
      return false;
    }
  }

  /**
   * Confirms a committed booking's hold. Inventory answering NOT_FOUND means it lost its
   * state since the hold (an in-process engine restarted, a Redis lost its data): holding the
   * booking's own seats again under the same id makes it load the run, rebuilt from tickets'
   * confirmed bookings (this one included), or, had it loaded the run before this booking
   * committed, takes the seats anew; then the hold is confirmed. Should inventory have given
   * the seats to another attempt meanwhile, SEAT_TAKEN keeps the step in the outbox, visible
   * and retried, rather than settle a sale inventory does not count: the other attempt cannot
   * commit (tickets refuses a commit on seats a confirmed booking has, `sellSeatLegs`),
   * so it fails or expires and releases its hold, and a later try takes the seats back.
   */
  private async confirmHold(payload: OutboxPayload): Promise<void> {
    try {
      await this.inventory.confirm(payload.holdId, payload.requestId);
      return;
    } catch (error) {
      if (!hasCode(error, ErrorCode.NOT_FOUND)) throw error;
      const held = await legOfHold(this.prisma, payload.holdId);
      if (!held) throw error;
      // Every ticket of the leg was cancelled since: nothing is left to sell.
      if (held.activeSeats.length === 0) return;
      const { leg } = held;
      this.log.warn({ holdId: payload.holdId }, 'inventory does not know a sold hold; holding its seats again');
      await this.inventory
        .hold(
          {
            holdId: payload.holdId,
            runId: leg.runId,
            fromStop: leg.fromStop,
            toStop: leg.toStop,
            seatClass: held.seatClass,
            count: held.activeSeats.length,
            seats: held.activeSeats,
            ttlSeconds: REHOLD_TTL_SECONDS,
          },
          payload.requestId,
        )
        // The rebuilt run already has the hold (as sold): the confirmation below is what counts.
        .catch((holdError: unknown) => {
          if (hasCode(holdError, ErrorCode.SEAT_TAKEN)) {
            this.log.warn(
              { bookingId: held.bookingId, holdId: payload.holdId, runId: leg.runId },
              'seats of a sold booking are held for another attempt in inventory; retrying until that attempt ends',
            );
          }
          if (!hasCode(holdError, ErrorCode.BAD_USER_INPUT)) throw holdError;
        });
    }
    await this.inventory.confirm(payload.holdId, payload.requestId);
  }

  /**
   * Claims up to 50 due rows and delivers each once. The claim moves a row's next attempt past
   * the delivery (`OUTBOX_CLAIM_MS`) in one statement that skips rows another relay is
   * claiming (`FOR UPDATE SKIP LOCKED`), so replicas share the backlog without delivering a
   * row twice at once; a delivery then deletes its row or sets its backoff. Rows delivered one
   * after another can outlast a claim when inventory answers slowly (50 rows of up to
   * `OUTBOX_DELIVERY_MAX_MS` each): once the claim has less than one delivery left, the pass
   * stops and hands the rows it did not reach back, due at once, to whichever relay comes next.
   */
  async drain(now = new Date()): Promise<number> {
    const claimedUntil = new Date(now.getTime() + OUTBOX_CLAIM_MS);
    const due = await this.prisma.$queryRaw<Array<{ id: string; kind: string; payload: unknown }>>`
      UPDATE "OutboxMessage" SET "nextAttemptAt" = ${claimedUntil}
      WHERE "id" IN (
        SELECT "id" FROM "OutboxMessage" WHERE "nextAttemptAt" <= ${now}
        ORDER BY "nextAttemptAt" LIMIT 50 FOR UPDATE SKIP LOCKED
      )
      RETURNING "id", "kind", "payload"`;
    let delivered = 0;
    for (const [i, row] of due.entries()) {
      if (Date.now() + OUTBOX_DELIVERY_MAX_MS > claimedUntil.getTime()) {
        const unreached = due.slice(i).map((r) => r.id);
        await this.handBack(unreached, claimedUntil);
        break;
      }
      const payload = (typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload) as OutboxPayload;
      if (await this.deliver(row.id, row.kind as OutboxKind, payload)) delivered += 1;
    }
    return delivered;
  }

  /** Ends this relay's claim on rows it will not deliver (only while the claim is still its own). */
  private async handBack(ids: string[], claimedUntil: Date): Promise<void> {
    await this.prisma.outboxMessage.updateMany({
      where: { id: { in: ids }, nextAttemptAt: claimedUntil },
      data: { nextAttemptAt: new Date() },
    });
  }

  start(): void {
    this.schedule.start();
  }

  stop(): Promise<void> {
    return this.schedule.stop();
  }

  backlog(): Promise<number> {
    return this.prisma.outboxMessage.count();
  }
}
