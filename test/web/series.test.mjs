// Unit tests of web/src/lib/series.js: what the charts draw from the check's JSON. Expected
// values are derived by hand in the comments.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  dateToSeconds, demandCapacitySeries, demandSummary, leadTimeHistogram, snapBinHours,
  utilisationCalendar, utilisationClass,
} from '../../web/src/lib/series.js';

const day = (date, capacity, a, without, b, bWithout) => ({
  date, capacity, arrivals: { p5: a[0], p50: a[1], p95: a[2] }, arrivals_without: without,
  backlog: { p5: b[0], p50: b[1], p95: b[2] }, backlog_without: bWithout,
});

test('dates are UTC midnights in seconds', () => {
  assert.equal(dateToSeconds('1970-01-02'), 86400);
  assert.equal(dateToSeconds('2027-04-10'), Date.UTC(2027, 3, 10) / 1000);
});

test('demand series: capacity steps over whole days, daily figures at noon', () => {
  const days = [day('2027-04-10', 100, [1, 2, 3], 2, [4, 5, 6], 1), day('2027-04-11', 0, [7, 8, 9], 6, [10, 11, 12], 2)];
  const c = demandCapacitySeries(days);
  const d0 = dateToSeconds('2027-04-10');
  // midnight, noon of each day, then the closing midnight
  assert.deepEqual(c.x, [d0, d0 + 43200, d0 + 86400, d0 + 86400 + 43200, d0 + 2 * 86400]);
  assert.deepEqual(c.capacity, [100, 100, 0, 0, 0]);
  assert.deepEqual(c.arrivalsP50, [null, 2, null, 8, null]);
  assert.deepEqual(c.arrivalsP5, [null, 1, null, 7, null]);
  assert.deepEqual(c.arrivalsP95, [null, 3, null, 9, null]);
  assert.deepEqual(c.arrivalsWithout, [null, 2, null, 6, null]);
  assert.deepEqual(c.backlogP50, [null, 5, null, 11, null]);
  assert.deepEqual(c.backlogWithout, [null, 1, null, 2, null]);
  for (const column of Object.values(c)) assert.equal(column.length, c.x.length);
  assert.deepEqual(demandCapacitySeries([]).x, []);
});

test('demand summary: days over capacity and the backlog peak', () => {
  const days = [day('2027-04-10', 100, [1, 120, 3], 2, [4, 5, 6], 1), day('2027-04-11', 0, [7, 8, 9], 6, [10, 11, 12], 2),
    day('2027-04-12', 100, [1, 50, 3], 2, [4, 9, 6], 1)];
  const s = demandSummary(days);
  assert.equal(s.days, 3);
  assert.equal(s.overDays, 2); // 120 > 100 and 8 > 0
  assert.equal(s.peak.date, '2027-04-11'); // backlog p50 11 is the largest
});

test('lead-time histogram: shares within the bound, a straddling bin counted in proportion', () => {
  const lt = { bin_hours: 2, bound_hours: 4, share: [0.1, 0.2, 0.3, 0.1], beyond: 0.3 };
  const h = leadTimeHistogram(lt);
  assert.deepEqual(h.bins.map((b) => b.within), [true, true, false, false]); // [0,2) [2,4) within 4h
  assert.ok(Math.abs(h.withinShare - 0.3) < 1e-12);
  assert.equal(h.straddles, false);
  assert.equal(h.lastHours, 8);
  assert.ok(Math.abs(h.total - 1) < 1e-12);
  // Bound 5h: bin [4,6) is half within: 0.1 + 0.2 + 0.3 / 2 = 0.45.
  const half = leadTimeHistogram({ ...lt, bound_hours: 5 });
  assert.ok(Math.abs(half.withinShare - 0.45) < 1e-12);
  assert.equal(half.straddles, true);
});

test('bin widths rounded in the JSON snap back onto the bound', () => {
  assert.equal(snapBinHours(0.3333, 8), 8 / 24); // 24 bins of 0.3333 = 7.9992, a third of an hour
  assert.equal(snapBinHours(0.1667, 4), 4 / 24);
  assert.equal(snapBinHours(2, 48), 2);
  assert.equal(snapBinHours(0.37, 8), 0.37); // 22 bins = 8.14: not a rounding, left alone
  // With 0.3333h bins and an 8h bound, exactly the first 24 bins are within.
  const share = Array.from({ length: 48 }, () => 0.01);
  const h = leadTimeHistogram({ bin_hours: 0.3333, bound_hours: 8, share, beyond: 0.52 });
  assert.equal(h.bins.filter((b) => b.within).length, 24);
  assert.ok(Math.abs(h.withinShare - 0.24) < 1e-12);
  assert.equal(h.straddles, false);
});

test('utilisation classes at their boundaries', () => {
  const cls = (ratio, capacity = 10) => utilisationClass({ ratio, capacity });
  assert.equal(cls(null, 0), 'closed');
  assert.equal(cls(0.69), 'low');
  assert.equal(cls(0.7), 'mid');
  assert.equal(cls(0.9), 'high');
  assert.equal(cls(1.0), 'high');
  assert.equal(cls(1.01), 'over');
  assert.equal(cls(1.5), 'over');
  assert.equal(cls(1.51), 'far');
});

test('utilisation calendar: one cell per day from the first date, with a summary', () => {
  const cal = utilisationCalendar({
    id: 'desk', unit: 'requests', first: '2027-02-27', capacity: [100, 0, 100, 100], arrivals: [50, 30, 95, 160],
  });
  assert.deepEqual(cal.days.map((d) => d.date), ['2027-02-27', '2027-02-28', '2027-03-01', '2027-03-02']);
  assert.deepEqual(cal.days.map((d) => d.class), ['low', 'closed', 'high', 'far']); // 0.5, closed, 0.95, 1.6
  assert.equal(cal.overDays, 1);
  assert.equal(cal.closedDays, 1);
  assert.equal(cal.peak.date, '2027-03-02');
  assert.ok(Math.abs(cal.peak.ratio - 1.6) < 1e-12);
});

test('utilisation calendar counts the backlog carried over from earlier days (issue 13 item 13)', () => {
  // The days of test/scenarios/queue/calendar_carried_backlog.test: capacity 240 a day, 120 or
  // 360 arriving, and the engine's work waiting at each day's start. Loads by hand:
  // (0+120)/240 = 0.5, (0+360)/240 = 1.5, (120+360)/240 = 2.0, (240+120)/240 = 1.5,
  // (120+120)/240 = 1.0, (0+120)/240 = 0.5; on arrivals alone Thu and Fri would be 'low' (0.5).
  const cal = utilisationCalendar({
    id: 'desk', unit: 'units', first: '2027-03-01', capacity: [240, 240, 240, 240, 240, 240],
    arrivals: [120, 360, 360, 120, 120, 120], backlog: [0, 0, 120, 240, 120, 0],
  });
  assert.deepEqual(cal.days.map((d) => d.ratio), [0.5, 1.5, 2, 1.5, 1, 0.5]);
  assert.deepEqual(cal.days.map((d) => d.class), ['low', 'over', 'far', 'over', 'high', 'low']);
  assert.equal(cal.overDays, 3);
  assert.equal(cal.carriedDays, 3);
  assert.equal(cal.peakCarried.date, '2027-03-04');
  assert.equal(cal.peak.date, '2027-03-03');
  // Without a backlog series (an older result) the load is the arrivals alone.
  const old = utilisationCalendar({ id: 'd', unit: 'u', first: '2027-03-01', capacity: [240], arrivals: [120] });
  assert.equal(old.days[0].ratio, 0.5);
  assert.equal(old.carriedDays, 0);
});

test('lead-time hover legend shows shares as percentages (issue 13 item 8)', async () => {
  const { shareValue } = await import('../../web/src/components/charts/lead-time-chart.js');
  // 0.023 of units in a bin is 2.3%; an empty bin shows a dash.
  assert.equal(shareValue(null, 0.023), '2.3%');
  assert.equal(shareValue(null, 0.5), '50.0%');
  assert.equal(shareValue(null, null), '\u2014');
});

test('demand and actuals hover legends show quantities as the tables do (issue 13 item 8)', async () => {
  const { quantityValue } = await import('../../web/src/components/charts/demand-capacity-chart.js');
  // fmtQuantity: whole above 100, one decimal above 10, two below; no value is a dash.
  assert.equal(quantityValue(null, 4045.123456), '4,045');
  assert.equal(quantityValue(null, 12.345), '12.3');
  assert.equal(quantityValue(null, 0.5), '0.50');
  assert.equal(quantityValue(null, null), '\u2014');
});
