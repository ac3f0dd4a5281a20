// Counter-proposals for a campaign that is not go (`tandem recommend`, run by the server as a
// background job, queued by itself after a check that is not go): the current plan and each
// option side by side with its verdict and economics, and an action to adopt one (which changes
// the campaign and re-runs its check).
//
// API: POST .../recommend -> 202 {job, status, key} or 200 when cached; GET .../recommend ->
// {status: none|queued|running|done|failed|superseded, progress (0..1), stage, key, result,
// adopted}; POST .../recommend/adopt {option, key} -> the process (403 for a role that may not
// adopt that lever: `expand` books capacity and is operations', the others change the campaign
// and are marketing's; 409 when the key is stale). A server without these endpoints answers 404
// "no such endpoint": the section says so.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../../lib/html.js';
import { fmtDateRange, fmtMoney, fmtNumber, fmtRatioPercent, fmtShare, humanize } from '../../lib/format.js';
import { VerdictBadge } from '../../components/badges.js';
import { ApiError, campaignPath, get, post } from '../api.js';
import { ErrorBox, fmtTimestamp } from './common.js';

// `option` in the adopt request counts from 1, like `tandem recommend --apply K`.
export const ADOPT_OPTION_BASE = 1;

const LEVERS = {
  cap: 'Limit the quantity',
  relax: 'Relax a promise',
  reschedule: 'Move the window',
  expand: 'Add capacity',
  restrict: 'Restrict a policy',
  reword: 'Reword a claim',
};

function describeChange(change, promises, currency) {
  const p = change.params ?? {};
  const promiseName = (i) => {
    const promise = promises?.[i];
    return promise?.text ? `“${promise.text}”` : `promise ${Number(i) + 1}`;
  };
  switch (change.lever) {
    case 'cap':
      return `Sell at most ${fmtNumber(p.units)} units at the campaign price` +
        (p.by_offering ? ` (${Object.entries(p.by_offering).map(([o, u]) => `${o} ${fmtNumber(u)}`).join(', ')})` : '');
    case 'relax':
      return `${promiseName(p.promise)} becomes within ${p.within ?? '—'}` +
        (p.share != null ? ` for ${fmtShare(p.share, 0)}` : '') + (p.cutoff ? `, cut-off ${p.cutoff}` : '');
    case 'reschedule':
      return `Run it ${fmtDateRange(p.start, p.end)}`;
    case 'expand':
      return `Book ${fmtNumber(p.extra)} more per open hour at ${p.resource}, ${fmtDateRange(p.from, p.until)}` +
        (p.cost != null ? ` (costs ${fmtMoney(p.cost, currency)})` : '');
    case 'restrict':
      return `${promiseName(p.promise)} only for ${(p.offerings ?? []).join(', ') || 'some offerings'}` +
        (p.min_price != null ? ` priced at ${fmtMoney(p.min_price, currency, 2)} or more` : '');
    case 'reword':
      return `${promiseName(p.promise)} reads “${p.text}”` + (p.requires?.length ? ` (needs ${p.requires.join(', ')})` : '');
    default:
      return `${humanize(change.lever)}: ${JSON.stringify(p)}`;
  }
}

function Figures({ economics, currency }) {
  const e = economics ?? {};
  const money = (v) => fmtMoney(v, currency);
  const ic = e.incremental_contribution;
  return html`
    <dl class="option-figures">
      <div data-field="after-spend"><dt>Expected contribution after spend</dt>
        <dd class=${e.expected_incremental_after_spend < 0 ? 'negative' : ''}>${money(e.expected_incremental_after_spend)}</dd></div>
      <div data-field="incremental"><dt>Incremental contribution (median, before spend)</dt>
        <dd>${ic ? html`${money(ic.p50)}<span class="cell-note block">90%: ${money(ic.p5)} to ${money(ic.p95)}</span>` : '—'}</dd></div>
      <div data-field="roi"><dt>ROI (median)</dt><dd>${e.roi ? fmtRatioPercent(e.roi.p50) : '—'}</dd></div>
      <div data-field="p_loss"><dt>Probability of a loss</dt><dd>${e.p_loss != null ? fmtShare(e.p_loss, 0) : '—'}</dd></div>
      ${e.revenue ? html`<div data-field="revenue"><dt>Revenue (median)</dt><dd>${money(e.revenue.p50)}</dd></div>` : null}
    </dl>`;
}

// "+$548", "−$2,100" or "unchanged" (under half a unit).
export function signedDelta(value, format) {
  if (value == null || Number.isNaN(value)) return '\u2014';
  if (Math.abs(value) < 0.5) return 'unchanged';
  return `${value > 0 ? '+' : ''}${format(value)}`;
}

// What an option changes against the campaign as filed (recommend's against_filed, issue 13
// item 6): contribution after spend, extra units, fulfilment cost, spend, and the promises whose
// wording changes. Options whose figures are alike differ here in what they change.
export function AgainstFiled({ delta, currency }) {
  if (!delta) return null;
  const money = (v) => fmtMoney(v, currency);
  return html`
    <h4>Against the campaign as filed</h4>
    <dl class="option-figures option-delta" data-field="against-filed">
      <div data-delta="net"><dt>Contribution after spend</dt>
        <dd class=${delta.expected_incremental_after_spend <= -0.5 ? 'negative' : ''}>${signedDelta(delta.expected_incremental_after_spend, money)}</dd></div>
      <div data-delta="units"><dt>Extra units</dt><dd>${signedDelta(delta.incremental_units, (v) => fmtNumber(v))}</dd></div>
      <div data-delta="cost"><dt>Fulfilment cost</dt><dd>${signedDelta(delta.incremental_fulfilment_cost, money)}</dd></div>
      ${Math.abs(delta.spend ?? 0) >= 0.5 ? html`<div data-delta="spend"><dt>Spend</dt><dd>${signedDelta(delta.spend, money)}</dd></div>` : null}
      <div data-delta="wording"><dt>Promise wording</dt>
        <dd>${delta.wording?.length ? html`<ul class="wording">${delta.wording.map((w) => html`<li>“${w.now}” (was “${w.was}”)</li>`)}</ul>`
          : 'every promise reads as filed'}</dd></div>
    </dl>`;
}

// Where a money-losing campaign's loss comes from (recommend's `loss`, issue 13 item 3;
// docs/advise.md, "A campaign that loses money"): the losses largest first, then what it earns.
const LOSS_SOURCES = {
  baseline_discount: 'Discount on the sales that would happen anyway',
  baseline_returns: 'Higher return rate on the sales that would happen anyway',
  extra_fulfilment: 'Fulfilment of the extra units',
  extra_returns: 'Returns of the extra units',
  spend: 'Marketing spend',
  extra_margin: 'Margin on the extra units',
  other: 'Capacity, stock, side loads and timing',
};

export function lossRows(loss) {
  const rows = Object.entries(loss?.sources ?? {})
    .filter(([, amount]) => Math.abs(amount) >= 0.5)
    .map(([key, amount]) => ({ key, label: LOSS_SOURCES[key] ?? humanize(key), amount }));
  const losses = rows.filter((r) => r.amount < 0).sort((a, b) => a.amount - b.amount);
  const gains = rows.filter((r) => r.amount > 0).sort((a, b) => b.amount - a.amount);
  return [...losses, ...gains];
}

// What to say when the search found no option. A campaign whose promises all hold but which
// loses money is not helped by the levers (they make promises hold); the loss explanation above
// names what would (issue 13's review: the old sentence blamed the levers for the economics).
export function noOptionText(campaign, promises) {
  if (campaign?.verdict === 'go') return 'No change within the levers makes this campaign hold (it already holds).';
  const allKept = (promises ?? []).length > 0 && promises.every((p) => p.status === 'kept');
  if (campaign?.loss && allKept) {
    return 'Its promises hold, so no lever is needed for them; what stops it is the money: the figures above say which discount, spend or lift would make it pay.';
  }
  return 'No change within the levers makes this campaign hold.';
}

function LossExplanation({ loss, currency }) {
  if (!loss) return null;
  const money = (v) => fmtMoney(v, currency);
  const be = loss.break_even ?? {};
  return html`
    <div class="loss-explanation" data-loss=${loss.largest}>
      <h3>Why it loses money</h3>
      <div class="table-scroll"><table class="loss-sources">
        <caption>Expected, at the planned lift, against the campaign not running</caption>
        <tbody>
          ${lossRows(loss).map((r) => html`<tr data-source=${r.key}><th scope="row">${r.label}</th>
            <td class=${`num${r.amount < 0 ? ' negative' : ''}`}>${money(r.amount)}</td></tr>`)}
        </tbody>
        <tfoot><tr><th scope="row">Expected net after spend</th><td class="num negative">${money(loss.expected_net)}</td></tr></tfoot>
      </table></div>
      <dl class="option-figures break-even" aria-label="Break-even, everything else as filed">
        <div data-break-even="discount"><dt>Discount at which it breaks even (planned ${fmtShare(be.planned_discount, 0)})</dt>
          <dd>${be.discount != null ? fmtShare(be.discount, 1) : 'none: it loses even at list price'}</dd></div>
        <div data-break-even="spend"><dt>Spend at which it breaks even</dt>
          <dd>${be.spend > 0 ? `${money(be.spend)} or less` : `none: it loses ${money(-be.spend)} before any spend`}</dd></div>
        <div data-break-even="lift"><dt>Lift it would need (planned ${fmtShare(be.planned_lift, 0)})</dt>
          <dd>${be.lift != null ? fmtShare(be.lift, 0) : 'none: every extra unit loses money after returns'}</dd></div>
      </dl>
    </div>`;
}

// Identical options (same changes) are shown once; the first one's number is adopted.
function distinctOptions(options) {
  const seen = new Set();
  const list = [];
  options.forEach((option, i) => {
    const signature = JSON.stringify(option.changes ?? [{ lever: option.lever, params: option.params }]);
    if (seen.has(signature)) return;
    seen.add(signature);
    list.push({ option, number: i + ADOPT_OPTION_BASE, shown: list.length + 1 });
  });
  return list;
}

// Who adopts an option: one that books capacity (expand) is operations', the others change the
// campaign and are marketing's (admin both).
export function adopterOf(option) {
  const levers = option.levers ?? (option.changes ?? [option]).map((c) => c.lever);
  return levers.includes('expand') ? 'operations' : 'marketing';
}

function OptionCard({ entry, promises, currency, adoptable, role, onAdopt, busy }) {
  const [confirming, setConfirming] = useState(false);
  const { option, shown } = entry;
  const changes = option.changes ?? [{ lever: option.lever, params: option.params }];
  const adopter = adopterOf(option);
  const mayAdopt = role === 'admin' || role === adopter;
  return html`
    <li class=${`option-card tone-${option.verdict === 'go' ? 'good' : option.verdict === 'at-risk' ? 'warn' : 'bad'}`}
      data-option=${entry.number} data-lever=${option.lever} data-verdict=${option.verdict}>
      <h3>Option ${shown}: ${LEVERS[option.lever] ?? humanize(option.lever)}</h3>
      <div class="option-verdict">Verdict if adopted: <${VerdictBadge} verdict=${option.verdict} /></div>
      <h4>What changes</h4>
      <ul class="option-changes">${changes.map((c) => html`<li>${describeChange(c, promises, currency)}</li>`)}</ul>
      ${option.reasons?.length ? html`<h4>Still open</h4><ul class="option-reasons">${option.reasons.map((r) => html`<li>${r}</li>`)}</ul>` : null}
      <${AgainstFiled} delta=${option.against_filed} currency=${currency} />
      <h4>If adopted</h4>
      <${Figures} economics=${option.economics} currency=${currency} />
      ${adoptable && !mayAdopt ? html`<p class="hint adopt-who">${adopter === 'operations'
        ? 'Operations adopts this one: it books capacity.' : 'Marketing (the campaign owner) adopts this one.'}</p>` : null}
      ${adoptable && mayAdopt ? (confirming ? html`
        <div class="adopt-confirm" role="group" aria-label=${`Adopt option ${shown}?`}>
          <p>This changes the campaign as listed and re-runs its check; sign-offs on what changes are withdrawn.</p>
          <button type="button" class="button-primary" disabled=${busy} onClick=${() => onAdopt(entry)}>Yes, adopt option ${shown}</button>
          <button type="button" class="button-quiet" onClick=${() => setConfirming(false)}>Cancel</button>
        </div>` : html`
        <button type="button" class="button-primary adopt" disabled=${busy} onClick=${() => setConfirming(true)}>Adopt option ${shown}</button>`) : null}
    </li>`;
}

// Props: ws, id, verdict (current), economics (current), promises (current promise results),
// currency, session, checkKey (the current check, to refresh when it changes), onAdopted(process).
export function CounterProposals({ ws, id, verdict, economics, promises, currency, session, checkKey, onAdopted }) {
  const [state, setState] = useState({ loading: true });
  const [tick, setTick] = useState(0);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [adopted, setAdopted] = useState(null);

  useEffect(() => {
    let stopped = false;
    let timer = null;
    const poll = async () => {
      try {
        const { data } = await get(campaignPath(ws, id, '/recommend'));
        if (stopped) return;
        setState({ data });
        if (data.status === 'queued' || data.status === 'running') timer = setTimeout(poll, 800);
      } catch (e) {
        if (stopped) return;
        if (e instanceof ApiError && e.status === 404 && /no such endpoint/.test(e.message)) setState({ unavailable: true });
        else setState({ error: e });
      }
    };
    poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [ws, id, tick, checkKey]);

  const find = async () => {
    setBusy(true);
    setError(null);
    setAdopted(null);
    try {
      await post(campaignPath(ws, id, '/recommend'), {});
      setTick((t) => t + 1);
    } catch (e) {
      if (e instanceof ApiError && e.status === 404 && /no such endpoint/.test(e.message)) setState({ unavailable: true });
      else setError(e);
    } finally {
      setBusy(false);
    }
  };

  const adopt = async (entry) => {
    setBusy(true);
    setError(null);
    try {
      const { data } = await post(campaignPath(ws, id, '/recommend/adopt'), { option: entry.number, key: state.data.key });
      setAdopted({ shown: entry.shown, number: entry.number, summary: entry.option.summary });
      onAdopted(data);
      setTick((t) => t + 1);
    } catch (e) {
      setError(e);
      if (e instanceof ApiError && e.status === 409) setTick((t) => t + 1);
    } finally {
      setBusy(false);
    }
  };

  const data = state.data;
  const status = data?.status;
  const campaign = data?.result?.campaigns?.find((c) => c.id === id) ?? data?.result?.campaigns?.[0];
  const options = campaign?.options ?? [];
  const entries = distinctOptions(options);
  const progress = data?.progress;

  // After an adoption, one message (above whatever the section shows next, a new search
  // included): what was adopted, that the campaign and its check changed, and, while the options
  // shown are the earlier ones, that they were for the campaign before the change.
  const superseded = status === 'superseded';
  const adoption = adopted || data?.adopted;
  const adoptionNotice = adoption ? html`<div class="notice tone-good" role="status" data-adopted=${adopted ? adopted.number : data.adopted.option}>
    <p>${adopted ? `Option ${adopted.shown} adopted` : `Option ${data.adopted.option} was adopted by ${data.adopted.by}, ${fmtTimestamp(data.adopted.at)}`}:${' '}
      ${adopted?.summary ?? data.adopted.summary}.</p>
    <p>The campaign changed: ${adopted ? 'its check is running again, and the verdict above follows it' : 'the verdict above is from its check'}.${superseded ? ' The options below were found for the campaign before this change.' : ''}</p>
    ${superseded ? html`<button type="button" class="button-primary" onClick=${find} disabled=${busy}>Find counter-proposals for the changed campaign</button>` : null}
  </div>` : null;

  let body;
  if (state.loading) body = html`<p role="status">Loading…</p>`;
  else if (state.unavailable) {
    body = html`<p class="notice" data-recommend="unavailable">This server does not offer counter-proposals yet (its API has no${' '}
      <code>…/recommend</code> endpoint). <code>tandem recommend FILE</code> computes them from an exported scenario.</p>`;
  } else if (state.error) body = html`<${ErrorBox} error=${state.error} what="Loading the counter-proposals" />`;
  else if (status === 'none' || !status) {
    body = verdict === 'go'
      ? html`<p data-recommend="none">The campaign is go: it needs no counter-proposal.</p>`
      : html`<p data-recommend="none">tandem can search for changes that make this campaign hold: a cap on the quantity, a relaxed
          promise, another window, extra capacity, a narrower policy or a reworded claim, each re-checked and priced.</p>
        <button type="button" class="button-primary" onClick=${find} disabled=${busy}>Find counter-proposals</button>`;
  } else if (status === 'queued' || status === 'running') {
    body = html`<div role="status" data-recommend=${status}>
      <p>${status === 'queued' ? 'Waiting for a free worker…' : 'Searching and re-checking options…'}</p>
      ${data.stage ? html`<p class="hint">${data.stage}</p>` : null}
      ${typeof progress === 'number' && progress > 0
        ? html`<progress aria-label="Search progress" max="1" value=${progress}>${Math.round(progress * 100)}%</progress>`
        : progress?.total ? html`<progress aria-label="Search progress" max=${progress.total} value=${progress.done}>${progress.done} of ${progress.total}</progress>`
          : html`<progress aria-label="Search progress"></progress>`}
    </div>`;
  } else if (status === 'failed') {
    body = html`<div class="notice tone-bad" role="alert" data-recommend="failed">The search failed${data.error ? `: ${data.error}` : '.'}</div>
      <button type="button" class="button-primary" onClick=${find} disabled=${busy}>Try again</button>`;
  } else {
    body = html`
      ${adoption ? null : superseded ? html`<div class="notice" data-recommend="superseded">The campaign has changed since these were found, so they
        cannot be adopted as they are. <button type="button" class="button-primary" onClick=${find} disabled=${busy}>Find them again</button></div>` : null}
      <${LossExplanation} loss=${campaign?.loss} currency=${currency} />
      ${!entries.length ? html`<p data-recommend="empty">${noOptionText(campaign, promises)}</p>` : html`
        <ul class="options" data-recommend=${status} aria-label="The current plan and the counter-proposals">
          <li class=${`option-card current tone-${verdict === 'go' ? 'good' : verdict === 'at-risk' ? 'warn' : 'bad'}`} data-option="current">
            <h3>The current plan</h3>
            <div class="option-verdict">Verdict now: <${VerdictBadge} verdict=${verdict} /></div>
            <${Figures} economics=${economics} currency=${currency} />
          </li>
          ${entries.map((entry) => html`<${OptionCard} entry=${entry} promises=${promises} currency=${currency}
            adoptable=${!superseded && status === 'done'} role=${session.role} onAdopt=${adopt} busy=${busy} />`)}
        </ul>`}
      ${campaign?.notes?.length ? html`<h3 class="notes-title">What tandem tried</h3><ul class="option-notes">${campaign.notes.map((n) => html`<li>${typeof n === 'string' ? n : JSON.stringify(n)}</li>`)}</ul>` : null}
      ${entries.length < options.length ? html`<p class="hint">${options.length - entries.length} duplicate option${options.length - entries.length === 1 ? '' : 's'} not shown.</p>` : null}`;
  }

  return html`
    <section class="panel counter-proposals" id="counter-proposals" aria-labelledby="cp-title">
      <h2 id="cp-title" tabindex="-1">Counter-proposals</h2>
      ${state.data ? adoptionNotice : null}
      ${body}
      <${ErrorBox} error=${error} what="That" />
    </section>`;
}
