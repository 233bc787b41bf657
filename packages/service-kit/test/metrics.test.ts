import { describe, expect, it } from 'vitest';
import { createMetrics } from '../src/metrics.js';

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
