import type { PrismaClient, Prisma } from '../__generated__/prisma/client.js';
import { coachSpecsSchema, type ConsistSpec } from '../consist/layout.js';
import { localDateOfUtcMidnight, type LocalDate } from '../timetable/local-time.js';
import type { Station, Train } from '../timetable/model.js';

/** Everything a train needs, loaded in one Prisma query. */
const trainInclude = {
  operator: true,
  stops: { orderBy: { index: 'asc' } },
  exceptions: true,
} as const satisfies Prisma.TrainInclude;

type TrainRow = Prisma.TrainGetPayload<{ include: typeof trainInclude }>;

function toTrain(row: TrainRow): Train {
  const added = new Set<LocalDate>();
  const removed = new Set<LocalDate>();
  for (const exception of row.exceptions) {
    (exception.kind === 'ADDED' ? added : removed).add(localDateOfUtcMidnight(exception.date));
  }
  return {
    id: row.id,
    number: row.number,
    operator: row.operator,
    consistId: row.consistId,
    departureMinutes: row.departureMinutes,
    calendar: {
      daysOfWeek: row.daysOfWeek,
      validFrom: localDateOfUtcMidnight(row.validFrom),
      validTo: localDateOfUtcMidnight(row.validTo),
      added,
      removed,
    },
    stops: row.stops.map((stop) => ({
      index: stop.index,
      stationCode: stop.stationCode,
      arrivalOffsetMinutes: stop.arrivalOffsetMinutes,
      departureOffsetMinutes: stop.departureOffsetMinutes,
      distanceKm: stop.distanceKm,
      boarding: stop.boarding,
      alighting: stop.alighting,
    })),
  };
}

/** Reads the timetable from the service's database (imports write it, see `feed-writer.ts`). */
export class TimetableStore {
  constructor(private readonly prisma: PrismaClient) {}

  async stationsByCodes(codes: readonly string[]): Promise<Station[]> {
    return this.prisma.station.findMany({ where: { code: { in: [...codes] } } });
  }

  async trainsByIds(ids: readonly string[]): Promise<Train[]> {
    const rows = await this.prisma.train.findMany({ where: { id: { in: [...ids] } }, include: trainInclude });
    return rows.map(toTrain);
  }

  async consistsByIds(ids: readonly string[]): Promise<ConsistSpec[]> {
    const rows = await this.prisma.consist.findMany({ where: { id: { in: [...ids] } } });
    return rows.map((row) => ({ id: row.id, coaches: coachSpecsSchema.parse(row.coaches) }));
  }

  /** Whether any timetable has been stored yet. */
  async hasTimetable(): Promise<boolean> {
    return (await this.prisma.operator.findFirst({ select: { id: true } })) !== null;
  }
}
