import type { QuoteClaims } from '@railgraph/quotes';
import { DomainError, ErrorCode } from '@railgraph/service-kit';
import { checkBookRequest, replay, requestHashOf } from './book-request.js';
import type { InventoryClient } from './inventory-client.js';
import type { BookingDeps, BookingRush, BookingWithTickets, BookJourneyRequest } from './model.js';
import type { BookingOwner } from './owner.js';
import { bookingByKey } from './queries.js';
import { BookingSaga } from './saga.js';
import type { SoldOutKey } from './sold-out-memo.js';

/**
 * The booking saga behind the queue at a rush (docs/design.md §4, "The queue at a rush"): each
 * `bookJourney` waits its turn at the admission gate (`admission.ts`) before the saga runs, and
 * one the sold-out memo (`sold-out-memo.ts`) already answers is told SOLD_OUT without a place
 * in the queue, a write or an inventory call.
 *
 * **Keying the memo.** The memo needs the quote's run, class and stops before the saga has
 * verified the quote. They come from the same verifier the saga uses (`deps.quotes.verify`, with
 * the same passengers), not from an unverified decode: the memo then only ever answers for a
 * quote the saga itself would accept, so a forged, expired or mismatched quote keeps its own
 * error. The saga takes the quote verified here rather than checking it twice. A quote that
 * does not verify here is not an answer: the
 * request simply goes without a memo key to the saga, which answers it (a replay of a key seen
 * before, or the quote's error), exactly as without the queue. Requests naming seats are not
 * keyed either: theirs is SEAT_TAKEN, never SOLD_OUT.
 *
 * **Replays.** A key seen before must get its first attempt's result (§4 step 2), which the
 * memo cannot know: a confirmed booking whose answer was lost, retried into a sold-out run,
 * must get its booking back, not SOLD_OUT. So before a memo answer the key is looked up once,
 * on the (owner, key) unique index, the look-up the saga itself makes for a replay: a booking
 * under the key gets `replay` (its booking, or its stored error); only a key with no booking
 * gets SOLD_OUT, and nothing is written for it, so a retry with that key later is a first
 * attempt again (like a request refused for a bad quote). That read is the one query a memo
 * answer makes: a point read, no write, no lock, no inventory call and no place in the queue,
 * and only for requests the memo answers; requests that go to the saga pay nothing for it.
 * Reading the key on every arrival instead would tax every booking to spare the memo's hits a read.
 * A twin of a first attempt sent at the same moment (the same key on two connections) may
 * find no row yet and get SOLD_OUT while its twin is still running; once the key has a
 * booking, the memo never answers for it.
 *
 * **What feeds and clears the memo.** Holds go through `watchingHolds`: inventory's SOLD_OUT
 * for a request that let the allocator choose is recorded (and tells the requests waiting
 * for that run and class at once). An attempt whose hold may have taken seats and that then
 * failed had them released by the saga's compensation (step 7): the run's memo is cleared.
 * Cancellations and expiries clear it where they release (`bookings.ts`, `expiry.ts`).
 */

type QueuedDeps = Pick<
  BookingDeps,
  'prisma' | 'inventory' | 'quotes' | 'relay' | 'payments' | 'signingKey' | 'holdTtlSeconds' | 'log' | 'onOutcome'
>;

/** What one attempt's hold did, as `watchingHolds` reports it to the attempt. */
interface AttemptTrace {
  /** The runs holds may have taken seats on (answered, or failed without a contract error): a trip's legs' runs. */
  mayHoldSeatsOn: Set<string>;
}

/** A request the memo answered while it waited, or just as it was admitted. */
class AnsweredByMemo extends Error {
  constructor() {
    super('answered from the sold-out memo');
  }
}

export class QueuedBookingSaga {
  constructor(
    private readonly deps: QueuedDeps,
    private readonly rush: BookingRush,
    /** Publishes the events just committed (see `sharedPublishing`). */
    private readonly publishEvents: () => Promise<void>,
  ) {}

  async book(owner: BookingOwner, sent: BookJourneyRequest, requestId: string): Promise<BookingWithTickets> {
    // Bad input is refused as the saga would, before the memo could answer it; names normalised
    // here hash as the saga hashes them for a replay.
    const request = checkBookRequest(sent, owner);
    const quote = await this.verifiedQuote(request);
    const wanted = quote && !(request.seats && request.seats.length > 0) ? soldOutKeyOf(quote, request) : null;
    if (wanted && this.rush.memo.covers(wanted)) return this.answerSoldOut(owner, request, wanted);
    const waiting = new AbortController();
    const unwatch = wanted ? this.rush.memo.watch(wanted, () => waiting.abort(new AnsweredByMemo())) : () => {};
    try {
      return await this.rush.gate.run(
        () => {
          unwatch();
          return this.attempt(owner, request, requestId, wanted, quote);
        },
        { signal: waiting.signal },
      );
    } catch (error) {
      if (error instanceof AnsweredByMemo && wanted) return this.answerSoldOut(owner, request, wanted);
      throw error;
    } finally {
      unwatch();
    }
  }

  /** The saga, with its place at the gate; a hold that may have taken seats and then failed clears the run's memo. */
  private async attempt(
    owner: BookingOwner,
    request: BookJourneyRequest,
    requestId: string,
    wanted: SoldOutKey | null,
    quote: QuoteClaims | null,
  ): Promise<BookingWithTickets> {
    // Recorded between the last look and the admission: leave the place to the next in line.
    if (wanted && this.rush.memo.covers(wanted)) throw new AnsweredByMemo();
    const trace: AttemptTrace = { mayHoldSeatsOn: new Set() };
    // A saga of its own whose inventory reports this attempt's hold to `trace`.
    const saga = new BookingSaga(
      { ...this.deps, inventory: this.watchingHolds(this.deps.inventory, trace) },
      this.publishEvents,
    );
    try {
      return await saga.book(owner, request, requestId, quote ?? undefined);
    } catch (error) {
      // Step 7 has released (or queued the release of) what the hold took: seats may be back.
      for (const runId of trace.mayHoldSeatsOn) this.rush.memo.clearRun(runId);
      throw error;
    }
  }

  /** The request's quote, verified as the saga verifies it; null when it does not verify (see above). */
  private async verifiedQuote(request: BookJourneyRequest): Promise<QuoteClaims | null> {
    if (!this.rush.memo.enabled) return null;
    try {
      return await this.deps.quotes.verify(request.quoteToken, {
        passengers: request.passengers.map((type, i) => ({ type, age: request.passengerAges?.[i] ?? null })),
      });
    } catch {
      return null;
    }
  }

  /** SOLD_OUT from the memo, unless the key already has a booking: then its first attempt's result. */
  private async answerSoldOut(
    owner: BookingOwner,
    request: BookJourneyRequest,
    wanted: SoldOutKey,
  ): Promise<BookingWithTickets> {
    const earlier = await bookingByKey(this.deps.prisma, owner, request.idempotencyKey);
    if (earlier) return replay(earlier, requestHashOf(request));
    this.rush.onMemoHit?.();
    // Counted with the saga's sold-out attempts too, so `tickets_bookings_total` keeps its share.
    this.deps.onOutcome?.('sold_out');
    throw new DomainError(
      ErrorCode.SOLD_OUT,
      `Fewer than ${wanted.count} ${wanted.seatClass} seats are left on this journey`,
      { seatClass: wanted.seatClass },
    );
  }

  /**
   * Inventory as the saga sees it, reporting to the memo: a SOLD_OUT for a hold that let the
   * allocator choose is recorded; and the attempt learns when its hold may have taken seats
   * (the saga's own rule: anything but a contract error may have held some).
   */
  private watchingHolds(inventory: InventoryClient, trace: AttemptTrace): InventoryClient {
    return {
      hold: async (hold, requestId) => {
        const mark = this.rush.memo.mark();
        trace.mayHoldSeatsOn.add(hold.runId);
        try {
          return await inventory.hold(hold, requestId);
        } catch (error) {
          if (error instanceof DomainError) {
            trace.mayHoldSeatsOn.delete(hold.runId);
            if (error.code === ErrorCode.SOLD_OUT && !(hold.seats && hold.seats.length > 0)) {
              const { runId, seatClass, fromStop, toStop, count } = hold;
              this.rush.memo.record({ runId, seatClass, fromStop, toStop, count }, mark);
            }
          }
          throw error;
        }
      },
      confirm: (holdId, requestId) => inventory.confirm(holdId, requestId),
      release: (holdId, requestId) => inventory.release(holdId, requestId),
      releaseSeats: (holdId, seats, requestId) => inventory.releaseSeats(holdId, seats, requestId),
    };
  }
}

/** The memo's key of a request: its verified quote's run, class and stops, and its party's size. */
const soldOutKeyOf = (quote: QuoteClaims, request: BookJourneyRequest): SoldOutKey => ({
  ...quote.journey,
  seatClass: quote.seatClass,
  count: request.passengers.length,
});
