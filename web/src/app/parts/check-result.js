// A campaign's check result on its page, in the order a campaign owner reads it: why the
// verdict, the promises, the economics (CheckSummary); then, after the counter-proposals, the
// evidence: demand against capacity per resource, lead times against each time promise, the
// implicit checks (CheckEvidence). The same components as the HTML report (CampaignSection).
import { html } from '../../lib/html.js';
import { fmtShare, verdictInfo } from '../../lib/format.js';
import { timePromises } from '../../lib/series.js';
import { orderedThroughput, promiseUnit } from '../../components/campaign-section.js';
import { PromiseTable } from '../../components/promise-table.js';
import { ChecksTable } from '../../components/checks-table.js';
import { EconomicsPanel } from '../../components/economics-panel.js';
import { DemandCapacityChart } from '../../components/charts/demand-capacity-chart.js';
import { LeadTimeChart } from '../../components/charts/lead-time-chart.js';
import { SinceLastCheck } from './since-last-check.js';

// Props: result (GET .../check?result=1: {result: campaign result, currency, confidence,
// scenarios, ...}), offeringNames.
export function CheckSummary({ result, offeringNames }) {
  const campaign = result.result;
  const info = verdictInfo(campaign.verdict);
  return html`
    <div class="check-summary" data-verdict=${campaign.verdict}>
      <div class=${`verdict-banner tone-${info.tone}`}>
        <p><strong>${info.word}</strong>${`: ${info.meaning}.`}</p>
        ${campaign.reasons?.length ? html`<ul class="reasons">${campaign.reasons.map((r) => html`<li>${r}</li>`)}</ul>` : null}
      </div>
      <${SinceLastCheck} delta=${result.since_previous} currency=${result.currency} />
      <h3>Promises</h3>
      <${PromiseTable} promises=${campaign.promises} confidence=${result.confidence}
        caption=${`Kept when the promised share is reached in at least ${fmtShare(result.confidence, 0)} of the ${result.scenarios} simulated scenarios`} />
      <h3>Economics</h3>
      <${EconomicsPanel} economics=${campaign.economics} currency=${result.currency} offeringNames=${offeringNames} />
    </div>`;
}

// Props: result, window and bookings (the campaign's), interactive.
export function CheckEvidence({ result, window, bookings, interactive = true }) {
  const campaign = result.result;
  const charts = orderedThroughput(campaign);
  const timed = timePromises(campaign.promises);
  const binding = new Set(campaign.promises.flatMap((p) => p.binding ?? []));
  return html`
    <div class="check-evidence">
      ${charts.length ? html`
        <h3>Demand against capacity</h3>
        <p class="hint">One chart per resource the campaign's work goes through, binding and overloaded ones first. Top: work arriving
          per day with the campaign (line and its 90% band) and without it (dashed), against the day's capacity (shifts, planned
          changes, bookings). Bottom: the backlog.</p>
        ${charts.map((check) => html`<${DemandCapacityChart} check=${check} window=${window} bookings=${bookings} interactive=${interactive}
          title=${`${check.resource}${binding.has(check.resource) ? ' (binding)' : ''}: ${check.unit} per day`} />`)}` : null}
      ${timed.length ? html`
        <h3>Lead times against the promise</h3>
        ${timed.map((promise) => html`<${LeadTimeChart} promise=${promise} unit=${promiseUnit(promise)}
          scenarios=${result.scenarios} confidence=${result.confidence} interactive=${interactive} />`)}` : null}
      <h3>Implicit checks</h3>
      <${ChecksTable} checks=${campaign.checks} currency=${result.currency} caption="Throughput, space, budget, launch readiness and supply" />
    </div>`;
}
