// Actuals against the plan (the Follow-up stage), from `demand.days` of a campaign's follow-up
// (docs/follow-up.md, "Demand against the plan" and "The backlog on the binding resource"):
// - ActualsChart: units per day, the plan's median per day and its p5-p95 band from the planned
//   lift's range, and the units actually placed (points joined by a line; the day of as-of is
//   partial);
// - BacklogActualsChart: the backlog on the campaign's binding resource, the day's largest, the
//   actual against the plan's median and p5-p95 band from its check.
import { useMemo } from 'preact/hooks';
import { html } from '../../lib/html.js';
import { COLORS } from '../../lib/theme.js';
import { fmtDate, fmtQuantity } from '../../lib/format.js';
import { dateToSeconds } from '../../lib/series.js';
import { UPlotChart, tzUtc } from './uplot-chart.js';
import { dayValue, quantityValue, timeAxis, valueAxis } from './demand-capacity-chart.js';
import { DataTable } from './data-table.js';
import { Legend } from './legend.js';

export const ACTUAL_COLOR = '#d55e00';

export function actualsColumns(days) {
  const x = days.map((d) => dateToSeconds(d.date));
  const p5 = days.map((d) => d.plan.p5 ?? d.plan.p50);
  const p50 = days.map((d) => d.plan.p50);
  const p95 = days.map((d) => d.plan.p95 ?? d.plan.p50);
  const actual = days.map((d) => (d.units == null ? null : d.units));
  return [x, p5, p50, p95, actual];
}

// The index of the last day matching `measured`, or null (the live legend's resting day).
function lastIndex(days, measured) {
  for (let i = days.length - 1; i >= 0; i -= 1) if (measured(days[i])) return i;
  return null;
}

function options(interactive, unit = 'units per day') {
  return {
    tzDate: tzUtc,
    legend: { show: interactive, live: interactive },
    cursor: { show: interactive, drag: { x: false, y: false } },
    scales: { x: { time: true }, y: { range: (u, min, max) => [0, max > 0 ? max * 1.08 : 1] } },
    axes: [timeAxis(), valueAxis(unit)],
    series: [
      { value: dayValue },
      { label: 'Plan, p5', stroke: 'transparent', width: 0, points: { show: false }, value: quantityValue },
      { label: 'Plan (median)', stroke: COLORS.campaign, width: 2, dash: [6, 4], points: { show: false }, value: quantityValue },
      { label: 'Plan, p95', stroke: 'transparent', width: 0, points: { show: false }, value: quantityValue },
      { label: 'Actual', stroke: ACTUAL_COLOR, width: 2.5, points: { show: true, size: 7, fill: ACTUAL_COLOR }, value: quantityValue },
    ],
    bands: [{ series: [3, 1], fill: COLORS.campaignBand }],
  };
}

// Props: days (demand.days), unit label, interactive.
export function ActualsChart({ days, interactive = true }) {
  const data = useMemo(() => actualsColumns(days), [days]);
  const opts = useMemo(() => options(interactive), [interactive]);
  const measured = days.filter((d) => d.units != null);
  const latestIdx = lastIndex(days, (d) => d.units != null);
  const outside = measured.filter((d) => d.complete && d.plan.p95 != null && (d.units > d.plan.p95 || d.units < d.plan.p5));
  const above = measured.filter((d) => d.complete && d.units > (d.plan.p95 ?? d.plan.p50));
  const sentence = measured.length
    ? `${measured.length} of ${days.length} days measured; ` +
      (outside.length || above.length
        ? `${(outside.length ? outside : above).length} complete day${(outside.length ? outside : above).length === 1 ? '' : 's'} outside the plan's band (${(outside.length ? outside : above).map((d) => `${fmtDate(d.date, { year: false })}: ${fmtQuantity(d.units)} against ${fmtQuantity(d.plan.p50)} planned`).join('; ')}).`
        : 'every complete day is within the plan\u2019s band.')
    : 'No units measured yet.';
  const rows = days.map((d) => [
    fmtDate(d.date),
    d.units == null ? '\u2014' : `${fmtQuantity(d.units)}${d.complete ? '' : ' (so far)'}`,
    fmtQuantity(d.plan.p50),
    d.plan.p5 != null ? `${fmtQuantity(d.plan.p5)} to ${fmtQuantity(d.plan.p95)}` : '\u2014',
  ]);
  return html`
    <figure class="chart actuals-chart" data-chart="actuals">
      <figcaption>
        <h4>Units per day: actual against the plan</h4>
        <p class="chart-summary">${sentence}</p>
      </figcaption>
      <${UPlotChart} options=${opts} data=${data} height=${230} className="chart-actuals" restIdx=${latestIdx}
        label=${`Units placed per day against the plan's median and band. ${sentence}`} />
      <${Legend} items=${[
        { label: 'Actual units placed', color: ACTUAL_COLOR, kind: 'line' },
        { label: 'Plan (median)', color: COLORS.campaign, kind: 'dash' },
        { label: 'Plan, 90% band (lift low to high)', color: COLORS.campaignBand, kind: 'band' },
      ]} />
      <${DataTable} summary="The figures per day" caption="Units per day, actual and planned"
        head=${['Day', 'Actual', 'Plan (median)', 'Plan band (p5 to p95)']} rows=${rows} />
    </figure>`;
}

export function backlogColumns(days) {
  const x = days.map((d) => dateToSeconds(d.date));
  const plan = (key) => days.map((d) => d.backlog?.plan?.[key] ?? d.backlog?.plan?.p50 ?? null);
  const actual = days.map((d) => d.backlog?.actual ?? null);
  return [x, plan('p5'), plan('p50'), plan('p95'), actual];
}

// Props: days (demand.days, with `backlog`), resource ({id, unit}: demand.backlog_resource),
// interactive.
export function BacklogActualsChart({ days, resource, interactive = true }) {
  const data = useMemo(() => backlogColumns(days), [days]);
  const unit = resource.unit;
  const opts = useMemo(() => options(interactive, `${unit} waiting`), [interactive, unit]);
  const measured = days.filter((d) => d.backlog?.actual != null);
  const above = measured.filter((d) => d.backlog.plan?.p95 != null && d.backlog.actual > d.backlog.plan.p95);
  const latest = measured[measured.length - 1];
  const latestIdx = lastIndex(days, (d) => d.backlog?.actual != null);
  // The day furthest above its band's top, in the resource's units.
  const worst = above.reduce((a, d) => (a == null || d.backlog.actual - d.backlog.plan.p95 > a.backlog.actual - a.backlog.plan.p95 ? d : a), null);
  const against = (d) => `${fmtQuantity(d.backlog.actual)} ${unit}${d.backlog.plan?.p50 != null ? ` against ${fmtQuantity(d.backlog.plan.p50)} planned` : ''}`;
  const sentence = latest
    ? `Latest, ${fmtDate(latest.date, { year: false })}${latest.complete ? '' : ' so far'}: ${against(latest)}; ` +
      (above.length
        ? `${above.length} day${above.length === 1 ? '' : 's'} above the plan's band, the most on ${fmtDate(worst.date, { year: false })}: ${against(worst)}.`
        : 'no day above the plan\u2019s band.')
    : 'No backlog measured yet.';
  const rows = days.map((d) => [
    fmtDate(d.date),
    d.backlog?.actual == null ? '\u2014' : `${fmtQuantity(d.backlog.actual)}${d.complete ? '' : ' (so far)'}`,
    d.backlog?.plan?.p50 != null ? fmtQuantity(d.backlog.plan.p50) : '\u2014',
    d.backlog?.plan?.p5 != null ? `${fmtQuantity(d.backlog.plan.p5)} to ${fmtQuantity(d.backlog.plan.p95)}` : '\u2014',
  ]);
  const title = `Backlog on ${resource.id} (${unit}), the day's largest: actual against the plan`;
  return html`
    <figure class="chart actuals-chart" data-chart="actuals-backlog" data-resource=${resource.id}>
      <figcaption>
        <h4>${title}</h4>
        <p class="chart-summary">${sentence}</p>
      </figcaption>
      <${UPlotChart} options=${opts} data=${data} height=${200} className="chart-actuals-backlog" restIdx=${latestIdx}
        label=${`${title}. ${sentence}`} />
      <${Legend} items=${[
        { label: `Actual backlog on ${resource.id}`, color: ACTUAL_COLOR, kind: 'line' },
        { label: 'Plan (median)', color: COLORS.campaign, kind: 'dash' },
        { label: 'Plan, 90% band of its scenarios', color: COLORS.campaignBand, kind: 'band' },
      ]} />
      <${DataTable} summary="The figures per day" caption=${`Backlog on ${resource.id} (${unit}), the day's largest, actual and planned`}
        head=${['Day', 'Actual', 'Plan (median)', 'Plan band (p5 to p95)']} rows=${rows} />
    </figure>`;
}
