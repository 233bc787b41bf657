import type { IncomingMessage } from 'node:http';
import express, { type RequestHandler, type Response } from 'express';
import { DEFAULT_BODY_LIMIT_BYTES, ErrorCode, REQUEST_TIMEOUT_MS, type Logger } from '@railgraph/service-kit';
import { Turns } from './turns.js';

/**
 * Large requests one at a time (design §11). Reading, parsing and refusing a body near the
 * 1 MB limit is synchronous work on the gateway's one event loop; several at once queue every
 * other request behind them. A request whose body is larger than `LARGE_BODY_BYTES` (or of
 * unknown length) therefore waits, before its body is read, until no other large request is
 * being handled, and after each one the next waits as long again, so that large requests get
 * at most half of the event loop; small requests, which are all the web app and partners send,
 * never wait.
 * A waiting request costs an idle socket; one that waits longer than `maxWaitMs`, or finds
 * `maxQueued` others waiting, is answered 503 SERVICE_UNAVAILABLE with `Retry-After`.
 *
 * Once its turn comes, a large request's body is parsed here (the route's own parser then
 * leaves it), and an operation text longer than `MAX_DOCUMENT_BYTES` is refused with
 * OPERATION_TOO_COMPLEX before Apollo hashes, lexes or parses it: no operation within the
 * token limit of the operation limits is that long, and lexing a megabyte of text costs the
 * event loop tens of milliseconds and tens of megabytes of garbage.
 */

/** Twenty times the largest body the web app sends (a free-form search with its variables). */
export const LARGE_BODY_BYTES = 64 * 1024;
/** The longest operation text: 1000 tokens (the operation limits' default) of 64 bytes each. */
export const MAX_DOCUMENT_BYTES = 64 * 1024;
/** How many large requests may wait; beyond that they are refused at once. */
export const MAX_QUEUED_LARGE_REQUESTS = 64;

export interface LargeRequestGateOptions {
  /** How long a large request may wait for its turn (the operation budget; at most half of Node's request timeout). */
  maxWaitMs: number;
  log: Logger;
  maxQueued?: number;
}

const isLarge = (contentLength: string | undefined, transferEncoding: string | undefined): boolean =>
  contentLength !== undefined ? Number(contentLength) > LARGE_BODY_BYTES : transferEncoding !== undefined;

/** A POST whose body is large, or of unknown length: it waits for its turn at the gate. */
export const isLargeRequest = (req: IncomingMessage): boolean =>
  req.method === 'POST' && isLarge(req.headers['content-length'], req.headers['transfer-encoding']);

function refuse(res: Response, message: string): void {
  if (res.headersSent || res.destroyed) return;
  res
    .status(503)
    .setHeader('retry-after', '1')
    .json({ errors: [{ message, extensions: { code: ErrorCode.SERVICE_UNAVAILABLE } }] });
}

/** The express middleware, for the GraphQL route, before its body parser. */
export function largeRequestGate({
  maxWaitMs,
  log,
  maxQueued = MAX_QUEUED_LARGE_REQUESTS,
}: LargeRequestGateOptions): RequestHandler {
  // A waiting request's body is not read yet, and Node's request timeout runs meanwhile.
  const waitMs = Math.min(maxWaitMs, REQUEST_TIMEOUT_MS / 2);
  const turns = new Turns(maxQueued);

  // The same limit as every process's body parser (service-kit's server): 413 PAYLOAD_TOO_LARGE.
  const parseBody = express.json({ limit: DEFAULT_BODY_LIMIT_BYTES });

  return (req, res, next) => {
    if (!isLargeRequest(req)) return next();
    const queued = turns.queued;
    // A caller that leaves while waiting gives up its place.
    const left = new AbortController();
    const leave = () => left.abort();
    res.once('close', leave);
    void turns.take(waitMs, left.signal).then((end) => {
      res.off('close', leave);
      if (!end) {
        if (res.destroyed) return;
        log.warn({ waitMs, queued }, 'large request refused: no turn in time');
        return refuse(res, 'The service is busy with other large requests; try again');
      }
      res.once('close', end);
      if (res.destroyed) return end();
      parseBody(req, res, (error?: unknown) => {
        if (error) return next(error);
        const query = (req.body as { query?: unknown } | undefined)?.query;
        const bytes = typeof query === 'string' ? Buffer.byteLength(query) : 0;
        if (bytes <= MAX_DOCUMENT_BYTES) return next();
        res.status(400).json({
          errors: [
            {
              message: `Operation too complex: its text has ${bytes} bytes, over the limit of ${MAX_DOCUMENT_BYTES}`,
              extensions: {
                code: ErrorCode.OPERATION_TOO_COMPLEX,
                limit: 'documentBytes',
                max: MAX_DOCUMENT_BYTES,
                value: bytes,
              },
            },
          ],
        });
      });
    });
  };
}
