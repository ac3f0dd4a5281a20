// The state of a campaign's check in words, with a progress bar while it runs and the action
// to run it again.
import { html } from '../../lib/html.js';
import { fmtNumber } from '../../lib/format.js';
import { fmtTimestamp, ProcessVerdict } from './common.js';
import { withoutLocation } from './form-errors.js';

export function CheckStatus({ status, onRun, busy, stale }) {
  const s = status?.status;
  const progress = status?.progress;
  let text;
  if (!status) text = 'This campaign has not been checked yet.';
  else if (s === 'queued' && !progress?.running) text = 'The check is queued: it starts when a worker is free.';
  else if (s === 'queued' || s === 'running') {
    text = progress?.total ? `Checking: ${fmtNumber(progress.done)} of ${fmtNumber(progress.total)} scenarios simulated.` : 'Checking…';
  } else if (s === 'done') text = html`Checked ${fmtTimestamp(status.finished_at)}${status.requested_by ? ` (requested by ${status.requested_by})` : ''}.`;
  else if (s === 'failed') text = `The check failed${status.error ? `: ${withoutLocation(status.error)}` : ''}.`;
  else if (s === 'superseded') text = 'A newer check replaced this one.';
  else text = `Check: ${s}`;
  const active = s === 'queued' || s === 'running';
  return html`
    <div class="check-status" data-check-status=${s ?? 'none'}>
      <div class="check-status-line">
        <${ProcessVerdict} verdict=${status?.verdict} checkStatus=${s} large />
        <span role="status" aria-live="polite">${text}</span>
      </div>
      ${active ? html`<progress class="check-progress" aria-label="Check progress" max=${progress?.total || undefined}
        value=${progress?.total ? progress.done : undefined}></progress>` : null}
      ${stale ? html`<p class="hint">Below: the previous result, until the new one is ready.</p>` : null}
      <button type="button" class="button-quiet" onClick=${onRun} disabled=${busy || active}>
        ${status ? 'Run the check again' : 'Run the check'}</button>
    </div>`;
}
