import type { PrismaClient } from '../__generated__/prisma/client.js';

/** `Booking.disruption`: a booking's cancelled train and when to rebook from. */
export interface DisruptionView {
  runId: string;
  leg: number;
  reason: string;
  source: 'OPERATOR' | 'REALTIME_FEED';
  cancelledAt: Date;
  rebookAfter: Date;
}

/** For each booking, its first cancelled train (by leg), or null. */
export async function disruptionsOf(
  prisma: PrismaClient,
  bookingIds: readonly string[],
): Promise<Array<DisruptionView | null>> {
  const rows = await prisma.bookingDisruption.findMany({
    where: { bookingId: { in: [...bookingIds] } },
    include: { disruption: true },
    orderBy: [{ bookingId: 'asc' }, { leg: 'asc' }],
  });
  return bookingIds.map((id) => {
    const row = rows.find((r) => r.bookingId === id);
    if (!row) return null;
    return {
      runId: row.runId,
      leg: row.leg,
      reason: row.disruption.reason,
      source: row.disruption.source,
      cancelledAt: row.disruption.cancelledAt,
      rebookAfter: row.departure ?? row.disruption.cancelledAt,
    };
  });
}
