import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { GtfsFeedError } from './csv.js';

/** The GTFS files the import reads; anything else in a feed is left alone. */
export const GTFS_FILES = [
  'agency.txt',
  'stops.txt',
  'routes.txt',
  'trips.txt',
  'stop_times.txt',
  'calendar.txt',
  'calendar_dates.txt',
  'transfers.txt',
  'feed_info.txt',
] as const;

export type GtfsFileName = (typeof GTFS_FILES)[number];

/** A feed's text files by name; absent optional files are missing from the map. */
export type GtfsFiles = Map<GtfsFileName, string>;

const wanted = new Set<string>(GTFS_FILES);

function utf8(file: string, bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new GtfsFeedError(file, null, 'not UTF-8 text');
  }
}

/** Reads a feed from a folder or a zip file (files at the top of the archive or in one folder). */
export async function readGtfsFiles(location: string): Promise<GtfsFiles> {
  const info = await stat(location).catch(() => null);
  if (!info) throw new GtfsFeedError(location, null, 'no such file or folder');
  const files: GtfsFiles = new Map();
  if (info.isDirectory()) {
    for (const name of await readdir(location)) {
      if (wanted.has(name)) files.set(name as GtfsFileName, utf8(name, await readFile(path.join(location, name))));
    }
    return files;
  }
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(await readFile(location), { filter: (entry) => wanted.has(path.posix.basename(entry.name)) });
  } catch (error) {
    throw new GtfsFeedError(path.basename(location), null, `not a readable zip archive (${(error as Error).message})`);
  }
  for (const [name, bytes] of Object.entries(entries)) {
    const base = path.posix.basename(name) as GtfsFileName;
    if (files.has(base)) throw new GtfsFeedError(base, null, 'the archive holds this file twice');
    files.set(base, utf8(base, bytes));
  }
  return files;
}

/** A feed held in memory as text, e.g. the demo feed or a test fixture. */
export function gtfsFilesFromText(texts: Partial<Record<GtfsFileName, string>>): GtfsFiles {
  return new Map(Object.entries(texts) as Array<[GtfsFileName, string]>);
}
