import type { FragmentType } from '../../__generated__/fragment-masking';
import { journeyText, type JourneyLineRef } from '../../components/JourneyLine';
import { TicketCard, type TicketCardFragment } from './TicketCard';

interface BookingTicketsProps {
  bookingId: string;
  /** The booking's journeys, in travel order. */
  legs: readonly JourneyLineRef[];
  /** In travel order: the first leg's passengers, then the next leg's. */
  tickets: ReadonlyArray<{ id: string; leg: number } & FragmentType<typeof TicketCardFragment>>;
  confirmed: boolean;
  /** More than one ticket is active: one can be cancelled alone. */
  cancellable: boolean;
}

/**
 * The tickets of a booking. A direct journey's are one list, as always; a trip with changes
 * has them under a heading per leg ("Leg 1: Rotterdam Centraal → Amsterdam Centraal"). Tickets
 * are numbered through the whole booking, so each number (and its "Cancel ticket n") is one ticket.
 */
export function BookingTickets({ bookingId, legs, tickets, confirmed, cancellable }: BookingTicketsProps) {
  const numbered = tickets.map((ticket, index) => ({ ticket, number: index + 1 }));
  const list = (group: typeof numbered, level: 3 | 4) => (
    <ul className="tickets">
      {group.map(({ ticket, number }) => (
        <TicketCard
          key={ticket.id}
          ticket={ticket}
          bookingId={bookingId}
          number={number}
          confirmed={confirmed}
          cancellable={cancellable}
          headingLevel={level}
        />
      ))}
    </ul>
  );
  if (legs.length <= 1) return list(numbered, 3);
  return (
    <>
      {legs.map((leg, index) => {
        const text = journeyText(leg);
        const headingId = `leg-${index + 1}-heading`;
        return (
          <section key={index} className="ticket-leg" aria-labelledby={headingId}>
            <h3 id={headingId}>
              Leg {index + 1}: {text.from} → {text.to}
            </h3>
            <p className="hint">
              {text.train} · {text.departs}–{text.arrives}
            </p>
            {list(
              numbered.filter(({ ticket }) => ticket.leg === index),
              4,
            )}
          </section>
        );
      })}
    </>
  );
}
