// The implicit checks of a campaign (throughput, space, budget, launch readiness, supply), each
// as a status and a sentence with its figures.
import { html } from '../lib/html.js';
import { fmtDate, fmtMoney, fmtNumber, fmtRatioPercent, fmtShare, humanize } from '../lib/format.js';
import { StatusBadge } from './badges.js';

export function describeCheck(check, currency) {
  switch (check.type) {
    case 'throughput': {
      const b = check.peak_backlog ?? {};
      const w = check.peak_backlog_without ?? {};
      return `Peak backlog ${fmtNumber(b.p50)} ${check.unit} (${fmtNumber(b.p5)} to ${fmtNumber(b.p95)}) against ` +
        `${fmtNumber(w.p50)} without the campaign; the busiest day needs ${fmtRatioPercent(check.peak_utilisation)} of its capacity ` +
        `(${fmtRatioPercent(check.peak_utilisation_without)} without). An open day's capacity: ${fmtNumber(check.day_capacity)} ${check.unit}` +
        (check.period ? `; period ${fmtDate(check.period.start)} to ${fmtDate(check.period.end)}.` : '.');
    }
    case 'space':
      return `Planned stock peaks at ${fmtNumber(check.peak)} ${check.unit ?? ''} of ${fmtNumber(check.capacity)} ` +
        `(${fmtShare(check.peak_ratio, 0)}) on ${fmtDate(check.date)}; ${fmtNumber(check.peak_without)} without the campaign.` +
        (check.refused_units && check.refused_units.p95 > 0
          ? ` Receipts refused for lack of space: ${fmtNumber(check.refused_units.p50)} units (${fmtNumber(check.refused_units.p5)} to ${fmtNumber(check.refused_units.p95)}).`
          : '');
    case 'budget':
      return `Spends ${fmtMoney(check.spend, currency)} of the ${fmtMoney(check.available, currency)} left in ${check.resource ?? 'the budget'}.`;
    case 'launch':
      return `Ready ${fmtDate(check.ready)} for a start on ${fmtDate(check.start)}` +
        (check.critical_path?.length ? `; critical path: ${check.critical_path.join(' \u2192 ')}.` : '.');
    case 'supply':
      return `${fmtNumber(check.shortfall_units ?? check.units)} units of ${check.offering} cannot be served from stock on their day, ` +
        `${fmtDate(check.first_date)} to ${fmtDate(check.last_date)}.`;
    default:
      return Object.entries(check)
        .filter(([key]) => key !== 'type' && key !== 'status' && key !== 'days')
        .map(([key, value]) => `${humanize(key)}: ${typeof value === 'object' ? JSON.stringify(value) : value}`)
        .join('; ');
  }
}

export function ChecksTable({ checks, currency, caption = 'Implicit checks' }) {
  if (!checks?.length) return html`<p class="empty">No implicit checks apply.</p>`;
  return html`
    <div class="table-scroll">
      <table class="checks">
        <caption>${caption}</caption>
        <thead><tr><th scope="col">Check</th><th scope="col">Status</th><th scope="col">What it found</th></tr></thead>
        <tbody>
          ${checks.map((check) => html`
            <tr data-type=${check.type} data-resource=${check.resource ?? ''}>
              <th scope="row">${humanize(check.type)}${check.resource ? html`<br /><span class="cell-note">${check.resource}</span>` : ''}</th>
              <td><${StatusBadge} status=${check.status} /></td>
              <td>${describeCheck(check, currency)}</td>
            </tr>`)}
        </tbody>
      </table>
    </div>`;
}
