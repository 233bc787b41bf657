import { describe, expect, it } from 'vitest';
import { bookingTimeline, niceCeiling, parseHistoryCsv, timelineSvg } from '../src/chart.js';

const header =
  'Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%,Total Request Count';
const csv = [
  header,
  '1000,0,,Aggregated,0.000000,0.000000,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,0',
  '1001,100,POST,bookJourney,40.5,0,300,0,0,0,0,900,0,0,0,0,0,40',
  '1001,100,,Aggregated,60.0,0,200,0,0,0,0,800,0,0,0,0,0,60',
  '1003,100,POST,bookJourney,12.0,0,450,0,0,0,0,1300,0,0,0,0,0,64',
].join('\n');

describe('the run chart', () => {
  it("reads one operation's series from Locust's history, in seconds from its first row", () => {
    expect(parseHistoryCsv(csv, 'bookJourney')).toEqual([
      { t: 0, perSecond: 40.5, p50: 300, p95: 900, users: 100 },
      { t: 2, perSecond: 12, p50: 450, p95: 1300, users: 100 },
    ]);
    expect(parseHistoryCsv(csv, 'Aggregated')[0]).toEqual({ t: 0, perSecond: 0, p50: null, p95: null, users: 0 });
  });

  it('draws the rate and both percentiles on round axes', () => {
    const svg = timelineSvg('rush: bookJourney <72 seats>', parseHistoryCsv(csv, 'bookJourney'));
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.match(/<polyline /g)).toHaveLength(3);
    expect(svg).toContain('rush: bookJourney &lt;72 seats&gt;');
    // Axes end at 50 requests/s and 2000 ms.
    expect(svg).toContain('>50</text>');
    expect(svg).toContain('>2000</text>');
  });

  it('rounds axis ends up to 1, 2 or 5 times a power of ten', () => {
    expect([0, 0.3, 1, 3, 7, 40.5, 1300].map(niceCeiling)).toEqual([1, 0.5, 1, 5, 10, 50, 2000]);
  });
});

describe('the booking timeline', () => {
  it('buckets answers by when they ended: confirmations per second and latency per slice', () => {
    const answers: Array<[number, number, string]> = [
      [100.5, 500, 'CONFIRMED'],
      [100.9, 900, 'CONFIRMED'],
      [101.5, 1500, 'SOLD_OUT'],
      [102.0, 2000, 'CONFIRMED'],
    ];
    // From the first request's start (100.0) to the last answer (102.0), in two slices of 1 s.
    expect(bookingTimeline(answers, 2)).toEqual([
      { t: 1, perSecond: 2, p50: 900, p95: 900, users: 0 },
      { t: 2, perSecond: 1, p50: 2000, p95: 2000, users: 0 },
    ]);
    expect(bookingTimeline([])).toEqual([]);
  });
});
