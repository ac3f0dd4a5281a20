// One campaign's check: verdict and reasons, promises, demand against capacity per throughput
// resource, lead-time distributions of its time promises, economics and implicit checks.
// Used by the HTML report and (later) the campaign page of the web UI.
import { html } from '../lib/html.js';
import { fmtDateRange, fmtShare } from '../lib/format.js';
import { throughputChecks, timePromises } from '../lib/series.js';
import { VerdictBadge } from './badges.js';
import { PromiseTable } from './promise-table.js';
import { ChecksTable } from './checks-table.js';
import { EconomicsPanel } from './economics-panel.js';
import { DemandCapacityChart } from './charts/demand-capacity-chart.js';
import { LeadTimeChart } from './charts/lead-time-chart.js';

// The unit a promise counts ("orders", "tickets"): from its detail, else from its text.
export function promiseUnit(promise) {
  if (promise.detail?.unit) return promise.detail.unit;
  const match = /\bof (\w+)$/.exec(promise.text ?? '');
  return match ? match[1] : 'units';
}

// Binding and overloaded resources first: they are the ones the campaign owner must see.
export function orderedThroughput(campaign) {
  const binding = new Set(campaign.promises.flatMap((p) => p.binding ?? []));
  const rank = (c) => (binding.has(c.resource) ? 0 : 2) + (c.status === 'overloaded' ? 0 : 1);
  return throughputChecks(campaign)
    .filter((c) => c.days?.length)
    .map((c, i) => ({ c, i }))
    .sort((a, b) => rank(a.c) - rank(b.c) || a.i - b.i)
    .map(({ c }) => c);
}

// Props: campaign (a campaigns[] entry of the check result), context (the campaign's
// scenario context: name, window, offerings; optional), result (the whole check result, for
// currency, confidence, scenarios), offeringNames ({id: name}), interactive (charts with a
// live legend under the pointer: the web UI; the static report leaves it off).
export function CampaignSection({ campaign, context, result, offeringNames = {}, interactive = false }) {
  const window = context?.window ?? null;
  const charts = orderedThroughput(campaign);
  const timed = timePromises(campaign.promises);
  const binding = new Set(campaign.promises.flatMap((p) => p.binding ?? []));
  const anchor = `campaign-${campaign.id}`;
  return html`
    <section class="campaign" id=${anchor} aria-labelledby=${`${anchor}-title`} data-campaign=${campaign.id}>
      <header class="campaign-header">
        <h2 id=${`${anchor}-title`}>
          <span class="campaign-name">${campaign.name || campaign.id}</span>
          <span class="campaign-id">${campaign.id}</span>
        </h2>
        <div class="campaign-verdict">
          <${VerdictBadge} verdict=${campaign.verdict} large />
          ${window ? html`<span class="campaign-window">Window ${fmtDateRange(window.start, window.end)}</span>` : null}
        </div>
        ${campaign.reasons?.length ? html`
          <div class="reasons">
            <h3 class="visually-plain">Why ${campaign.verdict === 'go' ? 'go' : `“${campaign.verdict}”`}</h3>
            <ul>${campaign.reasons.map((reason) => html`<li>${reason}</li>`)}</ul>
          </div>` : html`<p class="reasons">Every promise and check holds.</p>`}
      </header>

      <h3 id=${`${anchor}-promises`}>Promises</h3>
      <${PromiseTable} promises=${campaign.promises} confidence=${result.confidence}
        caption=${`Promises of ${campaign.id}: kept when the achieved share reaches the target in at least ${fmtShare(result.confidence, 0)} of scenarios`} />

      ${charts.length ? html`
        <h3 id=${`${anchor}-demand`}>Demand against capacity</h3>
        ${charts.map((check) => html`<${DemandCapacityChart} check=${check} window=${window} bookings=${context?.bookings} interactive=${interactive}
          title=${`${check.resource}${binding.has(check.resource) ? ' (binding)' : ''}: ${check.unit} per day`} />`)}` : null}

      ${timed.length ? html`
        <h3 id=${`${anchor}-leadtimes`}>Lead times against the promise</h3>
        ${timed.map((promise) => html`<${LeadTimeChart} promise=${promise} unit=${promiseUnit(promise)}
          scenarios=${result.scenarios} confidence=${result.confidence} interactive=${interactive} />`)}` : null}

      <h3 id=${`${anchor}-economics`}>Economics</h3>
      <${EconomicsPanel} economics=${campaign.economics} currency=${result.currency} offeringNames=${offeringNames} />

      <h3 id=${`${anchor}-checks`}>Implicit checks</h3>
      <${ChecksTable} checks=${campaign.checks} currency=${result.currency}
        caption=${`Implicit checks of ${campaign.id}`} />
    </section>`;
}
