// Number, money, share and date formatting shared by every view. Pure functions; locale is
// fixed to en-US (thousands separators ",", decimal point ".") so that a report reads the same
// wherever it is opened. Missing values (null, undefined, NaN) format as an em dash.

export const MISSING = '\u2014';

function missing(value) {
  return value === null || value === undefined || Number.isNaN(value);
}

const numberFormats = new Map();
function numberFormat(digits) {
  let format = numberFormats.get(digits);
  if (!format) {
    format = new Intl.NumberFormat('en-US', {
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    });
    numberFormats.set(digits, format);
  }
  return format;
}

// Fixed decimals with thousands separators: fmtNumber(29089.4) == "29,089".
// Negative numbers use a true minus sign so that they are not mistaken for a dash.
export function fmtNumber(value, digits = 0) {
  if (missing(value)) return MISSING;
  const text = numberFormat(digits).format(Math.abs(value));
  const zero = Number(text.replace(/,/g, '')) === 0;
  return value < 0 && !zero ? `\u2212${text}` : text;
}

// A quantity with a sensible precision: integers above 100, one decimal above 10, two below.
export function fmtQuantity(value) {
  if (missing(value)) return MISSING;
  const magnitude = Math.abs(value);
  return fmtNumber(value, magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : magnitude === 0 ? 0 : 2);
}

// A share in [0, 1] as a percentage. Exactly 0 and 1 read "0%" and "100%"; otherwise one
// decimal, and never rounded to "0%" or "100%" (0.9996 reads ">99.9%").
export function fmtShare(share, digits = 1) {
  if (missing(share)) return MISSING;
  if (share === 0) return '0%';
  if (share === 1) return '100%';
  const percent = share * 100;
  const limit = 10 ** -digits;
  if (percent > 0 && percent < limit) return `<${fmtNumber(limit, digits)}%`;
  if (percent < 100 && percent > 100 - limit) return `>${fmtNumber(100 - limit, digits)}%`;
  return `${fmtNumber(percent, digits)}%`;
}

// Money in the scenario's currency. ISO codes get their symbol ("$553,273"); other currency
// names are written after the figure ("553,273 points").
export function fmtMoney(value, currency = 'USD', digits = 0) {
  if (missing(value)) return MISSING;
  let format;
  try {
    format = new Intl.NumberFormat('en-US', {
      style: 'currency',
      currency,
      currencyDisplay: 'narrowSymbol',
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    });
  } catch {
    return `${fmtNumber(value, digits)} ${currency}`;
  }
  const text = format.format(Math.abs(value));
  const zero = Math.abs(value) < 0.5 * 10 ** -digits;
  // A word joiner (U+2060) between the minus and a currency symbol: a line may break between
  // two prefix signs ("−" and "$"), which left "−" at the end of a narrow column's line and the
  // figure on the next (issue 13 item 8).
  const joiner = /^\d/.test(text) ? '' : '\u2060';
  return value < 0 && !zero ? `\u2212${joiner}${text}` : text;
}

// Unit money (prices, unit contributions, CAC): always two decimals.
export function fmtUnitMoney(value, currency = 'USD') {
  return fmtMoney(value, currency, 2);
}

// A ratio such as ROI or utilisation: "−3.11×" style multiples are easy to misread, so ROI is
// a percentage (−311%) and utilisation a percentage of capacity (322%).
export function fmtRatioPercent(ratio) {
  if (missing(ratio)) return MISSING;
  return `${fmtNumber(ratio * 100, 0)}%`;
}

// A Monte Carlo range "p50 (p5 to p95)" with one formatter for the three figures.
export function fmtRange(p, format) {
  if (!p) return MISSING;
  return `${format(p.p50)} (${format(p.p5)} to ${format(p.p95)})`;
}

// Hours as the scenario format writes them: 48 -> "48h", 72 -> "3d", 0.5 -> "30m".
export function fmtHours(hours) {
  if (missing(hours)) return MISSING;
  const minutes = Math.round(hours * 60);
  if (minutes === 0) return '0h';
  if (minutes % 1440 === 0 && minutes >= 3 * 1440) return `${minutes / 1440}d`;
  if (minutes < 60) return `${minutes}m`;
  if (minutes % 60 === 0) return `${minutes / 60}h`;
  return `${fmtNumber(minutes / 60, minutes % 6 === 0 ? 1 : 2)}h`;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

// "2027-04-10" -> a Date at UTC midnight (dates in results are calendar days, no time zone).
export function parseDate(iso) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso ?? '');
  if (!match) return null;
  return new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
}

export function toIsoDate(date) {
  return date.toISOString().slice(0, 10);
}

export function addDays(iso, days) {
  const date = parseDate(iso);
  date.setUTCDate(date.getUTCDate() + days);
  return toIsoDate(date);
}

// "2027-04-10" -> "Sat 10 Apr 2027"; with year=false "Sat 10 Apr".
export function fmtDate(iso, { year = true, weekday = true } = {}) {
  const date = parseDate(iso);
  if (!date) return iso ?? MISSING;
  const parts = [];
  if (weekday) parts.push(WEEKDAYS[date.getUTCDay()]);
  parts.push(String(date.getUTCDate()), MONTHS[date.getUTCMonth()]);
  if (year) parts.push(String(date.getUTCFullYear()));
  return parts.join(' ');
}

export function monthName(index) {
  return MONTHS[index];
}

// "2027-04-10".."2027-04-30" -> "Sat 10 Apr to Fri 30 Apr 2027".
export function fmtDateRange(start, end) {
  if (!start) return MISSING;
  if (!end || start === end) return fmtDate(start);
  const sameYear = start.slice(0, 4) === end.slice(0, 4);
  return `${fmtDate(start, { year: !sameYear })} to ${fmtDate(end)}`;
}

// Verdicts and statuses: colour is never the only signal, so each has a word and a symbol.
export const VERDICTS = {
  go: { word: 'Go', symbol: '\u2713', tone: 'good', meaning: 'every promise and check holds' },
  'at-risk': { word: 'At risk', symbol: '!', tone: 'warn', meaning: 'some promise or the economics may not hold' },
  'no-go': { word: 'No-go', symbol: '\u2715', tone: 'bad', meaning: 'a promise or a check does not hold' },
};

export const STATUSES = {
  kept: { word: 'Kept', symbol: '\u2713', tone: 'good' },
  'at-risk': { word: 'At risk', symbol: '!', tone: 'warn' },
  broken: { word: 'Broken', symbol: '\u2715', tone: 'bad' },
  ok: { word: 'OK', symbol: '\u2713', tone: 'good' },
  overloaded: { word: 'Overloaded', symbol: '\u2715', tone: 'bad' },
};

export function verdictInfo(verdict) {
  return VERDICTS[verdict] ?? { word: String(verdict), symbol: '?', tone: 'neutral', meaning: '' };
}

export function statusInfo(status) {
  return STATUSES[status] ?? { word: String(status), symbol: '?', tone: 'neutral' };
}

// "spring-40" etc. are ids; promise types read better with spaces: "free_returns" -> "free returns".
export function humanize(id) {
  return String(id ?? '').replace(/[_-]+/g, ' ');
}
