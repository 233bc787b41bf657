// `npm run import:gtfs -- <folder-or-zip> [--operator NAME] [--consist <routeType>=<consistId>]...`
// Imports a GTFS feed into the trains database under the settings the service uses
// (TRAINS_DATABASE_URL, else the trains database on the embedded server `npm start` runs for
// DATA_DIR, which must be running). A running trains service serves the new timetable after
// its next reload check or restart.
import { parseArgs } from 'node:util';
import { DatabaseNotConfigured, openDatabase } from '@railgraph/database';
import { isStoreUnavailable, loadEnv } from '@railgraph/service-kit';
import { trainsEnvSchema } from '../env.js';
import { GtfsFeedError } from '../gtfs/csv.js';
import { DEFAULT_CONSIST_RULES, parseConsistRules } from '../gtfs/consists.js';
import { importGtfs } from '../gtfs/import.js';
import { migrationsDir } from '../service.js';

const usage = 'usage: npm run import:gtfs -- <folder-or-zip> [--operator NAME] [--consist <routeType>=<consistId>]...';

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { operator: { type: 'string' }, consist: { type: 'string', multiple: true }, help: { type: 'boolean' } },
  });
  const [location] = positionals;
  if (values.help || !location || positionals.length > 1) {
    process.stderr.write(`${usage}\n`);
    return values.help ? 0 : 2;
  }
  const env = loadEnv('import:gtfs', trainsEnvSchema);
  const consists = values.consist
    ? parseConsistRules(DEFAULT_CONSIST_RULES, env.consistRules, ...values.consist)
    : env.consists;
  let db;
  try {
    db = await openDatabase(env.database);
    await db.migrate(migrationsDir);
    let lastReport = 0;
    const report = await importGtfs(db.sql, location, {
      operator: values.operator,
      consists,
      onProgress: (stage, done, total) => {
        const now = performance.now();
        if (now - lastReport < 1_000 && (total === undefined || done < total)) return;
        lastReport = now;
        process.stderr.write(
          `  ${stage}: ${done.toLocaleString('en')}${total ? ` of ${total.toLocaleString('en')}` : ''}\n`,
        );
      },
    });
    const where = env.database.url ? 'PostgreSQL' : `the embedded server of ${env.database.embedded?.dataDir}`;
    const perSecond = Math.round(report.stopTimes / (report.milliseconds / 1000));
    process.stdout.write(
      report.outcome === 'unchanged'
        ? `feed ${report.feedId}: already imported with the same content; nothing changed (${where})\n`
        : `feed ${report.feedId}: ${report.outcome} ${report.trains} trains, ${report.stopTimes} stop times, ${report.stations} stations into ${where} in ${(report.milliseconds / 1000).toFixed(1)} s (${perSecond} stop times/s); a running trains service serves it after its next reload check (TRAINS_RELOAD_SECONDS) or restart\n`,
    );
    return 0;
  } catch (error) {
    if (error instanceof DatabaseNotConfigured || isStoreUnavailable(error)) {
      process.stderr.write(`no trains database to import into: ${(error as Error).message}\n`);
      return 1;
    }
    if (error instanceof GtfsFeedError || error instanceof RangeError) {
      process.stderr.write(`feed rejected, database unchanged: ${error.message}\n`);
      return 1;
    }
    throw error;
  } finally {
    await db?.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `import failed, database unchanged: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
