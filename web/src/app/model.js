// Facts derived from the workspace's entities (the scenario format's JSON): which resources a
// campaign's work goes through, which campaigns a resource affects, quarters of the horizon.
import { addDays, parseDate, toIsoDate } from '../lib/format.js';
import { MIN_CARRIED } from '../lib/series.js';

// Resources an offering uses: its route, its returns desk, its side loads and its space.
export function offeringResources(offering) {
  const body = offering.body ?? offering;
  const used = new Set();
  for (const step of body.route ?? []) used.add(typeof step === 'string' ? step : step.resource);
  if (body.returns) used.add(body.returns);
  for (const load of body.loads ?? []) if (load.resource) used.add(load.resource);
  if (body.space) used.add(body.space);
  return used;
}

// Resources a campaign touches: those of its offerings (all when it names none), the
// resources its response promises name, its bookings and the budgets its window starts in.
export function campaignResources(campaign, offerings, resources = []) {
  const body = campaign.body ?? campaign;
  const used = new Set();
  const names = body.offerings?.length ? body.offerings : offerings.map((o) => o.id);
  for (const offering of offerings) if (names.includes(offering.id)) for (const r of offeringResources(offering)) used.add(r);
  for (const promise of body.promises ?? []) if (promise.resource) used.add(promise.resource);
  for (const booking of body.bookings ?? []) used.add(booking.resource);
  for (const resource of resources) {
    const r = resource.body ?? resource;
    if (r.kind !== 'budget' || !(body.spend > 0)) continue;
    const start = body.window?.start;
    if (!r.period || (start >= r.period.start && start <= r.period.end)) used.add(resource.id);
  }
  return used;
}

// Campaigns whose checks depend on a resource: {id -> [campaign ids]}.
export function campaignsByResource(campaigns, offerings, resources) {
  const map = Object.fromEntries(resources.map((r) => [r.id, []]));
  for (const campaign of campaigns) {
    for (const r of campaignResources(campaign, offerings, resources)) (map[r] ??= []).push(campaign.id);
  }
  // A calendar affects the campaigns of every resource that uses it.
  return map;
}

export function resourcesByCalendar(resources) {
  const map = {};
  for (const r of resources) {
    const calendars = new Set([r.body.calendar, ...(r.body.changes ?? []).map((c) => c.calendar)].filter(Boolean));
    for (const c of calendars) (map[c] ??= []).push(r.id);
  }
  return map;
}

// Calendar quarters overlapping [start, end]: [{id: "2027-Q2", label, start, end}].
export function quarters(start, end) {
  const list = [];
  const first = parseDate(start);
  const last = parseDate(end);
  if (!first || !last) return list;
  let year = first.getUTCFullYear();
  let q = Math.floor(first.getUTCMonth() / 3);
  for (;;) {
    const qStart = new Date(Date.UTC(year, q * 3, 1));
    if (qStart > last) break;
    const qEnd = new Date(Date.UTC(year, q * 3 + 3, 0));
    const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
    list.push({ id: `${year}-Q${q + 1}`, label: `Q${q + 1} ${year}`, months: `${months[q * 3]}–${months[q * 3 + 2]}`,
      start: toIsoDate(qStart), end: toIsoDate(qEnd) });
    q += 1;
    if (q === 4) { q = 0; year += 1; }
  }
  return list;
}

export function daysBetween(a, b) {
  return Math.round((parseDate(b) - parseDate(a)) / 86400000);
}

export function overlap(a, b) {
  if (!a?.start || !b?.start) return null;
  const start = a.start > b.start ? a.start : b.start;
  const aEnd = a.end ?? a.start;
  const bEnd = b.end ?? b.start;
  const end = aEnd < bEnd ? aEnd : bEnd;
  return start <= end ? { start, end } : null;
}

// The check series of one resource cut to [start, end] (both inside or around its days).
export function sliceResource(resource, start, end) {
  const from = Math.max(0, daysBetween(resource.first, start));
  const to = Math.min(resource.capacity.length - 1, daysBetween(resource.first, end));
  if (to < from) return null;
  return {
    ...resource,
    first: addDays(resource.first, from),
    capacity: resource.capacity.slice(from, to + 1),
    arrivals: resource.arrivals.slice(from, to + 1),
    ...(resource.backlog ? { backlog: resource.backlog.slice(from, to + 1) } : {}),
  };
}

// A backlog counts as still there while the work waiting at a day's start is at least 5% of an
// open day's capacity (about an hour's work on a 16-hour day): smaller leftovers are noise.
const CARRIED_SHARE = 0.05;

// The last day on which a campaign still loads `resource` (the check's series): its window's
// end, or later while the backlog it leaves is being worked off (the day before the first day
// that starts without a backlog). The window's end when the series does not cover it.
export function busyUntil(window, resource) {
  const end = window.end ?? window.start;
  if (!resource?.backlog) return end;
  const open = resource.capacity.filter((c) => c > 0);
  const dayCapacity = open.length ? open.reduce((a, b) => a + b, 0) / open.length : 0;
  const limit = Math.max(MIN_CARRIED, CARRIED_SHARE * dayCapacity);
  let i = daysBetween(resource.first, end) + 1;
  if (i < 0) return end;
  let last = end;
  for (; i < resource.backlog.length && resource.backlog[i] >= limit; i += 1) last = addDays(resource.first, i);
  return last;
}

// Campaigns that load a shared resource at the same time: their windows overlap, or the
// backlog on the resource after one's window (from the check's series when given) lasts into
// the other's window. items: [{campaign, name, window}], uses: {campaign: Set of resource ids},
// series: {resource id: resources[] entry} or {}, included: the campaigns whose load is in the
// series (a check simulates its campaign and the committed ones; all when not given). One entry
// per pair: {a, b, both, shared: [ids], carried: [{resource, from (campaign id), until}]}.
export function collisions(items, uses, series = {}, included = null) {
  const list = [];
  for (let i = 0; i < items.length; i += 1) {
    for (let j = i + 1; j < items.length; j += 1) {
      const [a, b] = [items[i], items[j]];
      if (!a.window?.start || !b.window?.start || !uses[a.campaign] || !uses[b.campaign]) continue;
      const shared = [...uses[a.campaign]].filter((r) => uses[b.campaign].has(r));
      if (!shared.length) continue;
      const direct = overlap(a.window, b.window);
      let both = direct;
      const carried = [];
      for (const r of shared) {
        for (const [x, y] of [[a, b], [b, a]]) {
          const until = busyUntil(x.window, !included || included.has(x.campaign) ? series[r] : null);
          const span = overlap({ start: x.window.start, end: until }, y.window);
          if (!span || (direct && span.end <= direct.end)) continue;
          carried.push({ resource: r, from: x.campaign, until });
          if (!both || span.start < both.start) both = { start: span.start, end: both?.end ?? span.end };
          if (span.end > both.end) both = { ...both, end: span.end };
        }
      }
      if (direct || carried.length) list.push({ a, b, both, shared, carried });
    }
  }
  return list;
}
