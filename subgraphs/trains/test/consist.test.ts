import { describe, expect, it } from 'vitest';
import { coachSpecsSchema, consistSpecFromId, expandConsist, seatsPerClass } from '../src/consist/layout.js';

describe('consist layouts', () => {
  it('builds IC-2F6S as two first-class coaches then six standard coaches, numbered from 1', () => {
    const spec = consistSpecFromId('IC-2F6S');
    expect(spec).not.toBeNull();
    const layout = expandConsist(spec!);
    expect(layout.id).toBe('IC-2F6S');
    expect(layout.coaches.map((c) => [c.number, c.seatClass, c.seatCount])).toEqual([
      [1, 'FIRST', 36],
      [2, 'FIRST', 36],
      [3, 'STANDARD', 64],
      [4, 'STANDARD', 64],
      [5, 'STANDARD', 64],
      [6, 'STANDARD', 64],
      [7, 'STANDARD', 64],
      [8, 'STANDARD', 64],
    ]);
    expect(seatsPerClass(layout)).toEqual({ FIRST: 72, STANDARD: 384 });
  });

  it('labels first-class seats row by row, A and D at the window, C on the aisle', () => {
    const first = expandConsist(consistSpecFromId('IC-1F1S')!).coaches[0]!;
    expect(first.seats.slice(0, 4)).toEqual([
      { label: '1A', position: 'WINDOW' },
      { label: '1C', position: 'AISLE' },
      { label: '1D', position: 'WINDOW' },
      { label: '2A', position: 'WINDOW' },
    ]);
    expect(first.seats.at(-1)).toEqual({ label: '12D', position: 'WINDOW' });
    expect(first.seats).toHaveLength(first.seatCount);
  });

  it('labels standard seats A/D window and B/C aisle, 16 rows', () => {
    const standard = expandConsist(consistSpecFromId('IC-1F1S')!).coaches[1]!;
    expect(standard.seats.filter((s) => s.label.startsWith('12') && s.label.length === 3)).toEqual([
      { label: '12A', position: 'WINDOW' },
      { label: '12B', position: 'AISLE' },
      { label: '12C', position: 'AISLE' },
      { label: '12D', position: 'WINDOW' },
    ]);
    expect(new Set(standard.seats.map((s) => s.label)).size).toBe(64);
  });

  it('gives regional standard coaches middle seats', () => {
    const standard = expandConsist(consistSpecFromId('RE-1F3S')!).coaches[1]!;
    expect(standard.seats.slice(0, 5).map((s) => `${s.label}:${s.position}`)).toEqual([
      '1A:WINDOW',
      '1B:MIDDLE',
      '1C:AISLE',
      '1D:AISLE',
      '1F:WINDOW',
    ]);
  });

  it('refuses ids that describe no layout', () => {
    for (const id of ['IC', 'IC-2F', 'XX-2F6S', 'IC-0F0S', 'ic-2f6s', 'IC-2F6S-extra'])
      expect(consistSpecFromId(id), id).toBeNull();
  });

  it('stores specs in a shape the JSON check accepts, and rejects broken ones', () => {
    const spec = consistSpecFromId('HS-2F8S')!;
    expect(coachSpecsSchema.parse(JSON.parse(JSON.stringify(spec.coaches)))).toEqual(spec.coaches);
    expect(() => coachSpecsSchema.parse([{ seatClass: 'LUXURY', rows: 3, seatsPerRow: [] }])).toThrow();
  });
});
