// Unit tests of web/src/lib/format.js: the figures every view prints. Expected texts are
// written out by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  addDays, fmtDate, fmtDateRange, fmtHours, fmtMoney, fmtNumber, fmtQuantity, fmtRange, fmtRatioPercent,
  fmtShare, fmtUnitMoney, humanize, statusInfo, verdictInfo, MISSING,
} from '../../web/src/lib/format.js';

const MINUS = '\u2212';

test('numbers: thousands separators, true minus sign, no "-0"', () => {
  assert.equal(fmtNumber(29089.4), '29,089');
  assert.equal(fmtNumber(1234567.891, 2), '1,234,567.89');
  assert.equal(fmtNumber(-1234.5, 1), `${MINUS}1,234.5`);
  assert.equal(fmtNumber(-0.4), '0');
  assert.equal(fmtNumber(null), MISSING);
  assert.equal(fmtNumber(Number.NaN), MISSING);
  assert.equal(fmtQuantity(2849), '2,849');
  assert.equal(fmtQuantity(43.44), '43.4');
  assert.equal(fmtQuantity(2.345), '2.35');
  assert.equal(fmtQuantity(0), '0');
});

test('shares: exact ends, one decimal, never rounded to 0% or 100%', () => {
  assert.equal(fmtShare(0), '0%');
  assert.equal(fmtShare(1), '100%');
  assert.equal(fmtShare(0.759), '75.9%');
  assert.equal(fmtShare(0.95), '95.0%');
  assert.equal(fmtShare(0.0004), '<0.1%');
  assert.equal(fmtShare(0.9996), '>99.9%');
  assert.equal(fmtShare(0.9, 0), '90%');
  assert.equal(fmtShare(0.12345, 2), '12.35%');
  assert.equal(fmtShare(undefined), MISSING);
});

test('money: ISO currencies with their symbol, other currencies named after the figure', () => {
  assert.equal(fmtMoney(553273.22, 'USD'), '$553,273');
  // The minus and the symbol are joined (U+2060): a narrow column never ends a line on "−".
  assert.equal(fmtMoney(-253293.66, 'USD'), `${MINUS}\u2060$253,294`);
  assert.equal(fmtMoney(-1234.4, 'points'), `${MINUS}1,234 points`);
  assert.equal(fmtMoney(1234, 'EUR'), '\u20ac1,234');
  assert.equal(fmtMoney(1234.4, 'points'), '1,234 points');
  assert.equal(fmtMoney(-0.2, 'USD'), '$0');
  assert.equal(fmtUnitMoney(-1.11, 'USD'), `${MINUS}\u2060$1.11`);
  assert.equal(fmtUnitMoney(35, 'points'), '35.00 points');
});

test('ratios and ranges', () => {
  assert.equal(fmtRatioPercent(-3.1108), `${MINUS}311%`);
  assert.equal(fmtRatioPercent(3.22), '322%');
  assert.equal(fmtRange({ p5: 1, p50: 2, p95: 3 }, (v) => `${v}x`), '2x (1x to 3x)');
});

test('hours as the scenario format writes them', () => {
  assert.equal(fmtHours(48), '48h');
  assert.equal(fmtHours(72), '3d');
  assert.equal(fmtHours(24), '24h');
  assert.equal(fmtHours(0.5), '30m');
  assert.equal(fmtHours(0), '0h');
  assert.equal(fmtHours(16.0000001), '16h');
  assert.equal(fmtHours(7.5), '7.5h');
  assert.equal(fmtHours(8 / 3), '2.67h');
});

test('dates: calendar days without time zones', () => {
  assert.equal(fmtDate('2027-04-10'), 'Sat 10 Apr 2027');
  assert.equal(fmtDate('2027-04-26', { year: false }), 'Mon 26 Apr');
  assert.equal(fmtDateRange('2027-04-10', '2027-04-30'), 'Sat 10 Apr to Fri 30 Apr 2027');
  assert.equal(fmtDateRange('2026-12-28', '2027-01-03'), 'Mon 28 Dec 2026 to Sun 3 Jan 2027');
  assert.equal(addDays('2027-02-28', 1), '2027-03-01');
  assert.equal(addDays('2028-02-28', 1), '2028-02-29');
  assert.equal(addDays('2027-01-01', -1), '2026-12-31');
});

test('verdicts and statuses carry a word and a symbol, not only a tone', () => {
  assert.equal(verdictInfo('no-go').word, 'No-go');
  assert.equal(verdictInfo('at-risk').word, 'At risk');
  assert.equal(verdictInfo('go').word, 'Go');
  assert.notEqual(verdictInfo('go').symbol, verdictInfo('no-go').symbol);
  assert.equal(statusInfo('broken').word, 'Broken');
  assert.equal(statusInfo('overloaded').tone, 'bad');
  assert.equal(statusInfo('something-new').word, 'something-new');
  assert.equal(humanize('free_returns'), 'free returns');
});
