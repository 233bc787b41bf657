import { getOperationAST, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createMetrics, knownNameLabel, rootFieldLabel } from '../src/metrics.js';

describe('observed gauges', () => {
  it('reads the value when scraped', async () => {
    const metrics = createMetrics('gauge-test');
    let backlog = 3;
    metrics.observedGauge('test_outbox_backlog', 'Rows waiting', async () => backlog);
    expect(await metrics.registry.metrics()).toContain('test_outbox_backlog{service="gauge-test"} 3');
    backlog = 7;
    expect(await metrics.registry.metrics()).toContain('test_outbox_backlog{service="gauge-test"} 7');
  });

  it('keeps the last value and still answers the scrape when a read fails', async () => {
    const metrics = createMetrics('gauge-test');
    let fail = false;
    metrics.observedGauge('test_queue_length', 'Rows waiting', async () => {
      if (fail) throw new Error('store unreachable');
      return 5;
    });
    expect(await metrics.registry.metrics()).toContain('test_queue_length{service="gauge-test"} 5');
    fail = true;
    const text = await metrics.registry.metrics();
    expect(text).toContain('test_queue_length{service="gauge-test"} 5');
    expect(text).toContain('process_cpu_user_seconds_total');
  });
});

const operationOf = (text: string) => getOperationAST(parse(text)) ?? undefined;

describe('the operation label', () => {
  it('is a subgraph operation’s one root field, whatever the operation is called', () => {
    expect(
      rootFieldLabel(operationOf('query Anything_12345 { station(code: "AMS") { name } }'), 'Anything_12345'),
    ).toBe('station');
    expect(rootFieldLabel(operationOf('{ __typename first: station(code: "A") { name } }'), null)).toBe('station');
    expect(rootFieldLabel(operationOf('mutation M { holdSeats }'), 'M')).toBe('holdSeats');
  });

  it('is other for several root fields, a root fragment, or no resolved operation', () => {
    expect(rootFieldLabel(operationOf('{ station(code: "A") { name } stations { code } }'), null)).toBe('other');
    expect(rootFieldLabel(operationOf('{ ... on Query { station(code: "A") { name } } }'), null)).toBe('other');
    expect(rootFieldLabel(operationOf('{ __typename }'), null)).toBe('other');
    expect(rootFieldLabel(undefined, 'Named')).toBe('other');
  });

  it('keeps only known operation names', () => {
    const label = knownNameLabel(new Set(['Stations']));
    const operation = operationOf('query Stations { stations { code } }');
    expect(label(operation, 'Stations')).toBe('Stations');
    expect(label(operationOf('query Random_42 { stations { code } }'), 'Random_42')).toBe('other');
    expect(label(undefined, 'Stations')).toBe('other');
  });
});
