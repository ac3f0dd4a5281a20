// The server's validation errors as the campaign form shows them: each error next to the field it
// is about, named by the label the user sees, with what is allowed in the form's units (percent
// where the form takes percent; the server speaks of shares, as the scenario format stores
// them). Keys of the whole workspace ("campaigns[2].discount") and file names never reach the
// screen: an error on a key the form does not show is named in words ("Promise 2: cost").
// Pure functions (tested in test/web/app_model.test.mjs).

// What is allowed for the fields typed in percent, in percent.
const PERCENT_ALLOWED = {
  discount: '0 or more, below 100 (%)',
  lift: '-100 or more (%); +30% means 30% more orders than the baseline',
  share: 'from 0 to 100 (%)',
  return_rate: 'from 0 to 100 (%)',
};

// The form's inputs by the server's field name (keys relative to the campaign).
function campaignInput(field) {
  const fixed = {
    id: ['cf-id', 'Id'],
    name: ['cf-name', 'Name'],
    window: ['cf-end', 'Window'],
    'window.start': ['cf-start', 'Window starts'],
    'window.end': ['cf-end', 'Window ends'],
    announce: ['cf-announce', 'Announced on'],
    offerings: ['cf-offerings', 'Offerings'],
    discount: ['cf-discount', 'Discount', 'discount'],
    spend: ['cf-spend', 'Marketing spend'],
    lift: ['cf-lift', 'Expected lift', 'lift'],
    'lift.expected': ['cf-lift', 'Expected lift', 'lift'],
    'lift.low': ['cf-lift-low', 'Lift, low case', 'lift'],
    'lift.high': ['cf-lift-high', 'Lift, high case', 'lift'],
    cap: ['cf-cap', 'Cap'],
  }[field];
  if (fixed) return { input: fixed[0], label: fixed[1], percent: fixed[2] };
  let m = /^cap\.(.+)$/.exec(field);
  if (m) return { input: `cf-cap-${m[1]}`, label: `Cap: ${m[1]}` };
  m = /^promises\[(\d+)\](?:\.(\w+))?/.exec(field);
  if (m) {
    const n = Number(m[1]);
    const key = m[2];
    const labels = { type: 'Type', within: 'Within', share: 'For share', cutoff: 'Cut-off', resource: 'Resource',
      return_rate: 'Return rate', cost: 'Cost per return', text: 'Claim text', requires: 'Needs these capabilities' };
    if (key && labels[key]) {
      return { input: `promise-${n}-${key}`, label: `Promise ${n + 1}: ${labels[key]}`,
        percent: key === 'share' || key === 'return_rate' ? key : undefined };
    }
    return { input: `promise-${n}-type`, label: `Promise ${n + 1}${key ? `: ${key.replace(/_/g, ' ')}` : ''}` };
  }
  return null;
}

// A key in words: "readiness.tasks[0].duration" -> "readiness › tasks 1 › duration".
export function keyInWords(key) {
  return String(key ?? '')
    .replace(/\[(\d+)\]/g, (_, i) => ` ${Number(i) + 1}`)
    .split('.')
    .map((part) => part.replace(/_/g, ' '))
    .join(' \u203A ');
}

// Strips what is not the user's from a problem text: "workspace:1:234: " or "/tmp/x.yaml:3: "
// prefixes (file, line, column) that a diagnostic rendered as text carries.
export function withoutLocation(text) {
  return String(text ?? '').replace(/(^|\s)(?:\/[^\s:]+|[\w.-]+\.(?:ya?ml|json)|workspace|scenario):\d+(?::\d+)?:\s*/g, '$1');
}

// The error's fields for the campaign form: {byInput: {inputId: [item]}, items: [item]} where an
// item is {input, label, problem, allowed}; `input` is null for a key the form does not show.
export function campaignFieldErrors(error) {
  const items = [];
  const byInput = {};
  for (const f of error?.fields ?? []) {
    const found = campaignInput(f.field);
    const item = {
      input: found?.input ?? null,
      label: found?.label ?? (f.field === '(body)' ? 'The campaign' : keyInWords(f.field)),
      problem: withoutLocation(f.problem),
      allowed: found?.percent ? PERCENT_ALLOWED[found.percent] : withoutLocation(f.allowed ?? ''),
    };
    items.push(item);
    if (item.input) (byInput[item.input] ??= []).push(item);
  }
  return { items, byInput };
}

// Percent as typed: "30", "+30%", "-20 %", "12.5" -> 0.3, 0.3, -0.2, 0.125; "" -> undefined;
// anything else -> NaN.
export function parsePercent(text) {
  const t = String(text ?? '').trim();
  if (t === '') return undefined;
  const m = /^([+-]?)\s*(\d+(?:[.,]\d*)?|[.,]\d+)\s*%?$/.exec(t);
  if (!m) return NaN;
  const value = Number(m[2].replace(',', '.')) / 100;
  return m[1] === '-' ? -value : value;
}

// A lift (share) as the form shows it: 0.3 -> "+30%", -0.2 -> "-20%", 0 -> "0%".
export function liftText(lift) {
  if (lift === undefined || lift === null || lift === '') return '';
  const pct = Math.round(lift * 10000) / 100;
  return `${pct > 0 ? '+' : ''}${pct}%`;
}
