import { describe, expect, it } from 'vitest';
import { createLogger, createMetrics, DomainError, ErrorCode } from '@railgraph/service-kit';
import { createMemoryEngine } from '../src/engine/memory.js';
import type { HoldRequest, InventoryEngine } from '../src/engine/engine.js';
import type { HoldOwnership } from '../src/bookings/tickets-bookings.js';
import { createReaper } from '../src/inventory/reaper.js';
import { now, runLayout } from './fixtures.js';

const layout = runLayout();
const later = new Date(now.getTime() + 10 * 60_000);
const request = (holdId: string, ttlMs = 60_000): HoldRequest => ({
  holdId,
  fromStop: 0,
  toStop: 4,
  seatClass: 'STANDARD',
  count: 2,
  ttlMs,
  now,
});
const standardLeft = async (engine: InventoryEngine) =>
  (await engine.availability(layout, 0, 4)).find((a) => a.seatClass === 'STANDARD')?.seatsLeft;

/** tickets' answers, as a map from hold id to booking status (absent: no booking). */
const ticketsSaying = (statuses: Record<string, string>) => {
  const asked: string[][] = [];
  return {
    asked,
    bookings: {
      holdOwnership: async (holdIds: readonly string[]): Promise<HoldOwnership[]> => {
        asked.push([...holdIds]);
        return holdIds.map((holdId) => ({
          holdId,
          owned: holdId in statuses,
          bookingStatus: statuses[holdId] ?? null,
        }));
      },
    },
  };
};

function reaperFor(engine: InventoryEngine, bookings: Parameters<typeof createReaper>[0]['bookings']) {
  const metrics = createMetrics('inventory');
  const reaper = createReaper({
    engine,
    bookings,
    log: createLogger('inventory', 'silent'),
    metrics,
    intervalMs: 1_000,
    clock: () => later,
  });
  return { reaper, metrics: () => metrics.registry.metrics() };
}

describe('hold reaper', () => {
  it('releases expired holds no booking needs, confirms those a confirmed booking owns, keeps pending ones', async () => {
    const engine = createMemoryEngine();
    for (const id of ['orphan', 'failed', 'cancelled', 'sold', 'pending']) await engine.hold(layout, request(id));
    await engine.hold(layout, request('fresh', 3_600_000));
    expect(await standardLeft(engine)).toBe(12);
    const tickets = ticketsSaying({ failed: 'FAILED', cancelled: 'CANCELLED', sold: 'CONFIRMED', pending: 'PENDING' });
    const { reaper, metrics } = reaperFor(engine, tickets.bookings);

    expect(await reaper.reapOnce()).toEqual({ released: 3, confirmed: 1, kept: 1 });
    expect(tickets.asked).toEqual([['cancelled', 'failed', 'orphan', 'pending', 'sold']]);
    expect((await engine.getHold('orphan'))?.status).toBe('RELEASED');
    expect((await engine.getHold('failed'))?.status).toBe('RELEASED');
    expect((await engine.getHold('sold'))?.status).toBe('CONFIRMED');
    expect((await engine.getHold('pending'))?.status).toBe('HELD');
    expect((await engine.getHold('fresh'))?.status).toBe('HELD');
    expect(await standardLeft(engine)).toBe(18);
    expect(await metrics()).toMatch(
      /inventory_reaper_holds_kept_total\{reason="booking_pending",service="inventory"\} 1/,
    );
  });

  it('keeps every seat held when tickets cannot be asked, and counts it', async () => {
    const engine = createMemoryEngine();
    await engine.hold(layout, request('a'));
    await engine.hold(layout, request('b'));
    const down = {
      holdOwnership: async (): Promise<HoldOwnership[]> => {
        throw new DomainError(ErrorCode.SERVICE_UNAVAILABLE, 'tickets is down');
      },
    };
    const { reaper, metrics } = reaperFor(engine, down);
    expect(await reaper.reapOnce()).toEqual({ released: 0, confirmed: 0, kept: 2 });
    expect(await standardLeft(engine)).toBe(20);
    expect(await metrics()).toMatch(
      /inventory_reaper_holds_kept_total\{reason="tickets_unreachable",service="inventory"\} 2/,
    );
  });

  it('keeps every seat held without service credentials, and counts it', async () => {
    const engine = createMemoryEngine();
    await engine.hold(layout, request('a'));
    const { reaper, metrics } = reaperFor(engine, null);
    expect(await reaper.reapOnce()).toEqual({ released: 0, confirmed: 0, kept: 1 });
    expect(await standardLeft(engine)).toBe(22);
    expect(await metrics()).toMatch(
      /inventory_reaper_holds_kept_total\{reason="no_credentials",service="inventory"\} 1/,
    );
  });
});
