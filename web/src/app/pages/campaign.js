// One campaign: its verdict and place in the process, what each function does next, the
// check result (promises, demand against capacity per resource, lead times, economics,
// implicit checks: the report's components), counter-proposals, the campaign's settings
// (editable by marketing: saving re-runs the check and the page follows it without a reload),
// capacity bookings (operations) and the audit trail.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { html } from '../../lib/html.js';
import { fmtDate, fmtDateRange, fmtMoney, fmtUnitMoney, fmtShare, fmtNumber, humanize } from '../../lib/format.js';
import { chartsSettled } from '../../components/charts/uplot-chart.js';
import { ApiError, campaignPath, get, post, put, wsPath } from '../api.js';
import { useCheck, useLoad } from '../hooks.js';
import { href } from '../router.js';
import { can, COMMITTED_STATES } from '../roles.js';
import { AuditTrail } from '../parts/audit-trail.js';
import { CampaignForm, loadCampaignFormContext } from '../parts/campaign-form.js';
import { CheckStatus } from '../parts/check-status.js';
import { CheckEvidence, CheckSummary } from '../parts/check-result.js';
import { ErrorBox, Loading, ownerText, ProcessVerdict, StageBadge, useOwners } from '../parts/common.js';
import { CounterProposals } from '../parts/counter-proposals.js';
import { ProcessPanel } from '../parts/process-panel.js';
import { FollowUpPanel } from '../parts/follow-up-panel.js';
import { BookingsEditor } from '../parts/bookings-editor.js';
import { reportUrl } from './handover.js';

function liftText(lift) {
  if (lift === undefined || lift === null) return '—';
  if (typeof lift === 'number') return `+${fmtShare(lift, 0)} (certain)`;
  return `+${fmtShare(lift.expected, 0)} expected (${fmtShare(lift.low, 0)} to ${fmtShare(lift.high, 0)})`;
}

function promiseText(p, currency) {
  switch (p.type) {
    case 'claim': return `Claim: “${p.text}”${p.requires?.length ? ` (needs ${p.requires.join(', ')})` : ''}`;
    case 'free_returns': return `Free returns (return rate ${fmtShare(p.return_rate, 0)}${p.cost != null ? `, ${fmtUnitMoney(p.cost, currency)} per return` : ''})`;
    case 'availability': return `In stock for ${fmtShare(p.share ?? 0.98, 0)} of orders`;
    default: return `${humanize(p.type)}${p.resource ? ` at ${p.resource}` : ''} within ${p.within} for ${fmtShare(p.share ?? 0.95, 0)}${p.cutoff ? `, orders before ${p.cutoff}` : ''}`;
  }
}

function CampaignFacts({ body, currency, offeringNames }) {
  const cap = body.cap;
  return html`
    <dl class="facts">
      <div><dt>Window</dt><dd>${fmtDateRange(body.window?.start, body.window?.end)}</dd></div>
      <div><dt>Announced</dt><dd>${body.announce ? fmtDate(body.announce) : 'at the window\u2019s start'}</dd></div>
      <div><dt>Offerings</dt><dd>${body.offerings?.length ? body.offerings.map((o) => offeringNames[o] ?? o).join(', ') : 'all'}</dd></div>
      <div><dt>Discount</dt><dd>${body.discount ? fmtShare(body.discount, 0) : 'none'}</dd></div>
      <div><dt>Spend</dt><dd>${fmtMoney(body.spend ?? 0, currency)}</dd></div>
      <div><dt>Lift</dt><dd>${liftText(body.lift)}</dd></div>
      <div><dt>Cap</dt><dd>${cap === undefined ? 'none' : typeof cap === 'number' ? `${fmtNumber(cap)} units` : Object.entries(cap).map(([o, u]) => `${offeringNames[o] ?? o}: ${fmtNumber(u)}`).join(', ')}</dd></div>
      <div class="facts-wide"><dt>Promises</dt><dd><ul>${(body.promises ?? []).map((p) => html`<li>${promiseText(p, currency)}</li>`)}</ul></dd></div>
      ${body.bookings?.length ? html`<div class="facts-wide"><dt>Bookings</dt><dd><ul>${body.bookings.map((b) => html`<li>${b.resource}: +${b.extra} per open hour, ${fmtDateRange(b.from, b.until)}</li>`)}</ul></dd></div>` : null}
    </dl>`;
}

// The states in which the campaign page shows the Follow-up stage.
const FOLLOWED_UP = new Set(['live', 'follow-up', 'closed']);

function scrollToSection(id) {
  const element = document.getElementById(id);
  if (!element) return;
  element.scrollIntoView({ block: 'start' });
  (element.querySelector('h2') ?? element).focus({ preventScroll: true });
}

export function CampaignPage({ ws, id, session, workspace }) {
  const entity = useLoad(() => get(campaignPath(ws, id)), [ws, id]);
  const process = useLoad(() => get(campaignPath(ws, id, '/process')), [ws, id]);
  const audit = useLoad(() => get(campaignPath(ws, id, '/audit')), [ws, id]);
  const context = useLoad(() => loadCampaignFormContext(ws), [ws]);
  const check = useCheck(ws, id);
  const owners = useOwners(ws);
  const [editing, setEditing] = useState(false);
  const [formKey, setFormKey] = useState(0);
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState(null);
  const [notice, setNotice] = useState(null);
  const [running, setRunning] = useState(false);
  const [runError, setRunError] = useState(null);
  const currency = workspace.settings?.currency ?? 'USD';

  // Others act on the campaign too: refresh the process every few seconds while the page is open.
  useEffect(() => {
    const timer = setInterval(() => { process.reload(); }, 8000);
    return () => clearInterval(timer);
  }, [process.reload]);

  // A finished check may withdraw sign-offs (another verdict) and adds audit entries.
  const lastKey = useRef(null);
  useEffect(() => {
    const key = check.status?.status === 'done' ? check.status.key : null;
    if (key && lastKey.current && key !== lastKey.current) {
      process.reload();
      audit.reload();
    }
    if (key) lastKey.current = key;
  }, [check.status?.key, check.status?.status]);

  // The charts have drawn: the browser tests wait for data-ready on <html>.
  useEffect(() => {
    delete document.documentElement.dataset.ready;
    if (check.result) chartsSettled().then(() => { document.documentElement.dataset.ready = 'true'; });
  }, [check.result]);

  const refreshAll = useCallback(() => {
    entity.reload();
    process.reload();
    audit.reload();
    check.restart();
  }, [entity.reload, process.reload, audit.reload, check.restart]);

  const runCheck = async () => {
    setRunning(true);
    setRunError(null);
    try {
      await post(campaignPath(ws, id, '/check'), {});
      check.restart();
      process.reload();
    } catch (e) {
      setRunError(e);
    } finally {
      setRunning(false);
    }
  };

  const save = async (body) => {
    setSaving(true);
    setSaveError(null);
    setNotice(null);
    try {
      await put(campaignPath(ws, id), body, entity.version);
      // Campaigns in transfer, approved or live are re-checked by the server; others on request.
      await post(campaignPath(ws, id, '/check'), {});
      setEditing(false);
      setNotice({ text: 'Saved. The check is running again with your changes; the result below follows it.',
        done: 'Saved. The verdict and the charts below are from the new check of your changes.', after: check.result?.key ?? null });
      refreshAll();
      requestAnimationFrame(() => scrollToSection('check'));
    } catch (e) {
      setSaveError(e);
    } finally {
      setSaving(false);
    }
  };

  const loadLatest = async () => {
    setSaveError(null);
    await entity.reload();
    setFormKey((k) => k + 1);
  };

  if (entity.error) {
    return html`<div><h1 tabindex="-1" data-page-title>Campaign ${id}</h1><${ErrorBox} error=${entity.error} what="Loading the campaign" />
      <p><a href=${href('board')}>Back to the campaign board</a></p></div>`;
  }
  if (!entity.data || !process.data || !context.data) return html`<${Loading} what="Loading the campaign" />`;

  const body = entity.data.body;
  const proc = process.data;
  const offeringNames = Object.fromEntries(context.data.offerings.map((o) => [o.id, o.body.name ?? o.id]));
  const result = check.result;
  const stale = result && check.status && result.key !== check.status.key;
  const checkStatus = check.status?.status;
  const verdict = check.status?.verdict ?? null;

  return html`
    <article class="campaign-page" data-campaign=${id}>
      <nav class="breadcrumb" aria-label="Breadcrumb"><a href=${href('board')}>Campaign board</a> <span aria-hidden="true">›</span> ${body.name ?? id}</nav>
      <header class="campaign-head">
        <h1 tabindex="-1" data-page-title>${body.name ?? id} <span class="campaign-id">${id}</span></h1>
        <div class="head-facts">
          <${ProcessVerdict} verdict=${verdict} checkStatus=${checkStatus} large />
          <span>Stage: <${StageBadge} state=${proc.state} /></span>
          <span>Window: ${fmtDateRange(body.window?.start, body.window?.end)}</span>
          <span>Owner: ${ownerText(owners, id)}</span>
        </div>
        <p class="campaign-links">
          ${COMMITTED_STATES.has(proc.state) ? html`<a href=${href('handover', { id })} data-handover-link>Hand-over</a>` : null}
          ${checkStatus === 'done' || result ? html`<a href=${reportUrl(ws, id)} target="_blank" rel="noopener" data-report-link>Report (HTML, with the review)</a>` : null}
        </p>
      </header>
      <nav class="on-page" aria-label="On this page">
        <ul>
          ${[['process', 'Process'], ...(FOLLOWED_UP.has(proc.state) ? [['follow-up', 'Follow-up']] : []), ['check', 'Verdict and promises'], ['counter-proposals', 'Counter-proposals'],
            ['settings', 'Campaign settings'], ...(result?.result ? [['evidence', 'Capacity and lead times']] : []),
            ...(can.editBookings(session.role) ? [['bookings', 'Bookings']] : []), ['audit', 'Audit trail']]
            .map(([target, label]) => html`<li><button type="button" class="link-button" onClick=${() => scrollToSection(target)}>${label}</button></li>`)}
        </ul>
      </nav>
      ${notice ? html`<p class="notice tone-good" role="status" data-notice>${notice.after !== undefined && result && result.key !== notice.after && !check.active ? notice.done : notice.text}</p>` : null}

      <div id="process">
        <${ProcessPanel} ws=${ws} id=${id} process=${proc} check=${check.status} session=${session}
          onChanged=${() => { check.restart(); return Promise.all([process.reload(), audit.reload()]); }} />
      </div>

      ${FOLLOWED_UP.has(proc.state) ? html`
        <${FollowUpPanel} ws=${ws} id=${id} process=${proc} session=${session} currency=${currency}
          onChanged=${() => Promise.all([process.reload(), audit.reload(), entity.reload()])} />` : null}

      <section class="panel check-section" id="check" aria-labelledby="check-title">
        <h2 id="check-title" tabindex="-1">Promise check</h2>
        <${CheckStatus} status=${check.status} onRun=${runCheck} busy=${running} stale=${stale && check.active} />
        <${ErrorBox} error=${runError ?? check.error} what="The check" />
        ${result?.result ? html`
          <div class=${stale ? 'result stale' : 'result'} data-result-key=${result.key} aria-busy=${stale ? 'true' : 'false'}>
            <${CheckSummary} result=${result} offeringNames=${offeringNames} />
          </div>` : null}
      </section>

      <${CounterProposals} ws=${ws} id=${id} verdict=${verdict} economics=${result?.result?.economics}
        promises=${result?.result?.promises ?? body.promises} currency=${currency} session=${session} checkKey=${check.status?.key}
        onAdopted=${() => { setNotice(null); refreshAll(); }} />

      <section class="panel" id="settings" aria-labelledby="settings-title">
        <h2 id="settings-title" tabindex="-1">Campaign settings</h2>
        ${editing ? html`
          ${saveError instanceof ApiError && saveError.status === 409 ? html`
            <div class="notice tone-warn" role="alert">Someone saved this campaign after you opened the form. Nothing was
              overwritten, and your edits are still in the form:${' '}
              <button type="button" class="button-quiet" onClick=${loadLatest} disabled=${entity.loading}>load the latest version</button> (discards your edits) and edit again.</div>` : null}
          <${CampaignForm} key=${formKey} initial=${body} context=${context.data} onSubmit=${save} busy=${saving}
            error=${saveError instanceof ApiError && saveError.status === 409 ? null : saveError} submitLabel="Save and re-run the check" onCancel=${() => { setEditing(false); setSaveError(null); }} />`
        : html`
          <${CampaignFacts} body=${body} currency=${currency} offeringNames=${offeringNames} />
          ${can.editCampaign(session.role)
            ? html`<button type="button" class="button-primary" onClick=${() => { setEditing(true); setSaveError(null); setFormKey((k) => k + 1); }}>Edit the campaign</button>
              <span class="hint"> Saving withdraws the confirmations and sign-offs whose inputs change, and re-runs the check.</span>`
            : html`<p class="hint">Marketing edits the campaign; you can comment through your confirmation or sign-off.</p>`}`}
      </section>

      ${result?.result ? html`
        <section class=${stale ? 'panel evidence stale' : 'panel evidence'} id="evidence" aria-labelledby="evidence-title">
          <h2 id="evidence-title" tabindex="-1">Capacity and lead times</h2>
          <p class="result-meta">From the same check: ${fmtNumber(result.scenarios)} scenarios (seed ${result.seed}) of this campaign together
            with the committed ones (approved, live, follow-up); shaded bands hold 90% of the scenarios.</p>
          <${CheckEvidence} result=${result} window=${body.window} bookings=${body.bookings} />
        </section>` : null}

      ${can.editBookings(session.role) ? html`
        <section class="panel" id="bookings" aria-labelledby="bookings-title">
          <h2 id="bookings-title" tabindex="-1">Capacity bookings</h2>
          <${BookingsEditor} ws=${ws} id=${id} body=${body} version=${entity.version} resources=${context.data.resources}
            onSaved=${() => { setNotice({ text: 'Bookings saved. The check is running again.', done: 'Bookings saved. The result below includes them.', after: check.result?.key ?? null }); post(campaignPath(ws, id, '/check'), {}).catch(() => {}); refreshAll(); }} />
        </section>` : null}

      <section class="panel" id="audit" aria-labelledby="audit-title">
        <h2 id="audit-title" tabindex="-1">Audit trail</h2>
        <${AuditTrail} items=${audit.data?.items} />
      </section>
    </article>`;
}
