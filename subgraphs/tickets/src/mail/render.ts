import type { BookingFacts, LegFacts, MailContent, RefundFacts, TicketLine } from './content.js';
import { escapeHtml, formatDeparture, formatMoney } from './format.js';
import { qrPng } from './qr.js';
import type { Contact } from './recipients.js';
import {
  changeBetween,
  changeSentence,
  isTrip,
  legDescription,
  legName,
  ticketLegSuffix,
  ticketsByLeg,
  tripShape,
  tripTitle,
  type TripFacts,
} from './trip-text.js';

/** An inline image of the HTML part, referred to as `cid:<cid>`. */
export interface InlineImage {
  filename: string;
  content: Buffer;
  contentType: 'image/png';
  cid: string;
}

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
  attachments: InlineImage[];
}

/** A labelled fact, shown as a line of text and as a table row. */
type Row = [label: string, value: string];

const journeyTitle = (booking: BookingFacts): string =>
  isTrip(booking)
    ? tripTitle(booking)
    : booking.journey
      ? `${booking.journey.origin} → ${booking.journey.destination}`
      : `run ${booking.runId}`;

const when = (booking: BookingFacts): string => (booking.departure ? formatDeparture(booking.departure) : '');

function journeyRows(booking: BookingFacts): Row[] {
  if (isTrip(booking)) return tripRows(booking);
  return [
    ['Booking reference', booking.bookingId],
    ['Train', booking.journey ? `${booking.journey.trainNumber} (run ${booking.runId})` : booking.runId],
    ...(booking.journey
      ? ([
          ['From', booking.journey.origin],
          ['To', booking.journey.destination],
        ] as Row[])
      : []),
    ...(booking.departure ? ([['Departure', when(booking)]] as Row[]) : []),
    ['Class', booking.seatClass === 'FIRST' ? 'First' : 'Standard'],
  ];
}

/** A trip's rows: where it starts and ends; each train is told in its leg's own section or row. */
function tripRows(trip: TripFacts): Row[] {
  const first = trip.legs[0]!;
  const last = trip.legs.at(-1)!;
  return [
    ['Booking reference', trip.bookingId],
    ['Trip', tripShape(trip)],
    ...(first.journey ? ([['From', first.journey.origin]] as Row[]) : []),
    ...(last.journey ? ([['To', last.journey.destination]] as Row[]) : []),
    ...(trip.departure ? ([['Departure', when(trip)]] as Row[]) : []),
    ['Class', trip.seatClass === 'FIRST' ? 'First' : 'Standard'],
  ];
}

function changeRow(arriving: LegFacts, leaving: LegFacts): Row {
  const { where, time } = changeBetween(arriving, leaving);
  return [where, time ?? 'times not known'];
}

/** A trip's legs as rows, and the changes between them, for the cancellation emails. */
const legRows = (trip: TripFacts): Row[] =>
  trip.legs.flatMap((leg, i): Row[] => [
    ...(i > 0 ? [changeRow(trip.legs[i - 1]!, leg)] : []),
    [legName(leg, trip), legDescription(leg)],
  ]);

const passengerOf = (ticket: TicketLine): string =>
  `${ticket.passengerName ?? 'Passenger'} (${ticket.passengerType.toLowerCase()})`;
const seatOf = (ticket: TicketLine): string => `coach ${ticket.coach}, seat ${ticket.seatLabel}`;

function refundRows(refund: RefundFacts): Row[] {
  if (refund.amount.amountMinor === 0) {
    return [['Refund', `none (${refund.percent}% under the refund rule at the time of cancelling)`]];
  }
  return [
    ['Refund', `${formatMoney(refund.amount)} (${refund.percent}% of the fares)`],
    ...(refund.toCard ? ([['Paid back to', 'the card you paid with; it shows within a few days']] as Row[]) : []),
  ];
}

const textRows = (rows: Row[]) => rows.map(([label, value]) => `${label}: ${value}`).join('\n');
const htmlRows = (rows: Row[]) =>
  `<table cellpadding="4">${rows
    .map(([label, value]) => `<tr><th align="left">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`)
    .join('')}</table>`;

const htmlPage = (title: string, body: string) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>` +
  `<body style="font-family: sans-serif">${body}</body></html>`;

const greeting = (to: Contact) => `Hello ${to.name},`;
const signature = 'Railgraph';

/** The content as an email to `to`: a subject, plain text and HTML, and one QR code per ticket. */
export async function renderMail(content: MailContent, to: Contact): Promise<RenderedMail> {
  const booking = content.booking;
  const title = journeyTitle(booking);
  const date = when(booking);
  const trip = isTrip(booking) ? booking : null;

  if (content.kind === 'confirmation') {
    const attachments = content.tickets.map((ticket, i) => ({
      filename: `ticket-${i + 1}.png`,
      content: qrPng(ticket.code),
      contentType: 'image/png' as const,
      cid: `ticket-${ticket.ticketId}@railgraph`,
    }));
    const { receipt } = content;
    const paymentRows: Row[] = [
      ['Total', formatMoney(receipt.total)],
      ...(receipt.payment
        ? ([
            [
              'Payment',
              receipt.payment.onAccount
                ? 'on account'
                : `card${receipt.payment.method ? ` (${receipt.payment.method})` : ''}, ${receipt.payment.status.toLowerCase()}`,
            ],
          ] as Row[])
        : []),
    ];
    const ticketText = (t: TicketLine, i: number) =>
      `Ticket ${i + 1}: ${passengerOf(t)}, ${seatOf(t)}, ${formatMoney(t.fare)}\n` +
      `  Ticket code (what the QR code in the HTML version holds):\n  ${t.code}`;
    const ticketHtml = (t: TicketLine, i: number) =>
      `<div style="margin: 1em 0"><h3>Ticket ${i + 1}</h3>` +
      htmlRows([
        ['Passenger', passengerOf(t)],
        ['Seat', seatOf(t)],
        ['Fare', formatMoney(t.fare)],
      ]) +
      `<img src="cid:${escapeHtml(attachments[i]!.cid)}" alt="QR code of ticket ${i + 1}" width="220" height="220"></div>`;
    // A trip lists each train with the tickets for it, and the change before the next train.
    const numbered = (t: TicketLine) => content.tickets.indexOf(t);
    const sections = trip ? ticketsByLeg(trip, content.tickets) : null;
    const ticketsText = sections
      ? sections
          .map(({ leg, heading, tickets }, k) =>
            [
              ...(k > 0 ? [changeSentence(sections[k - 1]!.leg, leg)] : []),
              heading,
              ...tickets.map((t) => ticketText(t, numbered(t))),
            ].join('\n\n'),
          )
          .join('\n\n')
      : content.tickets.map(ticketText).join('\n\n');
    const ticketsHtml = sections
      ? sections
          .map(
            ({ leg, heading, tickets }, k) =>
              (k > 0 ? `<p><strong>${escapeHtml(changeSentence(sections[k - 1]!.leg, leg))}</strong></p>` : '') +
              `<h2>${escapeHtml(heading)}</h2>` +
              tickets.map((t) => ticketHtml(t, numbered(t))).join(''),
          )
          .join('')
      : content.tickets.map(ticketHtml).join('');
    const subject = `Booking confirmed: ${title}${date ? `, ${date}` : ''}`;
    const intro = 'Your booking is confirmed. Show each ticket’s QR code to the inspector.';
    return {
      subject,
      text: [
        greeting(to),
        intro,
        textRows(journeyRows(booking)),
        ticketsText,
        `Receipt\n${textRows(paymentRows)}`,
        signature,
      ].join('\n\n'),
      html: htmlPage(
        subject,
        `<p>${escapeHtml(greeting(to))}</p><p>${escapeHtml(intro)}</p>${htmlRows(journeyRows(booking))}` +
          `${ticketsHtml}<h2>Receipt</h2>${htmlRows(paymentRows)}<p>${signature}</p>`,
      ),
      attachments,
    };
  }

  if (content.kind === 'exchange') {
    const subject = `Booking changed: ${title}${date ? `, ${date}` : ''}`;
    const intro =
      `Your booking is changed for booking ${content.exchangedTo}, whose tickets come in an email of their own. ` +
      'The tickets of this booking are no longer valid.';
    const rows: Row[] = [
      ...journeyRows(booking),
      ...(trip ? legRows(trip) : []),
      ['Back to you', formatMoney(content.refund)],
      ...(content.fee.amountMinor > 0 ? ([['Exchange fee', formatMoney(content.fee)]] as Row[]) : []),
      ...(content.toCard ? ([['Paid back to', 'the card you paid with; it shows within a few days']] as Row[]) : []),
    ];
    return notice(subject, to, intro, rows);
  }

  if (content.kind === 'disruption') {
    const { disruption } = content;
    const subject = `Train cancelled: ${title}${date ? `, ${date}` : ''}`;
    const which = trip ? `Train ${disruption.leg} of your trip` : 'Your train';
    const intro = `${which} is cancelled: ${disruption.reason}`;
    const choices = [
      'You may rebook for free on a later train: no fee, and no passenger pays more than they paid (Change train, on your booking).',
      `Or cancel for a full refund${disruption.toCard ? ', paid back to your card' : ''}, whatever the refund rule says.`,
      'Either until 30 days after the departure.',
    ];
    const rows = [...journeyRows(booking), ...(trip ? legRows(trip) : [])];
    return {
      subject,
      text: [greeting(to), intro, textRows(rows), choices.join('\n'), signature].join('\n\n'),
      html: htmlPage(
        subject,
        `<p>${escapeHtml(greeting(to))}</p><p><strong>${escapeHtml(intro)}</strong></p>${htmlRows(rows)}` +
          `<ul>${choices.map((c) => `<li>${escapeHtml(c)}</li>`).join('')}</ul><p>${signature}</p>`,
      ),
      attachments: [],
    };
  }

  // On a trip, each ticket says which train it is for.
  const listed = (t: TicketLine) => `${passengerOf(t)}, ${seatOf(t)}${trip ? ticketLegSuffix(t, trip) : ''}`;
  const cancelledRows: Row[] = content.cancelled.map((t, i) => [`Cancelled ticket ${i + 1}`, listed(t)]);
  const remainingRows: Row[] =
    content.kind === 'tickets-cancelled' ? content.remaining.map((t, i) => [`Still valid ${i + 1}`, listed(t)]) : [];
  const subject =
    content.kind === 'cancellation'
      ? `Booking cancelled: ${title}${date ? `, ${date}` : ''}`
      : `Tickets cancelled: ${title}${date ? `, ${date}` : ''}`;
  const intro =
    content.kind === 'cancellation'
      ? 'Your booking is cancelled; its tickets are no longer valid.'
      : 'These tickets of your booking are cancelled; the others stay valid.';
  const rows = [
    ...journeyRows(booking),
    ...(trip ? legRows(trip) : []),
    ...cancelledRows,
    ...remainingRows,
    ...refundRows(content.refund),
  ];
  return notice(subject, to, intro, rows);
}

/** An email of one paragraph and a table, no images: an exchange's, a cancellation's. */
function notice(subject: string, to: Contact, intro: string, rows: Row[]): RenderedMail {
  return {
    subject,
    text: [greeting(to), intro, textRows(rows), signature].join('\n\n'),
    html: htmlPage(
      subject,
      `<p>${escapeHtml(greeting(to))}</p><p>${escapeHtml(intro)}</p>${htmlRows(rows)}<p>${signature}</p>`,
    ),
    attachments: [],
  };
}
