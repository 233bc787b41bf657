import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { openDatabase, type ServiceDatabase } from '@railgraph/database';
import { migrationsDir } from '../src/service.js';
import { gtfsFilesFromText, type GtfsFileName, type GtfsFiles } from '../src/gtfs/source.js';

export const BASIC_FEED_DIR = fileURLToPath(new URL('./fixtures/gtfs-basic', import.meta.url));

/** The hand-written feed's files as text, with some files replaced or removed (`null`). */
export function basicFeed(changes: Partial<Record<GtfsFileName, string | null>> = {}): GtfsFiles {
  const texts: Partial<Record<GtfsFileName, string>> = {};
  for (const name of readdirSync(BASIC_FEED_DIR)) {
    texts[name as GtfsFileName] = readFileSync(path.join(BASIC_FEED_DIR, name), 'utf8');
  }
  for (const [name, text] of Object.entries(changes)) {
    if (text === null) delete texts[name as GtfsFileName];
    else texts[name as GtfsFileName] = text;
  }
  return gtfsFilesFromText(texts);
}

/** A second operator's small feed in another time zone, sharing the station LGG. */
export function otherFeed(version = '1'): GtfsFiles {
  return gtfsFilesFromText({
    'agency.txt':
      'agency_id,agency_name,agency_url,agency_timezone\nOTH,Other Trains,https://other.example,Europe/Brussels\n',
    'stops.txt':
      'stop_id,stop_code,stop_name,stop_lat,stop_lon\nLGG,LGG,Liège-Guillemins,50.6245,5.5667\nBMI,BMI,Bruxelles-Midi,50.8358,4.3363\n',
    'routes.txt': 'route_id,agency_id,route_short_name,route_type\nO,OTH,IC,2\n',
    'calendar.txt':
      'service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\nA,1,1,1,1,1,1,1,20260301,20261130\n',
    'trips.txt': `route_id,service_id,trip_id,trip_short_name\nO,A,O1,IC ${version}01\nO,A,O2,IC ${version}02\n`,
    'stop_times.txt':
      'trip_id,arrival_time,departure_time,stop_id,stop_sequence\nO1,07:00:00,07:00:00,BMI,1\nO1,08:00:00,08:00:00,LGG,2\nO2,09:00:00,09:00:00,LGG,1\nO2,10:00:00,10:00:00,BMI,2\n',
    'feed_info.txt': `feed_publisher_name,feed_publisher_url,feed_lang,feed_version\nOther,https://other.example,fr,${version}\n`,
  });
}

/** The trains database at `url` (a fresh one), migrated. */
export async function freshDatabase(url: string): Promise<ServiceDatabase> {
  const db = await openDatabase({ url });
  await db.migrate(migrationsDir);
  return db;
}

/** Every timetable row, in a stable order, for "nothing changed" comparisons. */
export async function dumpTimetable(db: ServiceDatabase): Promise<Record<string, unknown[]>> {
  const tables: Record<string, string> = {
    Feed: 'SELECT * FROM "Feed" ORDER BY id',
    Operator: 'SELECT * FROM "Operator" ORDER BY id',
    Station: 'SELECT * FROM "Station" ORDER BY code',
    Consist: 'SELECT id, coaches::text AS coaches FROM "Consist" ORDER BY id',
    Train: 'SELECT * FROM "Train" ORDER BY id',
    TrainStop: 'SELECT * FROM "TrainStop" ORDER BY "trainId", index',
    CalendarException: 'SELECT * FROM "CalendarException" ORDER BY "trainId", date',
    Transfer: 'SELECT * FROM "Transfer" ORDER BY "feedId", "fromStationCode", "toStationCode"',
    TrainTransfer: 'SELECT * FROM "TrainTransfer" ORDER BY "fromTrainId", "toTrainId", "stationCode"',
  };
  const dump: Record<string, unknown[]> = {};
  for (const [table, query] of Object.entries(tables)) dump[table] = await db.sql.query(query);
  return dump;
}
