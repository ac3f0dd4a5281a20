// The campaign form: what marketing decides (name, window, announce date, offerings, discount,
// spend, expected lift with its range, a cap, the promises). Keys the form does not show
// (profile, readiness, bookings, ...) are kept as they are. Percentages are typed as percent
// (40 for a 40% discount) and stored as shares (0.4), as the scenario format has them.
import { useMemo, useState } from 'preact/hooks';
import { html } from '../../lib/html.js';
import { humanize } from '../../lib/format.js';
import { ErrorBox } from './common.js';

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
    liftExpected: pct(ranged ? lift.expected : lift),
    liftLow: ranged ? pct(lift.low) : '',
    liftHigh: ranged ? pct(lift.high) : '',
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
  const expected = share(draft.liftExpected);
  const low = share(draft.liftLow);
  const high = share(draft.liftHigh);
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

function fieldInvalid(error, name) {
  return (error?.fields ?? []).some((f) => f.field === name || f.field.startsWith(`${name}.`) || f.field.startsWith(`${name}[`));
}

function Checklist({ legend, options, selected, onChange, name, hint }) {
  const toggle = (id) => onChange(selected.includes(id) ? selected.filter((s) => s !== id) : [...selected, id]);
  return html`
    <fieldset class="checklist" data-field=${name}>
      <legend>${legend}</legend>
      ${hint ? html`<p class="hint">${hint}</p>` : null}
      ${options.map((o) => html`
        <label class="check"><input type="checkbox" checked=${selected.includes(o.id)} onChange=${() => toggle(o.id)} />
          ${o.label}</label>`)}
    </fieldset>`;
}

function PromiseEditor({ index, draft, update, remove, context, error }) {
  const id = (f) => `promise-${index}-${f}`;
  const inv = (f) => (fieldInvalid(error, `promises[${index}].${f}`) ? 'true' : undefined);
  const set = (key) => (e) => update({ ...draft, [key]: e.currentTarget.value });
  const t = draft.type;
  return html`
    <fieldset class="promise-editor" data-index=${index}>
      <legend>Promise ${index + 1}: ${humanize(t)}</legend>
      <div class="form-row">
        <div class="field">
          <label for=${id('type')}>Type</label>
          <select id=${id('type')} value=${t} onChange=${set('type')}>
            ${PROMISE_TYPES.map((type) => html`<option value=${type}>${humanize(type)}</option>`)}
          </select>
          <span class="hint">${PROMISE_HELP[t]}</span>
        </div>
        ${t === 'response' ? html`
          <div class="field">
            <label for=${id('resource')}>Resource</label>
            <select id=${id('resource')} value=${draft.resource} onChange=${set('resource')} aria-invalid=${inv('resource')}>
              <option value="">(choose)</option>
              ${context.throughput.map((r) => html`<option value=${r.id}>${r.id}</option>`)}
            </select>
          </div>` : null}
        ${['delivery', 'processing', 'response'].includes(t) ? html`
          <div class="field">
            <label for=${id('within')}>Within</label>
            <input id=${id('within')} value=${draft.within} onInput=${set('within')} placeholder="48h, 3d, next_day"
              aria-invalid=${inv('within')} aria-describedby=${id('within-hint')} required />
            <span class="hint" id=${id('within-hint')}>15m, 24h, 2d, same_day, next_day</span>
          </div>` : null}
        ${['delivery', 'processing', 'response', 'availability'].includes(t) ? html`
          <div class="field field-narrow">
            <label for=${id('share')}>For share (%)</label>
            <input id=${id('share')} type="number" min="0" max="100" step="any" value=${draft.share} onInput=${set('share')}
              aria-invalid=${inv('share')} placeholder=${t === 'availability' ? '98' : '95'} />
          </div>` : null}
        ${['delivery', 'processing'].includes(t) ? html`
          <div class="field field-narrow">
            <label for=${id('cutoff')}>Cut-off (optional)</label>
            <input id=${id('cutoff')} value=${draft.cutoff} onInput=${set('cutoff')} placeholder="14:00" aria-invalid=${inv('cutoff')} />
          </div>` : null}
        ${t === 'free_returns' ? html`
          <div class="field field-narrow">
            <label for=${id('return_rate')}>Return rate (%)</label>
            <input id=${id('return_rate')} type="number" min="0" max="100" step="any" value=${draft.return_rate}
              onInput=${set('return_rate')} aria-invalid=${inv('return_rate')} />
          </div>
          <div class="field field-narrow">
            <label for=${id('cost')}>Cost per return</label>
            <input id=${id('cost')} type="number" min="0" step="any" value=${draft.cost} onInput=${set('cost')} aria-invalid=${inv('cost')} />
          </div>` : null}
        ${t === 'claim' ? html`
          <div class="field field-wide">
            <label for=${id('text')}>Claim text</label>
            <input id=${id('text')} value=${draft.text} onInput=${set('text')} aria-invalid=${inv('text')} required />
          </div>` : null}
      </div>
      ${t === 'claim' ? html`<${Checklist} legend="Needs these declared capabilities" name=${`promises[${index}].requires`}
        options=${context.capabilities.map((c) => ({ id: c.id, label: html`${c.body.claim} <span class="cell-note">(${c.id})</span>` }))}
        selected=${draft.requires} onChange=${(requires) => update({ ...draft, requires })} />` : null}
      <div class="promise-actions">
        <button type="button" class="button-quiet" onClick=${remove} aria-label=${`Remove promise ${index + 1}`}>Remove this promise</button>
      </div>
    </fieldset>`;
}

// Props: initial (the campaign body, or {} for a new one), isNew, context ({offerings,
// resources, capabilities} entities), onSubmit(body) -> Promise (throws ApiError), busy,
// error, submitLabel, onCancel.
export function CampaignForm({ initial, isNew = false, context, onSubmit, error, busy, submitLabel, onCancel }) {
  const [draft, setDraft] = useState(() => campaignToDraft(initial));
  const set = (key) => (e) => setDraft({ ...draft, [key]: e.currentTarget.value });
  const inv = (f) => (fieldInvalid(error, f) ? 'true' : undefined);
  const ctx = useMemo(() => ({
    throughput: context.resources.filter((r) => r.body.kind === 'throughput'),
    capabilities: context.capabilities,
  }), [context]);
  const offeringName = Object.fromEntries(context.offerings.map((o) => [o.id, o.body.name ?? o.id]));
  const chosenOfferings = draft.offerings.length ? draft.offerings : context.offerings.map((o) => o.id);

  const submit = (event) => {
    event.preventDefault();
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
                aria-invalid=${inv('id')} aria-describedby="cf-id-hint" placeholder="summer-25" />
              <span class="hint" id="cf-id-hint">Letters, digits, - _ . ; it cannot be changed later.</span>
            </div>` : null}
          <div class="field field-wide">
            <label for="cf-name">Name</label>
            <input id="cf-name" value=${draft.name} onInput=${set('name')} required aria-invalid=${inv('name')} />
          </div>
        </div>
        <div class="form-row">
          <div class="field">
            <label for="cf-start">Window starts</label>
            <input id="cf-start" type="date" value=${draft.start} onInput=${set('start')} required aria-invalid=${inv('window')} />
          </div>
          <div class="field">
            <label for="cf-end">Window ends (inclusive)</label>
            <input id="cf-end" type="date" value=${draft.end} onInput=${set('end')} required aria-invalid=${inv('window')} />
          </div>
          <div class="field">
            <label for="cf-announce">Announced on (optional)</label>
            <input id="cf-announce" type="date" value=${draft.announce} onInput=${set('announce')} aria-invalid=${inv('announce')}
              aria-describedby="cf-announce-hint" />
            <span class="hint" id="cf-announce-hint">Approval must come before this date (default: the window's start).</span>
          </div>
        </div>
        <${Checklist} legend="Offerings" name="offerings" hint="None ticked: all offerings."
          options=${context.offerings.map((o) => ({ id: o.id, label: html`${o.body.name ?? o.id} <span class="cell-note">(${o.id})</span>` }))}
          selected=${draft.offerings} onChange=${(offerings) => setDraft({ ...draft, offerings })} />
      </fieldset>

      <fieldset>
        <legend>Demand and money</legend>
        <div class="form-row">
          <div class="field field-narrow">
            <label for="cf-lift">Expected lift (%)</label>
            <input id="cf-lift" type="number" step="any" min="0" value=${draft.liftExpected} onInput=${set('liftExpected')} required
              aria-invalid=${inv('lift')} aria-describedby="cf-lift-hint" />
          </div>
          <div class="field field-narrow">
            <label for="cf-lift-low">Lift, low case (%)</label>
            <input id="cf-lift-low" type="number" step="any" min="0" value=${draft.liftLow} onInput=${set('liftLow')} aria-invalid=${inv('lift')} />
          </div>
          <div class="field field-narrow">
            <label for="cf-lift-high">Lift, high case (%)</label>
            <input id="cf-lift-high" type="number" step="any" min="0" value=${draft.liftHigh} onInput=${set('liftHigh')} aria-invalid=${inv('lift')} />
          </div>
          <p class="hint field-hint" id="cf-lift-hint">Demand during the window is the baseline × (1 + lift): 60 means 60% more orders.
            The low and high cases are the 5th and 95th percentiles; leave both empty for a certain lift.</p>
        </div>
        <div class="form-row">
          <div class="field field-narrow">
            <label for="cf-discount">Discount (%)</label>
            <input id="cf-discount" type="number" step="any" min="0" max="100" value=${draft.discount} onInput=${set('discount')} aria-invalid=${inv('discount')} />
          </div>
          <div class="field">
            <label for="cf-spend">Marketing spend</label>
            <input id="cf-spend" type="number" step="any" min="0" value=${draft.spend} onInput=${set('spend')} aria-invalid=${inv('spend')} />
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
              <input id="cf-cap" type="number" min="0" step="1" value=${draft.capTotal} onInput=${set('capTotal')} required aria-invalid=${inv('cap')} />
            </div>` : null}
          ${draft.capMode === 'by' ? chosenOfferings.map((o) => html`
            <div class="field field-narrow">
              <label for=${`cf-cap-${o}`}>Cap: ${offeringName[o] ?? o}</label>
              <input id=${`cf-cap-${o}`} type="number" min="0" step="1" value=${draft.capBy[o] ?? ''} aria-invalid=${inv('cap')}
                onInput=${(e) => setDraft({ ...draft, capBy: { ...draft.capBy, [o]: e.currentTarget.value } })} />
            </div>`) : null}
        </div>
      </fieldset>

      <fieldset>
        <legend>Promises (${draft.promises.length})</legend>
        ${draft.promises.map((p, i) => html`<${PromiseEditor} key=${i} index=${i} draft=${p} update=${updatePromise(i)}
          remove=${removePromise(i)} context=${ctx} error=${error} />`)}
        <button type="button" class="button-quiet" onClick=${addPromise}>Add a promise</button>
      </fieldset>

      <${ErrorBox} error=${error} what=${isNew ? 'Creating the campaign' : 'Saving the campaign'} />
      <div class="form-actions">
        <button type="submit" class="button-primary" disabled=${busy}>${busy ? 'Saving…' : submitLabel}</button>
        ${onCancel ? html`<button type="button" class="button-quiet" onClick=${onCancel}>Cancel</button>` : null}
      </div>
    </form>`;
}
