import type { BookingFacts, MailContent, RefundFacts, TicketLine } from './content.js';
import { escapeHtml, formatDeparture, formatMoney } from './format.js';
import { qrPng } from './qr.js';
import type { Contact } from './recipients.js';

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
  booking.journey ? `${booking.journey.origin} → ${booking.journey.destination}` : `run ${booking.runId}`;

const when = (booking: BookingFacts): string => (booking.departure ? formatDeparture(booking.departure) : '');

function journeyRows(booking: BookingFacts): Row[] {
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
    const ticketText = content.tickets
      .map(
        (t, i) =>
          `Ticket ${i + 1}: ${passengerOf(t)}, ${seatOf(t)}, ${formatMoney(t.fare)}\n` +
          `  Ticket code (what the QR code in the HTML version holds):\n  ${t.code}`,
      )
      .join('\n\n');
    const ticketHtml = content.tickets
      .map(
        (t, i) =>
          `<div style="margin: 1em 0"><h3>Ticket ${i + 1}</h3>` +
          htmlRows([
            ['Passenger', passengerOf(t)],
            ['Seat', seatOf(t)],
            ['Fare', formatMoney(t.fare)],
          ]) +
          `<img src="cid:${escapeHtml(attachments[i]!.cid)}" alt="QR code of ticket ${i + 1}" width="220" height="220"></div>`,
      )
      .join('');
    const subject = `Booking confirmed: ${title}${date ? `, ${date}` : ''}`;
    const intro = 'Your booking is confirmed. Show each ticket’s QR code to the inspector.';
    return {
      subject,
      text: [
        greeting(to),
        intro,
        textRows(journeyRows(booking)),
        ticketText,
        `Receipt\n${textRows(paymentRows)}`,
        signature,
      ].join('\n\n'),
      html: htmlPage(
        subject,
        `<p>${escapeHtml(greeting(to))}</p><p>${escapeHtml(intro)}</p>${htmlRows(journeyRows(booking))}` +
          `${ticketHtml}<h2>Receipt</h2>${htmlRows(paymentRows)}<p>${signature}</p>`,
      ),
      attachments,
    };
  }

  const cancelledRows: Row[] = content.cancelled.map((t, i) => [
    `Cancelled ticket ${i + 1}`,
    `${passengerOf(t)}, ${seatOf(t)}`,
  ]);
  const remainingRows: Row[] =
    content.kind === 'tickets-cancelled'
      ? content.remaining.map((t, i) => [`Still valid ${i + 1}`, `${passengerOf(t)}, ${seatOf(t)}`])
      : [];
  const subject =
    content.kind === 'cancellation'
      ? `Booking cancelled: ${title}${date ? `, ${date}` : ''}`
      : `Tickets cancelled: ${title}${date ? `, ${date}` : ''}`;
  const intro =
    content.kind === 'cancellation'
      ? 'Your booking is cancelled; its tickets are no longer valid.'
      : 'These tickets of your booking are cancelled; the others stay valid.';
  const rows = [...journeyRows(booking), ...cancelledRows, ...remainingRows, ...refundRows(content.refund)];
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
