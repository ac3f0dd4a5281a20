// The hand-over of an approved campaign (GET .../campaigns/{id}/handover, docs/server.md): for
// operations the capacity plan per resource and ISO week (capacity, expected work with and
// without the campaign, the peak backlog and the extra capacity needed at p95) and the bookings;
// for marketing and service the approved wording of every promise. Each function reads its part
// (finance reads operations'; admin all). Linked from the campaign page and the
// "handover-ready" alert; the campaign's HTML report is one link away.
import { html } from '../../lib/html.js';
import { fmtDate, fmtDateRange, fmtNumber, fmtShare } from '../../lib/format.js';
import { StatusBadge, VerdictBadge } from '../../components/badges.js';
import { ApiError, campaignPath, get } from '../api.js';
import { useLoad } from '../hooks.js';
import { href } from '../router.js';
import { ErrorBox, fmtTimestamp, Loading } from '../parts/common.js';

// The URL of the campaign's HTML report (served by tandem serve; the session cookie sends it).
export function reportUrl(ws, id) {
  return `/api${campaignPath(ws, id, '/report')}`;
}

function CapacityPlan({ plan, bookings }) {
  return html`
    <section class="panel handover-part" data-handover-part="operations" aria-labelledby="handover-ops">
      <h2 id="handover-ops">Operations: the capacity plan</h2>
      ${plan.length ? plan.map((resource) => html`
        <div class="table-scroll" data-plan-resource=${resource.resource}>
          <table class="data">
            <caption>${resource.resource} (${resource.unit || 'units'}) <${StatusBadge} status=${resource.status} /></caption>
            <thead><tr>
              <th scope="col">Week</th><th scope="col">Days</th><th scope="col">Capacity</th>
              <th scope="col">Work (median)</th><th scope="col">Work (p95)</th><th scope="col">Without the campaign</th>
              <th scope="col">Peak backlog (p95)</th><th scope="col">Extra needed (p95)</th>
            </tr></thead>
            <tbody>${resource.weeks.map((w) => html`<tr data-week=${w.week} class=${w.extra_needed_p95 > 0 ? 'outside-band' : ''}>
              <th scope="row">${w.week}</th><td>${fmtDateRange(w.from, w.until)}</td>
              <td class="num">${fmtNumber(w.capacity)}</td><td class="num">${fmtNumber(w.work_p50)}</td>
              <td class="num">${fmtNumber(w.work_p95)}</td><td class="num">${fmtNumber(w.work_without)}</td>
              <td class="num">${fmtNumber(w.peak_backlog_p95)}</td>
              <td class="num" data-extra>${w.extra_needed_p95 > 0 ? fmtNumber(w.extra_needed_p95) : '\u2014'}</td>
            </tr>`)}</tbody>
          </table>
        </div>`) : html`<p class="hint">No throughput resource on the campaign's path.</p>`}
      <h3>Bookings</h3>
      ${bookings.length ? html`<ul data-bookings>${bookings.map((b) => html`<li>${b.resource}: +${fmtNumber(b.extra)} per open hour, ${fmtDateRange(b.from, b.until)}</li>`)}</ul>`
        : html`<p class="hint" data-bookings>No extra capacity booked for this campaign.</p>`}
    </section>`;
}

function Wording({ part, title, promises, window }) {
  return html`
    <section class="panel handover-part" data-handover-part=${part} aria-labelledby=${`handover-${part}`}>
      <h2 id=${`handover-${part}`}>${title}</h2>
      ${window ? html`<p>Window: ${fmtDateRange(window.start, window.end)}. Use this wording and no other; a stronger one was not checked.</p>` : null}
      <div class="table-scroll">
        <table class="data">
          <caption>The approved wording of every promise</caption>
          <thead><tr><th scope="col">Promise</th><th scope="col">Status at approval</th><th scope="col">Kept in</th></tr></thead>
          <tbody>${promises.map((p) => html`<tr data-wording=${p.type}>
            <th scope="row">${p.declared_wording || p.text}</th>
            <td><${StatusBadge} status=${p.status} /></td><td class="num">${fmtShare(p.p_kept, 0)} of scenarios</td>
          </tr>`)}</tbody>
        </table>
      </div>
    </section>`;
}

export function HandoverPage({ ws, id }) {
  const handover = useLoad(() => get(campaignPath(ws, id, '/handover')), [ws, id]);
  const notApproved = handover.error instanceof ApiError && handover.error.status === 404;
  const data = handover.data;
  const parts = data?.handover ?? {};
  return html`
    <article class="handover-page" data-handover=${id}>
      <nav class="breadcrumb" aria-label="Breadcrumb"><a href=${href('board')}>Campaign board</a> <span aria-hidden="true">›</span>
        <a href=${href('campaign', { id })}>${id}</a> <span aria-hidden="true">›</span> Hand-over</nav>
      <h1 tabindex="-1" data-page-title>Hand-over of ${id}</h1>
      ${notApproved ? html`<p class="notice" data-handover-none>Campaign ${id} has no hand-over yet: it is made when the campaign is approved.</p>`
        : html`<${ErrorBox} error=${handover.error} what="Loading the hand-over" />`}
      ${!data && !handover.error ? html`<${Loading} what="Loading the hand-over" />` : null}
      ${data ? html`
        <p class="page-intro" data-approved>
          Approved ${data.approved?.by ? `by ${data.approved.by}` : ''}${data.approved?.at ? `, ${fmtTimestamp(data.approved.at)}` : ''}, on the verdict
          ${' '}<${VerdictBadge} verdict=${data.approved?.verdict} />.
          ${' '}<a href=${reportUrl(ws, id)} target="_blank" rel="noopener" data-report-link>Open the campaign's report (HTML)</a>
        </p>
        ${data.override ? html`<p class="notice tone-warn" data-override>Approved over the check by ${data.override.by} (${data.override.role}), ${fmtDate(data.override.at?.slice(0, 10))}: “${data.override.reason}”</p>` : null}
        ${parts.operations ? html`<${CapacityPlan} plan=${parts.operations.capacity_plan ?? []} bookings=${parts.operations.bookings ?? []} />` : null}
        ${parts.marketing ? html`<${Wording} part="marketing" title="Marketing: the approved wording" promises=${parts.marketing.promises ?? []} window=${parts.marketing.window} />` : null}
        ${parts.service ? html`<${Wording} part="service" title="Service: what customers were promised" promises=${parts.service.promises ?? []} />` : null}
        ${!parts.operations && !parts.marketing && !parts.service ? html`<p class="hint">The hand-over has no part for your function.</p>` : null}` : null}
    </article>`;
}
