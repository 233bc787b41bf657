// Calendars, routes and trips of a GTFS feed: when each train runs, under which number and consist.
import { createHash } from 'node:crypto';
import type { ServiceCalendar } from '../timetable/calendar.js';
import type { LocalDate } from '../timetable/local-time.js';
import type { Operator } from '../timetable/model.js';
import { isTrainId } from '../timetable/run-id.js';
import { consistForRouteType, type ConsistsByRouteType } from './consists.js';
import { GtfsFeedError } from './csv.js';
import { fail, gtfsDate, needColumns, optional, required, value } from './fields.js';
import type { GtfsFiles } from './source.js';

/** A GTFS trip id as a train id: itself when it is a plain token, else a token with a hash that keeps it unique. */
export function trainIdForTrip(tripId: string): string {
  if (isTrainId(tripId)) return tripId;
  const hash = createHash('sha256').update(tripId).digest('hex').slice(0, 8);
  const token = tripId.replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[^A-Za-z0-9]+/, '');
  return `${token.slice(0, 55)}.${hash}`.replace(/^\./, `t${hash}.`);
}

const dayColumns = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;

export function readCalendars(files: GtfsFiles): Map<string, ServiceCalendar> {
  const calendars = new Map<
    string,
    { daysOfWeek: number; validFrom: LocalDate; validTo: LocalDate; added: Set<LocalDate>; removed: Set<LocalDate> }
  >();
  const weekly = optional(files, 'calendar.txt');
  const exceptions = optional(files, 'calendar_dates.txt');
  if (!weekly && !exceptions) {
    throw new GtfsFeedError('calendar.txt', null, 'the feed has neither calendar.txt nor calendar_dates.txt');
  }
  if (weekly) {
    needColumns(weekly, ['service_id', ...dayColumns, 'start_date', 'end_date']);
    for (const row of weekly.rows()) {
      const id = value(weekly, row, 'service_id');
      if (calendars.has(id)) fail(weekly, row, `service_id ${id} appears twice`);
      let daysOfWeek = 0;
      dayColumns.forEach((column, day) => {
        const flag = row.get(column);
        if (flag !== '0' && flag !== '1') fail(weekly, row, `${column} must be 0 or 1; got ${JSON.stringify(flag)}`);
        if (flag === '1') daysOfWeek |= 1 << day;
      });
      const validFrom = gtfsDate(weekly, row, 'start_date');
      const validTo = gtfsDate(weekly, row, 'end_date');
      if (validTo < validFrom) fail(weekly, row, `end_date ${validTo} is before start_date ${validFrom}`);
      calendars.set(id, { daysOfWeek, validFrom, validTo, added: new Set(), removed: new Set() });
    }
  }
  if (exceptions) {
    needColumns(exceptions, ['service_id', 'date', 'exception_type']);
    for (const row of exceptions.rows()) {
      const id = value(exceptions, row, 'service_id');
      const date = gtfsDate(exceptions, row, 'date');
      const kind = row.get('exception_type');
      if (kind !== '1' && kind !== '2')
        fail(exceptions, row, `exception_type must be 1 (added) or 2 (removed); got ${JSON.stringify(kind)}`);
      let calendar = calendars.get(id);
      if (!calendar) {
        // A service given only by its dates: no weekly pattern, valid over the dates it names.
        calendar = { daysOfWeek: 0, validFrom: date, validTo: date, added: new Set(), removed: new Set() };
        calendars.set(id, calendar);
      }
      if (calendar.daysOfWeek === 0) {
        if (date < calendar.validFrom) calendar.validFrom = date;
        if (date > calendar.validTo) calendar.validTo = date;
      }
      if (calendar.added.has(date) || calendar.removed.has(date))
        fail(exceptions, row, `service ${id} has ${date} twice`);
      (kind === '1' ? calendar.added : calendar.removed).add(date);
    }
  }
  return calendars;
}

export interface RouteRow {
  operator: Operator;
  shortName: string;
  consistId: string;
}

export function readRoutes(
  files: GtfsFiles,
  operators: Map<string, Operator>,
  consists: ConsistsByRouteType,
): Map<string, RouteRow> {
  const table = required(files, 'routes.txt');
  needColumns(table, ['route_id', 'route_type']);
  const routes = new Map<string, RouteRow>();
  const [onlyOperator] = operators.values();
  for (const row of table.rows()) {
    const id = value(table, row, 'route_id');
    if (routes.has(id)) fail(table, row, `route_id ${id} appears twice`);
    const agencyId = row.get('agency_id');
    const operator = agencyId === '' && operators.size === 1 ? onlyOperator : operators.get(agencyId);
    if (!operator) {
      fail(
        table,
        row,
        agencyId === ''
          ? 'agency_id is empty and the feed has several agencies'
          : `agency_id ${agencyId} is not in agency.txt`,
      );
    }
    const routeType = value(table, row, 'route_type');
    if (!/^\d+$/.test(routeType))
      fail(table, row, `route_type must be a whole number; got ${JSON.stringify(routeType)}`);
    routes.set(id, {
      operator,
      shortName: row.get('route_short_name'),
      consistId: consistForRouteType(consists, Number(routeType)),
    });
  }
  return routes;
}

export interface TripRow {
  line: number;
  trainId: string;
  number: string;
  route: RouteRow;
  calendar: ServiceCalendar;
}

export function readTrips(
  files: GtfsFiles,
  routes: Map<string, RouteRow>,
  calendars: Map<string, ServiceCalendar>,
): Map<string, TripRow> {
  const table = required(files, 'trips.txt');
  needColumns(table, ['route_id', 'service_id', 'trip_id']);
  const trips = new Map<string, TripRow>();
  const trainIds = new Map<string, string>();
  for (const row of table.rows()) {
    const tripId = value(table, row, 'trip_id');
    if (trips.has(tripId)) fail(table, row, `trip_id ${tripId} appears twice`);
    const routeId = value(table, row, 'route_id');
    const route = routes.get(routeId);
    if (!route) fail(table, row, `route_id ${routeId} is not in routes.txt`);
    const serviceId = value(table, row, 'service_id');
    const calendar = calendars.get(serviceId);
    if (!calendar) fail(table, row, `service_id ${serviceId} is in neither calendar.txt nor calendar_dates.txt`);
    const trainId = trainIdForTrip(tripId);
    const clash = trainIds.get(trainId);
    if (clash !== undefined) fail(table, row, `trip_id ${tripId} maps to the same train id as ${clash}`);
    trainIds.set(trainId, tripId);
    const number = row.get('trip_short_name') || [route.shortName, tripId].filter(Boolean).join(' ');
    trips.set(tripId, { line: row.line, trainId, number, route, calendar });
  }
  return trips;
}
