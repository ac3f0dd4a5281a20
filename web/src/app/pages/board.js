// The campaign board: every campaign as a card in the column of its stage (draft ... closed),
// with its verdict (colour, symbol and word), owner, window and what it is waiting for.
import { html } from '../../lib/html.js';
import { fmtDateRange } from '../../lib/format.js';
import { get, wsPath } from '../api.js';
import { useLoad } from '../hooks.js';
import { href } from '../router.js';
import { can, COMMITTED_STATES, functionList, STATE_MEANINGS, STATE_NAMES, STATES } from '../roles.js';
import { ErrorBox, fmtShortRange, Loading, ownerText, ProcessVerdict, useOwners } from '../parts/common.js';

function waitingFor(item) {
  if (item.state === 'draft') return 'Not in groundwork yet';
  if (item.state === 'groundwork') {
    return item.missing_confirmations?.length
      ? `Needs confirmation from ${functionList(item.missing_confirmations)}`
      : 'All four confirmed: ready for transfer';
  }
  if (item.state === 'transfer') {
    if (item.check_status === 'queued' || item.check_status === 'running') return 'Waiting for the check';
    return item.missing_signoffs?.length
      ? `Needs sign-off from ${functionList(item.missing_signoffs)}`
      : 'All four signed off: ready to approve';
  }
  if (COMMITTED_STATES.has(item.state) && item.verdict && item.verdict !== 'go') {
    // Approval needs go or an override with a reason.
    return `Approved over its ${item.verdict === 'no-go' ? 'No-go' : 'At risk'} verdict (override)`;
  }
  return null;
}

function Card({ item, owner }) {
  const waiting = waitingFor(item);
  const tone = item.verdict === 'go' ? 'good' : item.verdict === 'at-risk' ? 'warn' : item.verdict === 'no-go' ? 'bad' : 'neutral';
  return html`
    <li class=${`card tone-${tone}`} data-campaign=${item.campaign} data-state=${item.state} data-verdict=${item.verdict ?? 'none'}>
      <h3 class="card-title"><a href=${href('campaign', { id: item.campaign })}>${item.name || item.campaign}</a></h3>
      <div class="card-verdict"><${ProcessVerdict} verdict=${item.verdict} checkStatus=${item.check_status} /></div>
      <dl class="card-facts">
        <div><dt>Window</dt><dd title=${item.window ? fmtDateRange(item.window.start, item.window.end) : ''}>${item.window ? fmtShortRange(item.window.start, item.window.end) : '—'}</dd></div>
        <div><dt>Owner</dt><dd>${owner}</dd></div>
      </dl>
      ${waiting ? html`<p class=${`card-waiting${item.state === 'draft' ? ' quiet' : ''}`}>${waiting}</p>` : null}
    </li>`;
}

export function BoardPage({ ws, session, workspace }) {
  const processes = useLoad(() => get(wsPath(ws, '/processes')), [ws]);
  const owners = useOwners(ws);
  const items = processes.data?.items ?? [];
  const byState = Object.fromEntries(STATES.map((s) => [s, items.filter((i) => i.state === s)]));
  const counts = { go: 0, 'at-risk': 0, 'no-go': 0 };
  for (const i of items) if (counts[i.verdict] !== undefined) counts[i.verdict] += 1;

  return html`
    <div class="board-page">
      <div class="page-head">
        <div>
          <h1 tabindex="-1" data-page-title>Campaign board</h1>
          <p class="page-intro">${workspace.settings?.name}: ${items.length} campaign${items.length === 1 ? '' : 's'}
            ${items.length ? ` (${counts.go} go, ${counts['at-risk']} at risk, ${counts['no-go']} no-go)` : ''}.
            Each campaign moves from left to right; a card says what it is waiting for.</p>
        </div>
        <div class="page-actions">
          ${can.editCampaign(session.role) ? html`<a class="button button-primary" href=${href('new-campaign')}>New campaign</a>` : null}
          <button type="button" class="button-quiet" onClick=${processes.reload}>Refresh</button>
        </div>
      </div>
      <${ErrorBox} error=${processes.error} what="Loading the campaigns" />
      ${processes.loading && !processes.data ? html`<${Loading} what="Loading the campaigns" />` : html`
        <div class="board" role="list" aria-label="Stages">
          ${STATES.map((state) => html`
            <section class=${`column${byState[state].length ? '' : ' is-empty'}`} role="listitem" aria-labelledby=${`col-${state}`} data-state=${state}>
              <h2 id=${`col-${state}`} class="column-title" title=${STATE_MEANINGS[state]}>
                ${STATE_NAMES[state]} <span class="column-count">${byState[state].length}</span>
              </h2>
              <p class="column-meaning">${STATE_MEANINGS[state]}</p>
              ${byState[state].length
                ? html`<ul class="cards">${byState[state].map((item) => html`<${Card} item=${item} owner=${ownerText(owners, item.campaign)} />`)}</ul>`
                : html`<p class="column-empty">No campaign</p>`}
            </section>`)}
        </div>`}
    </div>`;
}
