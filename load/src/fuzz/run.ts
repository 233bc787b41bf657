import type { GraphQLSchema } from 'graphql';
import { nextCase, type FuzzCase } from './cases.js';
import {
  CALLERS,
  emptyFacts,
  isoDay,
  poster,
  refreshCallerFacts,
  refreshSharedFacts,
  type Caller,
  type Facts,
} from './facts.js';
import { sendCase, type Verdict } from './judge.js';
import type { Prng } from './prng.js';

/**
 * The sending side of a fuzz run: workers per caller draw cases from their own seeded streams
 * and send them, while the facts (stations, quotes, the callers' bookings) and the callers'
 * tokens are refreshed in the background. Every answer is tallied; every broken one is kept
 * with the request that caused it.
 */
export interface Failure {
  /** `<seed>:<caller>-<worker>:<index>`: the stream and position the case came from. */
  caseId: string;
  caller: Caller;
  kind: string;
  detail?: string;
  rootField?: string;
  problem: string;
  status: number;
  codes: string[];
  request: FuzzCase;
}

export interface Tally {
  sent: number;
  byKind: Record<string, number>;
  byCaller: Record<string, number>;
  validByRootField: Record<string, number>;
  statuses: Record<string, number>;
  codes: Record<string, number>;
  /** Answers with data and no errors. */
  clean: number;
  http5xx: number;
  internalErrors: number;
  failures: Failure[];
  notes: Record<string, number>;
  /** The run and class of every quote a bookJourney used (the invariants read these). */
  runClasses: string[];
}

export interface RunSettings {
  gatewayUrl: string;
  schema: GraphQLSchema;
  rng: Prng;
  seed: number;
  seconds: number;
  concurrency: number;
  sessions: () => Promise<{ traveller: string | undefined; partner: string | undefined }>;
  /** Resolves when the system under test died: the run stops early. */
  died?: Promise<unknown>;
  log: (line: string) => void;
}

const REFRESH_FACTS_MS = 10_000;
const RENEW_TOKENS_MS = 5 * 60_000;
const REQUEST_TIMEOUT_MS = 30_000;
const bump = (counts: Record<string, number>, key: string, by = 1) => (counts[key] = (counts[key] ?? 0) + by);

export async function runFuzz(settings: RunSettings): Promise<Tally> {
  const tally: Tally = {
    sent: 0,
    byKind: {},
    byCaller: {},
    validByRootField: {},
    statuses: {},
    codes: {},
    clean: 0,
    http5xx: 0,
    internalErrors: 0,
    failures: [],
    notes: {},
    runClasses: [],
  };
  const shared = emptyFacts(isoDay(new Date()));
  const own: Record<Caller, Facts> = {
    anonymous: emptyFacts(shared.today),
    traveller: emptyFacts(shared.today),
    partner: emptyFacts(shared.today),
  };
  let auth = await settings.sessions();
  const authOf = (caller: Caller) => (caller === 'anonymous' ? undefined : auth[caller]);
  const factsRng = settings.rng.fork('facts');
  // Every quote handed out, kept for the whole run: a booking may use one the facts have dropped.
  const quotesSeen = new Map<string, string>();
  const refresh = async () => {
    await refreshSharedFacts(poster(settings.gatewayUrl, undefined), shared, factsRng.pick, new Date());
    for (const q of shared.quotes) quotesSeen.set(q.token, `${q.runId}\t${q.seatClass}`);
    for (const caller of ['traveller', 'partner'] as const) {
      if (authOf(caller)) await refreshCallerFacts(poster(settings.gatewayUrl, authOf(caller)), own[caller]);
    }
  };
  await refresh();
  settings.log(
    `fuzz: ${shared.stations.length} stations, ${shared.runs.length} runs, ${shared.quotes.length} quotes known; ` +
      `sending for ${settings.seconds}s as ${CALLERS.filter((c) => c === 'anonymous' || authOf(c)).join(', ')}`,
  );
  const deadline = Date.now() + settings.seconds * 1000;
  let stopped = false;
  void settings.died?.then(() => (stopped = true));
  const running = () => !stopped && Date.now() < deadline;

  const background = (async () => {
    let lastRenew = Date.now();
    while (running()) {
      await new Promise((resolve) =>
        setTimeout(resolve, Math.min(REFRESH_FACTS_MS, Math.max(0, deadline - Date.now()))),
      );
      if (!running()) break;
      if (Date.now() - lastRenew > RENEW_TOKENS_MS) {
        auth = await settings.sessions().catch(() => auth);
        lastRenew = Date.now();
      }
      await refresh();
    }
  })();

  const record = (caller: Caller, caseId: string, fuzzCase: FuzzCase, verdict: Verdict) => {
    tally.sent += 1;
    bump(tally.byKind, fuzzCase.kind);
    bump(tally.byCaller, caller);
    if (fuzzCase.kind === 'valid' && fuzzCase.rootField) bump(tally.validByRootField, fuzzCase.rootField);
    bump(tally.statuses, String(verdict.status));
    for (const code of verdict.codes) bump(tally.codes, code);
    if (verdict.codes.length === 0 && verdict.status === 200) tally.clean += 1;
    if (verdict.status >= 500) tally.http5xx += 1;
    if (verdict.codes.includes('INTERNAL_SERVER_ERROR')) tally.internalErrors += 1;
    if (verdict.note)
      bump(tally.notes, `${fuzzCase.kind}${fuzzCase.detail ? ` (${fuzzCase.detail})` : ''}: ${verdict.note}`);
    if (verdict.problem) {
      tally.failures.push({
        caseId,
        caller,
        kind: fuzzCase.kind,
        ...(fuzzCase.detail ? { detail: fuzzCase.detail } : {}),
        ...(fuzzCase.rootField ? { rootField: fuzzCase.rootField } : {}),
        problem: verdict.problem,
        status: verdict.status,
        codes: verdict.codes,
        request: fuzzCase,
      });
      settings.log(
        `fuzz: FAILURE ${caseId} as ${caller}: ${fuzzCase.kind} ${fuzzCase.detail ?? ''} → ${verdict.problem}`,
      );
    }
    // A quote token appears as a variable ("quoteToken":"…") or a literal (quoteToken: \"…\").
    for (const match of fuzzCase.body?.matchAll(/quoteToken\\?"?\s*:\s*\\?"([^"\\]+)/g) ?? []) {
      const pair = quotesSeen.get(match[1] ?? '');
      if (pair && !tally.runClasses.includes(pair)) tally.runClasses.push(pair);
    }
  };

  const worker = async (caller: Caller, index: number) => {
    const rng = settings.rng.fork(`${caller}-${index}`);
    for (let i = 0; running(); i++) {
      const facts: Facts = { ...shared, ...pickOwn(own[caller]) };
      const fuzzCase = nextCase(rng, settings.schema, facts);
      const caseId = `${settings.seed}:${caller}-${index}:${i}`;
      const requestId = `fuzz-${settings.seed}-${caller}-${index}-${i}`;
      const sent = await sendCase(settings.gatewayUrl, fuzzCase, authOf(caller), requestId, REQUEST_TIMEOUT_MS);
      record(caller, caseId, fuzzCase, sent.verdict);
    }
  };
  const callers = CALLERS.filter((c) => c === 'anonymous' || authOf(c));
  await Promise.all(
    callers.flatMap((caller) => Array.from({ length: settings.concurrency }, (_, i) => worker(caller, i))),
  );
  stopped = true;
  await background;
  return tally;
}

const pickOwn = (facts: Facts) => ({
  bookings: facts.bookings,
  tickets: facts.tickets,
  cursors: facts.cursors,
  savedPassengers: facts.savedPassengers,
});
