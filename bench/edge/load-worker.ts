// The worst-case clients of the edge benchmark (worst-case.ts), in a process of their own so that
// their cost as clients does not delay the probe being measured:
//
//   node bench/dist/edge/load-worker.js <graphql url> <body file> <clients> <seconds>
//
// Runs <clients> loops that each send the body, back to back, until <seconds> have passed, and
// prints one JSON line: each answer's outcome (`ok`, its first error code, `HTTP <status>` or
// the transport failure) and time in ms.
import { readFile } from 'node:fs/promises';
import { send, type Outcome } from './send.js';

const [url, bodyFile, clients, seconds] = process.argv.slice(2);
if (!url || !bodyFile || !clients || !seconds)
  throw new Error('usage: load-worker <url> <body file> <clients> <seconds>');
const body = await readFile(bodyFile, 'utf8');
const stopAt = Date.now() + Number(seconds) * 1000;
const outcomes: Array<Pick<Outcome, 'ms' | 'outcome'>> = [];
await Promise.all(
  Array.from({ length: Number(clients) }, async () => {
    while (Date.now() < stopAt) {
      const { ms, outcome } = await send(url, body);
      outcomes.push({ ms, outcome });
    }
  }),
);
process.stdout.write(`${JSON.stringify(outcomes)}\n`);
