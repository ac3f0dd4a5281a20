// The operations view: resources (capacity, shifts through calendars, processing time, costs,
// planned changes, expansion options), calendars and declared capabilities, editable by
// operations (budget resources by finance) with If-Match. Each entry says which campaigns
// depend on it, and after a save the page says what the change did to them (withdrawn
// confirmations and sign-offs, checks re-run).
import { useMemo, useState } from 'preact/hooks';
import { html } from '../../lib/html.js';
import { fmtDate, fmtMoney, fmtNumber, verdictInfo } from '../../lib/format.js';
import { ApiError, get, post, put, wsPath } from '../api.js';
import { useLoad } from '../hooks.js';
import { href } from '../router.js';
import { can, functionList, STATE_NAMES } from '../roles.js';
import { ErrorBox, Loading } from '../parts/common.js';
import { campaignsByResource, resourcesByCalendar } from '../model.js';

const str = (v) => (v === undefined || v === null ? '' : String(v));
const numOrUndefined = (t) => (t === '' || t === undefined ? undefined : Number(t));
function setOrDelete(target, key, value) {
  if (value === undefined || value === '' || Number.isNaN(value)) delete target[key];
  else target[key] = value;
}

// What a save did to the campaigns: compare the processes before and after.
function consequences(before, after, affected = []) {
  const old = Object.fromEntries(before.map((p) => [p.campaign, p]));
  const lines = [];
  for (const p of after) {
    const o = old[p.campaign];
    if (!o) continue;
    if (affected.includes(p.campaign) && ['draft', 'groundwork'].includes(p.state)) {
      const lost = (p.missing_confirmations ?? []).filter((f) => !(o.missing_confirmations ?? []).includes(f));
      lines.push({ campaign: p.campaign, name: p.name, text: (lost.length ? `the confirmation of ${functionList(lost)} was withdrawn; ` : '') +
        `it is in ${STATE_NAMES[p.state]}, so its check is not re-run automatically: run it to see the effect` });
      continue;
    }
    const lostConfirmations = (p.missing_confirmations ?? []).filter((f) => !(o.missing_confirmations ?? []).includes(f));
    const lostSignoffs = (p.missing_signoffs ?? []).filter((f) => !(o.missing_signoffs ?? []).includes(f));
    const parts = [];
    if (lostConfirmations.length && p.state !== 'draft') parts.push(`the confirmation of ${functionList(lostConfirmations)} was withdrawn`);
    if (lostSignoffs.length && ['transfer', 'approved', 'live'].includes(o.state)) parts.push(`the sign-off of ${functionList(lostSignoffs)} was withdrawn`);
    if (o.state !== p.state) parts.push(`it moved from ${STATE_NAMES[o.state]} back to ${STATE_NAMES[p.state]}`);
    if (p.check_status === 'queued' || p.check_status === 'running') parts.push('its check is running again');
    if (parts.length) lines.push({ campaign: p.campaign, name: p.name, text: parts.join('; ') });
  }
  return lines;
}

function Affects({ ids, processes }) {
  if (!ids?.length) return html`<p class="affects">No campaign depends on it.</p>`;
  const byId = Object.fromEntries(processes.map((p) => [p.campaign, p]));
  return html`<p class="affects">Campaigns that depend on it:
    ${ids.map((id, i) => html`${i ? ', ' : ' '}<a href=${href('campaign', { id })}>${byId[id]?.name || id}</a>${' '}
      <span class="cell-note">(${STATE_NAMES[byId[id]?.state] ?? '?'}${byId[id]?.verdict ? `, ${verdictInfo(byId[id].verdict).word.toLowerCase()}` : ', not checked'})</span>`)}</p>`;
}

function resourceToDraft(b) {
  return {
    unit: str(b.unit), capacity: str(b.capacity), calendar: str(b.calendar), processing_time: str(b.processing_time),
    cost_per_unit: str(b.cost_per_unit),
    changes: (b.changes ?? []).map((c) => ({ orig: c, from: str(c.from), capacity: str(c.capacity), processing_time: str(c.processing_time), cost_per_unit: str(c.cost_per_unit), calendar: str(c.calendar) })),
    expand: !!b.expansion,
    extra: str(b.expansion?.extra), exp_cost: str(b.expansion?.cost_per_unit), lead_time: str(b.expansion?.lead_time),
    period_start: str(b.period?.start), period_end: str(b.period?.end),
  };
}

function draftToResource(d, original) {
  const b = { ...original };
  setOrDelete(b, 'unit', d.unit.trim());
  setOrDelete(b, 'capacity', numOrUndefined(d.capacity));
  if (b.kind === 'throughput') {
    setOrDelete(b, 'calendar', d.calendar);
    setOrDelete(b, 'processing_time', d.processing_time.trim());
    setOrDelete(b, 'cost_per_unit', numOrUndefined(d.cost_per_unit));
    const changes = d.changes.map((c) => {
      const out = { ...(c.orig ?? {}) };
      out.from = c.from;
      setOrDelete(out, 'capacity', numOrUndefined(c.capacity));
      setOrDelete(out, 'processing_time', c.processing_time.trim());
      setOrDelete(out, 'cost_per_unit', numOrUndefined(c.cost_per_unit));
      setOrDelete(out, 'calendar', c.calendar);
      return out;
    });
    if (changes.length) b.changes = changes;
    else delete b.changes;
    if (d.expand) {
      b.expansion = { ...(original.expansion ?? {}) };
      setOrDelete(b.expansion, 'extra', numOrUndefined(d.extra));
      setOrDelete(b.expansion, 'cost_per_unit', numOrUndefined(d.exp_cost));
      setOrDelete(b.expansion, 'lead_time', d.lead_time.trim());
    } else delete b.expansion;
  }
  if (b.kind === 'budget') {
    if (d.period_start || d.period_end) b.period = { start: d.period_start, end: d.period_end };
    else delete b.period;
  }
  return b;
}

function describeResource(b, calendars, currency) {
  if (b.kind === 'space') return `Space: ${fmtNumber(b.capacity)} ${b.unit ?? ''}`;
  if (b.kind === 'budget') return `Budget: ${fmtMoney(b.capacity, currency)}${b.period ? ` for ${fmtDate(b.period.start)} to ${fmtDate(b.period.end)}` : ''}`;
  const hours = b.calendar && calendars[b.calendar]?.open ? Object.entries(calendars[b.calendar].open).map(([d, h]) => `${d} ${h}`).join(', ') : 'open around the clock';
  return `${fmtNumber(b.capacity)} ${b.unit ?? 'units'} per open hour; ${b.calendar ? `calendar ${b.calendar} (${hours})` : hours}` +
    (b.processing_time ? `; processing time ${b.processing_time}` : '') + (b.cost_per_unit != null ? `; ${fmtMoney(b.cost_per_unit, currency, 2)} per unit` : '');
}

function useSaver(ws, onSaved) {
  const [state, setState] = useState({ busy: false, error: null, result: null, target: null });
  // target: the card that shows the outcome (the entry's id, or "(new)").
  const save = async (kind, id, body, version, target = `${kind}/${id}`, affected = []) => {
    setState({ busy: true, error: null, result: null, target });
    try {
      const before = (await get(wsPath(ws, '/processes'))).data.items;
      const saved = await put(wsPath(ws, `/${kind}/${encodeURIComponent(id)}`), body, version);
      const after = (await get(wsPath(ws, '/processes'))).data.items;
      setState({ busy: false, error: null, target, result: { id, version: saved.version ?? saved.data?.version, lines: consequences(before, after, affected) } });
      onSaved();
      return true;
    } catch (error) {
      setState({ busy: false, error, result: null, target });
      return false;
    }
  };
  return [state, save, () => setState({ busy: false, error: null, result: null, target: null })];
}

function SaveOutcome({ state, what }) {
  return html`
    ${state.result ? html`<div class="notice tone-good" role="status" data-saved=${state.result.id}>
      <p>Saved ${what} (version ${state.result.version}).${state.result.lines.length ? ' What it means for the campaigns:' : ' No campaign\u2019s confirmations, sign-offs or checks changed.'}</p>
      ${state.result.lines.length ? html`<ul>${state.result.lines.map((l) => html`<li><a href=${href('campaign', { id: l.campaign })}>${l.name || l.campaign}</a>: ${l.text}.</li>`)}</ul>` : null}
    </div>` : null}
    ${state.error instanceof ApiError && state.error.status === 409 ? html`<div class="notice tone-warn" role="alert">
      Someone changed ${what} after you opened it; nothing was overwritten. Reload the page to see their version.</div>`
      : html`<${ErrorBox} error=${state.error} what=${`Saving ${what}`} />`}`;
}

// The impact preview (POST .../impact): for each approved or live campaign, what saving the edit
// would do to its verdict and promises, before anything is saved.
function ImpactPreview({ impact }) {
  if (!impact || impact.busy) return null;
  if (impact.error) return html`<p class="notice tone-bad" role="alert">The impact preview failed: ${impact.error.message}</p>`;
  if (!impact.items.length) return html`<p class="notice" data-impact="none">No approved or live campaign to re-check: saving changes no commitment.</p>`;
  return html`<div class="notice" data-impact=${impact.items.some((i) => i.endangers) ? 'endangers' : 'safe'} role="status">
    <p><strong>If you save this change:</strong></p>
    <ul>${impact.items.map((i) => html`<li data-impact-campaign=${i.campaign}>${i.endangers ? html`<strong>${i.message}</strong>`
      : html`${i.campaign} (${i.state}): its promises hold as before`}${i.verdict_before !== i.verdict ? ` (verdict ${i.verdict_before} \u2192 ${i.verdict})` : ''}.</li>`)}</ul>
  </div>`;
}

// The impact preview's state and request for one kind of entry (resources, calendars,
// capabilities): preview(id, body) posts the edited entry, nothing is saved.
function useImpactPreview(ws, kind) {
  const [impact, setImpact] = useState(null);
  const preview = async (id, body) => {
    setImpact({ busy: true });
    try {
      const { data } = await post(wsPath(ws, `/${kind}/${encodeURIComponent(id)}/impact`), body);
      setImpact({ items: data.items });
    } catch (e) {
      setImpact({ error: e });
    }
  };
  return [impact, preview, () => setImpact(null)];
}

function PreviewButton({ impact, onClick, disabled = false }) {
  return html`<button type="button" class="button-quiet" onClick=${onClick} disabled=${disabled || impact?.busy}>${impact?.busy ? 'Checking the impact\u2026' : 'Preview the impact'}</button>`;
}

function ResourceCard({ ws, item, calendars, affects, processes, role, currency, save, state, reset }) {
  const b = item.body;
  const [editing, setEditing] = useState(false);
  const [d, setD] = useState(() => resourceToDraft(b));
  const set = (k) => (e) => setD({ ...d, [k]: e.currentTarget.type === 'checkbox' ? e.currentTarget.checked : e.currentTarget.value });
  const setChange = (i, k) => (e) => setD({ ...d, changes: d.changes.map((c, j) => (j === i ? { ...c, [k]: e.currentTarget.value } : c)) });
  const idp = (f) => `res-${item.id}-${f}`;
  const editable = can.editResource(role, b);
  const submit = async (event) => {
    event.preventDefault();
    if (await save('resources', item.id, draftToResource(d, b), item.version, undefined, affects ?? [])) setEditing(false);
  };
  const [impact, preview, clearImpact] = useImpactPreview(ws, 'resources');
  return html`
    <li class="entity-card" data-resource=${item.id} data-kind=${b.kind}>
      <h3>${item.id} <span class="cell-note">${b.kind}, version ${item.version}</span></h3>
      <p>${describeResource(b, calendars, currency)}</p>
      ${b.changes?.length ? html`<p><strong>Planned changes:</strong> ${b.changes.map((c, i) => html`${i ? '; ' : ''}from ${fmtDate(c.from)}: ${[
        c.capacity != null ? `capacity ${fmtNumber(c.capacity)}` : null, c.processing_time ? `processing ${c.processing_time}` : null,
        c.cost_per_unit != null ? `${fmtMoney(c.cost_per_unit, currency, 2)} per unit` : null, c.calendar ? `calendar ${c.calendar}` : null].filter(Boolean).join(', ')}`)}</p>` : null}
      ${b.expansion ? html`<p><strong>Expansion option:</strong> up to ${fmtNumber(b.expansion.extra)} more per open hour at${' '}
        ${fmtMoney(b.expansion.cost_per_unit, currency, 2)} per unit, booked ${b.expansion.lead_time ?? 'any time'} ahead.</p>` : null}
      <${Affects} ids=${affects} processes=${processes} />
      ${state.target === `resources/${item.id}` ? html`<${SaveOutcome} state=${state} what=${item.id} />` : null}
      ${editing ? html`
        <form class="entity-form" onSubmit=${submit} aria-label=${`Edit ${item.id}`}>
          <div class="form-row">
            <div class="field field-narrow"><label for=${idp('capacity')}>${b.kind === 'throughput' ? 'Capacity per open hour' : b.kind === 'budget' ? 'Budget' : 'Capacity'}</label>
              <input id=${idp('capacity')} type="number" step="any" min="0" value=${d.capacity} onInput=${set('capacity')} required /></div>
            ${b.kind !== 'budget' ? html`<div class="field field-narrow"><label for=${idp('unit')}>Unit</label>
              <input id=${idp('unit')} value=${d.unit} onInput=${set('unit')} /></div>` : null}
            ${b.kind === 'throughput' ? html`
              <div class="field"><label for=${idp('calendar')}>Shifts (calendar)</label>
                <select id=${idp('calendar')} value=${d.calendar} onChange=${set('calendar')}>
                  <option value="">Open around the clock</option>
                  ${Object.keys(calendars).map((c) => html`<option value=${c}>${c}</option>`)}
                </select></div>
              <div class="field field-narrow"><label for=${idp('pt')}>Processing time</label>
                <input id=${idp('pt')} value=${d.processing_time} onInput=${set('processing_time')} placeholder="1h" /></div>
              <div class="field field-narrow"><label for=${idp('cost')}>Cost per unit</label>
                <input id=${idp('cost')} type="number" step="any" min="0" value=${d.cost_per_unit} onInput=${set('cost_per_unit')} /></div>` : null}
            ${b.kind === 'budget' ? html`
              <div class="field"><label for=${idp('ps')}>Period starts</label><input id=${idp('ps')} type="date" value=${d.period_start} onInput=${set('period_start')} /></div>
              <div class="field"><label for=${idp('pe')}>Period ends</label><input id=${idp('pe')} type="date" value=${d.period_end} onInput=${set('period_end')} /></div>` : null}
          </div>
          ${b.kind === 'throughput' ? html`
            <fieldset><legend>Planned changes</legend>
              ${d.changes.map((c, i) => html`<div class="form-row" data-change=${i}>
                <div class="field"><label for=${idp(`c${i}-from`)}>From</label><input id=${idp(`c${i}-from`)} type="date" value=${c.from} onInput=${setChange(i, 'from')} required /></div>
                <div class="field field-narrow"><label for=${idp(`c${i}-cap`)}>Capacity</label><input id=${idp(`c${i}-cap`)} type="number" step="any" min="0" value=${c.capacity} onInput=${setChange(i, 'capacity')} /></div>
                <div class="field field-narrow"><label for=${idp(`c${i}-pt`)}>Processing time</label><input id=${idp(`c${i}-pt`)} value=${c.processing_time} onInput=${setChange(i, 'processing_time')} /></div>
                <div class="field field-narrow"><label for=${idp(`c${i}-cost`)}>Cost per unit</label><input id=${idp(`c${i}-cost`)} type="number" step="any" min="0" value=${c.cost_per_unit} onInput=${setChange(i, 'cost_per_unit')} /></div>
                <div class="field"><label for=${idp(`c${i}-cal`)}>Calendar</label>
                  <select id=${idp(`c${i}-cal`)} value=${c.calendar} onChange=${setChange(i, 'calendar')}>
                    <option value="">(unchanged)</option>${Object.keys(calendars).map((k) => html`<option value=${k}>${k}</option>`)}</select></div>
                <button type="button" class="button-quiet" onClick=${() => setD({ ...d, changes: d.changes.filter((_, j) => j !== i) })}>Remove</button>
              </div>`)}
              <button type="button" class="button-quiet" onClick=${() => setD({ ...d, changes: [...d.changes, { from: '', capacity: '', processing_time: '', cost_per_unit: '', calendar: '' }] })}>Add a planned change</button>
            </fieldset>
            <fieldset><legend>Expansion option</legend>
              <label class="check"><input type="checkbox" checked=${d.expand} onChange=${set('expand')} /> Extra capacity can be booked</label>
              ${d.expand ? html`<div class="form-row">
                <div class="field field-narrow"><label for=${idp('extra')}>At most, per open hour</label><input id=${idp('extra')} type="number" step="any" min="0" value=${d.extra} onInput=${set('extra')} required /></div>
                <div class="field field-narrow"><label for=${idp('ecost')}>Cost per unit</label><input id=${idp('ecost')} type="number" step="any" min="0" value=${d.exp_cost} onInput=${set('exp_cost')} /></div>
                <div class="field field-narrow"><label for=${idp('lead')}>Lead time</label><input id=${idp('lead')} value=${d.lead_time} onInput=${set('lead_time')} placeholder="7d" /></div>
              </div>` : null}
            </fieldset>` : null}
          <div class="form-actions">
            <${PreviewButton} impact=${impact} onClick=${() => preview(item.id, draftToResource(d, b))} />
            <button type="submit" class="button-primary" disabled=${state.busy}>${state.busy ? 'Saving…' : `Save ${item.id}`}</button>
            <button type="button" class="button-quiet" onClick=${() => { setEditing(false); reset(); clearImpact(); }}>Cancel</button>
          </div>
          <${ImpactPreview} impact=${impact} />
        </form>` : editable ? html`<button type="button" class="button-quiet" onClick=${() => { setD(resourceToDraft(b)); setEditing(true); reset(); clearImpact(); }}>Edit ${item.id}</button>` : null}
    </li>`;
}

function CalendarCard({ ws, item, affectsResources, affects, processes, role, save, state, reset }) {
  const b = item.body;
  const [editing, setEditing] = useState(false);
  const [rows, setRows] = useState([]);
  const [closed, setClosed] = useState('');
  const [impact, preview, clearImpact] = useImpactPreview(ws, 'calendars');
  const start = () => {
    setRows(Object.entries(b.open ?? {}).map(([days, hours]) => ({ days, hours })));
    setClosed((b.closed ?? []).join(', '));
    setEditing(true);
    reset();
    clearImpact();
  };
  const edited = () => {
    const body = { ...b, open: Object.fromEntries(rows.filter((r) => r.days.trim()).map((r) => [r.days.trim(), r.hours.trim()])) };
    const dates = closed.split(/[\s,]+/).filter(Boolean);
    if (dates.length) body.closed = dates;
    else delete body.closed;
    return body;
  };
  const submit = async (event) => {
    event.preventDefault();
    if (await save('calendars', item.id, edited(), item.version, undefined, affects ?? [])) setEditing(false);
  };
  const idp = (f) => `cal-${item.id}-${f}`;
  return html`
    <li class="entity-card" data-calendar=${item.id}>
      <h3>${item.id} <span class="cell-note">calendar, version ${item.version}</span></h3>
      <p>Open: ${Object.entries(b.open ?? {}).map(([d, h]) => `${d} ${h}`).join(', ') || 'never'}${b.closed?.length ? `; closed ${b.closed.map((c) => fmtDate(c)).join(', ')}` : ''}.</p>
      <p class="affects">Used by ${affectsResources?.length ? affectsResources.join(', ') : 'no resource'}.</p>
      <${Affects} ids=${affects} processes=${processes} />
      ${state.target === `calendars/${item.id}` ? html`<${SaveOutcome} state=${state} what=${`calendar ${item.id}`} />` : null}
      ${editing ? html`
        <form class="entity-form" onSubmit=${submit} aria-label=${`Edit calendar ${item.id}`}>
          <fieldset><legend>Opening hours</legend>
            <p class="hint">Days: mon … sun, ranges such as mon-fri, or daily. Hours: "06:00-22:00"; "00:00-24:00" is a whole day.</p>
            ${rows.map((r, i) => html`<div class="form-row">
              <div class="field field-narrow"><label for=${idp(`d${i}`)}>Days</label><input id=${idp(`d${i}`)} value=${r.days} onInput=${(e) => setRows(rows.map((x, j) => (j === i ? { ...x, days: e.currentTarget.value } : x)))} /></div>
              <div class="field"><label for=${idp(`h${i}`)}>Hours</label><input id=${idp(`h${i}`)} value=${r.hours} onInput=${(e) => setRows(rows.map((x, j) => (j === i ? { ...x, hours: e.currentTarget.value } : x)))} /></div>
              <button type="button" class="button-quiet" onClick=${() => setRows(rows.filter((_, j) => j !== i))}>Remove</button>
            </div>`)}
            <button type="button" class="button-quiet" onClick=${() => setRows([...rows, { days: '', hours: '' }])}>Add opening hours</button>
          </fieldset>
          <div class="field field-wide"><label for=${idp('closed')}>Closed days (dates, separated by commas)</label>
            <input id=${idp('closed')} value=${closed} onInput=${(e) => setClosed(e.currentTarget.value)} placeholder="2027-05-31, 2027-12-25" /></div>
          <div class="form-actions">
            <${PreviewButton} impact=${impact} onClick=${() => preview(item.id, edited())} />
            <button type="submit" class="button-primary" disabled=${state.busy}>Save ${item.id}</button>
            <button type="button" class="button-quiet" onClick=${() => { setEditing(false); reset(); clearImpact(); }}>Cancel</button>
          </div>
          <${ImpactPreview} impact=${impact} />
        </form>` : can.editOperations(role) ? html`<button type="button" class="button-quiet" onClick=${start}>Edit ${item.id}</button>` : null}
    </li>`;
}

function CapabilityCard({ ws, item, role, save, state, reset, isNew = false, onDone }) {
  const b = item?.body ?? {};
  const [editing, setEditing] = useState(isNew);
  const [d, setD] = useState({ id: '', claim: b.claim ?? '', from: b.from ?? '', until: b.until ?? '' });
  const set = (k) => (e) => setD({ ...d, [k]: e.currentTarget.value });
  const idp = (f) => `cap-${item?.id ?? 'new'}-${f}`;
  const [impact, preview, clearImpact] = useImpactPreview(ws, 'capabilities');
  const id = isNew ? d.id.trim() : item.id;
  const edited = () => {
    const body = { ...b, id, claim: d.claim.trim() };
    setOrDelete(body, 'from', d.from);
    setOrDelete(body, 'until', d.until);
    return body;
  };
  const submit = async (event) => {
    event.preventDefault();
    if (await save('capabilities', id, edited(), isNew ? undefined : item.version, isNew ? '(new)' : `capabilities/${id}`)) {
      setEditing(false);
      onDone?.();
    }
  };
  const form = html`
    <form class="entity-form" onSubmit=${submit} aria-label=${isNew ? 'New capability' : `Edit capability ${item.id}`}>
      <div class="form-row">
        ${isNew ? html`<div class="field"><label for=${idp('id')}>Id</label><input id=${idp('id')} value=${d.id} onInput=${set('id')} required /></div>` : null}
        <div class="field field-wide"><label for=${idp('claim')}>What it lets marketing say (the claim)</label>
          <input id=${idp('claim')} value=${d.claim} onInput=${set('claim')} required /></div>
        <div class="field"><label for=${idp('from')}>From (optional)</label><input id=${idp('from')} type="date" value=${d.from} onInput=${set('from')} /></div>
        <div class="field"><label for=${idp('until')}>Until (optional)</label><input id=${idp('until')} type="date" value=${d.until} onInput=${set('until')} /></div>
      </div>
      <div class="form-actions">
        <${PreviewButton} impact=${impact} onClick=${() => preview(id, edited())} disabled=${!id || !d.claim.trim()} />
        <button type="submit" class="button-primary" disabled=${state.busy}>${isNew ? 'Add the capability' : `Save ${item.id}`}</button>
        <button type="button" class="button-quiet" onClick=${() => { setEditing(false); reset(); clearImpact(); onDone?.(); }}>Cancel</button>
      </div>
      <${ImpactPreview} impact=${impact} />
    </form>`;
  if (isNew) return html`<li class="entity-card">${state.target === '(new)' ? html`<${SaveOutcome} state=${state} what="the capability" />` : null}${form}</li>`;
  return html`
    <li class="entity-card" data-capability=${item.id}>
      <h3>${item.id} <span class="cell-note">capability, version ${item.version}</span></h3>
      <p>“${b.claim}”${b.from || b.until ? ` — declared ${b.from ? `from ${fmtDate(b.from)}` : ''}${b.until ? ` until ${fmtDate(b.until)}` : ''}` : ' — declared for the whole horizon'}.</p>
      ${state.target === `capabilities/${item.id}` ? html`<${SaveOutcome} state=${state} what=${`capability ${item.id}`} />` : null}
      ${editing ? form : can.editOperations(role) ? html`<button type="button" class="button-quiet" onClick=${() => { setEditing(true); reset(); clearImpact(); }}>Edit ${item.id}</button>` : null}
    </li>`;
}

export function OperationsPage({ ws, session, workspace }) {
  const data = useLoad(async () => {
    const parts = await Promise.all(['/resources', '/calendars', '/capabilities', '/offerings', '/campaigns', '/processes'].map((p) => get(wsPath(ws, p))));
    const [resources, calendars, capabilities, offerings, campaigns, processes] = parts.map((p) => p.data.items);
    return { data: { resources, calendars, capabilities, offerings, campaigns, processes } };
  }, [ws]);
  const [state, save, reset] = useSaver(ws, () => data.reload());
  const [adding, setAdding] = useState(false);
  const currency = workspace.settings?.currency ?? 'USD';
  const derived = useMemo(() => {
    if (!data.data) return null;
    const { resources, calendars, offerings, campaigns } = data.data;
    const byResource = campaignsByResource(campaigns, offerings, resources);
    const byCalendar = resourcesByCalendar(resources);
    const calendarCampaigns = Object.fromEntries(Object.entries(byCalendar).map(([c, rs]) => [c, [...new Set(rs.flatMap((r) => byResource[r] ?? []))]]));
    return { byResource, byCalendar, calendarCampaigns, calendars: Object.fromEntries(calendars.map((c) => [c.id, c.body])) };
  }, [data.data]);

  const role = session.role;
  const common = { ws, role, save, state, reset };
  return html`
    <div class="operations-page">
      <h1 tabindex="-1" data-page-title>Operations</h1>
      <p class="page-intro">What operations can deliver: resources with their shifts, planned changes and expansion options, and the
        capabilities marketing may claim. ${can.editOperations(role) ? 'You can edit them; a change withdraws the confirmations and sign-offs of the campaigns it affects and re-runs their checks.'
          : role === 'finance' ? 'Finance edits the budget resources; operations the rest.' : 'Operations edits them; everyone sees them.'}</p>
      <${ErrorBox} error=${data.error} what="Loading the operations model" />
      ${state.target === '(new)' && state.result ? html`<${SaveOutcome} state=${state} what=${`capability ${state.result.id}`} />` : null}
      ${!data.data ? html`<${Loading} />` : html`
        <section class="panel" aria-labelledby="ops-resources"><h2 id="ops-resources">Resources</h2>
          <ul class="entity-list">${data.data.resources.map((item) => html`<${ResourceCard} key=${`${item.id}-${item.version}`} item=${item}
            calendars=${derived.calendars} affects=${derived.byResource[item.id]} processes=${data.data.processes} currency=${currency} ...${common} />`)}</ul>
        </section>
        <section class="panel" aria-labelledby="ops-calendars"><h2 id="ops-calendars">Shifts (calendars)</h2>
          <ul class="entity-list">${data.data.calendars.map((item) => html`<${CalendarCard} key=${`${item.id}-${item.version}`} item=${item}
            affectsResources=${derived.byCalendar[item.id]} affects=${derived.calendarCampaigns[item.id]} processes=${data.data.processes} ...${common} />`)}</ul>
        </section>
        <section class="panel" aria-labelledby="ops-capabilities"><h2 id="ops-capabilities">Capabilities</h2>
          <p class="hint">What operations declares it can do, in the words marketing may use. A claim in a campaign is kept only when every
            capability it needs is declared for the whole window.</p>
          <ul class="entity-list">
            ${data.data.capabilities.map((item) => html`<${CapabilityCard} key=${`${item.id}-${item.version}`} item=${item} ...${common} />`)}
            ${adding ? html`<${CapabilityCard} isNew ...${common} onDone=${() => setAdding(false)} />` : null}
          </ul>
          ${can.editOperations(role) && !adding ? html`<button type="button" class="button-quiet" onClick=${() => { setAdding(true); reset(); }}>Add a capability</button>` : null}
        </section>`}
    </div>`;
}
