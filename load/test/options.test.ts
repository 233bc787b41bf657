import { describe, expect, it } from 'vitest';
import { parseLoadArgs, scenarioShape, UsageError } from '../src/options.js';
import { parseStatsCsv } from '../src/report.js';
import { replicaEnv } from '../src/target.js';

describe('npm run load options', () => {
  it('take a scenario and its settings', () => {
    const options = parseLoadArgs(['rush', '--stores', 'real', '--users', '250', '--duration', '90s']);
    expect(options).toMatchObject({ scenario: 'rush', stores: 'real', users: 250, duration: '90s', smoke: false });
    expect(scenarioShape('rush', options)).toEqual({ users: 250, duration: '90s', spawnRate: 20 });
  });

  it('start all users within about ten seconds, at most 20 a second (each signs up), unless told', () => {
    const shape = (args: string[]) => scenarioShape('rush', parseLoadArgs(['rush', ...args]));
    expect(shape(['--users', '5']).spawnRate).toBe(1);
    expect(shape(['--users', '150']).spawnRate).toBe(15);
    expect(shape(['--users', '400']).spawnRate).toBe(20);
    expect(shape(['--users', '400', '--spawn-rate', '40']).spawnRate).toBe(40);
  });

  it('run one process of each service unless --replicas asks for more, on real stores', () => {
    expect(parseLoadArgs(['book']).replicas).toBe(1);
    expect(parseLoadArgs(['book', '--replicas', '1']).replicas).toBe(1);
    const options = parseLoadArgs(['rush', '--smoke', '--stores', 'real', '--replicas', '2']);
    expect(options).toMatchObject({ scenario: 'rush', stores: 'real', smoke: true, replicas: 2 });
    expect(parseLoadArgs(['soak', '--stores', 'real', '--replicas', '8']).replicas).toBe(8);
    // The started system gets the count for each of the three services.
    expect(replicaEnv(options.replicas)).toEqual({
      TICKETS_REPLICAS: '2',
      INVENTORY_REPLICAS: '2',
      GATEWAY_REPLICAS: '2',
    });
    expect(replicaEnv(1)).toEqual({ TICKETS_REPLICAS: '1', INVENTORY_REPLICAS: '1', GATEWAY_REPLICAS: '1' });
  });

  it('run faults on two replicas of each service at least, on real stores', () => {
    expect(parseLoadArgs(['faults', '--stores', 'real'])).toMatchObject({ scenario: 'faults', replicas: 2 });
    expect(parseLoadArgs(['faults', '--stores', 'real', '--replicas', '3']).replicas).toBe(3);
    expect(() => parseLoadArgs(['faults', '--stores', 'real', '--replicas', '1'])).toThrow('--replicas 2 or more');
    expect(() => parseLoadArgs(['faults'])).toThrow('needs --stores real');
  });

  it('make smoke a short, timing-blind run of every scenario', () => {
    const options = parseLoadArgs(['smoke']);
    expect(options.smoke).toBe(true);
    expect(scenarioShape('browse', options).duration).toBe('15s');
  });

  it.each([
    [[], 'name one scenario'],
    [['stampede'], 'name one scenario'],
    [['book', 'browse'], 'name one scenario'],
    [['book', '--stores', 'cloud'], '--stores'],
    [['book', '--users', '0'], '--users 0'],
    [['book', '--users', 'many'], '--users many'],
    [['book', '--duration', '10'], '--duration 10'],
    [['book', '--gateway', 'localhost:4000'], '--gateway'],
    [['rush', '--replicas', '2'], '--replicas 2 needs --stores real'],
    [['rush', '--stores', 'embedded', '--replicas', '3'], '--replicas 3 needs --stores real'],
    [['rush', '--stores', 'real', '--replicas', '0'], '--replicas 0'],
    [['rush', '--stores', 'real', '--replicas', 'two'], '--replicas two'],
    [['rush', '--stores', 'real', '--replicas', '9'], '--replicas 9: at most 8'],
    [['rush', '--gateway', 'http://127.0.0.1:4000', '--replicas', '2'], '--replicas is for the system a run starts'],
  ])('refuse %j with a clear message', (argv, message) => {
    expect(() => parseLoadArgs(argv)).toThrow(UsageError);
    expect(() => parseLoadArgs(argv)).toThrow(message);
  });
});

describe("Locust's stats CSV", () => {
  it('gives each operation its counts and percentiles', () => {
    const csv = [
      'Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%',
      'POST,bookJourney,120,2,410,450.5,80.1,1900.2,310.0,4.0,0.06,410,480,520,560,700,800,1100,1400,1900,1900,1900',
      ',Aggregated,120,2,410,450.5,80.1,1900.2,310.0,4.0,0.06,410,480,520,560,700,800,1100,1400,1900,1900,1900',
    ].join('\n');
    expect(parseStatsCsv(csv)[0]).toEqual({
      name: 'bookJourney',
      requests: 120,
      failures: 2,
      perSecond: 4,
      p50: 410,
      p95: 800,
      p99: 1400,
      max: 1900.2,
    });
  });
});
