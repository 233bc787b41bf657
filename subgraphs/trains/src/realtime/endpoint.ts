import express, {
  type ErrorRequestHandler,
  type Express,
  type NextFunction,
  type Request,
  type Response,
} from 'express';
import { OPERATOR_SCOPES, requireScope, type TokenVerifier } from '@railgraph/auth';
import { DomainError, ErrorCode, type Logger } from '@railgraph/service-kit';
import { decodeFeedMessage, RealtimeFeedError, type TripUpdatesFeed } from './feed-message.js';
import type { TripUpdatesOutcome } from './trip-updates.js';

/** Where an operator pushes its GTFS-Realtime TripUpdates. */
export const TRIP_UPDATES_PATH = '/realtime/trip-updates';

/** A whole network's TripUpdates are a few megabytes at most. */
const BODY_LIMIT = '16mb';

export interface TripUpdatesEndpointDeps {
  tokens: TokenVerifier;
  /** Acts on a decoded feed; a throw answers 503 (the operator sends the feed again). */
  apply(feed: TripUpdatesFeed, log: Logger): Promise<TripUpdatesOutcome>;
  log: Logger;
}

const statusOf: Partial<Record<string, number>> = {
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.FORBIDDEN]: 403,
};

/**
 * `POST /realtime/trip-updates`: the body a GTFS-Realtime FeedMessage (protobuf, any content
 * type), the caller a bearer token with `operations:write`. The token is checked before the body
 * is read: 401 without a valid one, 403 without the scope. A body that is not a FeedMessage is
 * 400 and records nothing; else 200 with `{ cancelled, ignored }` (see `applyTripUpdates`).
 */
export function mountTripUpdatesEndpoint(app: Express, deps: TripUpdatesEndpointDeps): void {
  const logOf = (res: Response) => (res.locals['log'] as Logger | undefined) ?? deps.log;
  const authorize = async (req: Request, res: Response, next: NextFunction) => {
    try {
      requireScope(await deps.tokens.principalOf(req.header('authorization')), OPERATOR_SCOPES.operationsWrite);
      next();
    } catch (error) {
      if (!(error instanceof DomainError)) return next(error);
      const status = statusOf[error.code] ?? 503;
      if (status === 401) res.setHeader('www-authenticate', 'Bearer realm="railgraph"');
      res.status(status).json({ error: error.code, message: error.message });
    }
  };
  app.post(
    TRIP_UPDATES_PATH,
    authorize,
    // Any content type: feeds are served as application/x-protobuf, application/octet-stream or worse.
    express.raw({ type: () => true, limit: BODY_LIMIT }),
    async (req: Request, res: Response) => {
      const log = logOf(res);
      let feed: TripUpdatesFeed;
      try {
        feed = decodeFeedMessage(Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0));
      } catch (error) {
        if (!(error instanceof RealtimeFeedError)) throw error;
        log.warn({ reason: error.message }, 'realtime trip updates refused');
        res.status(400).json({ error: ErrorCode.BAD_USER_INPUT, message: error.message });
        return;
      }
      try {
        res.status(200).json(await deps.apply(feed, log));
      } catch (error) {
        log.error({ err: error }, 'realtime trip updates failed');
        res.status(503).json({ error: ErrorCode.SERVICE_UNAVAILABLE, message: 'Try again later' });
      }
    },
  );
  // A body the raw parser refuses (too large, cut short) is a refusal in JSON, not an HTML page.
  app.use(TRIP_UPDATES_PATH, ((error: { status?: number }, _req, res, next) => {
    if (res.headersSent) return next(error);
    const status = typeof error.status === 'number' && error.status < 500 ? error.status : 400;
    res.status(status).json({ error: ErrorCode.BAD_USER_INPUT, message: 'unreadable body' });
  }) as ErrorRequestHandler);
}
