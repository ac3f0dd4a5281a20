// Small pieces shared by the pages: the verdict of a process (or why there is none yet), the
// stage, an error with its fields, campaign owners.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../../lib/html.js';
import { VerdictBadge } from '../../components/badges.js';
import { explainError, get, wsPath } from '../api.js';
import { STATE_NAMES } from '../roles.js';

// A campaign's verdict in colour and words; "Not checked" or "Checking" when there is none.
export function ProcessVerdict({ verdict, checkStatus, large = false }) {
  if (checkStatus === 'queued' || checkStatus === 'running') {
    return html`<span class="badge tone-neutral verdict-pending${large ? ' badge-large' : ''}" data-verdict="checking">
      <span class="badge-symbol" aria-hidden="true">\u231B</span><span class="badge-word">Checking${verdict ? ` (was ${verdict})` : ''}</span></span>`;
  }
  if (checkStatus === 'failed') {
    return html`<span class="badge tone-bad${large ? ' badge-large' : ''}" data-verdict="failed">
      <span class="badge-symbol" aria-hidden="true">\u26A0</span><span class="badge-word">Check failed</span></span>`;
  }
  if (!verdict) {
    return html`<span class="badge tone-neutral${large ? ' badge-large' : ''}" data-verdict="none">
      <span class="badge-symbol" aria-hidden="true">\u2013</span><span class="badge-word">Not checked</span></span>`;
  }
  return html`<${VerdictBadge} verdict=${verdict} large=${large} />`;
}

export function StageBadge({ state }) {
  return html`<span class=${`stage stage-${state}`} data-state=${state}>${STATE_NAMES[state] ?? state}</span>`;
}

// An API error as a sentence, with the fields it names (422 and 409 list them).
export function ErrorBox({ error, what }) {
  if (!error) return null;
  const fields = error.fields ?? [];
  return html`
    <div class="notice tone-bad" role="alert">
      <p>${explainError(error, what)}</p>
      ${fields.length ? html`<ul class="field-errors">
        ${fields.map((f) => html`<li><code>${f.field}</code>${f.path ? html` (${f.path})` : null}: ${f.problem}${f.allowed ? html` <span class="cell-note">— expected: ${f.allowed}</span>` : null}</li>`)}
      </ul>` : null}
    </div>`;
}

// Campaign owners: who created the campaign or first moved it through the process, from the
// workspace's audit log (the API has no owner field; campaigns imported from a file have
// neither, and are shown as marketing's).
export function ownersFromAudit(items) {
  const owners = {};
  const sorted = [...items].sort((a, b) => a.id - b.id);
  for (const entry of sorted) {
    if (!entry.campaign || owners[entry.campaign]) continue;
    if (entry.actor === 'tandem') continue;
    if (entry.action === 'create' || entry.action === 'transition' || entry.action === 'update') owners[entry.campaign] = entry.actor;
  }
  return owners;
}

export function useOwners(ws) {
  const [owners, setOwners] = useState({});
  useEffect(() => {
    get(wsPath(ws, '/audit')).then(({ data }) => setOwners(ownersFromAudit(data.items ?? []))).catch(() => {});
  }, [ws]);
  return owners;
}

export function ownerText(owners, id) {
  return owners[id] ?? 'marketing (imported)';
}

export function Loading({ what = 'Loading' }) {
  return html`<p class="loading" role="status">${what}…</p>`;
}

// "2026-11-23T13:45:18.986Z" -> "23 Nov 2026, 13:45 UTC"
export function fmtTimestamp(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getUTCDate()} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()}, ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} UTC`;
}

// "2027-04-10".."2027-04-30" -> "10–30 Apr 2027"; across months "25 Mar – 5 Apr 2027".
export function fmtShortRange(start, end) {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const parse = (iso) => { const [y, m, d] = (iso ?? '').split('-').map(Number); return { y, m, d }; };
  if (!start) return '\u2014';
  const a = parse(start);
  const b = parse(end ?? start);
  if (a.y === b.y && a.m === b.m) return a.d === b.d ? `${a.d} ${months[a.m - 1]} ${a.y}` : `${a.d}\u2013${b.d} ${months[a.m - 1]} ${a.y}`;
  if (a.y === b.y) return `${a.d} ${months[a.m - 1]} \u2013 ${b.d} ${months[b.m - 1]} ${b.y}`;
  return `${a.d} ${months[a.m - 1]} ${a.y} \u2013 ${b.d} ${months[b.m - 1]} ${b.y}`;
}
