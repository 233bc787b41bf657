import { parseArgs } from 'node:util';
import type { LoadEnv } from '../env.js';

/** What `npm run fuzz -- [options]` runs. */
export interface FuzzOptions {
  /** Run time in seconds. */
  seconds: number;
  seed: number | undefined;
  /** A running gateway's GraphQL URL instead of starting a system. */
  gatewayUrl: string | undefined;
  /** With --gateway-url: a partner's bearer token (partner traffic is skipped without one). */
  partnerToken: string | undefined;
  stores: 'embedded' | 'real';
  /** Requests in flight per caller (anonymous, traveller, partner). */
  concurrency: number;
  out: string | undefined;
  postgresUrl: string;
  redisUrl: string;
}

export class FuzzUsageError extends Error {}

export const FUZZ_USAGE = `npm run fuzz -- [options]

  --duration 30s|5m|1h   how long to send (default 30s)
  --seed N               the run's seed (default: random, printed)
  --gateway-url URL      fuzz a running gateway (http://host:port/graphql) instead of starting a system
  --partner-token T      with --gateway-url: a partner's access token (else no partner traffic)
  --stores embedded|real embedded (default) or PostgreSQL and Redis (databases made for the run)
  --concurrency N        requests in flight per caller (default 2)
  --out DIR              report folder (default .data/fuzz/<time>-<seed>)
  --postgres-url U       server for --stores real
  --redis-url U          Redis for --stores real`;

const DURATION = /^(\d+)(s|m|h)$/;

export function parseFuzzArgs(argv: readonly string[], env: LoadEnv): FuzzOptions {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      duration: { type: 'string', default: '30s' },
      seed: { type: 'string' },
      'gateway-url': { type: 'string' },
      'partner-token': { type: 'string' },
      stores: { type: 'string', default: 'embedded' },
      concurrency: { type: 'string', default: '2' },
      out: { type: 'string' },
      'postgres-url': { type: 'string' },
      'redis-url': { type: 'string' },
    },
  });
  if (positionals.length > 0) throw new FuzzUsageError(`unexpected ${positionals.join(' ')}`);
  const duration = DURATION.exec(values.duration);
  if (!duration) throw new FuzzUsageError(`--duration ${values.duration}: a number with s, m or h`);
  const seconds = Number(duration[1]) * { s: 1, m: 60, h: 3600 }[duration[2] as 's' | 'm' | 'h'];
  if (seconds < 1) throw new FuzzUsageError('--duration: at least 1s');
  let seed: number | undefined;
  if (values.seed !== undefined) {
    seed = Number(values.seed);
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new FuzzUsageError(`--seed ${values.seed}: a whole number from 0 to 4294967295`);
    }
  }
  if (values.stores !== 'embedded' && values.stores !== 'real')
    throw new FuzzUsageError('--stores is embedded or real');
  const gatewayUrl = values['gateway-url'];
  if (gatewayUrl !== undefined && !/^https?:\/\/[^/]+\/\S*$/.test(gatewayUrl)) {
    throw new FuzzUsageError(
      `--gateway-url ${gatewayUrl}: the gateway's GraphQL URL, e.g. http://127.0.0.1:4000/graphql`,
    );
  }
  if (values['partner-token'] !== undefined && gatewayUrl === undefined) {
    throw new FuzzUsageError(
      '--partner-token is for a running gateway (--gateway-url); a started system makes its own partner',
    );
  }
  const concurrency = Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 32) {
    throw new FuzzUsageError(`--concurrency ${values.concurrency}: a whole number from 1 to 32`);
  }
  return {
    seconds,
    seed,
    gatewayUrl,
    partnerToken: values['partner-token'],
    stores: values.stores,
    concurrency,
    out: values.out,
    postgresUrl: values['postgres-url'] ?? env.postgresUrl,
    redisUrl: values['redis-url'] ?? env.redisUrl,
  };
}
