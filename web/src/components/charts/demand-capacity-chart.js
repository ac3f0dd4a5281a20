// Demand against capacity over time for one throughput resource of a campaign: the daily work
// arriving with the campaign (median line and its p5-p95 band), the baseline without it, the
// capacity (with shifts, changes and bookings), and below it the backlog, with and without the
// campaign. Input: one `checks[type=throughput]` entry of a campaign (with `days`) and,
// when known, the campaign's window (shaded).
import { useMemo } from 'preact/hooks';
import { html } from '../../lib/html.js';
import { COLORS, FONT } from '../../lib/theme.js';
import { addDays, fmtDate, fmtDateRange, fmtNumber, fmtQuantity, fmtRatioPercent } from '../../lib/format.js';
import { dateToSeconds, demandCapacitySeries, demandSummary } from '../../lib/series.js';
import { UPlotChart, tzUtc, uPlotPaths } from './uplot-chart.js';
import { DataTable } from './data-table.js';
import { Legend } from './legend.js';

const DAY = 86400;

export function fmtCompact(value) {
  const magnitude = Math.abs(value);
  if (magnitude >= 1e6) return `${fmtNumber(value / 1e6, magnitude >= 1e7 ? 0 : 1)}M`;
  if (magnitude >= 1e4) return `${fmtNumber(value / 1e3, 0)}k`;
  return fmtNumber(value, magnitude > 0 && magnitude < 10 && !Number.isInteger(value) ? 1 : 0);
}

// Shades [start, end] (inclusive days) behind the series and names it.
export function windowShading(window, label = 'campaign window') {
  if (!window?.start) return null;
  const from = dateToSeconds(window.start);
  const to = dateToSeconds(addDays(window.end ?? window.start, 1));
  return (u) => {
    const ctx = u.ctx;
    const left = Math.max(u.valToPos(from, 'x', true), u.bbox.left);
    const right = Math.min(u.valToPos(to, 'x', true), u.bbox.left + u.bbox.width);
    if (right <= left) return;
    ctx.save();
    ctx.fillStyle = COLORS.window;
    ctx.fillRect(left, u.bbox.top, right - left, u.bbox.height);
    ctx.fillStyle = COLORS.windowEdge;
    ctx.fillRect(left, u.bbox.top, Math.max(1, devicePixelRatio), u.bbox.height);
    ctx.font = FONT.replace('12px', `${Math.round(11 * devicePixelRatio)}px`);
    ctx.fillStyle = COLORS.axis;
    ctx.textBaseline = 'top';
    ctx.fillText(label, left + 4 * devicePixelRatio, u.bbox.top + 3 * devicePixelRatio);
    ctx.restore();
  };
}

export function timeAxis() {
  return {
    stroke: COLORS.axis,
    font: FONT,
    grid: { stroke: COLORS.grid },
    ticks: { stroke: COLORS.grid },
    values: (u, splits) => splits.map((s) => fmtDate(new Date(s * 1000).toISOString().slice(0, 10), { year: false, weekday: false })),
  };
}

export function valueAxis(unit) {
  return {
    stroke: COLORS.axis,
    font: FONT,
    size: 56,
    label: unit,
    labelFont: FONT,
    labelSize: 18,
    grid: { stroke: COLORS.grid },
    ticks: { stroke: COLORS.grid },
    values: (u, splits) => splits.map(fmtCompact),
  };
}

// The day under the pointer in the interactive legend.
export const dayValue = (u, seconds) => (seconds == null ? '\u2014' : fmtDate(new Date(seconds * 1000).toISOString().slice(0, 10)));
// The hover legend's value of a work series: a quantity as the tables show it ("4,045"; uPlot's
// default would show "4,045.123").
export function quantityValue(u, value) {
  return value == null ? '\u2014' : fmtQuantity(value);
}
const line = (label, stroke, extra = {}) => ({ label, stroke, width: 2, spanGaps: true, points: { show: false }, value: quantityValue, ...extra });
const hidden = (label) => ({ label, stroke: 'transparent', width: 0, spanGaps: true, points: { show: false }, value: quantityValue });

export function demandOptions({ unit, window, interactive = false }) {
  const shading = windowShading(window);
  return {
    tzDate: tzUtc,
    legend: { show: interactive, live: interactive },
    cursor: { show: interactive, drag: { x: false, y: false } },
    scales: { x: { time: true }, y: { range: (u, min, max) => [0, max > 0 ? max * 1.08 : 1] } },
    axes: [timeAxis(), valueAxis(`${unit} per day`)],
    series: [
      { value: dayValue },
      line('Capacity (shifts, changes, bookings)', COLORS.capacity, { paths: uPlotPaths.stepped({ align: 1 }) }),
      line('Without the campaign (median)', COLORS.baseline, { dash: [6, 4] }),
      hidden('With the campaign, p5'),
      line('With the campaign (median)', COLORS.campaign),
      hidden('With the campaign, p95'),
    ],
    bands: [{ series: [5, 3], fill: COLORS.campaignBand }],
    hooks: shading ? { drawClear: [shading] } : {},
  };
}

export function backlogOptions({ unit, window, interactive = false }) {
  const shading = windowShading(window, '');
  return {
    tzDate: tzUtc,
    legend: { show: interactive, live: interactive },
    cursor: { show: interactive, drag: { x: false, y: false } },
    scales: { x: { time: true }, y: { range: (u, min, max) => [0, max > 0 ? max * 1.08 : 1] } },
    axes: [timeAxis(), valueAxis(`${unit} waiting`)],
    series: [
      { value: dayValue },
      line('Backlog without the campaign (median)', COLORS.baseline, { dash: [6, 4] }),
      hidden('Backlog with the campaign, p5'),
      line('Backlog with the campaign (median)', COLORS.backlog),
      hidden('Backlog with the campaign, p95'),
    ],
    bands: [{ series: [4, 2], fill: COLORS.backlogBand }],
    hooks: shading ? { drawClear: [shading] } : {},
  };
}

// Props: check (a throughput check with days), window ({start, end}) or null, title,
// bookings (the campaign's capacity bookings, [{resource, extra_per_hour, from, until}]: the
// ones on this resource are named under the title), interactive (hover legend; off in the
// static report).
export function DemandCapacityChart({ check, window = null, title, bookings = [], interactive = false }) {
  const booked = (bookings ?? []).filter((b) => b.resource === check.resource);
  const unit = check.unit ?? 'units';
  const columns = useMemo(() => demandCapacitySeries(check.days), [check]);
  const demandData = useMemo(
    () => [columns.x, columns.capacity, columns.arrivalsWithout, columns.arrivalsP5, columns.arrivalsP50, columns.arrivalsP95],
    [columns],
  );
  const backlogData = useMemo(
    () => [columns.x, columns.backlogWithout, columns.backlogP5, columns.backlogP50, columns.backlogP95],
    [columns],
  );
  const demand = useMemo(() => demandOptions({ unit, window, interactive }), [unit, window, interactive]);
  const backlog = useMemo(() => backlogOptions({ unit, window, interactive }), [unit, window, interactive]);
  const summary = demandSummary(check.days);
  const first = check.days[0]?.date;
  const last = check.days[check.days.length - 1]?.date;
  const peak = summary.peak;
  // The live legends rest on the peak day (the one the sentence names) while the pointer is away.
  const peakIdx = peak ? check.days.indexOf(peak) : null;
  const sentence =
    `${check.resource}, ${fmtDateRange(first, last)}: the median day's arriving work exceeds capacity on ` +
    `${summary.overDays} of ${summary.days} days` +
    (peak ? `; the backlog peaks at ${fmtNumber(peak.backlog.p50)} ${unit} on ${fmtDate(peak.date)} ` +
      `(${fmtNumber(peak.backlog.p5)} to ${fmtNumber(peak.backlog.p95)}), against ${fmtNumber(peak.backlog_without)} without the campaign that day` : '') +
    `. Peak utilisation ${fmtRatioPercent(check.peak_utilisation)} of capacity (${fmtRatioPercent(check.peak_utilisation_without)} without).`;

  const rows = check.days.map((day) => [
    fmtDate(day.date),
    fmtQuantity(day.capacity),
    fmtQuantity(day.arrivals_without),
    fmtQuantity(day.arrivals.p50),
    `${fmtQuantity(day.arrivals.p5)} to ${fmtQuantity(day.arrivals.p95)}`,
    fmtQuantity(day.backlog_without),
    fmtQuantity(day.backlog.p50),
    `${fmtQuantity(day.backlog.p5)} to ${fmtQuantity(day.backlog.p95)}`,
  ]);

  return html`
    <figure class="chart demand-chart" data-chart="demand" data-resource=${check.resource}>
      <figcaption>
        <h4>${title ?? `Demand against capacity: ${check.resource}`}</h4>
        <p class="chart-summary">${sentence}</p>
        ${booked.length ? html`<p class="chart-summary bookings">Capacity includes the campaign's bookings: ${booked
          .map((b) => `+${fmtNumber(b.extra_per_hour)} ${unit} per open hour, ${fmtDateRange(b.from, b.until)}`).join('; ')}.</p>` : null}
      </figcaption>
      <div class="chart-panel">
        <div class="panel-title" id=${`arrivals-${check.resource}`}>Work arriving per day</div>
        <${UPlotChart} options=${demand} data=${demandData} height=${230} className="chart-arrivals" restIdx=${peakIdx}
          label=${`Daily ${unit} arriving at ${check.resource}, with and without the campaign, against capacity. ${sentence}`} />
        <${Legend} items=${[
          { label: 'Capacity (shifts, changes, bookings)', color: COLORS.capacity, kind: 'line' },
          { label: 'Without the campaign (median)', color: COLORS.baseline, kind: 'dash' },
          { label: 'With the campaign (median)', color: COLORS.campaign, kind: 'line' },
          { label: 'With the campaign, 90% of scenarios (p5 to p95)', color: COLORS.campaignBand, kind: 'band' },
          ...(window ? [{ label: `Campaign window ${fmtDateRange(window.start, window.end)}`, color: COLORS.window, kind: 'band' }] : []),
        ]} />
      </div>
      <div class="chart-panel">
        <div class="panel-title">Backlog (work waiting at the day's peak)</div>
        <${UPlotChart} options=${backlog} data=${backlogData} height=${170} className="chart-backlog" restIdx=${peakIdx}
          label=${`Backlog of ${unit} at ${check.resource}, with and without the campaign.`} />
        <${Legend} items=${[
          { label: 'Without the campaign (median)', color: COLORS.baseline, kind: 'dash' },
          { label: 'With the campaign (median)', color: COLORS.backlog, kind: 'line' },
          { label: 'With the campaign, p5 to p95', color: COLORS.backlogBand, kind: 'band' },
        ]} />
      </div>
      <${DataTable}
        summary=${`The figures, day by day (${check.days.length} days)`}
        caption=${`Daily ${unit} at ${check.resource}`}
        head=${['Day', 'Capacity', 'Arriving without', 'Arriving with (median)', 'With: p5 to p95', 'Backlog without', 'Backlog with (median)', 'With: p5 to p95']}
        rows=${rows} />
    </figure>`;
}
