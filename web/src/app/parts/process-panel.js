// A campaign's place in the process and what each function does there: the stages as steps,
// the confirmations (groundwork) and sign-offs (transfer) per function with the actions of the
// signed-in function, approval (with an override and its reason when the verdict is not go),
// and the other moves (back to groundwork, live, follow-up, closed with the review).
import { useState } from 'preact/hooks';
import { html } from '../../lib/html.js';
import { verdictInfo } from '../../lib/format.js';
import { VerdictBadge } from '../../components/badges.js';
import { campaignPath, del, post } from '../api.js';
import { can, FUNCTION_NAMES, FUNCTION_SCOPE, FUNCTIONS, functionList, STATE_MEANINGS, STATE_NAMES, STATES } from '../roles.js';
import { ErrorBox, fmtTimestamp } from './common.js';

export function StageSteps({ state }) {
  const at = STATES.indexOf(state);
  return html`
    <ol class="steps" aria-label="Stages of the process">
      ${STATES.map((s, i) => html`
        <li class=${i < at ? 'step done' : i === at ? 'step current' : 'step'} aria-current=${i === at ? 'step' : undefined}>
          <span class="step-mark" aria-hidden="true">${i < at ? '\u2713' : i + 1}</span>
          <span class="step-name">${STATE_NAMES[s]}</span>
          ${i < at ? html`<span class="visually-hidden"> (done)</span>` : i === at ? html`<span class="visually-hidden"> (current stage)</span>` : null}
        </li>`)}
    </ol>`;
}

const TRANSITION_LABELS = {
  groundwork: (from) => (from === 'draft' ? 'Start groundwork' : 'Back to groundwork'),
  draft: () => 'Back to draft',
  transfer: (from) => (from === 'approved' ? 'Withdraw the approval (back to transfer)' : 'Move to transfer and run the check'),
  live: () => 'Mark as live',
  'follow-up': () => 'Move to follow-up',
  closed: () => 'Close the campaign',
};

function Done({ entry, signoff, withdraw }) {
  if (!entry) {
    return html`<span class="badge tone-neutral"><span class="badge-symbol" aria-hidden="true">\u2026</span>
      <span class="badge-word">Waiting</span></span>`;
  }
  return html`<span class="badge tone-good"><span class="badge-symbol" aria-hidden="true">\u2713</span>
      <span class="badge-word">${signoff ? 'Signed off' : 'Confirmed'}</span></span>
    <span class="cell-note block">by ${entry.by}, ${fmtTimestamp(entry.at)}${signoff && entry.verdict ? html` on a ${verdictInfo(entry.verdict).word} check` : null}</span>
    ${entry.note || entry.comment ? html`<span class="cell-note block">“${entry.note || entry.comment}”</span>` : null}
    ${withdraw ? html`<button type="button" class="link-button small" onClick=${withdraw.onClick} disabled=${withdraw.busy}>${withdraw.label}</button>` : null}`;
}

// One function's row: its confirmation (groundwork, and in transfer when a change withdrew it)
// and its sign-off (transfer), with the signed-in function's actions.
function FunctionRow({ fn, confirmation, signoff, showConfirm, showSignoff, role, state, checkDone, checkKey, onAct, busy }) {
  const [text, setText] = useState('');
  const mine = can.actFor(role, fn);
  const open = state === 'groundwork' || state === 'transfer';
  const canConfirm = mine && open && !confirmation;
  const canSignoff = mine && showSignoff && state === 'transfer' && checkDone && !signoff;
  const inputId = `fn-${fn}-text`;
  const actions = [];
  if (canConfirm || canSignoff) {
    actions.push(html`
      <label for=${inputId} class="visually-hidden">${canConfirm ? 'Note' : 'Comment'} (optional)</label>
      <input id=${inputId} value=${text} onInput=${(e) => setText(e.currentTarget.value)}
        placeholder=${canConfirm ? 'Note (optional)' : 'Comment (optional)'} />`);
  }
  if (canConfirm) {
    actions.push(html`<button type="button" class="button-primary" disabled=${busy}
      onClick=${() => onAct('confirm', fn, { note: text })}>Confirm for ${FUNCTION_NAMES[fn]}</button>`);
  }
  if (canSignoff) {
    actions.push(html`<button type="button" class=${canConfirm ? 'button-quiet' : 'button-primary'} disabled=${busy}
      onClick=${() => onAct('signoff', fn, { check: checkKey, comment: text })}>Sign off for ${FUNCTION_NAMES[fn]}</button>`);
  }
  // Withdrawing sits under the entry it withdraws, away from the buttons that give it.
  const withdrawSignoff = mine && signoff && state === 'transfer'
    ? { label: 'Withdraw my sign-off', onClick: () => onAct('unsignoff', fn), busy } : null;
  const withdrawConfirmation = mine && open && confirmation && !signoff
    ? { label: 'Withdraw my confirmation', onClick: () => onAct('unconfirm', fn), busy } : null;
  if (mine && showSignoff && state === 'transfer' && !checkDone && !signoff) {
    actions.push(html`<span class="cell-note">Sign off once the check has finished</span>`);
  }
  const pending = showSignoff ? !signoff || (showConfirm && !confirmation) : !confirmation;
  if (!mine && pending) actions.push(html`<span class="cell-note">${FUNCTION_NAMES[fn]} does this</span>`);
  return html`
    <tr data-function=${fn} data-done=${(showSignoff ? !!signoff : !!confirmation) ? 'true' : 'false'}
      data-confirmed=${confirmation ? 'true' : 'false'} data-signed=${signoff ? 'true' : 'false'}>
      <th scope="row">${FUNCTION_NAMES[fn]}<span class="cell-note block">${FUNCTION_SCOPE[fn]}</span></th>
      ${showConfirm ? html`<td data-field="confirmation"><${Done} entry=${confirmation} withdraw=${withdrawConfirmation} /></td>` : null}
      ${showSignoff ? html`<td data-field="signoff"><${Done} entry=${signoff} signoff withdraw=${withdrawSignoff} /></td>` : null}
      <td class="actions"><div class="inline-form">${actions}</div></td>
    </tr>`;
}

function FunctionTable({ process, showConfirm, showSignoff, ...rest }) {
  const caption = showSignoff
    ? (showConfirm ? 'Each function confirms its inputs and signs off on the current check' : 'Sign-offs on the current check, per function')
    : 'Confirmations of each function\u2019s inputs';
  return html`
    <div class="table-scroll">
      <table class="functions" data-kind=${showSignoff ? 'signoff' : 'confirm'}>
        <caption>${caption}</caption>
        <thead><tr><th scope="col">Function</th>
          ${showConfirm ? html`<th scope="col">Inputs confirmed</th>` : null}
          ${showSignoff ? html`<th scope="col">Signed off on this check</th>` : null}
          <th scope="col">Action</th></tr></thead>
        <tbody>${FUNCTIONS.map((fn) => html`<${FunctionRow} fn=${fn} confirmation=${process.confirmations?.[fn]}
          signoff=${process.signoffs?.[fn]} showConfirm=${showConfirm} showSignoff=${showSignoff} ...${rest} />`)}</tbody>
      </table>
    </div>`;
}

function ApprovePanel({ process, check, role, onApprove, busy }) {
  const [reason, setReason] = useState('');
  const verdict = check?.status === 'done' ? check.verdict : null;
  const missing = process.missing_signoffs ?? [];
  const needsOverride = verdict && verdict !== 'go';
  if (!can.approve(role)) {
    return html`<p class="hint">Marketing (the campaign owner) approves once all four functions have signed off.</p>`;
  }
  const blocked = !verdict ? 'Approval waits for the check to finish.'
    : missing.length ? `Approval needs the sign-off of ${functionList(missing)}.` : null;
  return html`
    <div class="approve-panel" data-needs-override=${needsOverride ? 'true' : 'false'}>
      <h3>Approve</h3>
      ${blocked ? html`<p class="hint" id="approve-blocked">${blocked}</p>` : null}
      ${needsOverride && missing.length ? html`<p class="hint">The verdict is <${VerdictBadge} verdict=${verdict} />: once everyone has
        signed off, approving it needs an override with a reason.</p>` : null}
      ${needsOverride && !missing.length ? html`
        <p class="override-note">The verdict is <${VerdictBadge} verdict=${verdict} />. Approving it anyway is an${' '}
          <strong>override</strong>: your name, the time, the verdict and your reason are recorded in the audit trail and
          everyone is told.</p>
        <label for="override-reason">Reason for the override (at least 10 characters)</label>
        <textarea id="override-reason" rows="2" value=${reason} onInput=${(e) => setReason(e.currentTarget.value)}
          aria-describedby="override-count"></textarea>
        <span class="hint" id="override-count">${reason.trim().length} of at least 10 characters</span>` : null}
      <div class="form-actions">
        <button type="button" class="button-primary" disabled=${busy || !!blocked || (needsOverride && reason.trim().length < 10)}
          aria-describedby=${blocked ? 'approve-blocked' : undefined}
          onClick=${() => onApprove(needsOverride ? { check: check.key, override: { reason: reason.trim() } } : { check: check.key })}>
          ${needsOverride ? `Approve with override (${verdictInfo(verdict).word})` : 'Approve the campaign'}
        </button>
      </div>
    </div>`;
}

// Why a move cannot be made yet (the server would refuse it), or null.
function blockedMove(to, process, review) {
  if (to === 'transfer' && process.state === 'groundwork' && process.missing_confirmations?.length) {
    return `Needs the confirmation of ${functionList(process.missing_confirmations)} first.`;
  }
  if (to === 'closed' && !review.trim()) return 'Write the review first.';
  return null;
}

function nextStepText(process, check, role) {
  const state = process.state;
  if (state === 'draft') return 'When the idea is ready, start groundwork: each function then confirms its inputs.';
  if (state === 'groundwork') {
    return process.missing_confirmations?.length
      ? `Waiting for ${functionList(process.missing_confirmations)} to confirm. Then marketing moves it to transfer, which runs the check.`
      : 'All four functions have confirmed: marketing can move it to transfer, which runs the check.';
  }
  if (state === 'transfer') {
    if (!check || check.status !== 'done') return 'The check is running; each function signs off on its result when it is done.';
    const missing = process.missing_signoffs ?? [];
    const confirmations = process.missing_confirmations ?? [];
    return (missing.length ? `Waiting for the sign-off of ${functionList(missing)}.` : 'All four functions have signed off: marketing can approve.') +
      (confirmations.length ? ` A change withdrew the confirmation of ${functionList(confirmations)}: they can confirm again below.` : '');
  }
  if (state === 'approved') return 'Approved. Mark it live when it starts; a change that withdraws a sign-off returns it to transfer.';
  if (state === 'live') return 'Live. Move it to follow-up when the window has ended.';
  if (state === 'follow-up') return 'Write the post-campaign review to close it.';
  return 'Closed.';
}

// Props: ws, id, process (GET .../process), check (GET .../check or null), session,
// onChanged(process) after every successful action.
export function ProcessPanel({ ws, id, process, check, session, onChanged }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [what, setWhat] = useState('');
  const [message, setMessage] = useState(null);
  const [review, setReview] = useState('');
  const role = session.role;
  const state = process.state;
  const checkDone = check?.status === 'done';

  const run = async (label, call, done) => {
    setBusy(true);
    setError(null);
    setMessage(null);
    setWhat(label);
    try {
      const { data } = await call();
      await onChanged(data);
      // The message stays while the process is as this action left it.
      setMessage({ text: done, version: data?.version });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const act = (action, fn, body) => {
    const path = (p) => campaignPath(ws, id, p);
    switch (action) {
      case 'confirm': return run(`Confirming for ${FUNCTION_NAMES[fn]}`, () => post(path(`/confirmations/${fn}`), body), `Confirmed for ${FUNCTION_NAMES[fn]}.`);
      case 'unconfirm': return run('Withdrawing the confirmation', () => del(path(`/confirmations/${fn}`)), 'Confirmation withdrawn.');
      case 'signoff': return run(`Signing off for ${FUNCTION_NAMES[fn]}`, () => post(path(`/signoffs/${fn}`), body), `Signed off for ${FUNCTION_NAMES[fn]}.`);
      case 'unsignoff': return run('Withdrawing the sign-off', () => del(path(`/signoffs/${fn}`)), 'Sign-off withdrawn.');
      default: return null;
    }
  };
  const transition = (to) => run(`Moving to ${STATE_NAMES[to]}`,
    () => post(campaignPath(ws, id, '/transition'), to === 'closed' ? { to, review } : { to }, { ifMatch: process.version }),
    `Moved to ${STATE_NAMES[to]}.`);
  const approve = (body) => run('Approving', () => post(campaignPath(ws, id, '/approve'), body), 'Approved.');

  const moves = (process.next ?? []).filter((to) => to !== 'approved');
  return html`
    <section class="process-panel panel" aria-labelledby="process-title" data-state=${state}>
      <h2 id="process-title">Process: ${STATE_NAMES[state]}</h2>
      <${StageSteps} state=${state} />
      <p class="stage-meaning"><strong>${STATE_NAMES[state]}</strong>: ${STATE_MEANINGS[state]}.</p>
      <p class="next-step" data-next-step>${nextStepText(process, check, role)}</p>

      ${['groundwork', 'transfer', 'approved'].includes(state) ? html`
        <${FunctionTable} process=${process} showConfirm=${state === 'groundwork' || (state === 'transfer' && process.missing_confirmations?.length > 0)}
          showSignoff=${state !== 'groundwork'} role=${role} state=${state} checkDone=${checkDone} checkKey=${check?.key} onAct=${act} busy=${busy} />` : null}
      ${state === 'transfer' ? html`<${ApprovePanel} process=${process} check=${check} role=${role} onApprove=${approve} busy=${busy} />` : null}

      ${process.approved ? html`
        <p class="approved-note" data-approved>Approved by <strong>${process.approved.by}</strong>, ${fmtTimestamp(process.approved.at)},
          on a <${VerdictBadge} verdict=${process.approved.verdict} /> check.${' '}
          ${process.override ? html`<br />Override by ${process.override.by}: “${process.override.reason}”` : null}</p>` : null}
      ${process.review ? html`<p class="review-note">Review by ${process.review.by}: “${process.review.text}”</p>` : null}

      ${moves.length && can.moveCampaign(role) ? html`
        <div class="moves">
          ${moves.includes('closed') ? html`
            <label for="review-text">Post-campaign review (needed to close)</label>
            <textarea id="review-text" rows="3" value=${review} onInput=${(e) => setReview(e.currentTarget.value)}></textarea>` : null}
          <div class="form-actions">
            ${moves.map((to) => {
              const blocked = blockedMove(to, process, review);
              return html`<button type="button" class=${to === 'draft' || (STATES.indexOf(to) < STATES.indexOf(state)) ? 'button-quiet' : 'button-primary'}
                disabled=${busy || !!blocked} aria-describedby=${blocked ? `move-${to}-why` : undefined} data-to=${to}
                onClick=${() => transition(to)}>${TRANSITION_LABELS[to]?.(state) ?? `Move to ${STATE_NAMES[to]}`}</button>
                ${blocked ? html`<span class="hint" id=${`move-${to}-why`}>${blocked}</span>` : null}`;
            })}
          </div>
        </div>` : moves.length ? html`<p class="hint">Marketing (the campaign owner) moves the campaign between stages.</p>` : null}

      <div role="status" class="action-status">${busy ? `${what}…` : message && (message.version === undefined || message.version === process.version) ? message.text : ''}</div>
      <${ErrorBox} error=${error} what=${what || 'That'} />
    </section>`;
}
