// Operations' part of a campaign: extra capacity booked on resources with an expansion option
// (PUT .../campaigns/{id}/bookings with the campaign's version).
import { useState } from 'preact/hooks';
import { html } from '../../lib/html.js';
import { campaignPath, put } from '../api.js';
import { ErrorBox } from './common.js';

export function BookingsEditor({ ws, id, body, version, resources, onSaved }) {
  const expandable = resources.filter((r) => r.body.kind === 'throughput' && r.body.expansion);
  const [rows, setRows] = useState(() => (body.bookings ?? []).map((b) => ({ ...b, extra: String(b.extra) })));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [saved, setSaved] = useState(false);
  const set = (i, key) => (e) => setRows(rows.map((r, j) => (j === i ? { ...r, [key]: e.currentTarget.value } : r)));
  const save = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      await put(campaignPath(ws, id, '/bookings'), rows.map((r) => ({ ...r, extra: Number(r.extra) })), version);
      setSaved(true);
      onSaved();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  if (!expandable.length) return html`<p class="hint">No resource has an expansion option to book.</p>`;
  return html`
    <form onSubmit=${save} class="bookings-form" aria-label="Capacity bookings">
      <p class="hint">Extra capacity per open hour, within each resource's expansion option
        (${expandable.map((r) => `${r.id}: up to ${r.body.expansion.extra} more, booked ${r.body.expansion.lead_time ?? 'any time'} ahead`).join('; ')}).</p>
      ${rows.map((row, i) => html`
        <fieldset class="form-row booking-row">
          <legend>Booking ${i + 1}</legend>
          <div class="field"><label for=${`bk-${i}-res`}>Resource</label>
            <select id=${`bk-${i}-res`} value=${row.resource} onChange=${set(i, 'resource')}>
              ${expandable.map((r) => html`<option value=${r.id}>${r.id}</option>`)}
            </select></div>
          <div class="field field-narrow"><label for=${`bk-${i}-extra`}>Extra per hour</label>
            <input id=${`bk-${i}-extra`} type="number" min="0" step="any" value=${row.extra} onInput=${set(i, 'extra')} required /></div>
          <div class="field"><label for=${`bk-${i}-from`}>From</label>
            <input id=${`bk-${i}-from`} type="date" value=${row.from} onInput=${set(i, 'from')} required /></div>
          <div class="field"><label for=${`bk-${i}-until`}>Until</label>
            <input id=${`bk-${i}-until`} type="date" value=${row.until} onInput=${set(i, 'until')} required /></div>
          <button type="button" class="button-quiet" onClick=${() => setRows(rows.filter((_, j) => j !== i))}>Remove</button>
        </fieldset>`)}
      <div class="form-actions">
        <button type="button" class="button-quiet" onClick=${() => setRows([...rows, { resource: expandable[0].id, extra: '', from: body.window?.start ?? '', until: body.window?.end ?? '' }])}>Add a booking</button>
        <button type="submit" class="button-primary" disabled=${busy}>${busy ? 'Saving…' : 'Save the bookings'}</button>
      </div>
      ${saved ? html`<p class="notice tone-good" role="status">Bookings saved: the check runs again with them, and operations\u2019 and
        finance\u2019s sign-offs on this campaign are withdrawn where they covered the bookings.</p>` : null}
      <${ErrorBox} error=${error} what="Saving the bookings" />
    </form>`;
}
