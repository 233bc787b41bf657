import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { renderWithApi } from '../test/fake-api';
import { StationField } from './StationField';

const all = [
  { __typename: 'Station', code: 'AMS', name: 'Amsterdam Centraal' },
  { __typename: 'Station', code: 'ANR', name: 'Antwerpen-Centraal' },
  { __typename: 'Station', code: 'RTD', name: 'Rotterdam Centraal' },
];

function Harness() {
  const [code, setCode] = useState('');
  return (
    <>
      <StationField label="From" value={code} onChange={setCode} />
      <output>{code}</output>
    </>
  );
}

describe('the station field', () => {
  it('suggests stations matching what is typed and picks one with the keyboard', async () => {
    const { calls } = renderWithApi(<Harness />, {
      Stations: (variables) => {
        const search = String(variables['search'] ?? '').toLowerCase();
        return { data: { stations: all.filter((s) => `${s.name} ${s.code}`.toLowerCase().includes(search)) } };
      },
    });
    const input = screen.getByRole('combobox', { name: 'From' });
    await userEvent.type(input, 'rott');
    await waitFor(() => expect(screen.queryByRole('option', { name: /Amsterdam/ })).toBeNull());
    expect(screen.getByRole('option', { name: /Rotterdam Centraal/ })).toBeTruthy();
    await userEvent.keyboard('{ArrowDown}{Enter}');
    expect(screen.getByRole('status').textContent).toBe('RTD');
    expect((input as HTMLInputElement).value).toBe('Rotterdam Centraal (RTD)');
    expect(calls.some((c) => c.variables['search'] === 'rott')).toBe(true);
  });
});
