// Pure transformations from the check result's JSON (`tandem check --json --series`, the
// same objects the server's API returns) to what the charts draw. No DOM; unit-tested in
// test/web/series.test.mjs.

import { addDays, parseDate } from './format.js';

// Seconds since the epoch at UTC midnight of an ISO date (uPlot's time axis unit).
export function dateToSeconds(iso) {
  return parseDate(iso).getTime() / 1000;
}

// checks[type=throughput].days[] -> column arrays for the demand-against-capacity charts.
// The x grid has each day's midnight and noon, and the midnight after the last day. Capacity
// is a day's total, drawn as a step from midnight to midnight (values at both points of the
// day and at the closing midnight). Arrivals and backlogs are per-day figures too, placed at
// noon, the middle of their step, with null at midnights (the charts span these gaps).
export function demandCapacitySeries(days) {
  const columns = {
    x: [], capacity: [],
    arrivalsWithout: [], arrivalsP5: [], arrivalsP50: [], arrivalsP95: [],
    backlogWithout: [], backlogP5: [], backlogP50: [], backlogP95: [],
  };
  const daily = ['arrivalsWithout', 'arrivalsP5', 'arrivalsP50', 'arrivalsP95', 'backlogWithout', 'backlogP5', 'backlogP50', 'backlogP95'];
  const values = (day) => ({
    arrivalsWithout: day.arrivals_without,
    arrivalsP5: day.arrivals.p5,
    arrivalsP50: day.arrivals.p50,
    arrivalsP95: day.arrivals.p95,
    backlogWithout: day.backlog_without,
    backlogP5: day.backlog.p5,
    backlogP50: day.backlog.p50,
    backlogP95: day.backlog.p95,
  });
  const list = days ?? [];
  for (const day of list) {
    const midnight = dateToSeconds(day.date);
    const v = values(day);
    columns.x.push(midnight, midnight + 43200);
    columns.capacity.push(day.capacity, day.capacity);
    for (const key of daily) columns[key].push(null, v[key]);
  }
  if (list.length) {
    const last = list[list.length - 1];
    columns.x.push(dateToSeconds(last.date) + 86400);
    columns.capacity.push(last.capacity);
    for (const key of daily) columns[key].push(null);
  }
  return columns;
}

// A few facts about a throughput series for captions and screen readers.
export function demandSummary(days) {
  let overDays = 0;
  let peak = null;
  for (const day of days ?? []) {
    if (day.arrivals.p50 > day.capacity) overDays += 1;
    if (!peak || day.backlog.p50 > peak.backlog.p50) peak = day;
  }
  return { days: days?.length ?? 0, overDays, peak };
}

// The JSON rounds bin_hours to 4 decimals (a third of an hour reads 0.3333). When a whole
// number k of such bins is the bound up to that rounding, the exact width is bound / k, so
// that the bound falls on a bin edge as the engine binned it.
export function snapBinHours(binHours, bound) {
  if (!(binHours > 0) || !(bound > 0)) return binHours;
  const k = Math.round(bound / binHours);
  if (k >= 1 && Math.abs(k * binHours - bound) <= k * 0.00005 + 1e-9) return bound / k;
  return binHours;
}

// A time promise's lead_times -> histogram bins. Bin i covers [i*bin, (i+1)*bin) hours; a bin
// is within the bound when it ends at or before the bound. `withinShare` is the pooled share
// of units within the bound, counting a bin that straddles the bound in proportion (the
// distribution inside a bin is unknown; `straddles` says whether that approximation was used).
export function leadTimeHistogram(leadTimes) {
  const bound = leadTimes.bound_hours;
  const binHours = snapBinHours(leadTimes.bin_hours, bound);
  // Bin edges are multiples of bin_hours (often a third of an hour): compare with a tolerance.
  const eps = 1e-6 * Math.max(1, bound);
  const bins = leadTimes.share.map((share, i) => {
    const from = i * binHours;
    const to = (i + 1) * binHours;
    return { from, to, share, within: to <= bound + eps };
  });
  let withinShare = 0;
  let straddles = false;
  for (const bin of bins) {
    if (bin.within) withinShare += bin.share;
    else if (bin.from < bound - eps) {
      withinShare += (bin.share * (bound - bin.from)) / binHours;
      straddles = true;
    }
  }
  const total = bins.reduce((sum, bin) => sum + bin.share, 0) + leadTimes.beyond;
  return {
    binHours,
    boundHours: bound,
    bins,
    beyond: leadTimes.beyond,
    lastHours: bins.length * binHours,
    withinShare,
    straddles,
    total,
  };
}

// Utilisation classes of the resource calendar: the share of a day's capacity that arriving
// work needs. Ordered light to dark so the scale also reads in grey.
export const UTILISATION_CLASSES = [
  { id: 'closed', label: 'Closed (no capacity)', test: (d) => d.capacity <= 0 },
  { id: 'low', label: 'Below 70%', test: (d) => d.ratio < 0.7 },
  { id: 'mid', label: '70% to 90%', test: (d) => d.ratio < 0.9 },
  { id: 'high', label: '90% to 100%', test: (d) => d.ratio <= 1 },
  { id: 'over', label: '100% to 150%', test: (d) => d.ratio <= 1.5 },
  { id: 'far', label: 'Above 150%', test: () => true },
];

export function utilisationClass(day) {
  return UTILISATION_CLASSES.find((c) => c.test(day)).id;
}

// Work waiting at a day's start below this (in the resource's unit) is rounding, not a backlog.
export const MIN_CARRIED = 0.5;

// resources[] entry -> one cell per day with its utilisation class, and a summary. A day's
// load is the work waiting when it starts (the engine's backlog carried over from earlier
// days, `backlog`) plus the work arriving during it, as a share of its capacity: a backlog
// left by a spike counts on the days it is worked off, not only on the days it arrived.
export function utilisationCalendar(resource) {
  const days = resource.capacity.map((capacity, i) => {
    const arrivals = resource.arrivals[i] ?? 0;
    const carried = resource.backlog?.[i] ?? 0;
    const ratio = capacity > 0 ? (carried + arrivals) / capacity : null;
    const day = { date: addDays(resource.first, i), capacity, arrivals, carried, ratio };
    day.class = utilisationClass(day);
    return day;
  });
  let peak = null;
  let overDays = 0;
  let closedDays = 0;
  let carriedDays = 0;
  let peakCarried = null;
  for (const day of days) {
    if (day.carried >= MIN_CARRIED) {
      carriedDays += 1;
      if (!peakCarried || day.carried > peakCarried.carried) peakCarried = day;
    }
    if (day.capacity <= 0) closedDays += 1;
    else {
      if (day.ratio > 1) overDays += 1;
      if (!peak || day.ratio > peak.ratio) peak = day;
    }
  }
  return { id: resource.id, unit: resource.unit, days, peak, overDays, closedDays, carriedDays, peakCarried };
}

// Throughput checks of a campaign (the resources its work goes through).
export function throughputChecks(campaign) {
  return (campaign.checks ?? []).filter((check) => check.type === 'throughput');
}

// Promises that carry a lead-time distribution (delivery, processing, response...).
export function timePromises(promises) {
  return (promises ?? []).filter((promise) => promise.lead_times && promise.lead_times.share?.length);
}
