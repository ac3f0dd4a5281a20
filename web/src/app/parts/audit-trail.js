// A campaign's audit trail (GET .../campaigns/{id}/audit), newest first, each entry as a
// sentence: who did what, when, and for a change the fields it changed (before -> after).
import { html } from '../../lib/html.js';
import { verdictInfo } from '../../lib/format.js';
import { FUNCTION_NAMES, STATE_NAMES } from '../roles.js';
import { fmtTimestamp } from './common.js';

function short(value) {
  if (value === undefined) return '(none)';
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    // Check keys are long hashes: their first characters are enough to tell them apart.
    const copy = { ...value };
    for (const key of ['key', 'check', 'previous_key']) if (typeof copy[key] === 'string' && copy[key].length > 16) copy[key] = `${copy[key].slice(0, 10)}…`;
    value = copy;
  }
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}

export function changedFields(before, after) {
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  const changes = [];
  for (const key of keys) {
    const a = JSON.stringify(before?.[key]);
    const b = JSON.stringify(after?.[key]);
    if (a !== b) changes.push({ key, before: before?.[key], after: after?.[key] });
  }
  return changes;
}

const fn = (name) => FUNCTION_NAMES[name] ?? name;

export function describeAudit(entry) {
  const d = entry.detail ?? {};
  switch (entry.action) {
    case 'create': return `created ${entry.target}`;
    case 'update': {
      const changes = changedFields(d.before, d.after);
      return html`changed ${entry.target}${changes.length ? ': ' : ''}${changes.map((c, i) => html`${i ? '; ' : ''}<code>${c.key}</code> ${short(c.before)} \u2192 ${short(c.after)}`)}`;
    }
    case 'delete': return `deleted ${entry.target}`;
    case 'transition': return `moved the campaign from ${STATE_NAMES[d.from] ?? d.from} to ${STATE_NAMES[d.to] ?? d.to}`;
    case 'confirm': return `confirmed for ${fn(entry.target)}${d.note ? ` (“${d.note}”)` : ''}`;
    case 'unconfirm': return `withdrew the confirmation of ${fn(entry.target)}`;
    case 'signoff': return `signed off for ${fn(entry.target)} on a ${verdictInfo(d.verdict).word} check${d.comment ? ` (“${d.comment}”)` : ''}${d.settles ? ' (settling its own objection)' : ''}`;
    case 'withdraw-signoff': return `${fn(entry.target)}\u2019s sign-off withdrawn: ${d.reason ?? ''}${d.change ? ` (change to ${d.change})` : ''}`;
    case 'withdraw-confirmation': return `${fn(entry.target)}\u2019s confirmation withdrawn: ${d.reason ?? ''}${d.change ? ` (change to ${d.change})` : ''}`;
    case 'recheck': return `check queued (${d.cause === 'process' ? 'entering transfer' : d.cause === 'campaign' ? 'the campaign changed' : d.cause ?? 'a change'})`;
    case 'check-requested': return 'requested a check';
    case 'check-done': return `check finished: ${verdictInfo(d.verdict).word}${d.cached ? ' (from the cache)' : ''}`;
    case 'refuse-signoff': return `refused to sign off for ${fn(entry.target)}: “${d.reason}”`;
    case 'request-changes': return `asked for changes before ${fn(entry.target)} signs off: “${d.reason}”`;
    case 'answer': return `answered ${fn(entry.target)}\u2019s ${d.kind === 'refused' ? 'refusal' : 'request for changes'}: “${d.text}”`;
    case 'override': return `overrode the ${verdictInfo(d.verdict).word} verdict${d.role ? ` as ${fn(d.role)}` : ''}: “${d.reason}”`;
    case 'approve': return `approved the campaign${d.override ? ' (with an override)' : ''}`;
    case 'return-to-transfer': return `campaign returned to transfer: ${d.reason ?? ''}`;
    case 'adopt-option': {
      const changes = changedFields(d.before, d.after);
      return html`adopted counter-proposal ${d.option} (${d.lever}; ${verdictInfo(d.verdict).word} when checked)${changes.length ? ': ' : ''}${changes.map((c, i) => html`${i ? '; ' : ''}<code>${c.key}</code> ${short(c.before)} \u2192 ${short(c.after)}`)}`;
    }
    case 'recommend-queued': return `counter-proposals queued${d.reason ? ` (${d.reason})` : ''}`;
    case 'recommend-requested': return `asked for counter-proposals${d.cached ? ' (already computed)' : ''}`;
    case 'recommend-done': return `counter-proposals ready${d.options !== undefined ? `: ${d.options} option${d.options === 1 ? '' : 's'}` : ''}`;
    default: return `${entry.action} ${entry.target}${Object.keys(d).length ? ` ${short(d)}` : ''}`;
  }
}

export function AuditTrail({ items }) {
  if (!items) return html`<p role="status">Loading…</p>`;
  if (!items.length) return html`<p class="empty">Nothing recorded yet.</p>`;
  const sorted = [...items].sort((a, b) => b.id - a.id);
  return html`
    <div class="table-scroll audit-scroll">
      <table class="audit">
        <caption>Every change, confirmation, sign-off, check and approval of this campaign, newest first</caption>
        <thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">What</th></tr></thead>
        <tbody>
          ${sorted.map((entry) => html`
            <tr data-action=${entry.action}>
              <td class="nowrap">${fmtTimestamp(entry.at)}</td>
              <td>${entry.actor}</td>
              <td>${describeAudit(entry)}</td>
            </tr>`)}
        </tbody>
      </table>
    </div>`;
}
