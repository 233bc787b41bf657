import type { PrismaClient, Prisma } from '../__generated__/prisma/client.js';
import { coachSpecsSchema, type ConsistSpec } from '../consist/layout.js';
import { localDateOfUtcMidnight, utcMidnightOf, type LocalDate } from '../timetable/local-time.js';
import type { Station, Train } from '../timetable/model.js';
import type { TimetableFeed } from '../timetable/feed.js';

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

/** Reads and writes the timetable in the service's database. */
export class TimetableStore {
  constructor(private readonly prisma: PrismaClient) {}

  async stationsByCodes(codes: readonly string[]): Promise<Station[]> {
    return this.prisma.station.findMany({ where: { code: { in: [...codes] } } });
  }

  /** Stations whose code or name contains `search` (case-insensitive), by name. */
  async findStations(search: string | null, first: number): Promise<Station[]> {
    const where: Prisma.StationWhereInput = search
      ? {
          OR: [
            { code: { contains: search, mode: 'insensitive' } },
            { name: { contains: search, mode: 'insensitive' } },
          ],
        }
      : {};
    return this.prisma.station.findMany({ where, orderBy: [{ name: 'asc' }, { code: 'asc' }], take: first });
  }

  async trainsByIds(ids: readonly string[]): Promise<Train[]> {
    const rows = await this.prisma.train.findMany({ where: { id: { in: [...ids] } }, include: trainInclude });
    return rows.map(toTrain);
  }

  async consistsByIds(ids: readonly string[]): Promise<ConsistSpec[]> {
    const rows = await this.prisma.consist.findMany({ where: { id: { in: [...ids] } } });
    return rows.map((row) => ({ id: row.id, coaches: coachSpecsSchema.parse(row.coaches) }));
  }

  /**
   * Trains that may board at `from` and alight at `to` with a calendar that can run on
   * some date in `serviceDates`: one query, EXISTS on the stop index for both stations.
   * Stop order and the exact calendar are checked by the search itself.
   */
  async trainsServing(from: string, to: string, serviceDates: { from: LocalDate; to: LocalDate }): Promise<Train[]> {
    const first = utcMidnightOf(serviceDates.from);
    const last = utcMidnightOf(serviceDates.to);
    const rows = await this.prisma.train.findMany({
      where: {
        AND: [
          { stops: { some: { stationCode: from, boarding: true } } },
          { stops: { some: { stationCode: to, alighting: true } } },
          {
            OR: [
              { validFrom: { lte: last }, validTo: { gte: first } },
              { exceptions: { some: { kind: 'ADDED', date: { gte: first, lte: last } } } },
            ],
          },
        ],
      },
      include: trainInclude,
    });
    return rows.map(toTrain);
  }

  /** Whether any timetable has been stored yet. */
  async hasTimetable(): Promise<boolean> {
    return (await this.prisma.operator.findFirst({ select: { id: true } })) !== null;
  }

  /** Stores a whole feed in one transaction, with one multi-row insert per table. */
  async writeFeed(feed: TimetableFeed): Promise<void> {
    const exceptions = feed.trains.flatMap((train) => [
      ...[...train.calendar.added].map((date) => ({
        trainId: train.id,
        date: utcMidnightOf(date),
        kind: 'ADDED' as const,
      })),
      ...[...train.calendar.removed].map((date) => ({
        trainId: train.id,
        date: utcMidnightOf(date),
        kind: 'REMOVED' as const,
      })),
    ]);
    await this.prisma.$transaction([
      this.prisma.operator.createMany({ data: feed.operators }),
      this.prisma.station.createMany({ data: feed.stations }),
      this.prisma.consist.createMany({
        // Plain JSON data; the spec types are interfaces, which Prisma's JSON input type cannot name.
        data: feed.consists.map((c) => ({ id: c.id, coaches: c.coaches as unknown as Prisma.InputJsonValue })),
      }),
      this.prisma.train.createMany({
        data: feed.trains.map((train) => ({
          id: train.id,
          number: train.number,
          operatorId: train.operator.id,
          consistId: train.consistId,
          departureMinutes: train.departureMinutes,
          daysOfWeek: train.calendar.daysOfWeek,
          validFrom: utcMidnightOf(train.calendar.validFrom),
          validTo: utcMidnightOf(train.calendar.validTo),
        })),
      }),
      this.prisma.trainStop.createMany({
        data: feed.trains.flatMap((train) => train.stops.map((stop) => ({ trainId: train.id, ...stop }))),
      }),
      this.prisma.calendarException.createMany({ data: exceptions }),
    ]);
  }
}
