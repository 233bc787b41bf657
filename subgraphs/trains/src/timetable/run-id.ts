import { isLocalDate, type LocalDate } from './local-time.js';

/** What a run id names: a train and a service date. */
export interface RunKey {
  trainId: string;
  serviceDate: LocalDate;
}

/** Train ids are plain tokens, so the last `:` of a run id always separates the date. */
const trainIdPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function isTrainId(value: string): boolean {
  return trainIdPattern.test(value);
}

export function formatRunId({ trainId, serviceDate }: RunKey): string {
  if (!isTrainId(trainId)) throw new RangeError(`not a train id: ${trainId}`);
  if (!isLocalDate(serviceDate)) throw new RangeError(`not a service date: ${serviceDate}`);
  return `${trainId}:${serviceDate}`;
}

/** The train and date a run id names, or null when it is not `<trainId>:<YYYY-MM-DD>` with a real date. */
export function parseRunId(runId: string): RunKey | null {
  const separator = runId.lastIndexOf(':');
  if (separator < 0) return null;
  const trainId = runId.slice(0, separator);
  const serviceDate = runId.slice(separator + 1);
  if (!isTrainId(trainId) || !isLocalDate(serviceDate)) return null;
  return { trainId, serviceDate };
}
