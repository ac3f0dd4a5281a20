// "Since the last check": what changed between the campaign's previous check and this one, as
// the server computes it (GET .../check?result=1: since_previous, tandem/io/check_delta.h), in
// sentences beside the verdict, so that a reviewer sees why a verdict moved: "packing:
// capacity 100 → 80", "delivered by the next day …: kept in 97% → 41% of scenarios (kept →
// broken)", "verdict Go → No-go".
import { html } from '../../lib/html.js';
import { fmtMoney, fmtShare, statusInfo, verdictInfo } from '../../lib/format.js';

// A value of the scenario in a few words.
function valueText(value) {
  if (value === null || value === undefined) return '(none)';
  if (typeof value === 'number') return String(Math.round(value * 10000) / 10000);
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((v) => typeof v !== 'object')) return value.join(', ');
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}

// "resources[packing].capacity" -> "packing: capacity"; "calendars.warehouse.open[0]" ->
// "calendar warehouse: open 1"; "today" -> "today".
export function inputKeyText(key) {
  const words = (rest) => rest.replace(/\[(\d+)\]/g, (_, i) => ` ${Number(i) + 1}`).replace(/[._]/g, ' ').trim();
  let m = /^(\w+)\[([^\]]+)\](?:\.(.*))?$/.exec(key);
  if (m) return m[3] ? `${m[2]}: ${words(m[3])}` : m[2];
  m = /^calendars\.([^.[]+)(.*)$/.exec(key);
  if (m) return `calendar ${m[1]}${m[2] ? `: ${words(m[2].replace(/^\./, ''))}` : ''}`;
  return words(key);
}

// One changed input in words: "packing: capacity 100 → 80", "returns added".
export function inputChangeText(change) {
  const what = inputKeyText(change.key);
  if (change.added) return `${what}: added${typeof change.after === 'object' ? '' : ` (${valueText(change.after)})`}`;
  if (change.removed) return `${what}: removed${typeof change.before === 'object' ? '' : ` (was ${valueText(change.before)})`}`;
  return `${what} ${valueText(change.before)} \u2192 ${valueText(change.after)}`;
}

// One promise that moved: "delivered by the next day for 95% of orders: kept in 97% → 41% of
// scenarios (Kept → Broken)".
export function promiseMoveText(move) {
  if (move.new) return `${move.text}: new (${statusInfo(move.status).word}, kept in ${fmtShare(move.p_kept, 0)} of scenarios)`;
  const status = move.status_before !== move.status ? ` (${statusInfo(move.status_before).word} \u2192 ${statusInfo(move.status).word})` : '';
  return `${move.text}: kept in ${fmtShare(move.p_kept_before, 0)} \u2192 ${fmtShare(move.p_kept, 0)} of scenarios${status}`;
}

const ECONOMICS = {
  'incremental_contribution.p50': 'incremental contribution (median)',
  'incremental_fulfilment_cost.p50': 'fulfilment cost of the extra units (median)',
  'revenue.p50': 'revenue (median)',
  spend: 'marketing spend',
  expected_incremental_after_spend: 'expected incremental contribution after spend',
};

// Props: delta (since_previous), currency.
export function SinceLastCheck({ delta, currency }) {
  if (!delta) return null;
  const outcomes = delta.outcomes ?? {};
  const inputs = delta.inputs;
  const moved = [...(outcomes.promises ?? []), ...(outcomes.standing ?? [])];
  if (!delta.changed) {
    return html`<div class="since-last-check" data-changed="false"><p><strong>Since the last check:</strong> nothing changed.</p></div>`;
  }
  return html`
    <div class="since-last-check" data-changed="true">
      <p><strong>Since the last check:</strong>
        ${outcomes.verdict ? html` verdict ${verdictInfo(outcomes.verdict.before).word} \u2192 <strong>${verdictInfo(outcomes.verdict.after).word}</strong>.` : ' the verdict is the same.'}</p>
      <ul>
        ${inputs === null ? html`<li data-delta="inputs">Changed inputs: not recorded for the previous check.</li>`
          : inputs.length ? html`<li data-delta="inputs">Changed: ${inputs.map((c, i) => html`${i ? '; ' : ''}<span class="delta-input">${inputChangeText(c)}</span>`)}${delta.inputs_more ? ` and ${delta.inputs_more} more` : ''}.</li>` : null}
        ${moved.map((m) => html`<li data-delta="promise">${promiseMoveText(m)}.</li>`)}
        ${(outcomes.economics ?? []).map((e) => html`<li data-delta="economics">${ECONOMICS[e.key] ?? e.key}: ${fmtMoney(e.before, currency)} \u2192 ${fmtMoney(e.after, currency)}.</li>`)}
      </ul>
    </div>`;
}
