import net from 'node:net';
import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { maskInternalError } from '../src/errors.js';
import { isStoreUnavailable } from '../src/store-errors.js';

/** The error Node gives a connection to a port nothing listens on. */
async function refusedConnection(): Promise<Error> {
  const server = net.createServer();
  const port = await new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)),
  );
  await new Promise((resolve) => server.close(resolve));
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('error', resolve);
  });
}

const internal = { message: 'x', path: ['fares'], extensions: { code: 'INTERNAL_SERVER_ERROR' } };

describe('a store that cannot be reached', () => {
  it('is SERVICE_UNAVAILABLE, safe to retry, when the connection is refused', async () => {
    const refused = await refusedConnection();
    // As Apollo hands it to formatError: a GraphQLError around the driver's error around the socket's.
    const wrapped = new GraphQLError('failed', { originalError: new Error('query failed', { cause: refused }) });
    expect(isStoreUnavailable(wrapped)).toBe(true);
    expect(maskInternalError(internal, wrapped)).toEqual({
      message: 'A store this service needs is unavailable; try again',
      path: ['fares'],
      extensions: { code: 'SERVICE_UNAVAILABLE' },
    });
  });

  it.each([
    ['PostgreSQL crashed under a connection', Object.assign(new Error('terminating connection'), { code: '57P01' })],
    ['PostgreSQL still recovering', Object.assign(new Error('the database system is starting up'), { code: '57P03' })],
    ['a connection exception', Object.assign(new Error('x'), { code: '08006' })],
    ['Prisma cannot reach the server', Object.assign(new Error('x'), { code: 'P1001' })],
    [
      'Prisma could not start a transaction in time (a saturated pool)',
      Object.assign(new Error('Transaction API error: Unable to start a transaction in the given time.'), {
        code: 'P2028',
      }),
    ],
    ['a driver adapter lost its connection', Object.assign(new Error('x'), { cause: { kind: 'ConnectionClosed' } })],
    [
      'Prisma met PostgreSQL recovering',
      Object.assign(new Error('Database error. Code: `57P03`'), {
        code: 'P2039',
        meta: {
          driverAdapterError: { name: 'DriverAdapterError', cause: { kind: 'postgres', originalCode: '57P03' } },
        },
      }),
    ],
    ['pg lost its connection', new Error('Connection terminated unexpectedly')],
    ['ioredis lost its connection', new Error('Connection is closed.')],
  ])('is recognised: %s', (_name, error) => {
    expect(isStoreUnavailable(error)).toBe(true);
  });

  it('leaves bugs and refused queries internal errors', () => {
    for (const error of [
      new TypeError("Cannot read properties of undefined (reading 'code')"),
      Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' }),
      Object.assign(new Error('relation "Booking" does not exist'), { code: '42P01' }),
      Object.assign(new Error('unique constraint failed'), { code: 'P2002' }),
    ]) {
      expect(isStoreUnavailable(error)).toBe(false);
      expect(maskInternalError(internal, error).extensions?.['code']).toBe('INTERNAL_SERVER_ERROR');
    }
  });

  it('follows a cycle of causes without looping', () => {
    const a: { cause?: unknown; message: string } = { message: 'a' };
    a.cause = { message: 'b', cause: a };
    expect(isStoreUnavailable(a)).toBe(false);
  });
});
