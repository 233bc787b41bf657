import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { realStoresRequired } from '@railgraph/database/testing';

/*
 * stripe-mock for the Stripe tests (`npm run tools` builds the pinned one into .tools/bin),
 * Stripe's own mock of its API. What stripe-mock does: it routes every endpoint of
 * Stripe's OpenAPI spec, checks the API key's form and validates each request's parameters
 * against the spec (an unknown or mistyped parameter is a 400, as at Stripe), and answers with
 * the spec's fixture of the resource, reflecting some parameters (amount, currency, the id in
 * the path). What it does not do: keep state, replay idempotent requests, decline cards, or move
 * a PaymentIntent through its statuses (every PaymentIntent it returns is `requires_payment_method`,
 * its fixture's status).
 *
 * So the tests go through a small recording proxy in front of it. It records what the
 * provider sent (path, parameters, Idempotency-Key). Where a test needs the status Stripe would
 * answer at that step, the proxy sets `status` (and `amount_received` for a capture) on
 * stripe-mock's answer and nothing else, and says so in the test; where a test needs an error
 * Stripe gives and stripe-mock cannot (a decline, an unexpected state), the proxy answers that
 * error's JSON itself, as Stripe sends it, and the test says so. The SDK parses all of these for real.
 */

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
// stripe-mock accepts any key that looks like a test-mode one: sk_test_ and letters or digits.
export const SECRET_KEY = 'sk_test_railgraphStripeMock';

export function stripeMockBinary(): string | null {
  const pinned = path.join(repoRoot, '.tools', 'bin', 'stripe-mock');
  try {
    accessSync(pinned, constants.X_OK);
    return pinned;
  } catch {
    const message = `stripe-mock is not installed at ${pinned} (npm run tools builds it)`;
    if (realStoresRequired()) throw new Error(`${message} and REQUIRE_REAL_STORES=1: the Stripe tests must run`);
    process.stderr.write(`${message}: skipping the Stripe tests\n`);
    return null;
  }
}

/** stripe-mock on ports the system picks (HTTPS too: stripe-mock opens it unless told where). */
export async function startStripeMock(file: string): Promise<{ url: string; process: ChildProcess }> {
  const child = spawn(file, ['-http-addr', '127.0.0.1:0', '-https-addr', '127.0.0.1:0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`stripe-mock did not start in 15 s:\n${output}`)), 15_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const listening = /Listening for HTTP at address: (\S+)/.exec(output);
      if (listening?.[1]) {
        clearTimeout(timer);
        resolve(`http://${listening[1]}`);
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`stripe-mock exited (${code}) before listening:\n${output}`));
    });
  });
  return { url, process: child };
}

export interface Recorded {
  method: string;
  path: string;
  params: URLSearchParams;
  idempotencyKey: string | undefined;
  authorization: string | undefined;
}

/** What the proxy does with a request instead of, or on top of, stripe-mock's answer. */
export interface Override {
  /** Stripe's answer in stripe-mock's place (an error stripe-mock cannot give). */
  answer?: { status: number; body: unknown };
  /** Fields of stripe-mock's JSON answer set to what Stripe answers at this step. */
  set?: Record<string, unknown>;
  /** Response headers Stripe adds (Idempotent-Replayed on a replay). */
  headers?: Record<string, string>;
}

export class RecordingProxy {
  readonly requests: Recorded[] = [];
  private overrides: Array<{ match: (request: Recorded) => boolean; override: Override }> = [];
  private server = http.createServer((request, response) => void this.handle(request, response));
  url = '';

  constructor(private readonly upstream: string) {}

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The next request `match` accepts is overridden (once). */
  when(match: (request: Recorded) => boolean, override: Override): void {
    this.overrides.push({ match, override });
  }

  reset(): void {
    this.requests.length = 0;
    this.overrides = [];
  }

  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString();
    const url = new URL(request.url ?? '/', 'http://proxy');
    const recorded: Recorded = {
      method: request.method ?? 'GET',
      path: url.pathname,
      params: new URLSearchParams(request.method === 'GET' ? url.search : body),
      idempotencyKey: header(request.headers['idempotency-key']),
      authorization: header(request.headers['authorization']),
    };
    this.requests.push(recorded);
    const index = this.overrides.findIndex((candidate) => candidate.match(recorded));
    const override = index >= 0 ? this.overrides.splice(index, 1)[0]?.override : undefined;

    if (override?.answer) {
      response.writeHead(override.answer.status, { 'content-type': 'application/json', 'request-id': 'req_proxy' });
      response.end(JSON.stringify(override.answer.body));
      return;
    }
    const upstream = await fetch(this.upstream + (request.url ?? '/'), {
      method: recorded.method,
      headers: Object.fromEntries(
        ['authorization', 'content-type', 'idempotency-key', 'stripe-version']
          .map((name) => [name, header(request.headers[name])])
          .filter((entry): entry is [string, string] => entry[1] !== undefined),
      ),
      ...(recorded.method === 'GET' ? {} : { body }),
    });
    let text = await upstream.text();
    if (override?.set) text = JSON.stringify({ ...(JSON.parse(text) as object), ...override.set });
    response.writeHead(upstream.status, {
      'content-type': 'application/json',
      'request-id': upstream.headers.get('request-id') ?? 'req_mock',
      ...override?.headers,
    });
    response.end(text);
  }
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
