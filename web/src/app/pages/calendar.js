// The capacity calendar: a quarter at a glance for the quarterly planning session. Campaign
// windows on a timeline (with stage and verdict in words), the collisions (campaigns that
// overlap in time on a shared resource), and under them each throughput resource's utilisation
// day by day from a campaign's check (that campaign with the committed ones).
import { useEffect, useMemo, useState } from 'preact/hooks';
import { html } from '../../lib/html.js';
import { addDays, fmtDate, fmtDateRange, parseDate } from '../../lib/format.js';
import { UtilisationCalendar } from '../../components/charts/utilisation-calendar.js';
import { chartsSettled } from '../../components/charts/uplot-chart.js';
import { campaignPath, get, wsPath } from '../api.js';
import { useLoad } from '../hooks.js';
import { href } from '../router.js';
import { COMMITTED_STATES, STATE_NAMES } from '../roles.js';
import { ErrorBox, Loading, ProcessVerdict } from '../parts/common.js';
import { campaignResources, collisions, daysBetween, overlap, quarters, sliceResource } from '../model.js';

function Timeline({ quarter, items }) {
  const length = daysBetween(quarter.start, quarter.end) + 1;
  const pos = (date) => (100 * Math.min(Math.max(daysBetween(quarter.start, date), 0), length)) / length;
  const months = [0, 1, 2].map((m) => {
    const start = parseDate(quarter.start);
    const first = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + m, 1)).toISOString().slice(0, 10);
    return { left: pos(first), label: fmtDate(first, { weekday: false }).replace(/^1 /, '') };
  });
  return html`
    <div class="timeline" role="table" aria-label=${`Campaign windows in ${quarter.label}`}>
      <div class="timeline-row timeline-head" role="row">
        <div class="timeline-label" role="columnheader">Campaign</div>
        <div class="timeline-track" role="columnheader">
          ${months.map((m) => html`<span class="timeline-month" style=${`left:${m.left}%`}>${m.label}</span>`)}
        </div>
      </div>
      ${items.length ? items.map((item) => {
        const left = pos(item.window.start);
        const right = pos(addDays(item.window.end ?? item.window.start, 1));
        const tone = item.verdict === 'go' ? 'good' : item.verdict === 'at-risk' ? 'warn' : item.verdict === 'no-go' ? 'bad' : 'neutral';
        return html`
          <div class="timeline-row" role="row" data-campaign=${item.campaign}>
            <div class="timeline-label" role="rowheader">
              <a href=${href('campaign', { id: item.campaign })}>${item.name || item.campaign}</a>
              <span class="cell-note block">${STATE_NAMES[item.state]}, ${fmtDateRange(item.window.start, item.window.end)}</span>
            </div>
            <div class="timeline-track" role="cell">
              ${months.map((m) => html`<span class="timeline-grid" style=${`left:${m.left}%`}></span>`)}
              <span class=${`timeline-bar tone-${tone}`} style=${`left:${left}%;width:${Math.max(right - left, 0.8)}%`}>
                <${ProcessVerdict} verdict=${item.verdict} checkStatus=${item.check_status} />
              </span>
            </div>
          </div>`;
      }) : html`<div class="timeline-row" role="row"><div role="cell" class="empty">No campaign runs in this quarter.</div></div>`}
    </div>`;
}

export function CalendarPage({ ws, workspace }) {
  const data = useLoad(async () => {
    const [processes, campaigns, offerings, resources] = await Promise.all(
      ['/processes', '/campaigns', '/offerings', '/resources'].map((p) => get(wsPath(ws, p))));
    return { data: { processes: processes.data.items, campaigns: campaigns.data.items, offerings: offerings.data.items, resources: resources.data.items } };
  }, [ws]);
  const horizon = workspace.settings?.horizon ?? {};
  const qs = useMemo(() => quarters(horizon.start, horizon.end), [horizon.start, horizon.end]);
  const [quarterId, setQuarterId] = useState(null);
  const [source, setSource] = useState(null);
  const [series, setSeries] = useState(null);
  const [seriesError, setSeriesError] = useState(null);

  const items = data.data?.processes ?? [];
  const checked = items.filter((i) => i.verdict);
  // The default quarter: the first with a campaign window, else the one containing "today".
  const quarter = qs.find((q) => q.id === quarterId)
    ?? qs.find((q) => items.some((i) => overlap(i.window, q)))
    ?? qs.find((q) => overlap({ start: workspace.settings?.today }, q)) ?? qs[0];
  // The utilisation opens on the first campaign of the quarter (by window start) that has a check.
  const byStart = [...checked].sort((a, b) => (a.window?.start ?? '').localeCompare(b.window?.start ?? ''));
  const sourceId = source ?? byStart.find((i) => overlap(i.window, quarter ?? {}))?.campaign ?? byStart[0]?.campaign;

  useEffect(() => {
    if (!sourceId) return;
    setSeries(null);
    setSeriesError(null);
    get(campaignPath(ws, sourceId, '/check?result=1')).then(({ data: d }) => setSeries(d)).catch(setSeriesError);
  }, [ws, sourceId]);

  const inQuarter = quarter ? items.filter((i) => overlap(i.window, quarter))
    .sort((a, b) => (a.window?.start ?? '').localeCompare(b.window?.start ?? '')) : [];
  // Collisions in time on a shared resource, counting the backlog a campaign leaves behind (from
  // the engine's series of the check shown below, when it is loaded).
  const collisionList = useMemo(() => {
    if (!data.data) return [];
    const uses = Object.fromEntries(data.data.campaigns.map((c) => [c.id, campaignResources(c, data.data.offerings, data.data.resources)]));
    const bySeries = Object.fromEntries((series?.resources ?? []).map((r) => [r.id, r]));
    // Every campaign, not only those with a window in the quarter: a backlog left in March
    // can collide with an April campaign.
    const included = new Set([sourceId, ...items.filter((i) => COMMITTED_STATES.has(i.state)).map((i) => i.campaign)]);
    return collisions(items, uses, bySeries, included).filter((c) => quarter && overlap(c.both, quarter));
  }, [data.data, quarter?.id, series, sourceId]);

  const nameOf = (id) => items.find((i) => i.campaign === id)?.name || id;
  const resources = quarter && series?.resources
    ? series.resources.map((r) => sliceResource(r, quarter.start, quarter.end)).filter(Boolean) : [];
  useEffect(() => {
    delete document.documentElement.dataset.ready;
    if (data.data) chartsSettled().then(() => { document.documentElement.dataset.ready = 'true'; });
  }, [data.data, series, quarter?.id]);

  return html`
    <div class="calendar-page">
      <h1 tabindex="-1" data-page-title>Capacity calendar</h1>
      <p class="page-intro">A quarter at a glance: when campaigns run, where they collide on the same resources, and how
        busy each resource is day by day.</p>
      <${ErrorBox} error=${data.error} what="Loading the calendar" />
      ${!data.data ? html`<${Loading} />` : html`
        <div class="quarter-picker" role="group" aria-label="Quarter">
          ${qs.map((q) => html`<button type="button" class=${q.id === quarter?.id ? 'button-primary' : 'button-quiet'}
            aria-pressed=${q.id === quarter?.id ? 'true' : 'false'} onClick=${() => setQuarterId(q.id)}>${q.label} <span class="cell-note">${q.months}</span></button>`)}
        </div>
        ${quarter ? html`
          <section class="panel" aria-labelledby="timeline-title">
            <h2 id="timeline-title">Campaigns in ${quarter.label} <span class="cell-note">(${fmtDateRange(quarter.start, quarter.end)})</span></h2>
            <${Timeline} quarter=${quarter} items=${inQuarter} />
            <h3>Collisions</h3>
            ${collisionList.length ? html`<ul class="collisions">
              ${collisionList.map((c) => html`<li data-collision=${`${c.a.campaign}+${c.b.campaign}`}>
                <a href=${href('campaign', { id: c.a.campaign })}>${c.a.name || c.a.campaign}</a> and${' '}
                <a href=${href('campaign', { id: c.b.campaign })}>${c.b.name || c.b.campaign}</a>${' '}
                ${overlap(c.a.window, c.b.window) ? 'both run' : 'both load'} ${fmtDateRange(c.both.start, c.both.end)} and share ${c.shared.join(', ')}${c.carried.map((k) => html`; <span class="carried" data-carried=${k.resource}>${k.resource} still has a backlog after ${nameOf(k.from)} until ${fmtDate(k.until)}</span>`)}.</li>`)}
            </ul>` : html`<p class="empty">No two campaigns load a shared resource at the same time in this quarter${series ? ', counting the backlog each leaves behind' : ''}.</p>`}
          </section>
          <section class="panel" aria-labelledby="util-title">
            <h2 id="util-title">Resource utilisation</h2>
            ${checked.length ? html`
              <label class="inline-label" for="util-source">Utilisation as checked for</label>
              <select id="util-source" value=${sourceId} onChange=${(e) => setSource(e.currentTarget.value)}>
                ${checked.map((i) => html`<option value=${i.campaign}>${i.name || i.campaign} (${STATE_NAMES[i.state]})</option>`)}
              </select>
              <p class="hint">Each campaign's check simulates that campaign together with the committed ones (approved, live,
                follow-up), so the cells show the load if this campaign goes ahead as planned, with the backlog carried over
                from earlier days.</p>
              <${ErrorBox} error=${seriesError} what="Loading the utilisation" />
              ${series ? (resources.length
                ? html`<${UtilisationCalendar} resources=${resources}
                    campaigns=${inQuarter.map((i) => ({ id: i.campaign, name: i.name, window: i.window }))} />`
                : html`<p class="empty">The check's series do not cover this quarter.</p>`) : seriesError ? null : html`<${Loading} />`}`
              : html`<p class="empty">No campaign has been checked yet: run a campaign's check to see the utilisation.</p>`}
          </section>` : html`<p class="empty">The workspace has no horizon.</p>`}`}
    </div>`;
}
