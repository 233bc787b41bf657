import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { graphqlError, renderWithApi, type Handlers } from '../test/fake-api';
import { journeyTimes, money } from '../test/fixtures';
import { BookingPage } from './BookingPage';

const journey = journeyTimes;

const booking = (
  status: string,
  ticketStatus: [string, string] = ['ACTIVE', 'ACTIVE'],
  names: [string | null, string | null] = ['Ada Lovelace', 'Noor'],
) => ({
  data: {
    booking: {
      __typename: 'Booking',
      id: 'b0157b24-0000-4000-8000-000000000000',
      status,
      createdAt: '2026-11-25T10:00:00Z',
      total: money(1920),
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
          journey,
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
          journey,
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
          data: { cancelBooking: { __typename: 'Booking', id: 'b0157b24-0000-4000-8000-000000000000', status } },
        };
      },
      MyBookings: () => ({ data: { me: { __typename: 'User', id: 'u1', bookings: [] } } }),
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Cancel this booking' }));
    expect((await screen.findByText(/You will get/)).textContent).toBe('You will get €9.60 back of €19.20.');
    expect(calls.some((c) => c.operationName === 'CancelBooking')).toBe(false);
    await userEvent.click(screen.getByRole('button', { name: 'Yes, cancel booking' }));
    await waitFor(() => expect(screen.getByText('Refunded')).toBeTruthy());
    expect(screen.queryAllByRole('img', { name: /^QR code of ticket/ })).toHaveLength(0);
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
});
