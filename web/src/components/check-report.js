// The whole check of one scenario, as the HTML report shows it: header with the overall
// verdict, a contents list, each campaign, the standing promises, planned supply shortfalls,
// the resource utilisation calendar and notes on method.
//
// Props: data = { check: <tandem check --json --series>, context: <scenario context, optional>,
// source, generated, version } (what `tandem report` embeds; see docs/report.md);
// interactive: charts with live legends (web UI), off for the static report.
import { html } from '../lib/html.js';
import { fmtDate, fmtDateRange, fmtNumber, fmtShare, verdictInfo } from '../lib/format.js';
import { timePromises } from '../lib/series.js';
import { VerdictBadge } from './badges.js';
import { CampaignSection, promiseUnit } from './campaign-section.js';
import { PromiseTable } from './promise-table.js';
import { LeadTimeChart } from './charts/lead-time-chart.js';
import { UtilisationCalendar } from './charts/utilisation-calendar.js';

function countBy(items, key) {
  const counts = {};
  for (const item of items) counts[item[key]] = (counts[item[key]] ?? 0) + 1;
  return counts;
}

function verdictSummary(check) {
  const counts = countBy(check.campaigns, 'verdict');
  const parts = ['no-go', 'at-risk', 'go']
    .filter((v) => counts[v])
    .map((v) => `${counts[v]} ${verdictInfo(v).word.toLowerCase()}`);
  const n = check.campaigns.length;
  let text = `${n} campaign${n === 1 ? '' : 's'}${parts.length ? `: ${parts.join(', ')}` : ''}.`;
  const messaging = check.messaging ?? [];
  if (messaging.length) {
    const broken = messaging.filter((m) => m.status !== 'kept').length;
    text += ` ${messaging.length} standing promise${messaging.length === 1 ? '' : 's'}` +
      (broken ? `, ${broken} not kept.` : ', all kept.');
  }
  return text;
}

// The post-campaign review saved with the campaign (reports made by the server carry it:
// data.review = {campaign, promised, kept, forecast_error, lessons, by, at}).
export const REVIEW_PARTS = [
  ['promised', 'What was promised'],
  ['kept', 'What was kept'],
  ['forecast_error', 'How far the forecast was off'],
  ['lessons', 'Lessons for the next plan'],
];

function ReviewSection({ review, name }) {
  return html`
    <section id="review" class="review" aria-labelledby="review-title" data-report-review>
      <h2 id="review-title">Post-campaign review${name ? `: ${name}` : ''}</h2>
      <dl class="review-read">
        ${REVIEW_PARTS.map(([part, label]) => html`<div data-review-part=${part}><dt>${label}</dt><dd>${review[part] || '\u2014'}</dd></div>`)}
      </dl>
      ${review.by ? html`<p class="review-by">Written by ${review.by}${review.at ? `, ${review.at.replace('T', ' ').replace(/:\d\dZ$/, ' UTC')}` : ''}.</p>` : null}
    </section>`;
}

export function CheckReport({ data, interactive = false }) {
  const check = data.check;
  const context = data.context ?? {};
  const contextOf = Object.fromEntries((context.campaigns ?? []).map((c) => [c.id, c]));
  const offeringNames = Object.fromEntries((context.offerings ?? []).map((o) => [o.id, o.name]));
  const messaging = check.messaging ?? [];
  const supply = check.supply ?? [];
  const resources = check.resources ?? [];
  const verdict = verdictInfo(check.verdict);
  const calendarCampaigns = check.campaigns.map((c) => ({ id: c.id, name: c.name, window: contextOf[c.id]?.window }));
  return html`
    <a class="skip-link" href="#contents">Skip to contents</a>
    <header class="report-header" role="banner">
      <p class="report-kicker">tandem promise check</p>
      <h1 id="report-title">${check.name}</h1>
      <div class=${`overall tone-${verdict.tone}`} data-verdict=${check.verdict}>
        <span class="overall-label">Overall verdict:</span>
        <${VerdictBadge} verdict=${check.verdict} large />
        <span class="overall-meaning">${verdict.meaning}</span>
      </div>
      <p class="overall-summary">${verdictSummary(check)}</p>
      <dl class="report-meta">
        ${context.horizon ? html`<div><dt>Horizon</dt><dd>${fmtDateRange(context.horizon.start, context.horizon.end)}</dd></div>` : null}
        <div><dt>Scenarios</dt><dd>${fmtNumber(check.scenarios)} (seed ${check.seed})</dd></div>
        <div><dt>Confidence</dt><dd>a promise is kept when it holds in ${fmtShare(check.confidence, 0)} of scenarios</dd></div>
        ${data.source ? html`<div><dt>Scenario file</dt><dd>${data.source}</dd></div>` : null}
        ${data.generated ? html`<div><dt>Generated</dt><dd>${data.generated}${data.version ? ` by tandem ${data.version}` : ''}</dd></div>` : null}
      </dl>
    </header>

    <nav id="contents" class="contents" aria-label="Contents" tabindex="-1">
      <h2>Contents</h2>
      <ol>
        ${check.campaigns.map((c) => html`<li>
          <a href=${`#campaign-${c.id}`}>${c.name || c.id}</a> <${VerdictBadge} verdict=${c.verdict} />
        </li>`)}
        ${messaging.length ? html`<li><a href="#standing">Standing promises</a></li>` : null}
        ${supply.length ? html`<li><a href="#supply">Planned supply shortfalls</a></li>` : null}
        ${resources.length ? html`<li><a href="#calendar">Resource utilisation calendar</a></li>` : null}
        ${data.review ? html`<li><a href="#review">Post-campaign review</a></li>` : null}
        <li><a href="#method">How to read this report</a></li>
      </ol>
    </nav>

    <main>
      ${check.campaigns.map((campaign) => html`<${CampaignSection} campaign=${campaign} context=${contextOf[campaign.id]}
        result=${check} offeringNames=${offeringNames} interactive=${interactive} />`)}

      ${messaging.length ? html`
        <section id="standing" class="standing" aria-labelledby="standing-title">
          <h2 id="standing-title">Standing promises</h2>
          <p>What the company advertises all the time (messaging), checked week by week over the whole horizon.</p>
          <${PromiseTable} promises=${messaging} confidence=${check.confidence} caption="Standing promises" />
          ${timePromises(messaging).map((promise) => html`<${LeadTimeChart} promise=${promise} unit=${promiseUnit(promise)}
            scenarios=${check.scenarios} confidence=${check.confidence} interactive=${interactive} />`)}
        </section>` : null}

      ${supply.length ? html`
        <section id="supply" aria-labelledby="supply-title">
          <h2 id="supply-title">Planned supply shortfalls</h2>
          <div class="table-scroll">
            <table class="supply">
              <caption>Units the stock plan cannot serve on their day, over the horizon</caption>
              <thead><tr><th scope="col">Offering</th><th scope="col">Units short</th><th scope="col">From</th><th scope="col">To</th></tr></thead>
              <tbody>${supply.map((s) => html`<tr data-offering=${s.offering}>
                <th scope="row">${offeringNames[s.offering] ?? s.offering}</th>
                <td class="num">${fmtNumber(s.shortfall_units)}</td>
                <td>${fmtDate(s.first_date)}</td><td>${fmtDate(s.last_date)}</td></tr>`)}</tbody>
            </table>
          </div>
        </section>` : null}

      ${resources.length ? html`
        <section id="calendar" aria-labelledby="calendar-title">
          <h2 id="calendar-title">Resource utilisation calendar</h2>
          <${UtilisationCalendar} resources=${resources} campaigns=${calendarCampaigns} />
        </section>` : null}

      ${data.review ? html`<${ReviewSection} review=${data.review} name=${contextOf[data.review.campaign]?.name} />` : null}

      <section id="method" class="method" aria-labelledby="method-title">
        <h2 id="method-title">How to read this report</h2>
        <ul>
          <li>tandem simulated ${fmtNumber(check.scenarios)} random scenarios of demand (lift, noise, returns) through the
            resources, with and without each campaign, using the same random draws for both.</li>
          <li><strong>Kept in</strong>: the share of scenarios in which a promise holds. ${'A promise is '}<em>kept</em>${` when that share reaches ${fmtShare(check.confidence, 0)}, `}<em>at risk</em>${' when it holds in at least half of them, and '}<em>broken</em>${' otherwise. A campaign is '}<em>no-go</em>${' when a promise or an implicit check is broken, '}<em>at risk</em>${' when a promise is at risk or the expected incremental contribution does not cover the spend.'}</li>
          <li><strong>p5 to p95</strong>: 90% of the scenarios fall in this range; the median (p50) is the middle one.
            Shaded bands in the charts are the same range.</li>
          <li>Lead-time histograms pool every unit of every scenario, so their share within the bound is an average,
            while "achieved" in the table is per scenario.</li>
        </ul>
      </section>
    </main>
    <footer class="report-footer">
      <p>Made by tandem from ${data.source ?? 'a scenario file'}${data.generated ? `, ${data.generated}` : ''}. Every figure comes from the scenario
        and the simulation; nothing here needs a network connection.</p>
    </footer>`;
}
