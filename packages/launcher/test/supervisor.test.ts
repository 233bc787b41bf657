import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { Supervisor, type Child } from '../src/supervisor.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

/**
 * A process that exits with code 7 leaving a process of its own behind, which writes `LAST LINE`
 * to the output they share 300 ms later, as a killed PostgreSQL server's backends do.
 */
async function crashingScript(dir: string): Promise<string> {
  const entry = path.join(dir, 'crashing.mjs');
  const late = `setTimeout(() => require('node:fs').writeSync(2, 'LAST LINE\\n'), 300)`;
  await writeFile(
    entry,
    `import { spawn } from 'node:child_process';
process.stderr.write('crashing\\n');
spawn(process.execPath, ['-e', ${JSON.stringify(late)}], { stdio: ['ignore', 'inherit', 'inherit'], detached: true }).unref();
process.exit(7);
`,
  );
  return entry;
}

describe('the supervisor', () => {
  it('keeps the lines that arrive after a child’s exit in its log', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'railgraph-supervisor-'));
    dirs.push(dir);
    const entry = await crashingScript(dir);
    const exits: Array<number | null> = [];
    const supervisor = new Supervisor(process.env, dir, {
      onProblemLine: () => undefined,
      onUnexpectedExit: (_child: Child, code) => exits.push(code),
    });
    for (let round = 0; round < 3; round += 1) {
      const child = await supervisor.start({ name: `crashing-${round}`, entry, port: 0, stage: 0 });
      expect(await child.exited).toBe(7);
      let log = '';
      for (let waited = 0; waited < 5_000 && !log.endsWith('LAST LINE\n'); waited += 50) {
        await sleep(50);
        log = await readFile(child.logFile, 'utf8');
      }
      expect(log).toBe('crashing\nLAST LINE\n');
    }
    expect(exits).toEqual([7, 7, 7]);
  });
});
