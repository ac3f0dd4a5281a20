// Alerts for the signed-in function (and those for everyone), newest first, each with a link to
// the campaign it concerns. Opening the page marks them as seen (in this browser).
import { useEffect, useState } from 'preact/hooks';
import { html } from '../../lib/html.js';
import { get, wsPath } from '../api.js';
import { useLoad } from '../hooks.js';
import { href } from '../router.js';
import { roleName } from '../roles.js';
import { ErrorBox, fmtTimestamp, Loading } from '../parts/common.js';

const KINDS = {
  'capacity-needed': 'More capacity needed',
  'verdict-worsened': 'Verdict worsened',
  'budget-overrun': 'Budget overrun',
  'stronger-promise': 'A stronger promise now holds',
  'promise-drifting': 'A promise is drifting',
  'commitment-endangered': 'A committed promise is endangered',
  'verdict-overridden': 'Approved over the check',
  'signoff-refused': 'Sign-off refused',
  'changes-requested': 'Changes requested',
  'objection-answered': 'Your objection was answered',
  'signoff-waiting': 'Your sign-off is waiting',
  'handover-ready': 'Your hand-over is ready',
  'announcement-near': 'Announcement near, not approved',
};

const key = (user, ws) => `tandem.alerts.seen.${user}.${ws}`;

export function seenAlert(user, ws) {
  return Number(localStorage.getItem(key(user, ws)) ?? 0);
}

export function AlertsPage({ ws, session, onSeen }) {
  const alerts = useLoad(() => get(wsPath(ws, '/alerts')), [ws]);
  const items = [...(alerts.data?.items ?? [])].sort((a, b) => b.id - a.id);
  // What was seen before this visit stays marked "New" while the page is open.
  const [seenBefore] = useState(() => seenAlert(session.user, ws));
  useEffect(() => {
    if (!alerts.data) return;
    const newest = Math.max(0, ...alerts.data.items.map((a) => a.id));
    localStorage.setItem(key(session.user, ws), String(Math.max(newest, seenBefore)));
    onSeen();
  }, [alerts.data]);

  return html`
    <div class="alerts-page">
      <h1 tabindex="-1" data-page-title>Alerts for ${roleName(session.role)}</h1>
      <p class="page-intro">What changed that ${session.role === 'admin' ? 'any function' : `${roleName(session.role).toLowerCase()}`} should act on, and the alerts for everyone.${' '}
        <button type="button" class="button-quiet" onClick=${alerts.reload}>Refresh</button></p>
      <${ErrorBox} error=${alerts.error} what="Loading the alerts" />
      ${!alerts.data ? html`<${Loading} />` : items.length ? html`
        <ul class="alerts">
          ${items.map((a) => html`
            <li class=${`alert${a.id > seenBefore ? ' alert-new' : ''}`} data-alert=${a.id} data-kind=${a.kind}>
              <div class="alert-head">
                <strong>${KINDS[a.kind] ?? a.kind}</strong>
                ${a.id > seenBefore ? html`<span class="badge tone-warn"><span class="badge-word">New</span></span>` : null}
                <span class="cell-note">${fmtTimestamp(a.at)} · for ${a.audience === 'all' ? 'everyone' : roleName(a.audience)}</span>
              </div>
              <p>${a.message}</p>
              ${a.campaign ? html`<a href=${href('campaign', { id: a.campaign })}>Open campaign ${a.campaign}</a>` : null}
              ${a.kind === 'handover-ready' && a.campaign ? html` · <a href=${href('handover', { id: a.campaign })} data-alert-handover>Read the hand-over</a>` : null}
            </li>`)}
        </ul>` : html`<p class="empty">No alerts for ${roleName(session.role)}. Alerts appear here when a change affects what your function looks after.</p>`}
    </div>`;
}
