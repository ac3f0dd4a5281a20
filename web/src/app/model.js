// Facts derived from the workspace's entities (the scenario format's JSON): which resources a
// campaign's work goes through, which campaigns a resource affects, quarters of the horizon.
import { addDays, parseDate, toIsoDate } from '../lib/format.js';

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
  };
}
