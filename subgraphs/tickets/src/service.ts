import { fileURLToPath } from 'node:url';
import {
  SERVICE_SCOPES,
  createServiceTokenSource,
  createTokenVerifier,
  principalOfRequest,
  type ServiceTokenSource,
  type TokenVerifier,
} from '@railgraph/auth';
import { openServiceDatabase } from '@railgraph/database';
import { createQuoteVerifier, type QuoteVerifier } from '@railgraph/quotes';
import { JWKS_PATH, loadSigningKeys } from '@railgraph/signing-keys';
import {
  loadSchemaFile,
  startSubgraph,
  type RunningSubgraph,
  type Logger,
  type ServiceMetrics,
  type SubgraphStartOptions,
} from '@railgraph/service-kit';
import { PrismaClient } from './__generated__/prisma/client.js';
import { AdmissionGate } from './booking/admission.js';
import { AfterCommit } from './booking/after-commit.js';
import { Bookings } from './booking/bookings.js';
import { inventoryOverHttp, type InventoryClient } from './booking/inventory-client.js';
import { eventPublisher, sharedPublishing } from './booking/events.js';
import { stalledBookingSweeper } from './booking/expiry.js';
import type { BookingRush } from './booking/model.js';
import { OutboxRelay } from './booking/outbox.js';
import { doubleSoldSeats } from './booking/oversell-audit.js';
import { SoldOutMemo } from './booking/sold-out-memo.js';
import type { TicketsContext } from './context.js';
import type { TicketsEnv } from './env.js';
import { createLoaders } from './loaders.js';
import { createPaymentProvider, createPaymentWebhooks } from './payments/index.js';
import { resolvers } from './resolvers/index.js';
import { CancelledRuns } from './disruptions/cancelled-runs.js';
import { cancellationsOverHttp, type CancellationFeed } from './disruptions/feed.js';
import { disruptionFollower } from './disruptions/follower.js';
import { MailDispatcher } from './mail/dispatcher.js';
import { journeysOverHttp } from './mail/journeys.js';
import { mailBacklog } from './mail/queue.js';
import { contactsOverHttp, type ContactDirectory } from './mail/recipients.js';
import { mailTransportOf, type MailTransport } from './mail/transport.js';

const migrationsDir = fileURLToPath(new URL('../../../prisma/tickets/migrations', import.meta.url));
const typeDefs = loadSchemaFile(new URL('../schema.graphql', import.meta.url));

/** Collaborators a test may replace; the defaults talk to the real peers. */
export interface TicketsOverrides {
  inventory?: InventoryClient;
  quotes?: QuoteVerifier;
  tokens?: TokenVerifier;
  /** Now, for refund rules and ticket validity. */
  clock?: () => Date;
  /** Travellers' email addresses; users' `userContacts` by default. */
  contacts?: ContactDirectory;
  /** Where confirmation emails go; SMTP_URL or MAIL_DIR by default. */
  mailTransport?: MailTransport;
  /** trains' run cancellations; its `runCancellations` by default. */
  cancellations?: CancellationFeed;
}

export interface RunningTickets extends RunningSubgraph {
  bookings: Bookings;
  relay: OutboxRelay;
  mail: MailDispatcher;
  prisma: PrismaClient;
  /** Step 6 of the bookings answered (`settled()` waits for it). */
  afterCommit: AfterCommit;
}

/** Opens and migrates the tickets database, starts the saga's relay, sweeper and event publisher and serves the subgraph. */
export function startTickets({
  overrides = {},
  ...options
}: SubgraphStartOptions<TicketsEnv, TicketsOverrides>): Promise<RunningTickets> {
  return startSubgraph(options, {
    name: 'tickets',
    typeDefs,
    resolvers,
    setup: async ({ env, log, metrics, onClose }) => {
      const { db, prisma } = await openServiceDatabase(PrismaClient, env.database, { migrationsDir, log, onClose });
      const keys = await loadSigningKeys(db.sql);

      const bookingsCounter = metrics.counter('tickets_bookings_total', 'Booking attempts by outcome', [
        'outcome',
      ] as const);
      if (!env.serviceClient && !overrides.inventory) {
        log.warn('TICKETS_CLIENT_SECRET is not set: inventory will refuse to hold seats for bookings');
      }
      const serviceTokens = env.serviceClient
        ? createServiceTokenSource({ ...env.serviceClient, scope: SERVICE_SCOPES.inventoryInternal })
        : null;
      const inventory = overrides.inventory ?? inventoryOverHttp(env.inventoryUrl, serviceTokens);
      const payments = await createPaymentProvider(env.payments, { prisma, log });
      const relay = new OutboxRelay(prisma, inventory, log, env.relayIntervalMs, payments);
      metrics.observedGauge(
        'tickets_outbox_backlog',
        'Saga steps in the outbox that inventory has not acknowledged yet',
        () => relay.backlog(),
      );
      metrics.observedGauge(
        'tickets_double_sold_seats',
        'Pairs of confirmed tickets (bookings of the last 48 h) holding the same seat on a shared leg; never above 0',
        () => doubleSoldSeats(prisma),
      );
      const mail = confirmationMail(env, overrides, { prisma, log, metrics });
      const rush = bookingRush(env.bookingQueue, metrics);
      const cancelledRuns = new CancelledRuns();
      const afterCommit = new AfterCommit(log);
      metrics.observedGauge(
        'tickets_after_commit_in_flight',
        'Pieces of step 6 under way in this process for bookings already answered (two each: the events, the outbox rows)',
        async () => afterCommit.inFlight,
      );
      const bookings = new Bookings({
        prisma,
        inventory,
        quotes: overrides.quotes ?? createQuoteVerifier({ jwksUrl: env.pricesJwksUrl }),
        relay,
        payments,
        signingKey: keys.current,
        jwks: keys.jwks,
        holdTtlSeconds: env.holdTtlSeconds,
        log,
        onOutcome: (outcome) => bookingsCounter.inc({ outcome }),
        ...(overrides.clock ? { clock: overrides.clock } : {}),
        rush,
        cancelledRuns,
        onEventsPublished: () => mail.nudge(),
        afterCommit,
      });
      const publishDisruptions = sharedPublishing(prisma, log);
      const disruptions = disruptionFollower(
        {
          prisma,
          feed: overrides.cancellations ?? cancellationsOverHttp(env.mail.trainsUrl, cancellationTokens(env)),
          cancelledRuns,
          log,
          // The travellers hear of it now: the events are placed in the stream, then the mail goes.
          onMarked: () => void publishDisruptions().then(() => mail.nudge()),
        },
        env.relayIntervalMs,
      );
      const tokens = overrides.tokens ?? createTokenVerifier(env.auth);
      const expiredCounter = metrics.counter('tickets_bookings_expired_total', 'Stalled booking attempts expired');
      const sweeper = stalledBookingSweeper(prisma, relay, log, {
        holdTtlMs: env.holdTtlSeconds * 1000,
        intervalMs: env.relayIntervalMs,
        onExpired: (count) => expiredCounter.inc(count),
        onReleased: (runId) => rush.memo.clearRun(runId),
      });
      const publisher = eventPublisher(prisma, log, env.relayIntervalMs);
      const webhookDeliveries = metrics.counter(
        'tickets_payment_webhooks_total',
        'Payment provider webhook deliveries by outcome (refused, acted on, nothing to do, failed)',
        ['outcome'] as const,
      );
      const paymentWebhooks = await createPaymentWebhooks(env.payments, {
        prisma,
        log,
        completePayment: (owner, bookingId, requestId) => bookings.completePayment(owner, bookingId, requestId),
        onOutcome: (outcome) => webhookDeliveries.inc({ outcome }),
      });

      return {
        buildContext: async (base): Promise<TicketsContext> => ({
          ...base,
          principal: await principalOfRequest(tokens, base.authorization),
          bookings,
          loaders: createLoaders(bookings),
        }),
        readiness: [{ name: 'database', check: () => db.ping() }],
        routes: (app) => {
          app.get(JWKS_PATH, (_req, res) => void res.json(keys.jwks));
          paymentWebhooks?.(app);
        },
        // Stopped last first: the work after the answers of the last bookings, the sweeper, then
        // the publisher, then the relay the sweeper hands releases to; the mail dispatcher last
        // of all, after the publisher it follows.
        tasks: [mail, relay, publisher, sweeper, disruptions, afterCommit],
        expose: { bookings, relay, mail, prisma, afterCommit },
      };
    },
  });
}

/**
 * The confirmation emails (docs/design.md §12): the dispatcher, its transport, and its look-ups
 * of travellers' addresses at users (tickets' own service client, `users:contacts`, a token of
 * its own so a users without that scope leaves inventory's calls alone) and of journeys at trains.
 */
function confirmationMail(
  env: TicketsEnv,
  overrides: TicketsOverrides,
  { prisma, log, metrics }: { prisma: PrismaClient; log: Logger; metrics: ServiceMetrics },
): MailDispatcher {
  const contactTokens = env.serviceClient
    ? createServiceTokenSource({ ...env.serviceClient, scope: SERVICE_SCOPES.usersContacts })
    : null;
  if (!contactTokens && !overrides.contacts) {
    log.warn("TICKETS_CLIENT_SECRET is not set: travellers' confirmation emails wait until users can be asked");
  }
  const transport = overrides.mailTransport ?? mailTransportOf(env.mail);
  log.info(
    { target: transport.target },
    env.mail.smtpUrl ? 'booking emails go to SMTP' : 'booking emails are written as .eml files',
  );
  const outcomes = metrics.counter('tickets_mail_messages_total', 'Booking email attempts by outcome', [
    'outcome',
  ] as const);
  const dispatcher = new MailDispatcher({
    prisma,
    transport,
    contacts: overrides.contacts ?? contactsOverHttp(env.mail.usersUrl, contactTokens),
    journeys: journeysOverHttp(env.mail.trainsUrl),
    from: env.mail.from,
    log,
    intervalMs: env.relayIntervalMs,
    retentionMs: env.mail.retentionMs,
    onOutcome: (status) => outcomes.inc({ outcome: status.toLowerCase() }),
  });
  metrics.observedGauge(
    'tickets_mail_backlog',
    'Booking emails not sent yet: pending messages and published events the dispatchers have not taken in',
    () => mailBacklog(prisma),
  );
  return dispatcher;
}

/** tickets' own token for trains' cancellations feed (`runs:cancellations`); none without a service client. */
function cancellationTokens(env: TicketsEnv): ServiceTokenSource | null {
  return env.serviceClient
    ? createServiceTokenSource({ ...env.serviceClient, scope: SERVICE_SCOPES.runsCancellations })
    : null;
}

/** The queue at a rush (docs/design.md §4): the admission gate and the sold-out memo, with their metrics. */
function bookingRush(settings: TicketsEnv['bookingQueue'], metrics: ServiceMetrics): BookingRush {
  const waitSeconds = metrics.histogram(
    'tickets_booking_queue_wait_seconds',
    'How long bookJourney requests waited for a place in the booking queue (0 for those that did not wait)',
    [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  );
  const rejections = metrics.counter(
    'tickets_booking_queue_rejections_total',
    'bookJourney requests refused with RATE_LIMITED: the queue was full, or they waited past the bound',
    ['reason'] as const,
  );
  const memoHits = metrics.counter(
    'tickets_booking_sold_out_memo_hits_total',
    'bookJourney requests answered SOLD_OUT from the sold-out memo, without the saga',
  );
  const gate = new AdmissionGate(settings, {
    observer: {
      waited: (seconds) => waitSeconds.observe(seconds),
      rejected: (reason) => rejections.inc({ reason }),
    },
  });
  metrics.observedGauge(
    'tickets_booking_queue_length',
    'bookJourney requests waiting for a place in the booking queue',
    async () => gate.queueLength,
  );
  metrics.observedGauge('tickets_booking_in_flight', 'Booking sagas running now', async () => gate.inFlight);
  return { gate, memo: new SoldOutMemo({ ttlMs: settings.soldOutMemoMs }), onMemoHit: () => memoHits.inc() };
}
