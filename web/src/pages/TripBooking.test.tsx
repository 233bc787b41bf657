import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { axeViolations } from '../test/axe';
import { renderWithApi } from '../test/fake-api';
import { money, tripLegs } from '../test/fixtures';
import { BookingPage } from './BookingPage';
import { BookingsPage } from './BookingsPage';

const ticket = (id: string, leg: number, name: string, passenger: string, seat: string, fare: number) => ({
  __typename: 'Ticket',
  id,
  leg,
  seat,
  coach: 2 + leg,
  passenger,
  passengerName: name,
  code: `eyJ.${id}.sig`,
  status: 'ACTIVE',
  fare: money(fare),
});

/** Two passengers on a trip with one change: four tickets, the first leg's then the second's. */
const tripBooking = {
  __typename: 'Booking',
  id: 'c0ffee00-0000-4000-8000-000000000000',
  status: 'CONFIRMED',
  createdAt: '2026-11-25T10:00:00Z',
  total: money(3000),
  payment: {
    __typename: 'Payment',
    status: 'CAPTURED',
    amount: money(3000),
    refunded: money(0),
    method: 'pm_card_visa',
  },
  refunds: [],
  exchangedTo: null,
  exchangedFrom: null,
  disruption: null,
  legs: tripLegs,
  tickets: [
    ticket('t1', 0, 'Ada Lovelace', 'ADULT', '1A', 1000),
    ticket('t2', 0, 'Noor', 'CHILD', '1B', 500),
    ticket('t3', 1, 'Ada Lovelace', 'ADULT', '4C', 1000),
    ticket('t4', 1, 'Noor', 'CHILD', '4D', 500),
  ],
};

describe('a booking of a trip with a change', () => {
  it('shows both trains and the change, and the tickets under a heading per leg', async () => {
    renderWithApi(<BookingPage id="b1" justBooked />, { Booking: () => ({ data: { booking: tripBooking } }) });
    const first = await screen.findByRole('region', { name: 'Leg 1: Rotterdam Centraal → Amsterdam Centraal' });
    const second = screen.getByRole('region', { name: 'Leg 2: Amsterdam Centraal → Utrecht Centraal' });
    // Numbered through the booking, in travel order: one number, one ticket.
    expect(
      within(first)
        .getAllByRole('heading', { level: 4 })
        .map((h) => h.textContent),
    ).toEqual(['Ticket 1: Ada Lovelace', 'Ticket 2: Noor']);
    expect(
      within(second)
        .getAllByRole('heading', { level: 4 })
        .map((h) => h.textContent),
    ).toEqual(['Ticket 3: Ada Lovelace', 'Ticket 4: Noor']);
    expect(within(first).getByText('BX 610 · 08:04–08:45')).toBeTruthy();
    expect(within(second).getByText('IC 2230 · 08:57–09:24')).toBeTruthy();

    // Each ticket's QR code, under its leg.
    await waitFor(() =>
      expect(
        within(second)
          .getAllByRole('img', { name: /^QR code of ticket .*inspector\.$/ })
          .map((img) => img.getAttribute('data-ticket-code')),
      ).toEqual(['eyJ.t3.sig', 'eyJ.t4.sig']),
    );
    expect(within(second).getByRole('img', { name: /^QR code of ticket 3, coach 3 seat 4C\./ })).toBeTruthy();

    const trains = screen.getByRole('list', { name: 'Your trains' });
    expect(
      within(trains)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual([
      'BX 610 · 08:04 Rotterdam Centraal → 08:45 Amsterdam Centraal',
      'Change at Amsterdam Centraal: 12 minIC 2230 · 08:57 Amsterdam Centraal → 09:24 Utrecht Centraal',
    ]);
    expect(screen.getByText(/^Tue,? 1 Dec 2026 · 1 change$/)).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Cancel ticket 4' })).toBeTruthy();
    expect(await axeViolations()).toEqual([]);
  });

  it('is listed under My bookings from its first station to its last, with both trains', async () => {
    renderWithApi(<BookingsPage />, {
      MyBookings: () => ({ data: { me: { __typename: 'User', id: 'u1', bookings: [tripBooking] } } }),
    });
    const link = await screen.findByRole('link', { name: /Rotterdam Centraal → Utrecht Centraal/ });
    expect(link.textContent).toMatch(
      /^Rotterdam Centraal → Utrecht CentraalTue,? 1 Dec 2026 · 08:04 · 1 change: BX 610, IC 2230Confirmed · 4 tickets · €30\.00$/,
    );
    expect(await axeViolations()).toEqual([]);
  });
});
