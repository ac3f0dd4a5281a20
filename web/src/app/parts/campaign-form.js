// The campaign form: what marketing decides (name, window, announce date, offerings, discount,
// spend, expected lift with its range, a cap, the promises). Keys the form does not show
// (profile, readiness, bookings, ...) are kept as they are. Percentages are typed as percent
// (40 for a 40% discount; a lift as "+30%" or 30) and stored as shares (0.4, 0.3), as the
// scenario format has them. The server's validation errors appear next to the field they are
// about, named by its label (form-errors.js).
import { useMemo, useState } from 'preact/hooks';
import { html } from '../../lib/html.js';
import { humanize } from '../../lib/format.js';
import { explainError, get, wsPath } from '../api.js';
import { campaignFieldErrors, liftText, parsePercent } from './form-errors.js';

// What the form offers to choose from (offerings, resources, capabilities) and how past
// campaigns' lifts compared with their plans (GET .../lift-history: "Past campaigns ran at 0.6x
// their planned lift"), shown beside the lift a planner enters.
export async function loadCampaignFormContext(ws) {
  const [offerings, resources, capabilities, pastLifts] = await Promise.all([
    ...['offerings', 'resources', 'capabilities'].map((kind) => get(wsPath(ws, `/${kind}`))),
    // A hint, not a need: the form works without it.
    get(wsPath(ws, '/lift-history')).catch(() => null),
  ]);
  return {
    data: {
      offerings: offerings.data.items,
      resources: resources.data.items,
      capabilities: capabilities.data.items,
      pastLifts: pastLifts?.data?.summary ?? null,
    },
  };
}

const PROMISE_TYPES = ['delivery', 'processing', 'response', 'availability', 'free_returns', 'claim'];
const PROMISE_HELP = {
  delivery: 'order to delivery, including transit',
  processing: 'order to dispatch (the route only)',
  response: 'work caused at one resource, e.g. support tickets',
  availability: 'share of units served from stock at once',
  free_returns: 'the economics of a free-returns policy',
  claim: 'a statement that needs declared capabilities',
};

const pct = (share) => (share === undefined || share === null || share === '' ? '' : String(Math.round(share * 10000) / 100));
const str = (v) => (v === undefined || v === null ? '' : String(v));
const num = (text) => (text === '' || text === undefined ? undefined : Number(text));
const share = (text) => (text === '' || text === undefined ? undefined : Number(text) / 100);

function promiseToDraft(p) {
  return {
    orig: p,
    type: p.type ?? 'delivery',
    within: str(p.within),
    share: pct(p.share),
    cutoff: str(p.cutoff),
    resource: str(p.resource),
    return_rate: pct(p.return_rate),
    cost: str(p.cost),
    text: str(p.text),
    requires: [...(p.requires ?? [])],
    offerings: [...(p.offerings ?? [])],
  };
}

export function campaignToDraft(body) {
  const lift = body.lift;
  const ranged = lift && typeof lift === 'object';
  const cap = body.cap;
  return {
    id: body.id ?? '',
    name: body.name ?? '',
    start: body.window?.start ?? '',
    end: body.window?.end ?? '',
    announce: body.announce ?? '',
    offerings: [...(body.offerings ?? [])],
    discount: pct(body.discount),
    spend: str(body.spend),
    liftExpected: liftText(ranged ? lift.expected : lift),
    liftLow: ranged ? liftText(lift.low) : '',
    liftHigh: ranged ? liftText(lift.high) : '',
    capMode: cap === undefined || cap === null ? 'none' : typeof cap === 'object' ? 'by' : 'total',
    capTotal: typeof cap === 'number' ? String(cap) : '',
    capBy: cap && typeof cap === 'object' ? Object.fromEntries(Object.entries(cap).map(([k, v]) => [k, String(v)])) : {},
    promises: (body.promises ?? []).map(promiseToDraft),
  };
}

function setOrDelete(target, key, value) {
  if (value === undefined || value === '' || (Array.isArray(value) && !value.length) || Number.isNaN(value)) delete target[key];
  else target[key] = value;
}

function promiseToBody(d) {
  const p = { ...(d.orig ?? {}) };
  p.type = d.type;
  // Fields of other types are dropped when the type changes.
  const keep = {
    delivery: ['within', 'share', 'cutoff', 'offerings'],
    processing: ['within', 'share', 'cutoff', 'offerings'],
    response: ['resource', 'within', 'share', 'offerings'],
    availability: ['share', 'offerings'],
    free_returns: ['return_rate', 'cost', 'offerings'],
    claim: ['text', 'requires'],
  }[d.type] ?? [];
  for (const key of ['within', 'share', 'cutoff', 'resource', 'return_rate', 'cost', 'text', 'requires', 'offerings']) {
    if (!keep.includes(key)) delete p[key];
  }
  if (keep.includes('within')) setOrDelete(p, 'within', d.within.trim());
  if (keep.includes('share')) setOrDelete(p, 'share', share(d.share));
  if (keep.includes('cutoff')) setOrDelete(p, 'cutoff', d.cutoff.trim());
  if (keep.includes('resource')) setOrDelete(p, 'resource', d.resource);
  if (keep.includes('return_rate')) setOrDelete(p, 'return_rate', share(d.return_rate));
  if (keep.includes('cost')) setOrDelete(p, 'cost', num(d.cost));
  if (keep.includes('text')) setOrDelete(p, 'text', d.text.trim());
  if (keep.includes('requires')) setOrDelete(p, 'requires', d.requires);
  if (keep.includes('offerings')) setOrDelete(p, 'offerings', d.offerings);
  return p;
}

export function draftToCampaign(draft, original = {}) {
  const body = { ...original };
  body.id = draft.id.trim();
  setOrDelete(body, 'name', draft.name.trim());
  body.window = { start: draft.start, end: draft.end };
  setOrDelete(body, 'announce', draft.announce);
  setOrDelete(body, 'offerings', draft.offerings);
  setOrDelete(body, 'discount', share(draft.discount));
  setOrDelete(body, 'spend', num(draft.spend));
  const expected = parsePercent(draft.liftExpected);
  const low = parsePercent(draft.liftLow);
  const high = parsePercent(draft.liftHigh);
  body.lift = low === undefined && high === undefined ? (expected ?? 0) : { expected: expected ?? 0, low, high };
  if (draft.capMode === 'none') delete body.cap;
  else if (draft.capMode === 'total') setOrDelete(body, 'cap', num(draft.capTotal));
  else {
    const by = {};
    for (const [k, v] of Object.entries(draft.capBy)) if (v !== '' && v !== undefined) by[k] = Number(v);
    if (Object.keys(by).length) body.cap = by;
    else delete body.cap;
  }
  body.promises = draft.promises.map(promiseToBody);
  return body;
}

// The errors of one input, beside it: "Discount: a discount of 100% or more (allowed: ...)".
function FieldErrors({ id, errors }) {
  const list = errors.byInput[id];
  if (!list?.length) return null;
  return html`<p class="field-error" id=${`${id}-error`} data-field-error=${id}>
    ${list.map((e, i) => html`${i ? html`<br />` : null}${e.problem}${e.allowed ? html` <span class="field-error-allowed">(allowed: ${e.allowed})</span>` : null}`)}</p>`;
}

// aria-invalid and aria-describedby of an input (its hint, then its errors).
function aria(errors, id, hint) {
  const invalid = errors.byInput[id]?.length > 0;
  const described = [hint, invalid ? `${id}-error` : null].filter(Boolean).join(' ');
  return { 'aria-invalid': invalid ? 'true' : undefined, 'aria-describedby': described || undefined };
}

// The form's own checks before sending (what the server cannot read: a lift that is not a
// percentage), as field errors keyed by input.
function localErrors(draft) {
  const items = [];
  for (const [input, label, text] of [['cf-lift', 'Expected lift', draft.liftExpected], ['cf-lift-low', 'Lift, low case', draft.liftLow],
    ['cf-lift-high', 'Lift, high case', draft.liftHigh]]) {
    if (Number.isNaN(parsePercent(text))) {
      items.push({ input, label, problem: `“${text}” is not a percentage`, allowed: 'a percentage such as +30%, 30 or -10%' });
    }
  }
  const byInput = {};
  for (const item of items) (byInput[item.input] ??= []).push(item);
  return { items, byInput };
}

// What the campaign would do to demand, in words: "+30%" -> "30% more orders than the
// baseline: demand × 1.3 during the window".
function liftMeaning(text) {
  const lift = parsePercent(text);
  if (lift === undefined || Number.isNaN(lift)) return '';
  const factor = Math.round((1 + lift) * 1000) / 1000;
  const pctAbs = Math.round(Math.abs(lift) * 10000) / 100;
  if (lift === 0) return 'no change in demand: demand × 1 during the window';
  return `${pctAbs}% ${lift > 0 ? 'more' : 'fewer'} orders than the baseline: demand × ${factor} during the window`;
}

// The error above the buttons: what failed and, field by field, what to change (labels, never
// keys of the workspace or file names).
function FormErrorSummary({ error, errors, what }) {
  if (!error && !errors.items.length) return null;
  return html`
    <div class="notice tone-bad" role="alert" data-form-errors>
      <p>${errors.items.length ? `${what} needs a change in ${errors.items.length === 1 ? 'one field' : `${errors.items.length} fields`}:`
        : explainError(error, what)}</p>
      ${errors.items.length ? html`<ul class="field-errors">
        ${errors.items.map((e) => html`<li>${e.input ? html`<a href=${`#${e.input}`} onClick=${(ev) => { ev.preventDefault(); document.getElementById(e.input)?.focus(); }}>${e.label}</a>` : html`<strong>${e.label}</strong>`}${': '}${e.problem}${e.allowed ? html` <span class="cell-note">(allowed: ${e.allowed})</span>` : null}</li>`)}
      </ul>` : null}
    </div>`;
}

function Checklist({ legend, options, selected, onChange, name, hint, id }) {
  const toggle = (o) => onChange(selected.includes(o) ? selected.filter((s) => s !== o) : [...selected, o]);
  return html`
    <fieldset class="checklist" data-field=${name} id=${id} tabindex=${id ? '-1' : undefined}>
      <legend>${legend}</legend>
      ${hint ? html`<p class="hint">${hint}</p>` : null}
      ${options.map((o) => html`
        <label class="check"><input type="checkbox" checked=${selected.includes(o.id)} onChange=${() => toggle(o.id)} />
          ${o.label}</label>`)}
    </fieldset>`;
}

function PromiseEditor({ index, draft, update, remove, context, errors }) {
  const id = (f) => `promise-${index}-${f}`;
  const a = (f, hint) => aria(errors, id(f), hint);
  const err = (f) => html`<${FieldErrors} id=${id(f)} errors=${errors} />`;
  const set = (key) => (e) => update({ ...draft, [key]: e.currentTarget.value });
  const t = draft.type;
  return html`
    <fieldset class="promise-editor" data-index=${index}>
      <legend>Promise ${index + 1}: ${humanize(t)}</legend>
      <div class="form-row">
        <div class="field">
          <label for=${id('type')}>Type</label>
          <select id=${id('type')} value=${t} onChange=${set('type')} ...${a('type')}>
            ${PROMISE_TYPES.map((type) => html`<option value=${type}>${humanize(type)}</option>`)}
          </select>
          <span class="hint">${PROMISE_HELP[t]}</span>${err('type')}
        </div>
        ${t === 'response' ? html`
          <div class="field">
            <label for=${id('resource')}>Resource</label>
            <select id=${id('resource')} value=${draft.resource} onChange=${set('resource')} ...${a('resource')}>
              <option value="">(choose)</option>
              ${context.throughput.map((r) => html`<option value=${r.id}>${r.id}</option>`)}
            </select>${err('resource')}
          </div>` : null}
        ${['delivery', 'processing', 'response'].includes(t) ? html`
          <div class="field">
            <label for=${id('within')}>Within</label>
            <input id=${id('within')} value=${draft.within} onInput=${set('within')} placeholder="48h, 3d, next_day"
              ...${a('within', id('within-hint'))} required />
            <span class="hint" id=${id('within-hint')}>15m, 24h, 2d, same_day, next_day</span>${err('within')}
          </div>` : null}
        ${['delivery', 'processing', 'response', 'availability'].includes(t) ? html`
          <div class="field field-narrow">
            <label for=${id('share')}>For share (%)</label>
            <input id=${id('share')} type="number" min="0" max="100" step="any" value=${draft.share} onInput=${set('share')}
              ...${a('share')} placeholder=${t === 'availability' ? '98' : '95'} />${err('share')}
          </div>` : null}
        ${['delivery', 'processing'].includes(t) ? html`
          <div class="field field-narrow">
            <label for=${id('cutoff')}>Cut-off (optional)</label>
            <input id=${id('cutoff')} value=${draft.cutoff} onInput=${set('cutoff')} placeholder="14:00" ...${a('cutoff')} />${err('cutoff')}
          </div>` : null}
        ${t === 'free_returns' ? html`
          <div class="field field-narrow">
            <label for=${id('return_rate')}>Return rate (%)</label>
            <input id=${id('return_rate')} type="number" min="0" max="100" step="any" value=${draft.return_rate}
              onInput=${set('return_rate')} ...${a('return_rate')} />${err('return_rate')}
          </div>
          <div class="field field-narrow">
            <label for=${id('cost')}>Cost per return</label>
            <input id=${id('cost')} type="number" min="0" step="any" value=${draft.cost} onInput=${set('cost')} ...${a('cost')} />${err('cost')}
          </div>` : null}
        ${t === 'claim' ? html`
          <div class="field field-wide">
            <label for=${id('text')}>Claim text</label>
            <input id=${id('text')} value=${draft.text} onInput=${set('text')} ...${a('text')} required />${err('text')}
          </div>` : null}
      </div>
      ${t === 'claim' ? html`<${Checklist} legend="Needs these declared capabilities" name=${`promises[${index}].requires`} id=${id('requires')}
        options=${context.capabilities.map((c) => ({ id: c.id, label: html`${c.body.claim} <span class="cell-note">(${c.id})</span>` }))}
        selected=${draft.requires} onChange=${(requires) => update({ ...draft, requires })} />${err('requires')}` : null}
      <div class="promise-actions">
        <button type="button" class="button-quiet" onClick=${remove} aria-label=${`Remove promise ${index + 1}`}>Remove this promise</button>
      </div>
    </fieldset>`;
}

// Props: initial (the campaign body, or {} for a new one), isNew, context ({offerings,
// resources, capabilities} entities and pastLifts, as loadCampaignFormContext), onSubmit(body) -> Promise (throws ApiError), busy,
// error, submitLabel, onCancel.
export function CampaignForm({ initial, isNew = false, context, onSubmit, error, busy, submitLabel, onCancel }) {
  const [draft, setDraft] = useState(() => campaignToDraft(initial));
  const [checked, setChecked] = useState(null);  // the form's own errors, after a submit
  const set = (key) => (e) => setDraft({ ...draft, [key]: e.currentTarget.value });
  // The server's errors, unless the form found its own since.
  const errors = checked?.items.length ? checked : campaignFieldErrors(error);
  const a = (id, hint) => aria(errors, id, hint);
  const err = (id) => html`<${FieldErrors} id=${id} errors=${errors} />`;
  const ctx = useMemo(() => ({
    throughput: context.resources.filter((r) => r.body.kind === 'throughput'),
    capabilities: context.capabilities,
  }), [context]);
  const offeringName = Object.fromEntries(context.offerings.map((o) => [o.id, o.body.name ?? o.id]));
  const chosenOfferings = draft.offerings.length ? draft.offerings : context.offerings.map((o) => o.id);

  const submit = (event) => {
    event.preventDefault();
    const own = localErrors(draft);
    setChecked(own);
    if (own.items.length) {
      document.getElementById(own.items[0].input)?.focus();
      return;
    }
    onSubmit(draftToCampaign(draft, initial));
  };
  const updatePromise = (i) => (p) => setDraft({ ...draft, promises: draft.promises.map((q, j) => (j === i ? p : q)) });
  const removePromise = (i) => () => setDraft({ ...draft, promises: draft.promises.filter((_, j) => j !== i) });
  const addPromise = () => setDraft({ ...draft, promises: [...draft.promises, promiseToDraft({ type: 'delivery', within: '48h', share: 0.95 })] });

  return html`
    <form class="campaign-form" onSubmit=${submit} aria-label=${isNew ? 'New campaign' : 'Edit the campaign'}>
      <fieldset>
        <legend>The campaign</legend>
        <div class="form-row">
          ${isNew ? html`
            <div class="field">
              <label for="cf-id">Id (short, no spaces)</label>
              <input id="cf-id" value=${draft.id} onInput=${set('id')} required pattern="[A-Za-z0-9][A-Za-z0-9_.\\-]*"
                ...${a('cf-id', 'cf-id-hint')} placeholder="summer-25" />
              <span class="hint" id="cf-id-hint">Letters, digits, - _ . ; it cannot be changed later.</span>${err('cf-id')}
            </div>` : null}
          <div class="field field-wide">
            <label for="cf-name">Name</label>
            <input id="cf-name" value=${draft.name} onInput=${set('name')} required ...${a('cf-name')} />${err('cf-name')}
          </div>
        </div>
        <div class="form-row">
          <div class="field">
            <label for="cf-start">Window starts</label>
            <input id="cf-start" type="date" value=${draft.start} onInput=${set('start')} required ...${a('cf-start')} />${err('cf-start')}
          </div>
          <div class="field">
            <label for="cf-end">Window ends (inclusive)</label>
            <input id="cf-end" type="date" value=${draft.end} onInput=${set('end')} required ...${a('cf-end')} />${err('cf-end')}
          </div>
          <div class="field">
            <label for="cf-announce">Announced on (optional)</label>
            <input id="cf-announce" type="date" value=${draft.announce} onInput=${set('announce')}
              ...${a('cf-announce', 'cf-announce-hint')} />
            <span class="hint" id="cf-announce-hint">Approval must come before this date (default: the window's start).</span>${err('cf-announce')}
          </div>
        </div>
        <${Checklist} legend="Offerings" name="offerings" id="cf-offerings" hint="None ticked: all offerings."
          options=${context.offerings.map((o) => ({ id: o.id, label: html`${o.body.name ?? o.id} <span class="cell-note">(${o.id})</span>` }))}
          selected=${draft.offerings} onChange=${(offerings) => setDraft({ ...draft, offerings })} />
        ${err('cf-offerings')}
      </fieldset>

      <fieldset>
        <legend>Demand and money</legend>
        <div class="form-row">
          <div class="field field-narrow">
            <label for="cf-lift">Expected lift (%)</label>
            <input id="cf-lift" inputmode="decimal" value=${draft.liftExpected} onInput=${set('liftExpected')} required
              placeholder="+30%" ...${a('cf-lift', 'cf-lift-hint cf-lift-meaning')} />
            ${err('cf-lift')}
          </div>
          <div class="field field-narrow">
            <label for="cf-lift-low">Lift, low case (%)</label>
            <input id="cf-lift-low" inputmode="decimal" value=${draft.liftLow} onInput=${set('liftLow')} placeholder="+10%"
              ...${a('cf-lift-low', 'cf-lift-hint')} />
            ${err('cf-lift-low')}
          </div>
          <div class="field field-narrow">
            <label for="cf-lift-high">Lift, high case (%)</label>
            <input id="cf-lift-high" inputmode="decimal" value=${draft.liftHigh} onInput=${set('liftHigh')} placeholder="+60%"
              ...${a('cf-lift-high', 'cf-lift-hint')} />
            ${err('cf-lift-high')}
          </div>
          <p class="hint field-hint" id="cf-lift-hint">Type the lift in percent: +30% (or 30) means 30% more orders than the
            baseline during the window, i.e. demand × 1.3; -10% means 10% fewer. The low and high cases are the 5th and 95th
            percentiles; leave both empty for a certain lift.</p>
          <p class="hint field-hint lift-meaning" id="cf-lift-meaning" aria-live="polite">${liftMeaning(draft.liftExpected)
            ? html`Expected: ${liftMeaning(draft.liftExpected)}.` : null}</p>
          ${context.pastLifts?.text ? html`<p class="hint field-hint past-lifts" id="cf-lift-past">${context.pastLifts.text}</p>` : null}
        </div>
        <div class="form-row">
          <div class="field field-narrow">
            <label for="cf-discount">Discount (%)</label>
            <input id="cf-discount" type="number" step="any" min="0" max="100" value=${draft.discount} onInput=${set('discount')} ...${a('cf-discount')} />${err('cf-discount')}
          </div>
          <div class="field">
            <label for="cf-spend">Marketing spend</label>
            <input id="cf-spend" type="number" step="any" min="0" value=${draft.spend} onInput=${set('spend')} ...${a('cf-spend')} />${err('cf-spend')}
          </div>
          <div class="field">
            <label for="cf-cap-mode">Limited quantity (cap)</label>
            <select id="cf-cap-mode" value=${draft.capMode} onChange=${set('capMode')}>
              <option value="none">No cap</option>
              <option value="total">A total number of units</option>
              <option value="by">Units per offering</option>
            </select>
          </div>
          ${draft.capMode === 'total' ? html`
            <div class="field field-narrow">
              <label for="cf-cap">Cap (units)</label>
              <input id="cf-cap" type="number" min="0" step="1" value=${draft.capTotal} onInput=${set('capTotal')} required ...${a('cf-cap')} />${err('cf-cap')}
            </div>` : null}
          ${draft.capMode === 'by' ? chosenOfferings.map((o) => html`
            <div class="field field-narrow">
              <label for=${`cf-cap-${o}`}>Cap: ${offeringName[o] ?? o}</label>
              <input id=${`cf-cap-${o}`} type="number" min="0" step="1" value=${draft.capBy[o] ?? ''} ...${a(`cf-cap-${o}`)}
                onInput=${(e) => setDraft({ ...draft, capBy: { ...draft.capBy, [o]: e.currentTarget.value } })} />${err(`cf-cap-${o}`)}
            </div>`) : null}
        </div>
      </fieldset>

      <fieldset>
        <legend>Promises (${draft.promises.length})</legend>
        ${draft.promises.map((p, i) => html`<${PromiseEditor} key=${i} index=${i} draft=${p} update=${updatePromise(i)}
          remove=${removePromise(i)} context=${ctx} errors=${errors} />`)}
        <button type="button" class="button-quiet" onClick=${addPromise}>Add a promise</button>
      </fieldset>

      <${FormErrorSummary} error=${checked?.items.length ? null : error} errors=${errors}
        what=${isNew ? 'Creating the campaign' : 'Saving the campaign'} />
      <div class="form-actions">
        <button type="submit" class="button-primary" disabled=${busy}>${busy ? 'Saving…' : submitLabel}</button>
        ${onCancel ? html`<button type="button" class="button-quiet" onClick=${onCancel}>Cancel</button>` : null}
      </div>
    </form>`;
}
