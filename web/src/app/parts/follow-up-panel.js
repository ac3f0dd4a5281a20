// The Follow-up stage of a campaign (issue 12 item 6; docs/web.md): upload the actuals (a file
// or a CSV dropped on the stage), the follow-up the server computes from them (each promise's
// observed share and re-forecast status, drifting ones first and marked, the demand and the
// shared metrics against the plan's p50 and band, units per day against the plan's band), and
// the post-campaign review.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { html } from '../../lib/html.js';
import { fmtDate, fmtMoney, fmtNumber, fmtQuantity, fmtShare, humanize } from '../../lib/format.js';
import { StatusBadge } from '../../components/badges.js';
import { ActualsChart, BacklogActualsChart } from '../../components/charts/actuals-chart.js';
import { ApiError, campaignPath, get, putText, wsPath } from '../api.js';
import { ErrorBox } from './common.js';
import { ReviewForm } from './review-form.js';

const FILES = [
  ['orders', 'Orders (orders.csv)', ['operations', 'marketing', 'admin']],
  ['tickets', 'Tickets (tickets.csv)', ['service', 'operations', 'admin']],
  ['spend', 'Spend (spend.csv)', ['marketing', 'finance', 'admin']],
];

// The file kind a dropped or chosen file is, from its name ("orders-2027-04-11.csv").
export function kindOfFile(name, fallback) {
  const lower = (name ?? '').toLowerCase();
  for (const [kind] of FILES) if (lower.includes(kind)) return kind;
  return fallback;
}

const METRIC_NAMES = {
  units: 'Units',
  revenue: 'Revenue',
  incremental_contribution: 'Incremental contribution',
  spend: 'Spend',
  roi: 'ROI',
  cac_with_fulfilment: 'CAC incl. fulfilment',
  return_rate: 'Return rate',
  tickets_per_100_units: 'Tickets per 100 units',
  promise_kept_rate: 'Promises kept',
};

const PHASES = {
  planned: 'its window has not opened yet',
  live: 'its window is open: the rest of it is re-forecast',
  ended: 'its window has ended',
};

function fmtMetric(value, unit, currency) {
  if (value === null || value === undefined) return '\u2014';
  switch (unit) {
    case 'money': return fmtMoney(value, currency);
    case 'share': return fmtShare(value, 1);
    case 'ratio': return `${fmtNumber(value * 100, 0)}%`;
    case 'units': return fmtQuantity(value);
    default: return fmtNumber(value, 1);
  }
}

// Where the actual stands against the plan's band: below, within, above (none without a band).
function bandPlace(metric) {
  const { actual, plan } = metric;
  if (actual == null || plan?.p5 == null || plan?.p95 == null) return null;
  if (actual < plan.p5) return 'below';
  if (actual > plan.p95) return 'above';
  return 'within';
}

function UploadBox({ ws, role, onUploaded }) {
  const allowed = FILES.filter(([, , roles]) => roles.includes(role));
  const [kind, setKind] = useState(allowed[0]?.[0] ?? 'orders');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [done, setDone] = useState(null);
  const [over, setOver] = useState(false);
  const input = useRef(null);
  if (!allowed.length) return html`<p class="hint">Operations, marketing, service and finance upload the actuals of their files.</p>`;

  const upload = async (file, chosenKind) => {
    const target = chosenKind ?? kindOfFile(file.name, kind);
    setKind(target);
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const text = await file.text();
      const { data } = await putText(wsPath(ws, `/actuals/${target}`), text);
      setDone(`${file.name}: ${fmtNumber(data.rows)} rows read as ${data.file}, ${fmtNumber(data.changed)} new or changed.`);
      await onUploaded?.(data);
    } catch (e) {
      setError({ error: e, name: file.name });
    } finally {
      setBusy(false);
      if (input.current) input.current.value = '';
    }
  };
  const drop = (event) => {
    event.preventDefault();
    setOver(false);
    const file = event.dataTransfer?.files?.[0];
    if (file) upload(file);
  };
  return html`
    <div class=${`upload-box${over ? ' drag-over' : ''}`} data-upload
      onDragOver=${(e) => { e.preventDefault(); setOver(true); }} onDragLeave=${() => setOver(false)} onDrop=${drop}>
      <p><strong>Upload actuals:</strong> drop a CSV file here, or choose one. Re-sending a day's export is safe: rows are matched by id.</p>
      <div class="upload-row">
        <label for="actuals-kind">File</label>
        <select id="actuals-kind" value=${kind} onChange=${(e) => setKind(e.currentTarget.value)}>
          ${allowed.map(([value, label]) => html`<option value=${value}>${label}</option>`)}
        </select>
        <input type="file" id="actuals-file" accept=".csv,text/csv" ref=${input} disabled=${busy}
          aria-label="Choose a CSV file to upload" onChange=${(e) => { const f = e.currentTarget.files?.[0]; if (f) upload(f, kind); }} />
      </div>
      <div role="status" class="action-status" data-upload-status>${busy ? 'Uploading…' : done ?? ''}</div>
      ${error ? html`
        <div class="notice tone-bad" role="alert" data-upload-error>
          <p>${error.error instanceof ApiError && error.error.status === 422
            ? `${error.name} was refused whole, nothing was stored: ${error.error.fields.length ? 'fix the line below and upload it again.' : error.error.message}`
            : `Uploading ${error.name} failed: ${error.error.message}`}</p>
          ${error.error.fields?.length ? html`<ul class="field-errors">${error.error.fields.map((f) => html`
            <li><code>${f.field}</code>: ${f.problem}${f.allowed ? html` <span class="cell-note">— allowed: ${f.allowed}</span>` : null}</li>`)}</ul>` : null}
        </div>` : null}
    </div>`;
}

function PromiseRows({ promises }) {
  const sorted = [...promises].sort((a, b) => Number(b.drifting) - Number(a.drifting));
  return html`
    <div class="table-scroll">
      <table class="data follow-up-promises">
        <caption>Each promise: what the actuals show so far and the re-forecast of the rest</caption>
        <thead><tr><th scope="col">Promise</th><th scope="col">Kept so far</th><th scope="col">Re-forecast</th><th scope="col">At sign-off</th><th scope="col">Why</th></tr></thead>
        <tbody>
          ${sorted.map((p) => html`
            <tr class=${p.drifting ? 'drifting' : ''} data-drifting=${p.drifting ? 'true' : 'false'} data-promise=${p.index}>
              <th scope="row">${p.text ?? humanize(p.type)}${p.drifting ? html`<br /><span class="badge tone-bad drift-flag">\u26A0 Drifting</span>` : null}</th>
              <td>${p.observed_share == null ? html`<span class="cell-note">none due yet</span>` : html`<strong>${fmtShare(p.observed_share, 1)}</strong><br />
                <span class="cell-note">${fmtNumber(p.kept_units)} of ${fmtNumber(p.due_units)} due kept (needs ${fmtShare(p.share, 0)})</span>`}
                ${p.pending_units ? html`<br /><span class="cell-note">${fmtNumber(p.pending_units)} not yet due</span>` : null}</td>
              <td><${StatusBadge} status=${p.status} />${p.p_kept != null && !p.decided ? html`<br /><span class="cell-note">kept in ${fmtShare(p.p_kept, 0)} of re-forecasts</span>` : p.decided ? html`<br /><span class="cell-note">final</span>` : null}</td>
              <td>${p.signed_off ? html`<${StatusBadge} status=${p.signed_off} />` : '\u2014'}</td>
              <td class="because">${p.because}</td>
            </tr>`)}
        </tbody>
      </table>
    </div>`;
}

function MetricsTable({ metrics, currency }) {
  // In the spec's order (follow-up.md, "Shared metrics"), then any other.
  const order = Object.keys(METRIC_NAMES);
  const rank = (name) => (order.includes(name) ? order.indexOf(name) : order.length);
  const entries = Object.entries(metrics ?? {}).sort(([a], [b]) => rank(a) - rank(b));
  return html`
    <div class="table-scroll">
      <table class="data follow-up-metrics" data-metrics>
        <caption>Shared metrics over the elapsed part of the window: actual beside the plan</caption>
        <thead><tr><th scope="col">Metric</th><th scope="col">Actual</th><th scope="col">Plan (median)</th><th scope="col">Plan band (p5 to p95)</th><th scope="col">Against the band</th></tr></thead>
        <tbody>
          ${entries.map(([name, m]) => {
            const place = bandPlace(m);
            return html`<tr data-metric=${name} class=${place && place !== 'within' ? 'outside-band' : ''}>
              <th scope="row">${METRIC_NAMES[name] ?? humanize(name)}</th>
              <td>${fmtMetric(m.actual, m.unit, currency)}</td>
              <td>${fmtMetric(m.plan?.p50, m.unit, currency)}</td>
              <td>${m.plan?.p5 != null ? `${fmtMetric(m.plan.p5, m.unit, currency)} to ${fmtMetric(m.plan.p95, m.unit, currency)}` : '\u2014'}</td>
              <td>${place === 'above' ? '\u2191 above' : place === 'below' ? '\u2193 below' : place === 'within' ? 'within' : '\u2014'}</td>
            </tr>`;
          })}
        </tbody>
      </table>
    </div>`;
}

// What the review's parts can start from: the follow-up's own figures.
export function reviewSuggestions(result) {
  if (!result?.promises) return {};
  const promised = result.promises.map((p) => p.text).join('; ');
  const kept = result.promises.map((p) => `${p.text}: ${p.status}${p.observed_share != null ? ` (${fmtShare(p.observed_share, 1)} of due units kept)` : ''}`).join('; ');
  const d = result.demand ?? {};
  const forecast = d.bias != null
    ? `Demand ${fmtQuantity(d.units)} units against ${fmtQuantity(d.expected)} planned (bias ${d.bias >= 0 ? '+' : ''}${fmtShare(d.bias, 0)}${d.mape != null ? `, MAPE ${fmtShare(d.mape, 0)}` : ''}); lift ${fmtShare(d.lift?.observed ?? 0, 0)} observed against ${fmtShare(d.lift?.planned ?? 0, 0)} planned.`
    : '';
  return { promised, kept, forecast_error: forecast };
}

function FollowUpResult({ result, currency }) {
  const d = result.demand ?? {};
  const drifting = result.promises.filter((p) => p.drifting);
  return html`
    <div class="follow-up-result" data-follow-up-result data-as-of=${result.as_of}>
      <p class="result-meta">As of <strong>${result.as_of?.replace('T', ' ')}</strong> (the latest time in the uploaded actuals); ${PHASES[result.phase] ?? result.phase}.</p>
      ${drifting.length ? html`<div class="notice tone-bad" role="alert" data-drift-warning>
          <p><strong>\u26A0 ${drifting.length === 1 ? 'A promise is drifting' : `${drifting.length} promises are drifting`}</strong>: worse now than at sign-off. ${drifting.map((p) => p.text).join('; ')}. Marketing and operations have an alert with what still helps.</p>
        </div>` : html`<p class="notice tone-good" data-drift-warning="none">No promise is drifting: each is as good as at sign-off or better.</p>`}
      <${PromiseRows} promises=${result.promises} />
      <h3>Demand against the plan</h3>
      <p data-demand>${fmtQuantity(d.units)} units against ${fmtQuantity(d.expected)} planned so far${d.bias != null ? ` (${d.bias >= 0 ? '+' : ''}${fmtShare(d.bias, 0)})` : ''}${d.mape != null ? `; mean daily error ${fmtShare(d.mape, 0)} over ${d.completed_days} complete day${d.completed_days === 1 ? '' : 's'}` : ''}.
        ${d.lift?.observed != null ? ` Lift ${fmtShare(d.lift.observed, 0)} observed against ${fmtShare(d.lift.planned, 0)} planned; the rest of the window is re-forecast with ${fmtShare(d.lift.re_estimated.p50, 0)} (${fmtShare(d.lift.re_estimated.p5, 0)} to ${fmtShare(d.lift.re_estimated.p95, 0)}).` : ''}</p>
      ${d.days?.length ? html`<${ActualsChart} days=${d.days} />` : null}
      ${d.days?.length && d.backlog_resource ? html`<${BacklogActualsChart} days=${d.days} resource=${d.backlog_resource} />` : null}
      <h3>Shared metrics</h3>
      <${MetricsTable} metrics=${result.metrics} currency=${currency} />
    </div>`;
}

// Props: ws, id, process (GET .../process), session, currency, onChanged() after an upload or
// a saved review.
export function FollowUpPanel({ ws, id, process, session, currency, onChanged }) {
  const [result, setResult] = useState(null);
  const [status, setStatus] = useState('loading');  // loading | none | computing | done | error
  const [error, setError] = useState(null);
  const timer = useRef(null);

  const load = useCallback(async () => {
    clearTimeout(timer.current);
    try {
      const { status: http, data } = await get(campaignPath(ws, id, '/follow-up'));
      if (http === 202) {
        setStatus('computing');
        timer.current = setTimeout(load, 1000);
        return;
      }
      setResult(data);
      setStatus('done');
      setError(null);
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) {
        setStatus('none');  // no actuals uploaded yet
      } else {
        setStatus('error');
        setError(e);
      }
    }
  }, [ws, id]);
  useEffect(() => { load(); return () => clearTimeout(timer.current); }, [load]);

  return html`
    <section class="panel follow-up" id="follow-up" aria-labelledby="follow-up-title" data-follow-up>
      <h2 id="follow-up-title" tabindex="-1">Follow-up</h2>
      ${process.state !== 'closed' ? html`<${UploadBox} ws=${ws} role=${session.role} onUploaded=${async () => { await load(); await onChanged?.(); }} />` : null}
      <div aria-live="polite">
        ${status === 'loading' ? html`<p class="hint">Loading the follow-up…</p>` : null}
        ${status === 'none' ? html`<p class="hint" data-follow-up-none>No actuals yet: upload the orders (and tickets and spend) to see how the promises are being kept.</p>` : null}
        ${status === 'computing' ? html`<p class="hint" data-follow-up-computing>Computing the follow-up from the actuals (re-forecasting the rest of the window)…</p>` : null}
      </div>
      <${ErrorBox} error=${error} what="The follow-up" />
      ${result ? html`<${FollowUpResult} result=${result} currency=${currency} />` : null}
      <h3>Post-campaign review</h3>
      <${ReviewForm} ws=${ws} id=${id} process=${process} role=${session.role}
        suggestions=${reviewSuggestions(result)} onSaved=${onChanged} />
    </section>`;
}
