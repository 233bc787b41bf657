import { DomainError, ErrorCode } from '@railgraph/service-kit';
import type { HeldSeat, HoldRequest, InventoryClient } from '../src/booking/inventory-client.js';

/**
 * Inventory as a seat counter per run: a hold takes free seats (or the ones named) or is refused
 * SOLD_OUT / SEAT_TAKEN holding nothing, as inventory's contract says; releases give seats back.
 */
export class CountedSeats implements InventoryClient {
  readonly holds = new Map<string, { runId: string; seats: string[]; state: 'HELD' | 'CONFIRMED' | 'RELEASED' }>();
  readonly released: string[] = [];
  readonly releasedSeats: string[] = [];
  private readonly free = new Map<string, string[]>();

  constructor(seatsPerRun: Record<string, number>) {
    for (const [runId, count] of Object.entries(seatsPerRun)) {
      this.free.set(
        runId,
        Array.from({ length: count }, (_, i) => `1-${i + 1}A`),
      );
    }
  }

  async hold(request: HoldRequest): Promise<HeldSeat[]> {
    const free = this.free.get(request.runId) ?? [];
    const wanted = request.seats ?? free.slice(0, request.count);
    if (wanted.length < request.count) throw new DomainError(ErrorCode.SOLD_OUT, 'Not enough seats left');
    if (wanted.some((seat) => !free.includes(seat)))
      throw new DomainError(ErrorCode.SEAT_TAKEN, 'A seat is taken', { seats: wanted });
    this.free.set(
      request.runId,
      free.filter((seat) => !wanted.includes(seat)),
    );
    this.holds.set(request.holdId, { runId: request.runId, seats: wanted, state: 'HELD' });
    return wanted.map((seat) => ({ coach: Number(seat.split('-')[0]), label: seat.split('-')[1]! }));
  }

  async confirm(holdId: string): Promise<void> {
    const hold = this.holds.get(holdId);
    if (!hold) throw new DomainError(ErrorCode.NOT_FOUND, `no hold ${holdId}`);
    hold.state = 'CONFIRMED';
  }

  async release(holdId: string): Promise<void> {
    this.released.push(holdId);
    const hold = this.holds.get(holdId);
    if (!hold || hold.state === 'RELEASED') return;
    hold.state = 'RELEASED';
    this.free.get(hold.runId)!.push(...hold.seats);
  }

  async releaseSeats(holdId: string, seats: string[]): Promise<void> {
    const hold = this.holds.get(holdId)!;
    this.releasedSeats.push(...seats.map((seat) => `${holdId} ${seat}`));
    hold.seats = hold.seats.filter((seat) => !seats.includes(seat));
    this.free.get(hold.runId)!.push(...seats);
  }

  freeOn(runId: string): number {
    return this.free.get(runId)?.length ?? 0;
  }
}
