// A campaign's place in the process and what each function does there: the stages as steps,
// the confirmations (groundwork) and sign-offs (transfer) per function with the actions of the
// signed-in function, approval (with an override and its reason when the verdict is not go),
// and the other moves (back to groundwork, live, follow-up, closed once the review is written).
// What the signed-in user may do, and why not, comes from the server (`process.actions`, the
// process core's table): the panel shows those reasons and does not repeat the rules.
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

// The action the server offers for (action, to / function), or undefined.
export function findAction(process, action, { to, fn } = {}) {
  return (process.actions ?? []).find((a) => a.action === action && (to === undefined || a.to === to) &&
    (fn === undefined || a.function === fn));
}

const OBJECTION_WORDS = { refused: 'Refused', 'changes-requested': 'Changes requested' };

// A function's refusal or request for changes, with the owner's answer.
function ObjectionNote({ objection }) {
  return html`<span class="badge tone-bad"><span class="badge-symbol" aria-hidden="true">\u2717</span>
      <span class="badge-word">${OBJECTION_WORDS[objection.kind] ?? objection.kind}</span></span>
    <span class="cell-note block">by ${objection.by}, ${fmtTimestamp(objection.at)}: “${objection.reason}”</span>
    ${objection.answer ? html`<span class="cell-note block" data-answer>Answer by ${objection.answer.by}: “${objection.answer.text}”</span>`
      : html`<span class="cell-note block">Waiting for the campaign owner\u2019s answer</span>`}`;
}

function Done({ entry, signoff, withdraw, objection }) {
  if (!entry && objection) return html`<${ObjectionNote} objection=${objection} />`;
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
function FunctionRow({ fn, confirmation, signoff, objection, showConfirm, showSignoff, role, state, checkDone, checkKey, onAct, busy, process }) {
  const [text, setText] = useState('');
  const mine = can.actFor(role, fn);
  const open = state === 'groundwork' || state === 'transfer';
  const canConfirm = mine && !confirmation && !!findAction(process, 'confirm', { fn })?.allowed;
  const canSignoff = mine && showSignoff && !signoff && !!findAction(process, 'signoff', { fn })?.allowed;
  // Refusing or asking for changes needs a reason (the server says how long).
  const canObject = canSignoff && !objection;
  const reasonOk = text.trim().length >= 10;
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
  if (canObject) {
    const why = reasonOk ? undefined : `fn-${fn}-reason-hint`;
    actions.push(html`
      <button type="button" class="button-quiet" disabled=${busy || !reasonOk} aria-describedby=${why}
        onClick=${() => onAct('refuse', fn, { check: checkKey, reason: text.trim() })}>Refuse to sign off</button>
      <button type="button" class="button-quiet" disabled=${busy || !reasonOk} aria-describedby=${why}
        onClick=${() => onAct('request-changes', fn, { check: checkKey, reason: text.trim() })}>Request changes</button>
      ${reasonOk ? null : html`<span class="hint" id=${why}>To refuse or ask for changes, write the reason above (at least 10 characters): the campaign owner answers it.</span>`}`);
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
    <tr data-function=${fn} data-objection=${objection?.kind} data-done=${(showSignoff ? !!signoff : !!confirmation) ? 'true' : 'false'}
      data-confirmed=${confirmation ? 'true' : 'false'} data-signed=${signoff ? 'true' : 'false'}>
      <th scope="row">${FUNCTION_NAMES[fn]}<span class="cell-note block">${FUNCTION_SCOPE[fn]}</span></th>
      ${showConfirm ? html`<td data-field="confirmation"><${Done} entry=${confirmation} withdraw=${withdrawConfirmation} /></td>` : null}
      ${showSignoff ? html`<td data-field="signoff"><${Done} entry=${signoff} signoff withdraw=${withdrawSignoff} objection=${objection} /></td>` : null}
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
          signoff=${process.signoffs?.[fn]} objection=${process.objections?.[fn]} showConfirm=${showConfirm}
          showSignoff=${showSignoff} process=${process} ...${rest} />`)}</tbody>
      </table>
    </div>`;
}

// The owner's answers to the functions' refusals and requests for changes.
function AnswerPanel({ process, onAnswer, busy }) {
  const [texts, setTexts] = useState({});
  const open = (process.actions ?? []).filter((a) => a.action === 'answer' && a.allowed);
  if (!open.length) return null;
  return html`
    <div class="answer-panel">
      <h3>Answer the functions</h3>
      ${open.map(({ function: fn }) => {
        const objection = process.objections?.[fn];
        const text = texts[fn] ?? '';
        const id = `answer-${fn}`;
        return html`<div class="answer" data-function=${fn}>
          <p><strong>${FUNCTION_NAMES[fn]}</strong> ${objection?.kind === 'refused' ? 'refuses to sign off' : 'asks for changes'}: “${objection?.reason}”</p>
          <label for=${id}>Your answer to ${FUNCTION_NAMES[fn]} (at least 10 characters)</label>
          <textarea id=${id} rows="2" value=${text} onInput=${(e) => setTexts({ ...texts, [fn]: e.currentTarget.value })}></textarea>
          <div class="form-actions"><button type="button" class="button-primary" disabled=${busy || text.trim().length < 10}
            onClick=${() => onAnswer(fn, text.trim())}>Answer ${FUNCTION_NAMES[fn]}</button></div>
        </div>`;
      })}
    </div>`;
}

function ApprovePanel({ process, check, onApprove, busy }) {
  const [reason, setReason] = useState('');
  const verdict = check?.status === 'done' ? check.verdict : null;
  const plain = findAction(process, 'approve');
  const override = findAction(process, 'approve-override');
  const needsOverride = verdict && verdict !== 'go';
  if (!plain && !override) {
    return html`<p class="hint">Marketing (the campaign owner) approves a go verdict; finance or an admin approves any other verdict with an override.</p>`;
  }
  // The owner facing a verdict other than go: someone else decides (issue 13).
  if (needsOverride && !override) {
    return html`<div class="approve-panel" data-needs-override="true">
      <h3>Approve</h3>
      <p class="hint" id="approve-blocked">The verdict is <${VerdictBadge} verdict=${verdict} />: approving it anyway is an override,
        given by another function than the campaign\u2019s owner \u2014 finance or an admin \u2014 with a written reason.</p>
    </div>`;
  }
  const action = needsOverride ? override : plain;
  // Reasons that depend on the text typed are the panel's to show; the others are the server's.
  const blocked = !verdict ? 'Approval waits for the check to finish.' : action && !action.allowed ? action.reason : null;
  return html`
    <div class="approve-panel" data-needs-override=${needsOverride ? 'true' : 'false'}>
      <h3>Approve</h3>
      ${blocked ? html`<p class="hint" id="approve-blocked">${blocked}</p>` : null}
      ${needsOverride ? html`
        <p class="override-note">The verdict is <${VerdictBadge} verdict=${verdict} />. Approving it anyway is an${' '}
          <strong>override</strong>: your name, your function, the time, the verdict and your reason are recorded in the
          audit trail and the hand-over, and everyone is told.</p>
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

// Why a move cannot be made yet: the server's reason (for closing: the window, the returns or
// the review, as the clock would say).
function blockedMove(move) {
  return move.allowed ? null : move.reason;
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
    const objections = Object.keys(process.objections ?? {});
    const approver = check.verdict === 'go' ? 'marketing can approve.' : 'finance or an admin can approve it with an override.';
    return (missing.length ? `Waiting for the sign-off of ${functionList(missing)}.` : `All four functions have signed off: ${approver}`) +
      (objections.length ? ` ${functionList(objections)} refused or asked for changes: the campaign owner answers below.` : '') +
      (confirmations.length ? ` A change withdrew the confirmation of ${functionList(confirmations)}: they can confirm again below.` : '');
  }
  if (state === 'approved') return 'Approved. It enters follow-up by itself on the window\u2019s first day; a change that withdraws a sign-off returns it to transfer.';
  if (state === 'live') return 'Live. It enters follow-up by itself on the window\u2019s first day.';
  if (state === 'follow-up') {
    return `Upload the actuals as they come in and write the post-campaign review below. It closes by itself once the window has ended${process.returns_mature_on ? `, its returns have matured (${process.returns_mature_on})` : ' and its returns have matured'} and the review is written.`;
  }
  return 'Closed.';
}

// Props: ws, id, process (GET .../process), check (GET .../check or null), session,
// onChanged(process) after every successful action.
export function ProcessPanel({ ws, id, process, check, session, onChanged }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [what, setWhat] = useState('');
  const [message, setMessage] = useState(null);
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
      case 'refuse': return run('Refusing the sign-off', () => post(path(`/signoffs/${fn}/refuse`), body), `Refused for ${FUNCTION_NAMES[fn]}; the campaign owner is told.`);
      case 'request-changes': return run('Requesting changes', () => post(path(`/signoffs/${fn}/request-changes`), body), `Changes requested for ${FUNCTION_NAMES[fn]}; the campaign owner is told.`);
      case 'answer': return run(`Answering ${FUNCTION_NAMES[fn]}`, () => post(path(`/objections/${fn}/answer`), body), `Answered ${FUNCTION_NAMES[fn]}.`);
      default: return null;
    }
  };
  const transition = (to) => run(`Moving to ${STATE_NAMES[to]}`,
    () => post(campaignPath(ws, id, '/transition'), { to }, { ifMatch: process.version }),
    `Moved to ${STATE_NAMES[to]}.`);
  const approve = (body) => run('Approving', () => post(campaignPath(ws, id, '/approve'), body), 'Approved.');

  const moves = (process.actions ?? []).filter((a) => a.action === 'move');
  return html`
    <section class="process-panel panel" aria-labelledby="process-title" data-state=${state}>
      <h2 id="process-title">Process: ${STATE_NAMES[state]}</h2>
      <${StageSteps} state=${state} />
      <p class="stage-meaning"><strong>${STATE_NAMES[state]}</strong>: ${STATE_MEANINGS[state]}.</p>
      <p class="next-step" data-next-step>${nextStepText(process, check, role)}</p>

      ${['groundwork', 'transfer', 'approved'].includes(state) ? html`
        <${FunctionTable} process=${process} showConfirm=${state === 'groundwork' || (state === 'transfer' && process.missing_confirmations?.length > 0)}
          showSignoff=${state !== 'groundwork'} role=${role} state=${state} checkDone=${checkDone} checkKey=${check?.key} onAct=${act} busy=${busy} />` : null}
      ${state === 'transfer' ? html`<${AnswerPanel} process=${process} busy=${busy} onAnswer=${(fn, text) => act('answer', fn, { text })} />` : null}
      ${state === 'transfer' ? html`<${ApprovePanel} process=${process} check=${check} onApprove=${approve} busy=${busy} />` : null}

      ${process.approved ? html`
        <p class="approved-note" data-approved>Approved by <strong>${process.approved.by}</strong>, ${fmtTimestamp(process.approved.at)},
          on a <${VerdictBadge} verdict=${process.approved.verdict} /> check.${' '}
          ${process.override ? html`<br />Override by ${process.override.by}${process.override.role ? ` (${FUNCTION_NAMES[process.override.role] ?? process.override.role})` : ''}: “${process.override.reason}”` : null}</p>` : null}

      ${moves.length ? html`
        <div class="moves">
          <div class="form-actions">
            ${moves.map((move) => {
              const to = move.to;
              const blocked = blockedMove(move);
              return html`<button type="button" class=${to === 'draft' || (STATES.indexOf(to) < STATES.indexOf(state)) ? 'button-quiet' : 'button-primary'}
                disabled=${busy || !!blocked} aria-describedby=${blocked ? `move-${to}-why` : undefined} data-to=${to}
                onClick=${() => transition(to)}>${TRANSITION_LABELS[to]?.(state) ?? `Move to ${STATE_NAMES[to]}`}</button>
                ${blocked ? html`<span class="hint" id=${`move-${to}-why`}>${blocked}</span>` : null}`;
            })}
          </div>
        </div>` : (process.next ?? []).length ? html`<p class="hint">Marketing (the campaign owner) moves the campaign between stages.</p>` : null}

      <div role="status" class="action-status">${busy ? `${what}…` : message && (message.version === undefined || message.version === process.version) ? message.text : ''}</div>
      <${ErrorBox} error=${error} what=${what || 'That'} />
    </section>`;
}
