// Alert deliveries (admin): every webhook of the workspace (an http(s) URL, or mailto: sent
// through the server's SMTP relay) with its last deliveries from the outbox — status, attempts,
// the last answer and, while pending, when the next retry is due — and each attempt on demand
// (GET .../webhooks and .../webhooks/{id}/deliveries, docs/server.md "Webhooks").
import { html } from '../../lib/html.js';
import { get, wsPath } from '../api.js';
import { useLoad } from '../hooks.js';
import { ErrorBox, fmtTimestamp, Loading } from '../parts/common.js';

const LIMIT = 20;

const DELIVERY_STATUS = {
  delivered: { word: 'Delivered', symbol: '\u2713', tone: 'good' },
  pending: { word: 'Retrying', symbol: '\u21BB', tone: 'warn' },
  failed: { word: 'Failed', symbol: '\u2715', tone: 'bad' },
};

// "pending" before the first attempt is waiting, not retrying.
function statusOf(delivery) {
  if (delivery.status === 'pending' && delivery.attempts === 0) return { word: 'Queued', symbol: '\u2026', tone: 'neutral' };
  return DELIVERY_STATUS[delivery.status] ?? { word: delivery.status, symbol: '?', tone: 'neutral' };
}

function answer(status, error, channel) {
  if (!status && !error) return '\u2014';
  const code = status ? `${channel === 'email' ? 'SMTP' : 'HTTP'} ${status}` : '';
  return [code, error].filter(Boolean).join(': ');
}

export function nextRetryText(delivery, nowMs = Date.now()) {
  if (delivery.status !== 'pending' || delivery.next_attempt_ms == null) return '\u2014';
  const at = new Date(delivery.next_attempt_ms).toISOString();
  const seconds = Math.round((delivery.next_attempt_ms - nowMs) / 1000);
  return seconds <= 0 ? `due now (${fmtTimestamp(at)})` : `in ${seconds} s (${fmtTimestamp(at)})`;
}

function DeliveryLog({ ws, hook }) {
  const log = useLoad(() => get(wsPath(ws, `/webhooks/${encodeURIComponent(hook.id)}/deliveries?limit=${LIMIT}`)), [ws, hook.id]);
  const channel = hook.url.startsWith('mailto:') ? 'email' : 'webhook';
  const items = log.data?.items ?? [];
  return html`
    <section class="panel webhook" data-webhook=${hook.id} data-channel=${channel} aria-labelledby=${`hook-${hook.id}`}>
      <h2 id=${`hook-${hook.id}`}>${hook.id} <span class="cell-note">${channel === 'email' ? 'e-mail' : 'webhook'}</span></h2>
      <p><code>${hook.url}</code> · ${hook.events.includes('*') ? 'every alert kind' : hook.events.join(', ')}
        ${' '}<button type="button" class="button-quiet" onClick=${log.reload}>Refresh</button></p>
      <${ErrorBox} error=${log.error} what="Loading the deliveries" />
      ${!log.data && !log.error ? html`<${Loading} what="Loading the deliveries" />` : items.length ? html`
        <div class="table-scroll">
          <table class="data deliveries">
            <caption>The last ${LIMIT} deliveries, newest first</caption>
            <thead><tr><th scope="col">Delivery</th><th scope="col">Alert</th><th scope="col">Status</th>
              <th scope="col">Attempts</th><th scope="col">Last answer</th><th scope="col">Next retry</th><th scope="col">Queued</th></tr></thead>
            <tbody>${items.map((d) => {
              const s = statusOf(d);
              return html`<tr data-delivery=${d.delivery} data-status=${d.status}>
                <th scope="row">#${d.delivery}</th>
                <td>${d.kind} <span class="cell-note">alert ${d.alert}</span></td>
                <td><span class=${`badge tone-${s.tone}`}><span class="badge-symbol" aria-hidden="true">${s.symbol}</span><span class="badge-word">${s.word}</span></span></td>
                <td class="num" data-attempts>${d.attempts}</td>
                <td data-answer>${answer(d.last_status, d.last_error, channel)}
                  ${d.log?.length ? html`<details><summary>${d.log.length} attempt${d.log.length === 1 ? '' : 's'}</summary><ol>
                    ${d.log.map((a) => html`<li>${fmtTimestamp(a.at)}: ${answer(a.status, a.error, channel)} (${a.millis} ms)</li>`)}
                  </ol></details>` : null}</td>
                <td data-next-retry>${nextRetryText(d)}</td>
                <td>${fmtTimestamp(d.created_at)}</td>
              </tr>`;
            })}</tbody>
          </table>
        </div>` : html`<p class="empty">No delivery yet: alerts of the kinds above are queued here when they are raised.</p>`}
    </section>`;
}

export function WebhooksPage({ ws, session }) {
  const admin = session.role === 'admin';
  const hooks = useLoad(() => (admin ? get(wsPath(ws, '/webhooks')) : Promise.resolve({ data: { items: [] } })), [ws, admin]);
  if (!admin) {
    return html`<div><h1 tabindex="-1" data-page-title>Alert deliveries</h1><p>Only an admin manages webhooks and reads their deliveries.</p></div>`;
  }
  const items = hooks.data?.items ?? [];
  return html`
    <div class="webhooks-page">
      <h1 tabindex="-1" data-page-title>Alert deliveries</h1>
      <p class="page-intro">Alerts leave the app through webhooks (signed JSON POSTs) and e-mail (<code>mailto:</code> webhooks, sent through the server's SMTP relay).
        A failed delivery is retried with growing waits; every attempt is logged.</p>
      <${ErrorBox} error=${hooks.error} what="Loading the webhooks" />
      ${!hooks.data && !hooks.error ? html`<${Loading} what="Loading the webhooks" />` : null}
      ${hooks.data && !items.length ? html`<p class="empty">No webhook in this workspace. Add one with <code>PUT /api/workspaces/${ws}/webhooks/ID</code> and <code>{url, events, secret}</code>.</p>` : null}
      ${items.map((hook) => html`<${DeliveryLog} key=${hook.id} ws=${ws} hook=${hook} />`)}
    </div>`;
}
