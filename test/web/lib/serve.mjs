// Helpers of the browser tests that drive the real `tandem serve` (impact_e2e, followup_e2e):
// the toy shop scenario, the database's users, the server on a free port, a page in Debian's
// Chromium that records errors, the API as a user, steps that stop at the first failure with a
// screenshot, and a campaign walked to approval through the API.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { artefactDir, env, launch } from './browser.mjs';

// The built web UI (cmake/targets/web.cmake sets TANDEM_WEB_BUILD).
export const appDir = join(process.env.TANDEM_WEB_BUILD ?? '', 'app');

// A date `offset` days from today (UTC), YYYY-MM-DD.
export const isoDay = (offset) => new Date(Date.now() + offset * 86400000).toISOString().slice(0, 10);

// The toy shop of test/server/test_support.h, its horizon from two weeks ago to two months
// ahead: kites packed at `packing` (1,000 an hour, open around the clock, 1h), 100 a day without
// campaigns, and campaign `spring` on them, delivery within 72h for 95% of orders. What a test
// adds: resources after packing, capabilities, the kites' loads, the campaign's window, spend,
// lift and further promises (YAML, as written in the scenario).
export function toyShop({ window, spend, lift, resources = [], capabilities = [], loads = null, promises = [] }) {
  const lines = [
    'tandem: 1',
    'name: Toy shop',
    `horizon: {start: ${isoDay(-14)}, end: ${isoDay(60)}}`,
    `today: ${isoDay(0)}`,
    'simulation: {scenarios: 40, seed: 7}',
    'calendars:',
    '  shop: {open: {daily: "00:00-24:00"}}',
    'resources:',
    '  - {id: packing, kind: throughput, unit: orders, capacity: 1000, calendar: shop, processing_time: 1h, cost_per_unit: 1}',
    ...resources.map((r) => `  - ${r}`),
  ];
  if (capabilities.length) lines.push('capabilities:', ...capabilities.map((c) => `  - ${c}`));
  lines.push(
    'offerings:',
    '  - id: kite',
    '    price: 40',
    '    unit_cost: 15',
    '    stocked: false',
    '    route: [packing]',
    '    transit: 24h',
  );
  if (loads) lines.push(`    loads: ${loads}`);
  lines.push(
    '    baseline: {per_day: 100, noise: none}',
    'campaigns:',
    '  - id: spring',
    '    name: Spring kites',
    `    window: {start: ${window.start}, end: ${window.end}}`,
    '    offerings: [kite]',
    '    discount: 0.1',
    `    spend: ${spend}`,
    `    lift: ${lift}`,
    '    promises:',
    '      - {type: delivery, within: 72h, share: 0.95}',
    ...promises.map((p) => `      - ${p}`),
  );
  return `${lines.join('\n')}\n`;
}

// The CLI, which must succeed; its standard output.
export function cli(args) {
  const run = spawnSync(env.bin, args, { encoding: 'utf8' });
  assert.equal(run.status, 0, `tandem ${args.join(' ')}: ${run.stderr}`);
  return run.stdout;
}

// The users of a fresh database, before the server starts (the CLI writes the same file):
// maria marketing, oscar operations, fiona finance, sam service, ada admin, each with an API
// token; those in `withPassword` also log in with the password printed for them.
export function addUsers(db, withPassword) {
  const roles = { maria: 'marketing', oscar: 'operations', fiona: 'finance', sam: 'service', ada: 'admin' };
  const tokens = {};
  const passwords = {};
  for (const [user, role] of Object.entries(roles)) {
    if (withPassword.includes(user)) {
      passwords[user] = /password[^:]*: (\S+)/.exec(cli(['user', 'add', user, '--role', role, '--db', db]))[1];
      tokens[user] = /(tdt_\w+)/.exec(cli(['user', 'token', user, '--db', db]))[1];
    } else {
      tokens[user] = /(tdt_\w+)/.exec(cli(['user', 'add', user, '--role', role, '--token', '--db', db]))[1];
    }
  }
  return { tokens, passwords };
}

// `tandem serve` on a free port with 40 scenarios per check, serving the built UI; resolves with
// the child process and its origin once it listens.
export function startServe(db, extraArgs = []) {
  return new Promise((resolve, reject) => {
    const child = spawn(env.bin, ['serve', '--db', db, '--port', '0', '--check-scenarios', '40', '--web-root', appDir,
      ...extraArgs], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`tandem serve did not start:\n${out}\n${err}`)), 30000);
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const listening = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (listening) {
        clearTimeout(timer);
        resolve({ child, origin: listening[1] });
      }
    });
    child.stderr.on('data', (chunk) => { err += chunk; });
    child.on('exit', (code) => reject(new Error(`tandem serve exited with ${code}:\n${out}\n${err}`)));
  });
}

// Stops what startServe started (SIGTERM, at most 5 s).
export async function stopServe(server) {
  if (!server?.child) return;
  server.child.kill('SIGTERM');
  await new Promise((resolve) => { server.child.once('exit', resolve); setTimeout(resolve, 5000); });
}

// A browser on loopback and a page of 1200 x 900 that records page errors and console errors
// (failed requests excepted: their statuses are the tests' to judge) into `problems`.
export async function openPage(problems) {
  const browser = await launch({ offline: false });
  const page = await browser.context.newPage();
  page.setDefaultTimeout(30000);
  await page.setViewportSize({ width: 1200, height: 900 });
  page.on('pageerror', (e) => problems.push(`page error: ${e}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  return { browser, page };
}

// A test file's run: `session.server`, `session.page` and `session.tokens` are set by its
// `before`; `shot` saves numbered screenshots to TANDEM_ARTEFACTS/<folder>/, `call` uses the API
// as a user (and asserts success), `step` declares a test that is skipped once an earlier one
// failed (the failing page is saved first).
export function e2eSession(folder) {
  const session = { server: null, page: null, tokens: {}, shots: [], broken: null };
  session.outDir = () => {
    const d = join(artefactDir(), folder);
    mkdirSync(d, { recursive: true });
    return d;
  };
  session.shot = async (name, element = null) => {
    const path = join(session.outDir(), `${String(session.shots.length + 1).padStart(2, '0')}-${name}.png`);
    if (element) await element.screenshot({ path });
    else await session.page.screenshot({ path, fullPage: true });
    session.shots.push(path);
  };
  session.call = async (user, method, path, body, type = 'application/json') => {
    const response = await fetch(`${session.server.origin}/api${path}`, {
      method,
      headers: { Authorization: `Bearer ${session.tokens[user]}`, 'Content-Type': type },
      body: body === undefined ? undefined : type === 'application/json' ? JSON.stringify(body) : body,
    });
    const data = await response.json().catch(() => null);
    assert.ok(response.ok, `${user} ${method} ${path}: HTTP ${response.status} ${JSON.stringify(data)}`);
    return data;
  };
  session.step = (name, fn) => test(name, async (t) => {
    if (session.broken) {
      t.skip(`skipped: "${session.broken}" failed`);
      return;
    }
    try {
      await fn(t);
    } catch (error) {
      session.broken = name;
      await session.shot(`FAILED-${name.split(':')[0].replace(/\W+/g, '-')}`).catch(() => {});
      throw error;
    }
  });
  return session;
}

// Campaign `spring` of workspace `shop`, imported, from draft to approved through the API: into
// groundwork, each function confirms, into transfer, its check runs (go), each function signs
// off on it, marketing approves.
export async function approveSpring(call) {
  await call('maria', 'POST', '/workspaces/shop/campaigns/spring/transition', { to: 'groundwork' });
  for (const [user, fn] of [['maria', 'marketing'], ['oscar', 'operations'], ['fiona', 'finance'], ['sam', 'service']]) {
    await call(user, 'POST', `/workspaces/shop/campaigns/spring/confirmations/${fn}`, {});
  }
  await call('maria', 'POST', '/workspaces/shop/campaigns/spring/transition', { to: 'transfer' });
  let process;
  for (let i = 0; i < 240; i += 1) {
    process = await call('maria', 'GET', '/workspaces/shop/campaigns/spring/process');
    if (process.check?.status === 'done' || process.check?.status === 'failed') break;
    await new Promise((r) => setTimeout(r, 250));
  }
  assert.equal(process.check.status, 'done');
  assert.equal(process.check.verdict, 'go');
  for (const [user, fn] of [['maria', 'marketing'], ['oscar', 'operations'], ['fiona', 'finance'], ['sam', 'service']]) {
    await call(user, 'POST', `/workspaces/shop/campaigns/spring/signoffs/${fn}`, { check: process.check.key });
  }
  const approved = await call('maria', 'POST', '/workspaces/shop/campaigns/spring/approve', { check: process.check.key });
  assert.equal(approved.state, 'approved');
}
