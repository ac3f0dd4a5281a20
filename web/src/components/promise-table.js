// The promises of a campaign (or the standing promises): status, the share of scenarios in
// which each is kept, what was achieved (p5 / p50 / p95 against the target), the binding
// constraint, and the explanation a person can act on.
import { html } from '../lib/html.js';
import { fmtShare, humanize } from '../lib/format.js';
import { StatusBadge } from './badges.js';

// Props: promises (promise results), confidence (share of scenarios a promise needs), caption.
export function PromiseTable({ promises, confidence, caption = 'Promises' }) {
  if (!promises?.length) return html`<p class="empty">No promises.</p>`;
  return html`
    <div class="table-scroll">
      <table class="promises">
        <caption>${caption}</caption>
        <thead>
          <tr>
            <th scope="col">Promise</th>
            <th scope="col">Status</th>
            <th scope="col">Kept in${confidence != null ? html`<br /><span class="th-note">(needs ${fmtShare(confidence, 0)})</span>` : ''}</th>
            <th scope="col">Achieved: median<br /><span class="th-note">(p5 to p95)</span></th>
            <th scope="col">Target</th>
            <th scope="col">Binding</th>
          </tr>
        </thead>
        ${promises.map((promise) => html`
          <tbody class="promise" data-index=${promise.index} data-type=${promise.type}>
            <tr>
              <th scope="row" class="promise-text"><span class="promise-type">${humanize(promise.type)}</span>${promise.text}</th>
              <td data-field="status"><${StatusBadge} status=${promise.status} /></td>
              <td data-field="p_kept" class="num">${fmtShare(promise.p_kept)}<span class="cell-note"> of scenarios</span></td>
              ${promise.type === 'claim' ? html`
              <td data-field="achieved" class="num">${promise.achieved.p50 >= 1 ? 'declared' : 'not declared'}${promise.missing_capabilities?.length
                ? html`<span class="cell-note">${` (missing: ${promise.missing_capabilities.join(', ')})`}</span>` : null}</td>
              <td data-field="target" class="num">declared</td>` : html`
              <td data-field="achieved" class="num">
                <span data-field="achieved-p50">${fmtShare(promise.achieved.p50)}</span>
                <span class="cell-note"> (<span data-field="achieved-p5">${fmtShare(promise.achieved.p5)}</span> to <span data-field="achieved-p95">${fmtShare(promise.achieved.p95)}</span>)</span>
              </td>
              <td data-field="target" class="num">${fmtShare(promise.target)}</td>`}
              <td data-field="binding">${promise.binding?.length ? promise.binding.join(', ') : html`<span class="cell-note">none</span>`}</td>
            </tr>
            <tr class="explanation-row">
              <td colspan="6" data-field="explanation">${promise.explanation}</td>
            </tr>
          </tbody>`)}
      </table>
    </div>`;
}
