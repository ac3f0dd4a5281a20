// The post-campaign review (PUT .../campaigns/{id}/review, docs/process.md "Time"): what was
// promised, what was kept, how far the forecast was off, the lessons for the next plan. Written
// by marketing, operations or admin while the campaign is live or in follow-up; the campaign
// closes (by the clock, or the owner's button) once every part is written, its window has ended
// and its returns have matured. Closed: read-only. `suggestions` (from the follow-up, optional)
// fill empty parts so the writer starts from the measured figures.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../../lib/html.js';
import { campaignPath, put } from '../api.js';
import { REVIEW_PARTS } from '../../components/check-report.js';
import { ErrorBox, fmtTimestamp } from './common.js';

const WRITERS = new Set(['marketing', 'operations', 'admin']);

function initialParts(review, suggestions) {
  return Object.fromEntries(REVIEW_PARTS.map(([part]) => [part, review?.[part] || suggestions?.[part] || '']));
}

// Props: ws, id, process (GET .../process), role, suggestions ({part: text}), onSaved(process).
export function ReviewForm({ ws, id, process, role, suggestions, onSaved }) {
  const review = process.review && !process.review.text ? process.review : null;
  const editable = WRITERS.has(role) && (process.state === 'live' || process.state === 'follow-up');
  const [parts, setParts] = useState(() => initialParts(review, suggestions));
  const [dirty, setDirty] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [saved, setSaved] = useState(false);
  // Suggestions arrive after the follow-up loads: they fill the parts nobody has touched yet.
  useEffect(() => { if (!dirty) setParts(initialParts(review, suggestions)); }, [JSON.stringify(review), JSON.stringify(suggestions)]);

  if (!editable) {
    if (!review && process.review?.text) {
      return html`<p class="review-note" data-review>Review by ${process.review.by}: “${process.review.text}”</p>`;
    }
    if (!review) {
      return html`<p class="hint" data-review>${process.state === 'closed' ? 'Closed without a review.' : 'Marketing, operations or an admin write the post-campaign review.'}</p>`;
    }
    return html`
      <dl class="review-read facts" data-review>
        ${REVIEW_PARTS.map(([part, label]) => html`<div class="facts-wide"><dt>${label}</dt><dd>${review[part] || '—'}</dd></div>`)}
      </dl>
      <p class="hint">Written by ${review.by}, ${fmtTimestamp(review.at)}.</p>`;
  }

  const missing = REVIEW_PARTS.filter(([part]) => !parts[part].trim()).map(([, label]) => label.toLowerCase());
  const save = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      const { data } = await put(campaignPath(ws, id, '/review'), parts);
      setDirty(false);
      setSaved(true);
      await onSaved?.(data);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return html`
    <form class="review-form" onSubmit=${save} data-review-form>
      ${REVIEW_PARTS.map(([part, label]) => html`
        <label for=${`review-${part}`}>${label}</label>
        <textarea id=${`review-${part}`} name=${part} rows="2" value=${parts[part]}
          onInput=${(e) => { setParts({ ...parts, [part]: e.currentTarget.value }); setDirty(true); setSaved(false); }}></textarea>`)}
      <div class="form-actions">
        <button type="submit" class="button-primary" disabled=${busy}>Save the review</button>
        <span class="hint" role="status">${busy ? 'Saving…' : saved ? 'Review saved.' : missing.length ? `Still to write: ${missing.join(', ')}. The campaign closes once every part is written.` : ''}</span>
      </div>
      ${review ? html`<p class="hint">Last saved by ${review.by}, ${fmtTimestamp(review.at)}.</p>` : null}
      <${ErrorBox} error=${error} what="Saving the review" />
    </form>`;
}
