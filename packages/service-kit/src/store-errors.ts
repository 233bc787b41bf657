/**
 * Whether an error means a store could not be reached or dropped the connection (PostgreSQL
 * restarting or crashed, Redis gone), as opposed to a bug or a query the store refused. Such a
 * failure is transient: the answer is SERVICE_UNAVAILABLE, safe to retry (design §10), rather
 * than an internal error.
 */

/**
 * Prisma's codes for a database it cannot reach, lost, or waited too long for a connection to
 * (P2024; P2028 when an interactive transaction could not start or finish in its time, which a
 * saturated pool causes).
 */
const PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2028']);

/**
 * PostgreSQL's SQLSTATEs: class 08 (connection exception), 57P01-57P03 (the server shutting
 * down, crashed, or still starting: `cannot_connect_now`), 53300 (too many connections).
 */
const SQLSTATE = /^(08\d{3}|57P0[1-3]|53300)$/;

/** Socket errors of a connection refused, reset or timed out. */
const ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTCONN']);

/** Driver adapter error kinds (`@prisma/driver-adapter-utils`) for a lost or refused connection. */
const ADAPTER_KINDS = new Set(['ConnectionClosed', 'SocketTimeout', 'TooManyConnections', 'DatabaseNotReachable']);

/** Messages of pg, Prisma and ioredis when the connection went away. */
const MESSAGES =
  /Connection terminated|Connection is closed|connection (?:was )?closed|Can't reach database server|terminating connection|the database system is (?:starting up|shutting down|in recovery mode)|Server has closed the connection|Reached the max retries per request limit/i;

function looksUnavailable(error: Record<string, unknown>): boolean {
  const code = error['code'];
  if (typeof code === 'string' && (PRISMA_CODES.has(code) || SQLSTATE.test(code) || ERRNO.has(code))) return true;
  const kind = error['kind'];
  if (typeof kind === 'string' && ADAPTER_KINDS.has(kind)) return true;
  const originalCode = error['originalCode'];
  if (typeof originalCode === 'string' && SQLSTATE.test(originalCode)) return true;
  const message = error['message'];
  return typeof message === 'string' && MESSAGES.test(message);
}

export function isStoreUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  let current: unknown = error;
  // The cause chain: GraphQLError → original error → driver error → socket error.
  for (let depth = 0; depth < 6 && typeof current === 'object' && current !== null && !seen.has(current); depth += 1) {
    seen.add(current);
    const fields = current as Record<string, unknown>;
    if (looksUnavailable(fields)) return true;
    const meta = fields['meta'];
    // Prisma keeps the driver adapter's error (with PostgreSQL's SQLSTATE) in `meta`.
    const adapterError =
      typeof meta === 'object' && meta !== null ? (meta as Record<string, unknown>)['driverAdapterError'] : undefined;
    current = fields['originalError'] ?? adapterError ?? fields['cause'];
  }
  return false;
}
