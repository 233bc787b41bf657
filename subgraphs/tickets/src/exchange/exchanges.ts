import type { QuoteClaims } from '@railgraph/quotes';
import { notFound } from '@railgraph/service-kit';
import type { BookingDeps, BookingWithTickets } from '../booking/model.js';
import { nowOf } from '../booking/model.js';
import type { BookingOwner } from '../booking/owner.js';
import { bookingByKey, bookingForOwner } from '../booking/queries.js';
import type { BookingSaga } from '../booking/saga.js';
import type { MoneyView } from '../booking/views.js';
import { cappedAtPaid } from '../disruptions/terms.js';
import { exchangeTiersOfBooking } from './rules.js';
import { assertFitsBooking, exchangeTerms, type ExchangeTerms } from './terms.js';

/**
 * Exchanges (docs/design.md §4, "Exchanges"): what moving a confirmed booking to another
 * journey costs now, and doing it. The new journey is booked by the booking saga itself (hold,
 * pay, commit), its commit carrying the old booking's move (`commit.ts`), so the new seats are
 * held and paid for before the old ones go back, and either both bookings change or neither.
 */
export interface ExchangeQuoteView {
  bookingId: string;
  newTotal: MoneyView;
  paid: MoneyView;
  fee: MoneyView;
  refund: MoneyView;
  difference: MoneyView;
  validUntil: Date;
  rule: string;
}

export interface ExchangeRequest {
  bookingId: string;
  quoteToken: string;
  passengers: Array<{ type: QuoteClaims['passengers'][number]['type']; age?: number | null | undefined }>;
  idempotencyKey: string;
  paymentMethod?: string | null | undefined;
}

type ExchangeDeps = Pick<BookingDeps, 'prisma' | 'quotes' | 'clock'>;

export class Exchanges {
  constructor(
    private readonly deps: ExchangeDeps,
    private readonly saga: BookingSaga,
  ) {}

  /** `exchangeQuote`: the terms at this moment, refused as `exchange` would refuse them. */
  async quote(owner: BookingOwner, request: Omit<ExchangeRequest, 'idempotencyKey'>): Promise<ExchangeQuoteView> {
    const { terms, quote } = await this.check(owner, request);
    const newTotal = quote.total;
    return {
      bookingId: request.bookingId,
      newTotal,
      paid: terms.paid,
      fee: terms.fee,
      refund: terms.refund,
      difference: { amountMinor: newTotal.amountMinor - terms.refund.amountMinor, currency: newTotal.currency },
      validUntil: terms.validUntil,
      rule: terms.rule,
    };
  }

  /**
   * `exchangeBooking`: the new booking, made by the saga with the booking's travelling
   * passengers and their names, committed with the old booking's move. A retry with a key
   * already used answers as the saga answers a retry (the new booking, or its error).
   */
  async exchange(owner: BookingOwner, request: ExchangeRequest, requestId: string): Promise<BookingWithTickets> {
    const earlier = await bookingByKey(this.deps.prisma, owner, request.idempotencyKey);
    if (earlier && earlier.exchangedFromId === request.bookingId) {
      // A retry: the same request as the first attempt (names from the tickets it exchanged).
      const old = await bookingForOwner(this.deps.prisma, owner, request.bookingId);
      const exchanged = old?.tickets.filter((t) => t.status === (old.status === 'EXCHANGED' ? 'EXCHANGED' : 'ACTIVE'));
      return this.saga.book(
        owner,
        this.bookRequest(request, namesOf(exchanged ?? [])),
        requestId,
        undefined,
        request.bookingId,
      );
    }
    const { terms, quote } = await this.check(owner, request);
    return this.saga.book(
      owner,
      this.bookRequest(
        request,
        terms.passengers.map((p) => p.name),
      ),
      requestId,
      quote,
      request.bookingId,
    );
  }

  /** The booking (the owner's: NOT_FOUND otherwise), its terms now, and the new journey's quote fitting it. */
  private async check(
    owner: BookingOwner,
    request: Omit<ExchangeRequest, 'idempotencyKey'>,
  ): Promise<{ booking: BookingWithTickets; terms: ExchangeTerms; quote: QuoteClaims }> {
    const booking = await bookingForOwner(this.deps.prisma, owner, request.bookingId);
    if (!booking) throw notFound('Booking', request.bookingId);
    const { tiers, disrupted } = await exchangeTiersOfBooking(this.deps.prisma, booking);
    const terms = exchangeTerms(booking, tiers, nowOf(this.deps));
    const quote = await this.deps.quotes.verify(request.quoteToken, {
      passengers: request.passengers.map((p) => ({ type: p.type, age: p.age ?? null })),
    });
    assertFitsBooking(
      terms,
      request.passengers.map((p) => p.type),
      quote,
    );
    // A disrupted booking's rebooking is free: no passenger pays more than they paid.
    if (disrupted) {
      const paid = terms.passengers.map((p) =>
        booking.tickets
          .filter((t) => t.status === 'ACTIVE' && t.position === p.position)
          .reduce((sum, t) => sum + t.fareMinor, 0),
      );
      return { booking, terms, quote: cappedAtPaid(quote, paid) };
    }
    return { booking, terms, quote };
  }

  /** The saga's request for the new journey: the booking's travelling passengers, named as on their tickets. */
  private bookRequest(request: ExchangeRequest, names: Array<string | null>) {
    return {
      quoteToken: request.quoteToken,
      passengers: request.passengers.map((p) => p.type),
      passengerAges: request.passengers.map((p) => p.age ?? null),
      passengerNames: names,
      idempotencyKey: request.idempotencyKey,
      paymentMethod: request.paymentMethod ?? null,
    };
  }
}

/** Each travelling passenger's name, in booking order, from their tickets. */
function namesOf(tickets: ReadonlyArray<{ position: number; passengerName: string | null }>): Array<string | null> {
  const byPosition = new Map<number, string | null>();
  for (const t of tickets) if (!byPosition.has(t.position)) byPosition.set(t.position, t.passengerName);
  return [...byPosition.entries()].sort(([a], [b]) => a - b).map(([, name]) => name);
}
