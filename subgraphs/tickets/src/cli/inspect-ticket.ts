/**
 * An inspector's offline ticket check, from tickets' public keys alone:
 *
 *   node subgraphs/tickets/dist/cli/inspect-ticket.js <jwks.json file or URL> <ticket code> [--at <ISO instant>]
 *
 * Fetch the JWKS (`/.well-known/jwks.json` of tickets) while online and keep the file; the
 * check itself needs no network. Prints the verdict as JSON, with what the code says when it is
 * genuine (`claims`: the seat, validity and the passenger's name to match to their ID, null for
 * an unnamed ticket); exits 0 when VALID, 1 when not, 2 on wrong usage. Cancellations need the
 * online check (`validateTicket`).
 */
import { readFile } from 'node:fs/promises';
import type { JWK } from 'jose';
import { inspectTicketCode } from '../booking/ticket-code.js';

async function keysFrom(source: string): Promise<{ keys: JWK[] }> {
  const text = /^https?:\/\//.test(source) ? await (await fetch(source)).text() : await readFile(source, 'utf8');
  return JSON.parse(text) as { keys: JWK[] };
}

async function main(args: string[]): Promise<number> {
  const atIndex = args.indexOf('--at');
  const at = atIndex >= 0 ? args[atIndex + 1] : undefined;
  const [jwksSource, code] = args.filter((_, i) => atIndex < 0 || (i !== atIndex && i !== atIndex + 1));
  const now = at ? new Date(at) : new Date();
  if (!jwksSource || !code || Number.isNaN(now.getTime())) {
    process.stderr.write('usage: inspect-ticket <jwks.json file or URL> <ticket code> [--at <ISO instant>]\n');
    return 2;
  }
  const inspection = await inspectTicketCode(code, await keysFrom(jwksSource), now);
  process.stdout.write(`${JSON.stringify(inspection, null, 2)}\n`);
  return inspection.status === 'VALID' ? 0 : 1;
}

process.exitCode = await main(process.argv.slice(2));
