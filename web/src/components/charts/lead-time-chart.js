// The lead-time distribution of one time promise (delivery, processing, response...) against
// its bound: a histogram of the share of units per lead-time bin, pooled over the Monte Carlo
// scenarios, blue within the bound and orange after it, the bound marked, and a last bar for
// the units later than the histogram's range or never served in the horizon.
import { useMemo } from 'preact/hooks';
import { html } from '../../lib/html.js';
import { COLORS, FONT } from '../../lib/theme.js';
import { fmtHours, fmtShare } from '../../lib/format.js';
import { leadTimeHistogram } from '../../lib/series.js';
import { UPlotChart, uPlotPaths } from './uplot-chart.js';
import { DataTable } from './data-table.js';
import { Legend } from './legend.js';

// Tick step in hours: about eight labels over the range, on a whole number of hours or days.
function tickStep(range) {
  const steps = [1, 2, 3, 4, 6, 12, 24, 48, 72, 168, 336];
  return steps.find((step) => range / step <= 8) ?? 672;
}

// What a time promise measures, for the axis label.
export function leadTimeAxisLabel(type) {
  switch (type) {
    case 'delivery': return 'hours from order to delivery';
    case 'processing': return 'hours from order to processed';
    case 'response': return 'hours from arrival to response';
    default: return 'lead time, hours';
  }
}

// The hover legend's value of a bar: a share as a percentage ("2.3%", not 0.023).
export function shareValue(u, value) {
  return value == null ? '\u2014' : fmtShare(value, 1);
}

export function leadTimeOptions(histogram, { interactive = false, type } = {}) {
  const { binHours, boundHours, lastHours } = histogram;
  // Ticks in hours up to a week, in days beyond.
  const tickLabel = (h) => (lastHours > 168 && h % 24 === 0 ? `${h / 24}d` : fmtHours(h).endsWith('d') ? `${h}h` : fmtHours(h));
  const laterX = lastHours + binHours;
  const step = tickStep(lastHours);
  const bars = uPlotPaths.bars({ size: [0.9, 100], align: 1 });
  const markBound = (u) => {
    const ctx = u.ctx;
    const x = Math.round(u.valToPos(boundHours, 'x', true));
    const pr = devicePixelRatio;
    ctx.save();
    ctx.strokeStyle = COLORS.bound;
    ctx.lineWidth = 2 * pr;
    ctx.setLineDash([5 * pr, 3 * pr]);
    ctx.beginPath();
    ctx.moveTo(x, u.bbox.top);
    ctx.lineTo(x, u.bbox.top + u.bbox.height);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.font = FONT.replace('12px', `${Math.round(12 * pr)}px`);
    ctx.fillStyle = COLORS.bound;
    ctx.textBaseline = 'top';
    const text = `promise: within ${fmtHours(boundHours)}`;
    const width = ctx.measureText(text).width;
    const left = x + 5 * pr + width > u.bbox.left + u.bbox.width ? x - 5 * pr - width : x + 5 * pr;
    ctx.fillStyle = 'rgba(255, 255, 255, 0.85)';
    ctx.fillRect(left - 2 * pr, u.bbox.top + 2 * pr, width + 4 * pr, 16 * pr);
    ctx.fillStyle = COLORS.bound;
    ctx.fillText(text, left, u.bbox.top + 4 * pr);
    // The last bar (later or never) gets its share written above it.
    const later = histogram.beyond;
    if (later > 0) {
      const barLeft = u.valToPos(lastHours + binHours, 'x', true);
      const top = u.valToPos(later, 'y', true);
      const label = fmtShare(later);
      ctx.fillStyle = COLORS.beyond;
      ctx.font = `bold ${FONT.replace('12px', `${Math.round(12 * pr)}px`)}`;
      if (top - u.bbox.top > 18 * pr) {
        ctx.textAlign = 'center';
        ctx.textBaseline = 'bottom';
        ctx.fillText(label, u.valToPos(lastHours + binHours * 1.45, 'x', true), top - 3 * pr);
      } else {
        ctx.textAlign = 'right';
        ctx.textBaseline = 'top';
        ctx.fillText(label, barLeft - 4 * pr, top + 2 * pr);
      }
    }
    ctx.restore();
  };
  return {
    legend: { show: interactive, live: interactive },
    cursor: { show: interactive, drag: { x: false, y: false } },
    scales: {
      x: { time: false, range: () => [0, laterX + binHours * 1.5] },
      y: { range: (u, min, max) => [0, Math.max(max * 1.1, 0.01)] },
    },
    axes: [
      {
        stroke: COLORS.axis,
        font: FONT,
        grid: { show: false },
        ticks: { stroke: COLORS.grid },
        label: leadTimeAxisLabel(type),
        labelFont: FONT,
        labelSize: 18,
        splits: () => {
          const splits = [];
          for (let h = 0; h <= lastHours + 1e-9; h += step) splits.push(h);
          splits.push(laterX + binHours / 2);
          return splits;
        },
        values: (u, splits) => splits.map((s, i) => (i === splits.length - 1 ? 'later' : tickLabel(s))),
      },
      {
        stroke: COLORS.axis,
        font: FONT,
        size: 56,
        label: 'share of units',
        labelFont: FONT,
        labelSize: 18,
        grid: { stroke: COLORS.grid },
        ticks: { stroke: COLORS.grid },
        values: (u, splits) => splits.map((s) => `${+(s * 100).toFixed(1)}%`),
      },
    ],
    series: [
      { value: (u, h) => (h == null ? '\u2014' : h > lastHours ? `later than ${fmtHours(lastHours)}` : `${fmtHours(h)} to ${fmtHours(h + binHours)}`) },
      { label: 'Within the bound', fill: COLORS.within, stroke: COLORS.within, width: 0, paths: bars, points: { show: false }, value: shareValue },
      { label: 'After the bound', fill: COLORS.beyond, stroke: COLORS.beyond, width: 0, paths: bars, points: { show: false }, value: shareValue },
    ],
    hooks: { draw: [markBound] },
  };
}

export function leadTimeData(histogram) {
  const x = histogram.bins.map((bin) => bin.from);
  const within = histogram.bins.map((bin) => (bin.within ? bin.share : null));
  const after = histogram.bins.map((bin) => (bin.within ? null : bin.share));
  x.push(histogram.lastHours + histogram.binHours);
  within.push(null);
  after.push(histogram.beyond);
  return [x, within, after];
}

// Props: promise (a promise result with lead_times), unit ("orders"), scenarios (count),
// confidence (the share of scenarios a promise needs), interactive.
export function LeadTimeChart({ promise, unit = 'units', scenarios, confidence, interactive = false }) {
  const histogram = useMemo(() => leadTimeHistogram(promise.lead_times), [promise]);
  const options = useMemo(() => leadTimeOptions(histogram, { interactive, type: promise.type }), [histogram, interactive, promise.type]);
  const data = useMemo(() => leadTimeData(histogram), [histogram]);
  const bound = fmtHours(histogram.boundHours);
  const pooled = scenarios ? `pooled over ${scenarios.toLocaleString('en-US')} scenarios` : 'pooled over the scenarios';
  const needs = promise.target != null
    ? `; the promise needs ${fmtShare(promise.target)}${confidence != null ? ` in ${fmtShare(confidence, 0)} of scenarios` : ''}`
    : '';
  const sentence =
    `Within ${bound}: ${histogram.straddles ? 'about ' : ''}${fmtShare(histogram.withinShare)} of ${unit} (${pooled})${needs}. ` +
    `Later than ${fmtHours(histogram.lastHours)} or never served in the horizon: ${fmtShare(histogram.beyond)}.`;
  const rows = histogram.bins.map((bin) => [
    `${fmtHours(bin.from)} to ${fmtHours(bin.to)}`,
    fmtShare(bin.share, 2),
    bin.within ? 'within' : bin.from < histogram.boundHours ? 'partly within' : 'after',
  ]);
  rows.push([`later than ${fmtHours(histogram.lastHours)} or never`, fmtShare(histogram.beyond, 2), 'after']);
  return html`
    <figure class="chart leadtime-chart" data-chart="leadtime" data-promise=${promise.index}>
      <figcaption>
        <h4>Lead times: ${promise.text}</h4>
        <p class="chart-summary">
          <strong class="within-share" data-value=${histogram.withinShare}>Within ${bound}: ${histogram.straddles ? 'about ' : ''}${fmtShare(histogram.withinShare)}</strong>
          ${` of ${unit} (${pooled})${needs}. Later than ${fmtHours(histogram.lastHours)} or never served in the horizon: `}
          <span class="beyond-share" data-value=${histogram.beyond}>${fmtShare(histogram.beyond)}</span>.
        </p>
      </figcaption>
      <div class="chart-panel">
        <${UPlotChart} options=${options} data=${data} height=${210} className="chart-leadtime"
          label=${`Histogram of lead times for “${promise.text}”. ${sentence}`} />
        <${Legend} items=${[
          { label: `Within ${bound}`, color: COLORS.within, kind: 'bar' },
          { label: `After ${bound} (last bar: later than ${fmtHours(histogram.lastHours)} or never)`, color: COLORS.beyond, kind: 'bar' },
          { label: `The promise's bound, ${bound}`, color: COLORS.bound, kind: 'dash' },
        ]} />
      </div>
      <${DataTable}
        summary=${`The figures, bin by bin (${histogram.bins.length + 1} bins)`}
        caption=${`Share of ${unit} by lead time`}
        head=${['Lead time', 'Share', 'Against the bound']}
        rows=${rows} />
    </figure>`;
}
