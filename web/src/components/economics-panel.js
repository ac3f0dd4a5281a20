// The economics of a campaign with their uncertainty: revenue, incremental contribution
// (against zero and the spend), ROI, the probability of a loss, CAC including fulfilment,
// incremental units and fulfilment cost, and per offering the unit contribution before and
// after returns.
import { html } from '../lib/html.js';
import { fmtMoney, fmtNumber, fmtRatioPercent, fmtShare, fmtUnitMoney, MISSING } from '../lib/format.js';
import { RangeBar } from './charts/range-bar.js';

function Figure({ title, field, value, range, note, children, tone }) {
  return html`
    <div class=${`figure-card${tone ? ` tone-${tone}` : ''}`} data-field=${field}>
      <div class="figure-title">${title}</div>
      <div class="figure-value" data-field=${`${field}-value`}>${value}</div>
      ${range ? html`<div class="figure-range" data-field=${`${field}-range`}>${range}</div>` : null}
      ${children}
      ${note ? html`<div class="figure-note">${note}</div>` : null}
    </div>`;
}

// Props: economics (a campaign's economics), currency, offeringNames ({id: name}).
export function EconomicsPanel({ economics, currency, offeringNames = {} }) {
  const e = economics;
  const money = (v) => fmtMoney(v, currency);
  const spend = e.spend ?? 0;
  const roiDefined = spend > 0 && e.roi;
  const lossWords = e.p_loss >= 0.995 ? 'loses money in every scenario'
    : e.p_loss <= 0.005 ? 'pays back its spend in every scenario'
      : `loses money in ${fmtShare(e.p_loss, 0)} of scenarios`;
  const lossTone = e.p_loss >= 0.5 ? 'bad' : e.p_loss > 0.1 ? 'warn' : 'good';
  return html`
    <div class="economics">
      <div class="figure-grid">
        <${Figure} title="Revenue in the window" field="revenue" value=${money(e.revenue.p50)}
          range=${html`90% of scenarios: ${money(e.revenue.p5)} to ${money(e.revenue.p95)}`}>
          <${RangeBar} p=${e.revenue} format=${money} />
        <//>
        <${Figure} title="Incremental contribution (before spend)" field="incremental_contribution"
          value=${money(e.incremental_contribution.p50)}
          range=${html`90% of scenarios: ${money(e.incremental_contribution.p5)} to ${money(e.incremental_contribution.p95)}`}
          note=${`Right of the spend mark, the campaign pays for itself. Expected after spend: ${money(e.expected_incremental_after_spend)}.`}
          tone=${e.expected_incremental_after_spend < 0 ? 'bad' : 'good'}>
          <${RangeBar} p=${e.incremental_contribution} format=${money}
            marks=${[{ value: 0, label: '0' }, ...(spend > 0 ? [{ value: spend, label: `spend ${money(spend)}` }] : [])]} />
        <//>
        <${Figure} title="Return on spend (ROI)" field="roi"
          value=${roiDefined ? fmtRatioPercent(e.roi.p50) : MISSING}
          range=${roiDefined ? `90% of scenarios: ${fmtRatioPercent(e.roi.p5)} to ${fmtRatioPercent(e.roi.p95)}` : 'no spend, no ROI'}
          note="(incremental contribution − spend) / spend" />
        <${Figure} title="Probability of a loss" field="p_loss" value=${fmtShare(e.p_loss, 0)}
          note=${`The campaign ${lossWords}.`} tone=${lossTone} />
        <${Figure} title="CAC including fulfilment" field="cac_with_fulfilment"
          value=${e.cac_with_fulfilment != null ? fmtUnitMoney(e.cac_with_fulfilment, currency) : MISSING}
          note="(spend + incremental route, return and side-load costs) per incremental unit" />
        <${Figure} title="Spend" field="spend" value=${money(spend)} />
        ${e.incremental_units ? html`<${Figure} title="Incremental units" field="incremental_units"
          value=${fmtNumber(e.incremental_units.p50)}
          range=${`90% of scenarios: ${fmtNumber(e.incremental_units.p5)} to ${fmtNumber(e.incremental_units.p95)}`} />` : null}
        ${e.incremental_fulfilment_cost ? html`<${Figure} title="Incremental fulfilment cost" field="incremental_fulfilment_cost"
          value=${money(e.incremental_fulfilment_cost.p50)}
          range=${`90% of scenarios: ${money(e.incremental_fulfilment_cost.p5)} to ${money(e.incremental_fulfilment_cost.p95)}`}
          note="route, return and side-load costs" />` : null}
      </div>
      ${e.offerings?.length ? html`
        <div class="table-scroll">
          <table class="offerings">
            <caption>Unit contribution per offering (price after discount − unit cost − route cost)</caption>
            <thead><tr>
              <th scope="col">Offering</th><th scope="col">Per unit sold</th>
              <th scope="col">After returns</th><th scope="col">Return rate</th>
            </tr></thead>
            <tbody>
              ${e.offerings.map((o) => html`
                <tr data-offering=${o.id}>
                  <th scope="row">${offeringNames[o.id] ? html`${offeringNames[o.id]} <span class="cell-note">(${o.id})</span>` : o.id}</th>
                  <td class=${`num${o.unit_contribution < 0 ? ' negative' : ''}`} data-field="unit_contribution">${fmtUnitMoney(o.unit_contribution, currency)}</td>
                  <td class=${`num${o.unit_contribution_after_returns < 0 ? ' negative' : ''}`} data-field="unit_contribution_after_returns">${fmtUnitMoney(o.unit_contribution_after_returns, currency)}</td>
                  <td class="num" data-field="return_rate">${o.return_rate != null ? fmtShare(o.return_rate) : MISSING}</td>
                </tr>`)}
            </tbody>
          </table>
        </div>` : null}
    </div>`;
}
