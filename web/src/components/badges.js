// Verdict and status badges: colour, a symbol and the word, never colour alone.
import { html } from '../lib/html.js';
import { statusInfo, verdictInfo } from '../lib/format.js';

export function VerdictBadge({ verdict, large = false }) {
  const info = verdictInfo(verdict);
  return html`<span class=${`badge verdict tone-${info.tone}${large ? ' badge-large' : ''}`} data-verdict=${verdict}>
    <span class="badge-symbol" aria-hidden="true">${info.symbol}</span>
    <span class="badge-word">${info.word}</span>
  </span>`;
}

export function StatusBadge({ status }) {
  const info = statusInfo(status);
  return html`<span class=${`badge status tone-${info.tone}`} data-status=${status}>
    <span class="badge-symbol" aria-hidden="true">${info.symbol}</span>
    <span class="badge-word">${info.word}</span>
  </span>`;
}
