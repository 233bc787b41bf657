import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { SeatMap, layoutCoach, type SeatMapCoach } from './SeatMap';

const coach: SeatMapCoach = {
  __typename: 'SeatMapCoach',
  number: 3,
  seatClass: 'STANDARD',
  seats: [
    { __typename: 'SeatMapSeat', seatId: '3-1A', label: '1A', position: 'WINDOW', free: true },
    { __typename: 'SeatMapSeat', seatId: '3-1B', label: '1B', position: 'AISLE', free: false },
    { __typename: 'SeatMapSeat', seatId: '3-1C', label: '1C', position: 'AISLE', free: true },
    { __typename: 'SeatMapSeat', seatId: '3-1D', label: '1D', position: 'WINDOW', free: true },
    { __typename: 'SeatMapSeat', seatId: '3-2A', label: '2A', position: 'WINDOW', free: true },
    { __typename: 'SeatMapSeat', seatId: '3-2B', label: '2B', position: 'AISLE', free: true },
    { __typename: 'SeatMapSeat', seatId: '3-2C', label: '2C', position: 'AISLE', free: true },
    { __typename: 'SeatMapSeat', seatId: '3-2D', label: '2D', position: 'WINDOW', free: true },
  ],
};

function Harness({ required }: { required: number }) {
  const [selected, setSelected] = useState<string[]>([]);
  return (
    <>
      <SeatMap coaches={[coach]} required={required} selected={selected} onChange={setSelected} />
      <output>{selected.join(',')}</output>
    </>
  );
}

describe('the seat map', () => {
  it('names each seat with its position and marks taken seats as not selectable', async () => {
    render(<Harness required={1} />);
    expect(screen.getByRole('button', { name: /^1A ?window seat, coach 3$/ }).getAttribute('aria-pressed')).toBe(
      'false',
    );
    const taken = screen.getByRole('button', { name: /^1B ?aisle seat, coach 3, taken$/ });
    expect(taken.getAttribute('aria-disabled')).toBe('true');
    await userEvent.click(taken);
    expect(screen.getByRole('status').textContent).toBe('');
  });

  it('moves between seats with the arrow keys and picks with Space or Enter', async () => {
    render(<Harness required={2} />);
    await userEvent.tab();
    expect(document.activeElement?.textContent).toMatch(/^1A/);
    await userEvent.keyboard(' ');
    await userEvent.keyboard('{ArrowDown}');
    expect(document.activeElement?.textContent).toMatch(/^2A/);
    await userEvent.keyboard('{ArrowRight}{Enter}');
    expect(screen.getByRole('status').textContent).toBe('3-1A,3-2B');
    expect(screen.getByRole('button', { name: /^2B ?aisle seat, coach 3$/ }).getAttribute('aria-pressed')).toBe('true');
  });

  it('replaces the oldest pick once every passenger has a seat', async () => {
    render(<Harness required={1} />);
    await userEvent.click(screen.getByRole('button', { name: /^1A ?window seat, coach 3$/ }));
    await userEvent.click(screen.getByRole('button', { name: /^2D ?window seat, coach 3$/ }));
    expect(screen.getByRole('status').textContent).toBe('3-2D');
  });

  it('puts the aisle between the two aisle-seat columns', () => {
    expect(layoutCoach(coach.seats).aisleAfter).toBe(1);
    const firstClass = coach.seats
      .filter((s) => s.label.endsWith('A') || s.label.endsWith('C') || s.label.endsWith('D'))
      .map((s) => (s.label.endsWith('C') ? { ...s, position: 'AISLE' as const } : s));
    expect(layoutCoach(firstClass).aisleAfter).toBe(0);
  });
});
