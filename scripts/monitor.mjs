// `npm run monitor`: builds the launcher if needed, then starts the local Prometheus
// (packages/launcher/src/monitor-main.ts). One node process, so a signal npm forwards
// reaches it and it stops Prometheus too.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
execFileSync(
  path.join(root, 'node_modules', '.bin', 'turbo'),
  ['run', 'build', '--filter=@railgraph/launcher', '--output-logs=errors-only'],
  { cwd: root, stdio: 'inherit', env: { TURBO_TELEMETRY_DISABLED: '1', ...process.env } },
);
await import(path.join(root, 'packages', 'launcher', 'dist', 'monitor-main.js'));
