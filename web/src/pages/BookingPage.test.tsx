import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { axeViolations } from '../test/axe';
import { graphqlError, renderWithApi, type Handlers } from '../test/fake-api';
import { journeyTimes, money } from '../test/fixtures';
import { BookingPage } from './BookingPage';

const journey = journeyTimes;

/** A card payment of the booking's total with the Visa test card, `refunded` of it refunded so far. */
const payment = (status = 'CAPTURED', refunded = 0) => ({
  __typename: 'Payment',
  status,
  amount: money(1920),
  refunded: money(refunded),
  method: 'pm_card_visa',
});

const refund = (id: string, amountMinor: number) => ({ __typename: 'Refund', id, amount: money(amountMinor) });

const booking = (
  status: string,
  ticketStatus: [string, string] = ['ACTIVE', 'ACTIVE'],
  names: [string | null, string | null] = ['Ada Lovelace', 'Noor'],
  paid: { payment: ReturnType<typeof payment> | null; refunds: Array<ReturnType<typeof refund>> } = {
    payment: payment(),
    refunds: [],
  },
) => ({
  data: {
    booking: {
      __typename: 'Booking',
      id: 'b0157b24-0000-4000-8000-000000000000',
      status,
      createdAt: '2026-11-25T10:00:00Z',
      total: money(1920),
      ...paid,
      exchangedTo: null,
      exchangedFrom: null,
      disruption: null,
      legs: [journey],
      tickets: [
        {
          __typename: 'Ticket',
          id: 't1',
          seat: '1A',
          coach: 2,
          passenger: 'ADULT',
          passengerName: names[0],
          code: 'eyJ.ticket-one.sig',
          status: ticketStatus[0],
          fare: money(1280),
          leg: 0,
        },
        {
          __typename: 'Ticket',
          id: 't2',
          seat: '1B',
          coach: 2,
          passenger: 'CHILD',
          passengerName: names[1],
          code: 'eyJ.ticket-two.sig',
          status: ticketStatus[1],
          fare: money(640),
          leg: 0,
        },
      ],
    },
  },
});

describe('a booking', () => {
  it('names each ticket after its passenger, as the ticket carries the name', async () => {
    const { calls } = renderWithApi(<BookingPage id="b1" justBooked />, { Booking: () => booking('CONFIRMED') });
    const first = await screen.findByRole('heading', { name: 'Ticket 1: Ada Lovelace' });
    expect(screen.getByRole('heading', { name: 'Ticket 2: Noor' })).toBeTruthy();
    // The fare category is still shown beside the name.
    expect(first.closest('li')?.querySelector('dl')?.textContent).toMatch(/^Fare categoryAdult/);
    expect(calls.find((c) => c.operationName === 'Booking')).toBeTruthy();
  });

  it('falls back to the fare category for tickets issued without names', async () => {
    renderWithApi(<BookingPage id="b1" justBooked />, { Booking: () => booking('CONFIRMED', undefined, [null, null]) });
    expect(await screen.findByRole('heading', { name: 'Ticket 1: Adult' })).toBeTruthy();
    expect(screen.getByRole('heading', { name: 'Ticket 2: Child' })).toBeTruthy();
  });

  it('shows every ticket with a QR code of its ticket code', async () => {
    renderWithApi(<BookingPage id="b1" justBooked />, { Booking: () => booking('CONFIRMED') });
    expect(await screen.findByRole('heading', { name: 'You are booked' })).toBeTruthy();
    // Each code is drawn asynchronously; until then its place is a labelled placeholder.
    const drawn = () => screen.getAllByRole('img', { name: /^QR code of ticket .*inspector\.$/ });
    await waitFor(() =>
      expect(drawn().map((img) => img.getAttribute('data-ticket-code'))).toEqual([
        'eyJ.ticket-one.sig',
        'eyJ.ticket-two.sig',
      ]),
    );
    expect(drawn()[0]!.getAttribute('src')).toMatch(/^data:image\/svg\+xml/);
  });

  it('shows the refund before cancelling when the API quotes it', async () => {
    let status = 'CONFIRMED';
    const { calls } = renderWithApi(<BookingPage id="b1" justBooked={false} />, {
      Booking: () => booking(status),
      RefundQuote: () => ({
        data: { refundQuote: { __typename: 'RefundQuote', amount: money(960), paid: money(1920) } },
      }),
      CancelBooking: () => {
        status = 'REFUNDED';
        return {
          data: {
            cancelBooking: {
              __typename: 'Booking',
              id: 'b0157b24-0000-4000-8000-000000000000',
              status,
              payment: payment('PARTIALLY_REFUNDED', 960),
              refunds: [refund('r1', 960)],
            },
          },
        };
      },
      MyBookings: () => ({ data: { me: { __typename: 'User', id: 'u1', bookings: [] } } }),
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Cancel this booking' }));
    expect((await screen.findByText(/You will get/)).textContent).toBe('You will get €9.60 back of €19.20.');
    expect(calls.some((c) => c.operationName === 'CancelBooking')).toBe(false);
    await userEvent.click(screen.getByRole('button', { name: 'Yes, cancel booking' }));
    await waitFor(() => expect(screen.getByText('Refunded', { selector: '.status' })).toBeTruthy());
    expect(screen.queryAllByRole('img', { name: /^QR code of ticket/ })).toHaveLength(0);
    // The payment shows what came back, from the cancellation's answer.
    expect(screen.getByRole('region', { name: 'Payment' }).querySelector('.payment-refunded')?.textContent).toBe(
      '€9.60',
    );
  });

  it('states the refund rule when the API has no refund quote yet', async () => {
    const handlers: Handlers = {
      Booking: () => booking('CONFIRMED'),
      RefundQuote: () => graphqlError('GRAPHQL_VALIDATION_FAILED', 'Cannot query field "refundQuote" on type "Query".'),
    };
    renderWithApi(<BookingPage id="b1" justBooked={false} />, handlers);
    await userEvent.click(await screen.findByRole('button', { name: 'Cancel this booking' }));
    expect((await screen.findByText(/follows the fare rules/)).textContent).toMatch(
      /full €19\.20 until 24 hours before/,
    );
  });

  it('explains when the booking can no longer be cancelled', async () => {
    renderWithApi(<BookingPage id="b1" justBooked={false} />, {
      Booking: () => booking('CONFIRMED'),
      CancelBooking: () => graphqlError('NOT_CANCELLABLE'),
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Cancel this booking' }));
    await userEvent.click(await screen.findByRole('button', { name: 'Yes, cancel booking' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/can no longer be cancelled/);
  });

  it('cancels one ticket after showing its refund, and the other stays valid', async () => {
    let tickets: [string, string] = ['ACTIVE', 'ACTIVE'];
    const { calls } = renderWithApi(<BookingPage id="b1" justBooked={false} />, {
      Booking: () => booking('CONFIRMED', tickets),
      RefundQuote: () => ({
        data: { refundQuote: { __typename: 'RefundQuote', amount: money(640), paid: money(1280) } },
      }),
      CancelTickets: () => {
        tickets = ['CANCELLED', 'ACTIVE'];
        return {
          data: {
            cancelTickets: {
              __typename: 'Booking',
              id: 'b0157b24-0000-4000-8000-000000000000',
              status: 'CONFIRMED',
              tickets: [
                { __typename: 'Ticket', id: 't1', status: 'CANCELLED' },
                { __typename: 'Ticket', id: 't2', status: 'ACTIVE' },
              ],
              payment: payment('PARTIALLY_REFUNDED', 640),
              refunds: [refund('r1', 640)],
            },
          },
        };
      },
      MyBookings: () => ({ data: { me: { __typename: 'User', id: 'u1', bookings: [] } } }),
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Cancel ticket 1' }));
    const panel = await screen.findByRole('region', { name: 'Cancel ticket 1?' });
    await waitFor(() =>
      expect(panel.querySelector('.refund')?.textContent).toBe(
        'You will get €6.40 back of €12.80. The other tickets stay valid.',
      ),
    );
    expect(calls.find((c) => c.operationName === 'RefundQuote')?.variables).toEqual({
      bookingId: 'b0157b24-0000-4000-8000-000000000000',
      ticketIds: ['t1'],
    });
    expect(calls.some((c) => c.operationName === 'CancelTickets')).toBe(false);
    await userEvent.click(screen.getByRole('button', { name: 'Yes, cancel ticket 1' }));
    await waitFor(() => expect(screen.getAllByRole('img', { name: /^QR code of ticket/ })).toHaveLength(1));
    expect(calls.find((c) => c.operationName === 'CancelTickets')?.variables).toEqual({
      bookingId: 'b0157b24-0000-4000-8000-000000000000',
      ticketIds: ['t1'],
    });
    expect(screen.getByText('Cancelled')).toBeTruthy();
    expect(screen.getByText('Confirmed')).toBeTruthy();
    // The last ticket left is cancelled with the booking, not on its own.
    expect(screen.queryByRole('button', { name: /^Cancel ticket/ })).toBeNull();
    expect(screen.getByRole('button', { name: 'Cancel this booking' })).toBeTruthy();
  });

  it('shows the payment in words: status, amount and card', async () => {
    renderWithApi(<BookingPage id="b1" justBooked />, { Booking: () => booking('CONFIRMED') });
    const section = await screen.findByRole('region', { name: 'Payment' });
    expect(section.querySelector('dl')?.textContent).toBe('StatusPaidAmount€19.20Paid withVisa test card');
  });

  it('shows nothing of a payment for a booking made before payments', async () => {
    renderWithApi(<BookingPage id="b1" justBooked />, {
      Booking: () => booking('CONFIRMED', undefined, undefined, { payment: null, refunds: [] }),
    });
    await screen.findByRole('heading', { name: 'Ticket 1: Ada Lovelace' });
    expect(screen.queryByRole('region', { name: 'Payment' })).toBeNull();
  });

  it('shows a cancellation’s refund on its way to the card until the payment has it', async () => {
    // The refund reaches the card after the cancellation: the second answer after it has it.
    let afterCancel = 0;
    let tickets: [string, string] = ['ACTIVE', 'ACTIVE'];
    const paid = () =>
      afterCancel === 0
        ? { payment: payment(), refunds: [] }
        : { payment: afterCancel < 3 ? payment() : payment('PARTIALLY_REFUNDED', 640), refunds: [refund('r1', 640)] };
    const answer = () => {
      if (afterCancel > 0) afterCancel += 1;
      return booking('CONFIRMED', tickets, undefined, paid());
    };
    renderWithApi(<BookingPage id="b1" justBooked={false} />, {
      Booking: answer,
      RefundQuote: () => ({
        data: { refundQuote: { __typename: 'RefundQuote', amount: money(640), paid: money(1280) } },
      }),
      CancelTickets: () => {
        tickets = ['CANCELLED', 'ACTIVE'];
        afterCancel = 1;
        const { data } = booking('CONFIRMED', tickets, undefined, paid());
        return { data: { cancelTickets: data.booking } };
      },
      MyBookings: () => ({ data: { me: { __typename: 'User', id: 'u1', bookings: [] } } }),
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Cancel ticket 1' }));
    await userEvent.click(await screen.findByRole('button', { name: 'Yes, cancel ticket 1' }));
    const section = await screen.findByRole('region', { name: 'Payment' });
    expect((await within(section).findByRole('status')).textContent).toBe(
      'A refund of €6.40 is on its way to your card.',
    );
    await waitFor(
      () =>
        expect(section.querySelector('dl')?.textContent).toMatch(
          /Paid, partly refundedAmount€19\.20Paid withVisa test cardRefunded€6\.40$/,
        ),
      {
        timeout: 8_000,
      },
    );
    expect(within(section).queryByRole('status')).toBeNull();
  }, 15_000);
});

/** The booking fixture with some of its fields as the API answers them after an exchange or a cancelled train. */
const bookingWith = (base: ReturnType<typeof booking>, fields: Record<string, unknown>) => ({
  data: { booking: { ...base.data.booking, ...fields } },
});

const NEW = 'e7c4a2d1-0000-4000-8000-000000000000';

describe('an exchanged booking', () => {
  it('links the booking it was exchanged for, and shows its tickets as exchanged, without codes', async () => {
    renderWithApi(<BookingPage id="b1" justBooked={false} />, {
      Booking: () =>
        bookingWith(booking('EXCHANGED', ['EXCHANGED', 'EXCHANGED']), {
          exchangedTo: { __typename: 'Booking', id: NEW },
        }),
    });
    expect(await screen.findByText('Exchanged', { selector: '.status' })).toBeTruthy();
    const link = screen.getByRole('link', { name: 'E7C4A2D1' });
    expect(link.getAttribute('href')).toBe(`/bookings/${NEW}`);
    expect(link.closest('p')?.textContent).toBe('Exchanged for booking E7C4A2D1, which holds your valid tickets.');
    expect(screen.getAllByText('Exchanged', { selector: '.ticket-void' })).toHaveLength(2);
    expect(screen.getAllByText('Not valid for travel')).toHaveLength(2);
    expect(screen.queryAllByRole('img', { name: /^QR code of ticket/ })).toHaveLength(0);
    expect(screen.queryByRole('link', { name: 'Change train' })).toBeNull();
    expect(screen.queryByRole('button', { name: /^Cancel/ })).toBeNull();
    expect(await axeViolations()).toEqual([]);
  });

  it('is named on the booking that replaced it, which can be changed again', async () => {
    renderWithApi(<BookingPage id={NEW} justBooked />, {
      Booking: () =>
        bookingWith(booking('CONFIRMED'), { id: NEW, exchangedFrom: { __typename: 'Booking', id: 'b0157b24-0000' } }),
    });
    expect(await screen.findByRole('heading', { name: 'You are booked' })).toBeTruthy();
    expect(screen.getByText(/^Changed from booking/).textContent).toBe('Changed from booking B0157B24.');
    expect(screen.getByRole('link', { name: 'Change train' }).getAttribute('href')).toBe(`/bookings/${NEW}/change`);
  });
});

describe('a booking whose train was cancelled', () => {
  const disruption = {
    __typename: 'Disruption',
    runId: 'BX602:2026-12-01',
    reason: 'Signal failure between Schiphol and Leiden.',
    source: 'OPERATOR',
    cancelledAt: '2026-12-01T04:50:00Z',
    rebookAfter: '2026-12-01T05:17:00Z',
  };

  it('says so first, with both choices: rebook for free or cancel for everything back', async () => {
    const { calls } = renderWithApi(<BookingPage id="b1" justBooked={false} />, {
      Booking: () => bookingWith(booking('CONFIRMED'), { disruption }),
      RefundQuote: () => ({
        data: { refundQuote: { __typename: 'RefundQuote', amount: money(1920), paid: money(1920) } },
      }),
    });
    const notice = await screen.findByRole('alert', { name: 'Your train is cancelled' });
    expect(notice.textContent).toContain('Reason: Signal failure between Schiphol and Leiden.');
    // On the boarding station's clock (Amsterdam: 04:50 UTC is 05:50).
    expect(notice.textContent).toMatch(/Cancelled at 05:50 on Tue,? 1 Dec 2026 by the operator\./);
    expect(within(notice).getByRole('link', { name: 'Rebook for free' }).getAttribute('href')).toBe(
      '/bookings/b0157b24-0000-4000-8000-000000000000/change',
    );
    // The choices replace the usual ones: one way to cancel, and no fee-paying change.
    expect(screen.queryByRole('button', { name: 'Cancel this booking' })).toBeNull();
    expect(screen.queryByRole('link', { name: 'Change train' })).toBeNull();
    expect(await axeViolations()).toEqual([]);

    await userEvent.click(within(notice).getByRole('button', { name: 'Cancel for a full refund' }));
    expect((await within(notice).findByText(/You will get/)).textContent).toBe('You will get €19.20 back of €19.20.');
    expect(calls.find((c) => c.operationName === 'RefundQuote')?.variables).toEqual({
      bookingId: 'b0157b24-0000-4000-8000-000000000000',
    });
    expect(within(notice).getByRole('button', { name: 'Yes, cancel booking' })).toBeTruthy();
  });

  it('says the refund is in full when the API cannot quote it', async () => {
    renderWithApi(<BookingPage id="b1" justBooked={false} />, {
      Booking: () => bookingWith(booking('CONFIRMED'), { disruption }),
      RefundQuote: () => graphqlError('GRAPHQL_VALIDATION_FAILED'),
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Cancel for a full refund' }));
    expect((await screen.findByText(/full €19\.20 back/)).textContent).toBe(
      'Your train was cancelled, so you get the full €19.20 back.',
    );
  });

  it('shows no notice once the booking is no longer confirmed', async () => {
    renderWithApi(<BookingPage id="b1" justBooked={false} />, {
      Booking: () => bookingWith(booking('REFUNDED', ['CANCELLED', 'CANCELLED']), { disruption }),
    });
    await screen.findByText('Refunded', { selector: '.status' });
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
