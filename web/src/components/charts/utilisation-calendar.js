// The resource utilisation calendar: one row of day cells per throughput resource over the
// horizon, each cell coloured by the share of that day's capacity the arriving work needs
// (mean across scenarios, with every campaign), under a row per campaign showing its window.
// SVG: crisp in print, each cell has a <title> with its figures, and the summary sentences
// under it say the same in words.
import { html } from '../../lib/html.js';
import { addDays, fmtDate, fmtDateRange, fmtNumber, fmtQuantity, fmtRatioPercent, parseDate, monthName } from '../../lib/format.js';
import { MIN_CARRIED, UTILISATION_CLASSES, utilisationCalendar } from '../../lib/series.js';

const LABEL_WIDTH = 150;
const CELL = 7;
const ROW = 22;
const GAP = 4;

function daysBetween(a, b) {
  return Math.round((parseDate(b) - parseDate(a)) / 86400000);
}

// Props: resources (the result's resources[]), campaigns ([{id, name, window}]) to draw over it.
export function UtilisationCalendar({ resources, campaigns = [] }) {
  const calendars = resources.map(utilisationCalendar);
  if (!calendars.length) return html`<p>No throughput resources.</p>`;
  const first = resources[0].first;
  const dayCount = Math.max(...calendars.map((c) => c.days.length));
  const width = LABEL_WIDTH + dayCount * CELL + 8;
  const windows = campaigns.filter((c) => c.window?.start);
  const monthRow = 18;
  const campaignTop = monthRow + GAP;
  const resourceTop = campaignTop + windows.length * (ROW - 6 + GAP) + GAP;
  const height = resourceTop + calendars.length * (ROW + GAP) + 2;

  const months = [];
  for (let i = 0; i < dayCount; i += 1) {
    const date = addDays(first, i);
    if (i === 0 || date.endsWith('-01')) months.push({ i, label: `${monthName(parseDate(date).getUTCMonth())} ${date.slice(0, 4)}` });
  }
  const summary = calendars
    .map((c) => `${c.id}: ${c.overDays} of ${c.days.length} days with more work than capacity` +
      (c.peak ? `, busiest ${fmtDate(c.peak.date)} at ${fmtRatioPercent(c.peak.ratio)}` : ''))
    .join('; ');

  return html`
    <figure class="chart calendar-chart" data-chart="calendar">
      <figcaption>
        <h4>Resource utilisation, ${fmtDateRange(first, addDays(first, dayCount - 1))}</h4>
        <p class="chart-summary">Each cell is a day: the work to do that day (mean across scenarios, with every
          campaign), that is the backlog carried over from earlier days plus the work arriving, as a share of that day's
          capacity (shifts, planned changes and bookings). Above 100%, work is carried over to the next day.</p>
      </figcaption>
      <div class="calendar-scroll">
        <svg class="calendar" viewBox=${`0 0 ${width} ${height}`} width=${width} height=${height}
          role="img" aria-label=${`Resource utilisation calendar. ${summary}.`}>
          ${months.map((m) => html`
            <g class="month">
              <line x1=${LABEL_WIDTH + m.i * CELL} x2=${LABEL_WIDTH + m.i * CELL} y1="0" y2=${height} class="month-line" />
              <text x=${LABEL_WIDTH + m.i * CELL + 3} y="12" class="month-label">${m.label}</text>
            </g>`)}
          ${windows.map((campaign, row) => {
            const start = Math.max(0, daysBetween(first, campaign.window.start));
            const end = Math.min(dayCount - 1, daysBetween(first, campaign.window.end ?? campaign.window.start));
            const y = campaignTop + row * (ROW - 6 + GAP);
            return html`
              <g class="campaign-window" data-campaign=${campaign.id}>
                <text x=${LABEL_WIDTH - 6} y=${y + 12} class="row-label" text-anchor="end">${campaign.id}</text>
                ${end >= start ? html`<rect x=${LABEL_WIDTH + start * CELL} y=${y} width=${(end - start + 1) * CELL} height=${ROW - 6}
                  rx="3" class="window-bar"><title>${campaign.name ?? campaign.id}: ${fmtDateRange(campaign.window.start, campaign.window.end)}</title></rect>` : null}
              </g>`;
          })}
          ${calendars.map((calendar, row) => {
            const y = resourceTop + row * (ROW + GAP);
            return html`
              <g class="resource-row" data-resource=${calendar.id}>
                <text x=${LABEL_WIDTH - 6} y=${y + 15} class="row-label" text-anchor="end">${calendar.id}</text>
                ${calendar.days.map((day, i) => html`
                  <rect x=${LABEL_WIDTH + i * CELL} y=${y} width=${CELL - 1} height=${ROW}
                    class=${`cell util-${day.class}`} data-date=${day.date} data-class=${day.class}>
                    <title>${calendar.id}, ${fmtDate(day.date)}: ${day.carried >= MIN_CARRIED ? `${fmtQuantity(day.carried)} ${calendar.unit} carried over + ` : ''}${fmtQuantity(day.arrivals)} arriving, capacity ${fmtQuantity(day.capacity)}${day.capacity > 0 ? ` (${fmtRatioPercent(day.ratio)})` : ' (closed)'}</title>
                  </rect>`)}
              </g>`;
          })}
        </svg>
      </div>
      <ul class="legend calendar-legend" aria-label="Legend">
        ${UTILISATION_CLASSES.map((c) => html`<li><span class=${`swatch swatch-cell util-${c.id}`} aria-hidden="true"></span>${c.label}</li>`)}
        ${windows.length ? html`<li><span class="swatch swatch-cell window-swatch" aria-hidden="true"></span>Campaign window</li>` : null}
      </ul>
      <ul class="calendar-summary">
        ${calendars.map((c) => html`
          <li data-resource=${c.id}><strong>${c.id}</strong>${': more work than capacity on '}<span class="over-days">${c.overDays}</span>${` of ${c.days.length} days`}${c.peak
              ? `; busiest ${fmtDate(c.peak.date)}: ${c.peak.carried >= MIN_CARRIED ? `${fmtNumber(c.peak.carried)} carried over + ` : ''}${fmtNumber(c.peak.arrivals)} ${c.unit} arriving for a capacity of ${fmtNumber(c.peak.capacity)} (${fmtRatioPercent(c.peak.ratio)})`
              : ''}${c.peakCarried ? `; a backlog on ${c.carriedDays} days, largest ${fmtNumber(c.peakCarried.carried)} ${c.unit} on ${fmtDate(c.peakCarried.date)}` : ''}${c.closedDays ? `; closed ${c.closedDays} days` : ''}.</li>`)}
      </ul>
    </figure>`;
}
