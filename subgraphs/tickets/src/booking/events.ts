import { randomUUID } from 'node:crypto';
import { runnerFor, statement } from '@railgraph/database';
import { badInput, repeatEvery, type Logger, type RepeatingTask } from '@railgraph/service-kit';
import type { BookingEvent, Prisma, PrismaClient } from '../__generated__/prisma/client.js';
import type { BookingOwner } from './owner.js';

/**
 * Domain events of bookings (docs/design.md §12). Each is written in the transaction of
 * the state change it reports, so none is lost when a process dies and none exists for a
 * change that rolled back. The publisher then gives committed events their stream position;
 * readers (partner apps, analytics) follow the stream with their own cursor and de-duplicate
 * by event id: delivery is at least once.
 */
export type BookingEventKind =
  'BookingConfirmed' | 'BookingCancelled' | 'SeatsReleased' | 'BookingExchanged' | 'BookingDisrupted';

export interface JourneySeats {
  runId: string;
  fromStop: number;
  toStop: number;
  seatClass: string;
  /** `<coach>-<label>`, one per ticket. */
  seats: string[];
}

export type BookingEventPayload =
  | ({
      kind: 'BookingConfirmed';
      status: 'CONFIRMED';
      total: Money;
      /** A trip with changes: every leg in travel order (the first is also the event's own journey). */
      legs?: JourneySeats[];
    } & JourneySeats)
  | { kind: 'BookingCancelled'; status: 'CANCELLED' | 'REFUNDED'; refund: Money; refundPercent: number }
  | ({ kind: 'SeatsReleased'; status: 'CONFIRMED' | 'CANCELLED' | 'REFUNDED' | 'EXCHANGED' } & JourneySeats)
  | {
      kind: 'BookingExchanged';
      status: 'EXCHANGED';
      /** The booking that replaced this one. */
      exchangedTo: string;
      /** What came back for the active tickets, and the fee kept. */
      refund: Money;
      fee: Money;
    }
  | {
      /** Recorded in SQL by `disruptions/record.ts`, whose payload this describes. */
      kind: 'BookingDisrupted';
      status: 'CONFIRMED';
      runId: string;
      reason: string;
      source: 'OPERATOR' | 'REALTIME_FEED';
      leg: number;
      cancelledAt: string;
      departure: string | null;
    };

interface Money {
  amountMinor: number;
  currency: string;
}

type Tx = Pick<PrismaClient, 'bookingEvent'>;

/** Records an event inside the caller's transaction; it is published once that commits. */
/** The last event time this process gave out, in ms. */
let lastOccurredMs = 0;

/**
 * Event times strictly increase within a process: the events of one change (written in one
 * transaction, e.g. BookingCancelled then SeatsReleased) keep their order in the stream,
 * which sorts by time and only then by id.
 */
export function nextOccurredAt(): Date {
  lastOccurredMs = Math.max(Date.now(), lastOccurredMs + 1);
  return new Date(lastOccurredMs);
}

export async function recordEvent(
  tx: Tx,
  booking: { id: string; ownerKind: BookingOwner['kind']; ownerId: string },
  { kind, ...payload }: BookingEventPayload,
): Promise<string> {
  const id = randomUUID();
  await tx.bookingEvent.create({
    data: {
      id,
      kind,
      bookingId: booking.id,
      ownerKind: booking.ownerKind,
      ownerId: booking.ownerId,
      payload: payload as Prisma.InputJsonObject,
      occurredAt: nextOccurredAt(),
    },
  });
  return id;
}

/** Most events one publishing pass places. */
const PUBLISH_BATCH = 500;

/**
 * Places committed, unpublished events at the end of the stream, oldest first; returns how
 * many. Publishers (every tickets process) take turns under an advisory lock held to their
 * commit, so a position is never given while a smaller one is still invisible: a reader's
 * cursor never passes an event it has not seen. A publisher that finds the lock taken does
 * not wait (bookings must not queue behind it): the one holding it, or the next periodic pass,
 * places the events. All of it is one statement, the function `tickets_publish_events` (its
 * migration says why it is one): at a rush a pass runs every few sales, and the ORM's
 * interactive transaction cost four round trips and its own machinery each time.
 */
export async function publishEvents(prisma: PrismaClient): Promise<number> {
  const [pass] = await runnerFor(prisma).run<{ placed: number }>(statement('tickets.events-publish')`
    SELECT "tickets_publish_events"(${PUBLISH_BATCH}::integer) AS "placed"`);
  return pass?.placed ?? 0;
}

/**
 * Publishing right after a commit, so readers see the events at once. A failure here loses
 * nothing: the events are stored, and the periodic publisher places them.
 *
 * The returned function publishes the events committed so far, sharing passes between
 * concurrent callers: a caller waits for a pass that starts after its call (the running one
 * may have begun before its commit), and while a pass runs at most one more is queued for
 * everyone who asks meanwhile.
 */
export function sharedPublishing(prisma: PrismaClient, log: Logger): () => Promise<void> {
  /** The pass running, and the one queued after it. */
  let publishing: Promise<void> | null = null;
  let publishingNext: Promise<void> | null = null;
  const publish = (): Promise<void> => {
    if (!publishing) {
      publishing = publishEvents(prisma)
        .then(() => undefined)
        .catch((error: unknown) => log.warn({ err: error }, 'booking events not published yet; the publisher will'))
        .finally(() => {
          publishing = null;
        });
      return publishing;
    }
    publishingNext ??= publishing.then(() => {
      publishingNext = null;
      return publish();
    });
    return publishingNext;
  };
  return publish;
}

/** Publishes every `intervalMs`, catching events whose process died before publishing them. */
export function eventPublisher(prisma: PrismaClient, log: Logger, intervalMs: number): RepeatingTask {
  return repeatEvery(
    intervalMs,
    async () => {
      await publishEvents(prisma);
    },
    (error) => log.error({ err: error }, 'booking event publishing failed'),
  );
}

/** Most events one page of `Query.bookingEvents` holds. */
export const MAX_EVENTS_PAGE = 100;

const positionPattern = /^(0|[1-9]\d{0,17})$/;

/**
 * The owner's published events after the stream position `after` (from the start without
 * one), in stream order, `first` at a time. BAD_USER_INPUT for `first` outside
 * 1-MAX_EVENTS_PAGE or an `after` that is not a position.
 */
export async function eventsForOwner(
  prisma: PrismaClient,
  owner: BookingOwner,
  first: number,
  after?: string | null,
): Promise<BookingEvent[]> {
  if (!Number.isInteger(first) || first < 1 || first > MAX_EVENTS_PAGE) {
    throw badInput(`first must be between 1 and ${MAX_EVENTS_PAGE}`);
  }
  if (after != null && !positionPattern.test(after)) {
    throw badInput('after must be the cursor of an event from an earlier page');
  }
  return prisma.bookingEvent.findMany({
    where: {
      ownerKind: owner.kind,
      ownerId: owner.id,
      position: after == null ? { not: null } : { gt: BigInt(after) },
    },
    orderBy: { position: 'asc' },
    take: first,
  });
}
