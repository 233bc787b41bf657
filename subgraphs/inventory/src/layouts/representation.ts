import { badInput, z } from '@railgraph/service-kit';
import type { RunCapacity, RunLayout } from '../engine/layout.js';

/**
 * Entity representations the router sends with the `@requires` fields `trains` resolved:
 * the layout travels with the request, so inventory never asks trains for it here.
 */
const seatClass = z.enum(['STANDARD', 'FIRST']);
const coachCapacity = z.object({
  number: z.number().int(),
  seatClass,
  seatCount: z.number().int().min(0),
});
const coachLayout = coachCapacity
  .extend({
    seats: z.array(z.object({ label: z.string().min(1), position: z.enum(['WINDOW', 'AISLE', 'MIDDLE']) })),
  })
  .refine((coach) => coach.seats.length === coach.seatCount, 'a coach must list as many seats as it counts');
const consistOf = <C extends z.ZodType>(coach: C) => z.object({ id: z.string().min(1), coaches: z.array(coach) });

const journeyRun = z.object({ legCount: z.number().int().min(1), consist: consistOf(coachCapacity) });
const trainRunLayout = z.object({ legCount: z.number().int().min(1), consist: consistOf(coachLayout) });

/** A journey and, when the representation carried it, its run's seat capacity. */
export interface JourneyModel {
  runId: string;
  fromStop: number;
  toStop: number;
  capacity: RunCapacity | null;
}

/** A run and, when the representation carried it, its full seat layout. */
export interface TrainRunModel {
  id: string;
  layout: RunLayout | null;
}

export function journeyFromRepresentation(rep: {
  runId: string;
  fromStop: number;
  toStop: number;
  run?: unknown;
}): JourneyModel {
  const base = { runId: String(rep.runId), fromStop: rep.fromStop, toStop: rep.toStop };
  if (rep.run === undefined || rep.run === null) return { ...base, capacity: null };
  const parsed = journeyRun.safeParse(rep.run);
  if (!parsed.success) throw badInput(`Journey representation has a malformed run: ${z.prettifyError(parsed.error)}`);
  const { legCount, consist } = parsed.data;
  return { ...base, capacity: { runId: base.runId, legCount, consistId: consist.id, coaches: consist.coaches } };
}

export function trainRunFromRepresentation(rep: { id: string; legCount?: unknown; consist?: unknown }): TrainRunModel {
  const id = String(rep.id);
  if (rep.legCount === undefined && rep.consist === undefined) return { id, layout: null };
  const parsed = trainRunLayout.safeParse({ legCount: rep.legCount, consist: rep.consist });
  if (!parsed.success)
    throw badInput(`TrainRun representation has a malformed layout: ${z.prettifyError(parsed.error)}`);
  return { id, layout: layoutOf(id, parsed.data) };
}

/** Parses a run's layout as `trains` returns it (also used for the layouts fetched by id). */
export function parseRunLayout(runId: string, value: unknown): RunLayout {
  const parsed = trainRunLayout.safeParse(value);
  if (!parsed.success)
    throw new Error(`trains returned a malformed layout for run ${runId}: ${z.prettifyError(parsed.error)}`);
  return layoutOf(runId, parsed.data);
}

function layoutOf(runId: string, { legCount, consist }: z.output<typeof trainRunLayout>): RunLayout {
  return { runId, legCount, consistId: consist.id, coaches: consist.coaches };
}
