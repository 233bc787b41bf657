/**
 * A load run's throughput and latency over time, from Locust's `stats_stats_history.csv`, as
 * a self-contained SVG (no script, no fonts to fetch): requests per second of one operation on
 * the left axis, its p50 and p95 (Locust's rolling window) on the right.
 */
export interface TimelinePoint {
  /** Seconds since the first row. */
  t: number;
  perSecond: number;
  p50: number | null;
  p95: number | null;
  users: number;
}

/** The rows of one request name (`Aggregated` for all) of Locust's history CSV. */
export function parseHistoryCsv(text: string, name: string): TimelinePoint[] {
  const [header, ...lines] = text.trim().split('\n');
  if (!header) return [];
  const columns = header.split(',');
  const col = (row: string[], column: string) => row[columns.indexOf(column)] ?? '';
  const num = (value: string) => (value === 'N/A' || value === '' ? null : Number(value));
  const rows = lines.map((line) => line.split(',')).filter((row) => col(row, 'Name') === name);
  const start = Number(col(rows[0] ?? [], 'Timestamp'));
  return rows.map((row) => ({
    t: Number(col(row, 'Timestamp')) - start,
    perSecond: Number(col(row, 'Requests/s')),
    p50: num(col(row, '50%')),
    p95: num(col(row, '95%')),
    users: Number(col(row, 'User Count')),
  }));
}

/** One `bookJourney` answer as the scenarios record it: when it ended (s), its latency (ms), its outcome. */
export type BookingAnswer = [endedAt: number, latencyMs: number, outcome: string];

/**
 * The answers in `buckets` equal slices of the run: confirmed bookings per second, and the p50
 * and p95 latency of every answer ending in the slice (null in a slice without answers).
 */
export function bookingTimeline(answers: readonly BookingAnswer[], buckets = 40): TimelinePoint[] {
  if (answers.length === 0) return [];
  const start = Math.min(...answers.map((a) => a[0] - a[1] / 1000));
  const end = Math.max(...answers.map((a) => a[0]));
  const width = Math.max((end - start) / buckets, 0.05);
  const slices = Array.from({ length: buckets }, () => ({ confirmed: 0, latencies: [] as number[] }));
  for (const [endedAt, latencyMs, outcome] of answers) {
    const slice = slices[Math.min(buckets - 1, Math.floor((endedAt - start) / width))]!;
    slice.latencies.push(latencyMs);
    if (outcome === 'CONFIRMED') slice.confirmed += 1;
  }
  const quantile = (sorted: number[], q: number) =>
    sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return slices.map((slice, i) => {
    const sorted = [...slice.latencies].sort((a, b) => a - b);
    return {
      t: +((i + 1) * width).toFixed(3),
      perSecond: slice.confirmed / width,
      p50: quantile(sorted, 0.5),
      p95: quantile(sorted, 0.95),
      users: 0,
    };
  });
}

const W = 720;
const H = 320;
const M = { left: 56, right: 64, top: 36, bottom: 44 };

/** A round upper bound for an axis: 1, 2 or 5 times a power of ten at or above `max`. */
export function niceCeiling(max: number): number {
  if (max <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  return [1, 2, 5, 10].map((m) => m * power).find((v) => v >= max) ?? 10 * power;
}

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function timelineSvg(title: string, points: readonly TimelinePoint[], rateLabel = 'requests/s'): string {
  const tMax = Math.max(1, ...points.map((p) => p.t));
  const rateMax = niceCeiling(Math.max(...points.map((p) => p.perSecond), 0));
  const msMax = niceCeiling(Math.max(...points.map((p) => Math.max(p.p50 ?? 0, p.p95 ?? 0)), 0));
  const x = (t: number) => M.left + (t / tMax) * (W - M.left - M.right);
  const y = (v: number, max: number) => H - M.bottom - (v / max) * (H - M.top - M.bottom);
  const line = (values: Array<[number, number | null]>, max: number, colour: string, dash = '') => {
    const path = values
      .filter((v): v is [number, number] => v[1] !== null)
      .map(([t, v]) => `${x(t).toFixed(1)},${y(v, max).toFixed(1)}`)
      .join(' ');
    return path ? `<polyline fill="none" stroke="${colour}" stroke-width="2"${dash} points="${path}"/>` : '';
  };
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  const grid = ticks
    .map((f) => {
      const gy = y(f * rateMax, rateMax).toFixed(1);
      return (
        `<line x1="${M.left}" x2="${W - M.right}" y1="${gy}" y2="${gy}" stroke="#ddd"/>` +
        `<text x="${M.left - 6}" y="${gy}" text-anchor="end" dominant-baseline="middle">${+(f * rateMax).toPrecision(3)}</text>` +
        `<text x="${W - M.right + 6}" y="${gy}" dominant-baseline="middle">${Math.round(f * msMax)}</text>`
      );
    })
    .join('');
  const xTicks = ticks
    .map(
      (f) =>
        `<text x="${x(f * tMax).toFixed(1)}" y="${H - M.bottom + 16}" text-anchor="middle">${+(f * tMax).toPrecision(2)}</text>`,
    )
    .join('');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${W / 2}" y="18" text-anchor="middle" font-size="13">${escape(title)}</text>`,
    grid,
    xTicks,
    `<text x="${W / 2}" y="${H - 8}" text-anchor="middle">seconds</text>`,
    `<text x="14" y="${H / 2}" transform="rotate(-90 14 ${H / 2})" text-anchor="middle" fill="#1f77b4">${escape(rateLabel)}</text>`,
    `<text x="${W - 14}" y="${H / 2}" transform="rotate(90 ${W - 14} ${H / 2})" text-anchor="middle" fill="#d62728">ms</text>`,
    line(
      points.map((p) => [p.t, p.perSecond]),
      rateMax,
      '#1f77b4',
    ),
    line(
      points.map((p) => [p.t, p.p50]),
      msMax,
      '#ff7f0e',
      ' stroke-dasharray="4 3"',
    ),
    line(
      points.map((p) => [p.t, p.p95]),
      msMax,
      '#d62728',
    ),
    `<text x="${M.left + 8}" y="${M.top - 6}" fill="#1f77b4">${escape(rateLabel)}</text>`,
    `<text x="${M.left + 150}" y="${M.top - 6}" fill="#ff7f0e">p50 ms</text>`,
    `<text x="${M.left + 210}" y="${M.top - 6}" fill="#d62728">p95 ms</text>`,
    '</svg>',
    '',
  ].join('\n');
}
