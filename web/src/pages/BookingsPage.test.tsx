import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { axeViolations } from '../test/axe';
import { renderWithApi } from '../test/fake-api';
import { journeyTimes, money } from '../test/fixtures';
import { BookingsPage } from './BookingsPage';

const item = (id: string, status: string, disruption: { runId: string } | null = null) => ({
  __typename: 'Booking',
  id,
  status,
  total: money(1920),
  legs: [journeyTimes],
  tickets: [{ __typename: 'Ticket', id: `${id}-t1` }],
  disruption: disruption && { __typename: 'Disruption', ...disruption },
});

describe('my bookings', () => {
  it('lists an exchanged booking as exchanged, and marks a confirmed one whose train was cancelled', async () => {
    renderWithApi(<BookingsPage />, {
      MyBookings: () => ({
        data: {
          me: {
            __typename: 'User',
            id: 'u1',
            bookings: [
              item('e7c4a2d1-new', 'CONFIRMED'),
              item('b0157b24-old', 'EXCHANGED'),
              item('c0ffee00-hit', 'CONFIRMED', { runId: 'BX602:2026-12-01' }),
            ],
          },
        },
      }),
    });
    const metas = await screen.findAllByText(/ticket/, { selector: '.booking-meta' });
    expect(metas.map((meta) => meta.textContent)).toEqual([
      'Confirmed · 1 ticket · €19.20',
      'Exchanged · 1 ticket · €19.20',
      'Confirmed · Train cancelled · 1 ticket · €19.20',
    ]);
    expect(await axeViolations()).toEqual([]);
  });
});
