// Reading a feed's tables and fields: each malformed value throws a `GtfsFeedError` naming
// the file, line and reason.
import { isLocalDate, type LocalDate } from '../timetable/local-time.js';
import { GtfsFeedError, parseCsv, type CsvRecord, type CsvTable } from './csv.js';
import type { GtfsFileName, GtfsFiles } from './source.js';

export function required(files: GtfsFiles, name: GtfsFileName): CsvTable {
  const text = files.get(name);
  if (text === undefined) throw new GtfsFeedError(name, null, 'the feed has no such file, and it is required');
  return parseCsv(name, text);
}

export function optional(files: GtfsFiles, name: GtfsFileName): CsvTable | null {
  const text = files.get(name);
  return text === undefined ? null : parseCsv(name, text);
}

export function needColumns(table: CsvTable, columns: readonly string[]): void {
  for (const column of columns) {
    if (!table.has(column)) throw new GtfsFeedError(table.file, 1, `the header has no ${column} column`);
  }
}

export function fail(table: CsvTable, row: CsvRecord, reason: string): never {
  throw new GtfsFeedError(table.file, row.line, reason);
}

export function value(table: CsvTable, row: CsvRecord, column: string): string {
  const text = row.get(column);
  if (text === '') fail(table, row, `${column} is empty`);
  return text;
}

export function number(table: CsvTable, row: CsvRecord, column: string, min: number, max: number): number {
  const text = value(table, row, column);
  const parsed = Number(text);
  if (!Number.isFinite(parsed) || parsed < min || parsed > max) {
    fail(table, row, `${column} must be a number from ${min} to ${max}; got ${JSON.stringify(text)}`);
  }
  return parsed;
}

export function gtfsDate(table: CsvTable, row: CsvRecord, column: string): LocalDate {
  const text = value(table, row, column);
  const date = /^\d{8}$/.test(text) ? `${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6, 8)}` : text;
  if (!isLocalDate(date)) fail(table, row, `${column} must be a real YYYYMMDD date; got ${JSON.stringify(text)}`);
  return date;
}

const timePattern = /^(\d{1,3}):([0-5]\d):([0-5]\d)$/;

/** `HH:MM:SS` (hours may pass 24) as whole minutes after the service day's start; seconds are dropped. */
export function gtfsMinutes(table: CsvTable, row: CsvRecord, column: string): number | null {
  const text = row.get(column);
  if (text === '') return null;
  const match = timePattern.exec(text);
  if (!match) fail(table, row, `${column} must be HH:MM:SS; got ${JSON.stringify(text)}`);
  return Number(match[1]) * 60 + Number(match[2]);
}
