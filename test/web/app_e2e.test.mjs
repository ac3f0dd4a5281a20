// End to end: the real `tandem demo` binary (a fresh SQLite file, a free port, few scenarios
// per check) serving the built web UI, driven in Debian's Chromium through a campaign's whole
// walk: log in, create a campaign and see its verdict, take the Greenleaf spring campaign
// through groundwork (each function confirms; operations edits a resource on the way), run its
// check, edit it and follow the re-check without a page reload, adopt a counter-proposal (or
// record that the server has no recommend endpoint yet), operations asks for changes and finance
// refuses with reasons marketing answers, sign off as each of the four roles, approve (finance
// with an override when the verdict is not go), then the capacity calendar and the alerts. Screenshots of every
// step go to TANDEM_ARTEFACTS/app/ (see docs/web.md for what each shows).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { artefactDir, env, launch } from './lib/browser.mjs';

const appDir = join(process.env.TANDEM_WEB_BUILD ?? '', 'app');
const SCENARIOS = process.env.TANDEM_E2E_SCENARIOS ?? '40';
const CAMPAIGN = 'spring-40';
const FUNCTIONS = { maria: 'Marketing', oscar: 'Operations', fiona: 'Finance', sam: 'Customer service' };

// Starts `tandem demo` on a free port; resolves with its origin and the printed passwords.
function startDemo(dir) {
  return new Promise((resolve, reject) => {
    const child = spawn(env.bin, ['demo', '--db', `sqlite:${join(dir, 'demo.db')}`, '--port', '0',
      '--check-scenarios', SCENARIOS, '--web-root', appDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`tandem demo did not start:\n${out}\n${err}`)), 30000);
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const listening = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (listening) {
        clearTimeout(timer);
        const passwords = {};
        for (const m of out.matchAll(/^ {2}(\w+) +(\w+) +password: (\S+)$/gm)) passwords[m[1]] = m[3];
        resolve({ child, origin: listening[1], passwords, log: () => err });
      }
    });
    child.stderr.on('data', (chunk) => { err += chunk; });
    child.on('exit', (code) => reject(new Error(`tandem demo exited with ${code}:\n${out}\n${err}`)));
  });
}

// Asserts that the element's text matches, once the page has rendered it: what an action
// changes appears a moment later, so wait for it (up to 20 s) before reading.
async function expectText(locator, pattern) {
  await locator.filter({ hasText: pattern }).first().waitFor({ timeout: 20000 }).catch(() => {});
  assert.match(await locator.first().textContent(), pattern);
}

describe('web UI on tandem demo', { timeout: 280000 }, () => {
  let dir;
  let demo;
  let browser;
  let page;
  const shots = [];
  const problems = [];      // unexpected HTTP errors, console errors, page errors
  const notes = [];         // what the run found (written next to the screenshots)
  let allowedErrors = [];   // [method, path regexp, status] expected right now

  const outDir = () => {
    const d = join(artefactDir(), 'app');
    mkdirSync(d, { recursive: true });
    return d;
  };
  // A screenshot of the page (whole, or the viewport), or with `element` of that element alone.
  const shot = async (name, fullPage = true, element = null) => {
    const path = join(outDir(), `${String(shots.length + 1).padStart(2, '0')}-${name}.png`);
    if (element) {
      await element.screenshot({ path });
      shots.push(path);
      return;
    }
    const scroll = await page.evaluate(() => scrollY);
    await page.screenshot({ path, fullPage });
    // After a full-page capture Chromium can jump the scroll position on the next click (the
    // click then misses its target): put the viewport back as it was.
    if (fullPage) {
      await page.setViewportSize({ width: 1200, height: 900 });
      await page.evaluate((y) => window.scrollTo(0, y), scroll);
    }
    shots.push(path);
  };
  const expectError = (method, pattern, status) => allowedErrors.push([method, pattern, status]);
  const url = (hash) => `${demo.origin}/${hash}`;

  async function logIn(user, { keyboard = false } = {}) {
    await page.goto(url('#/board'));
    const out = page.getByRole('button', { name: 'Log out' });
    if (await out.count()) {
      await out.click();
      await page.getByRole('heading', { name: 'Log in' }).waitFor();
    }
    if (keyboard) {
      // Name has focus (autofocus); Tab to the password; Enter submits.
      // The page focuses it in an effect, after the first paint: typing before that loses keys.
      await page.getByLabel('Name').waitFor();
      await page.waitForFunction(() => document.activeElement?.id === 'login-name');
      await page.keyboard.type(user);
      await page.keyboard.press('Tab');
      await page.keyboard.type(demo.passwords[user]);
      await page.keyboard.press('Enter');
    } else {
      await page.getByLabel('Name').fill(user);
      await page.getByLabel('Password').fill(demo.passwords[user]);
      await page.getByRole('button', { name: 'Log in' }).click();
    }
    await page.locator(`.who[data-user="${user}"]`).waitFor();
  }

  // Each step needs the ones before: after a failure the rest are skipped (a screenshot of the
  // failing page is saved).
  let broken = null;
  const step = (name, fn) => test(name, async (t) => {
    if (broken) {
      t.skip(`skipped: "${broken}" failed`);
      return;
    }
    try {
      await fn(t);
    } catch (error) {
      broken = name;
      const alerts = await page.locator('[role="alert"]').allTextContents().catch(() => []);
      if (alerts.length) notes.push(`FAILED ${name}: alerts on the page: ${alerts.join(' | ')}`);
      const invalid = await page.evaluate(() => [...document.querySelectorAll('form :invalid')].map((e) => `${e.id || e.name || e.tagName}: ${e.validationMessage}`)).catch(() => []);
      if (invalid.length) notes.push(`FAILED ${name}: invalid form fields: ${invalid.join(' | ')}`);
      await shot(`FAILED-${name.split(':')[0].replace(/\W+/g, '-')}`).catch(() => {});
      throw error;
    }
  });

  const nav = (name) => page.locator('nav[aria-label="Main"]').getByRole('link', { name }).click();

  async function openCampaign(id) {
    await page.goto(url(`#/campaigns/${id}`));
    await page.locator(`.campaign-page[data-campaign="${id}"] .process-panel`).waitFor();
  }

  // The check has finished and its result is drawn (not the previous one).
  async function checkDone() {
    await page.locator('.check-status[data-check-status="done"]').waitFor({ timeout: 60000 });
    await page.locator('.check-section .result[aria-busy="false"]').waitFor({ timeout: 30000 });
    await page.waitForFunction(() => document.documentElement.dataset.ready === 'true', null, { timeout: 30000 });
  }

  async function verdictWord() {
    return (await page.locator('.check-status .badge-word').first().textContent()).trim();
  }

  before(async () => {
    // Whatever happens (a browser that dies, a server that hangs), never outlive ctest's limit.
    setTimeout(() => {
      demo?.child.kill('SIGKILL');
      console.error('app_e2e: out of time');
      process.exit(1);
    }, 270000).unref();
    assert.ok(existsSync(join(appDir, 'index.html')), `no web UI build in ${appDir}`);
    rmSync(join(artefactDir(), 'app'), { recursive: true, force: true });
    dir = mkdtempSync(join(tmpdir(), 'tandem-e2e-'));
    demo = await startDemo(dir);
    browser = await launch({ offline: false });
    page = await browser.context.newPage();
    page.setDefaultTimeout(30000);
    page.on('pageerror', (e) => problems.push(`page error: ${e}`));
    page.on('console', (m) => {
      // Failed requests also log "Failed to load resource"; they are judged below by status.
      if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) problems.push(`console: ${m.text()}`);
    });
    if (process.env.TANDEM_E2E_LOG) {
      page.on('request', (r) => r.url().includes('/api/') && r.method() !== 'GET' && console.log('>', r.method(), r.url()));
      page.on('response', (r) => r.url().includes('/api/') && r.request().method() !== 'GET' && console.log('<', r.status(), r.url()));
    }
    page.on('request', (r) => {
      if (!r.url().startsWith(demo.origin) && !r.url().startsWith('data:')) problems.push(`request elsewhere: ${r.url()}`);
    });
    page.on('response', (r) => {
      if (r.status() < 400) return;
      const path = new URL(r.url()).pathname;
      const method = r.request().method();
      const ok = allowedErrors.some(([m, p, s]) => m === method && p.test(path) && s === r.status());
      if (!ok) problems.push(`HTTP ${r.status()} ${method} ${path}`);
    });
    // Always expected: the session probe before logging in, a campaign never checked, and a
    // server without the recommend endpoints.
    expectError('GET', /^\/api\/session$/, 401);
    expectError('GET', /\/campaigns\/[^/]+\/check$/, 404);
    expectError('GET', /\/recommend$/, 404);
    expectError('POST', /\/recommend$/, 404);
  });

  after(async () => {
    writeFileSync(join(outDir(), 'notes.txt'), [...notes, '', 'Screenshots:', ...shots].join('\n'));
    await browser?.close();
    if (demo?.child) {
      demo.child.kill('SIGTERM');
      await new Promise((resolve) => { demo.child.once('exit', resolve); setTimeout(resolve, 5000); });
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  step('login: a wrong password is refused in words, the right one shows the board', async () => {
    await page.goto(url(''));
    await page.getByRole('heading', { name: 'Log in' }).waitFor();
    await page.getByLabel('Name').fill('maria');
    await page.getByLabel('Password').fill('not-the-password');
    expectError('POST', /^\/api\/session$/, 401);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.locator('#login-error').waitFor();
    await expectText(page.locator('#login-error'), /do not match/);
    await shot('login-refused', false);
    await logIn('maria');
    assert.equal((await page.locator('.who .role-pill').textContent()).trim(), 'Marketing');
    const cards = page.locator('.column[data-state="draft"] .card');
    await cards.first().waitFor();
    assert.equal(await cards.count(), 2);
    const spring = page.locator(`.card[data-campaign="${CAMPAIGN}"]`);
    assert.match(await spring.textContent(), /Not checked/);
    assert.match(await spring.textContent(), /10\u201330 Apr 2027/);
    assert.match(await spring.locator('.card-facts').textContent(), /Owner/);
    await shot('board-start');
  });

  step('marketing creates a campaign; its first check shows a verdict in words', async () => {
    await page.getByRole('link', { name: 'New campaign' }).click();
    await page.getByRole('heading', { name: 'New campaign' }).waitFor();
    await page.getByLabel('Id (short, no spaces)').fill('june-mulch');
    await page.getByLabel('Name', { exact: true }).fill('June mulch week');
    await page.getByLabel('Window starts').fill('2027-06-01');
    await page.getByLabel('Window ends (inclusive)').fill('2027-06-10');
    await page.getByRole('checkbox', { name: /Bark mulch/ }).check();
    await page.getByLabel('Expected lift (%)').fill('+25%');
    await page.getByLabel('Lift, low case (%)').fill('10');
    await page.getByLabel('Lift, high case (%)').fill('50');
    await page.getByLabel('Within').fill('72h');
    await page.getByLabel('For share (%)').fill('90');
    // The lift in percent, and what it does to demand: +25% is demand × 1.25 (lift 0.25).
    await expectText(page.locator('#cf-lift-meaning'), /25% more orders than the baseline: demand × 1\.25/);
    // A bad value (a discount of 100%: the server refuses 1.0 and more) comes back as the
    // field's error beside the field, named by its label, in percent, with no workspace key or
    // file in it.
    await page.getByLabel('Discount (%)').fill('100');
    expectError('PUT', /\/campaigns\/june-mulch$/, 422);
    await page.getByRole('button', { name: 'Create and check' }).click();
    const discountError = page.locator('.field:has(#cf-discount) [data-field-error="cf-discount"]');
    await discountError.waitFor();
    await expectText(discountError, /a discount of 100% or more/);
    assert.match(await discountError.textContent(), /allowed: 0 or more, below 100 \(%\)/);
    assert.equal(await page.locator('#cf-discount').getAttribute('aria-invalid'), 'true');
    assert.match(await page.locator('#cf-discount').getAttribute('aria-describedby'), /cf-discount-error/);
    const summary = await page.locator('[data-form-errors]').textContent();
    assert.match(summary, /Discount: a discount of 100% or more/);
    for (const text of [summary, await discountError.textContent()]) {
      assert.doesNotMatch(text, /campaigns\[|workspace|\.ya?ml|\/tmp\/|:\d+:/, `a key or a file in "${text}"`);
    }
    await shot('new-campaign-invalid');
    await page.getByLabel('Discount (%)').fill('10');
    await shot('new-campaign-form');
    await page.getByRole('button', { name: 'Create and check' }).click();
    await page.locator('.campaign-page[data-campaign="june-mulch"]').waitFor();
    await checkDone();
    const word = await verdictWord();
    assert.ok(['Go', 'At risk', 'No-go'].includes(word), `verdict word: ${word}`);
    notes.push(`june-mulch (created in the UI): ${word}`);
    assert.ok(await page.locator('.check-section table.promises').count() === 1);
    await shot('new-campaign-checked');
  });

  step('groundwork: each function confirms; operations edits a resource and sees the campaigns it affects', async () => {
    await openCampaign(CAMPAIGN);
    await page.getByRole('button', { name: 'Start groundwork' }).click();
    await page.locator('.process-panel[data-state="groundwork"]').waitFor();
    await page.getByRole('button', { name: 'Confirm for Marketing' }).click();
    await page.locator('table.functions tr[data-function="marketing"][data-done="true"]').waitFor();
    await shot('groundwork-marketing-confirmed');

    await logIn('oscar');
    await nav('Operations');
    const card = page.locator('.entity-card[data-resource="pick-pack"]');
    await card.waitFor();
    assert.match(await card.locator('.affects').textContent(), /40% off landscaping supplies/);
    await card.getByRole('button', { name: 'Edit pick-pack' }).click();
    await card.getByLabel('Capacity per open hour').fill('200');
    await card.getByRole('button', { name: 'Save pick-pack' }).click();
    await page.locator('[data-saved="pick-pack"]').waitFor();
    await expectText(page.locator('.entity-card[data-resource="pick-pack"]'), /200 orders per open hour/);
    await shot('operations-saved');

    await openCampaign(CAMPAIGN);
    await page.getByRole('button', { name: 'Confirm for Operations' }).click();
    await page.locator('table.functions tr[data-function="operations"][data-done="true"]').waitFor();

    await logIn('fiona');
    await openCampaign(CAMPAIGN);
    await page.getByRole('button', { name: 'Confirm for Finance' }).click();
    await page.locator('table.functions tr[data-function="finance"][data-done="true"]').waitFor();

    // Customer service logs in with the keyboard alone and reaches the campaign from the board.
    await logIn('sam', { keyboard: true });
    const link = page.locator(`.card[data-campaign="${CAMPAIGN}"] a`);
    await link.focus();
    await page.keyboard.press('Enter');
    await page.locator('.process-panel').waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.hasAttribute('data-page-title')), true,
      'the page title has the focus after navigating');
    await page.getByRole('button', { name: 'Confirm for Customer service' }).click();
    await page.locator('table.functions tr[data-function="service"][data-done="true"]').waitFor();
    await shot('groundwork-all-confirmed');
  });

  step('transfer runs the check; the result shows the verdict, promises, charts and economics', async () => {
    await logIn('maria');
    await openCampaign(CAMPAIGN);
    await page.getByRole('button', { name: 'Move to transfer and run the check' }).click();
    await page.locator('.process-panel[data-state="transfer"]').waitFor();
    await checkDone();
    const word = await verdictWord();
    notes.push(`${CAMPAIGN} at transfer: ${word}`);
    assert.ok(['Go', 'At risk', 'No-go'].includes(word));
    const section = page.locator('.check-section');
    assert.ok(await section.locator('tbody.promise').count() >= 3, 'the promises');
    assert.ok(await section.locator('[data-field="explanation"]').first().textContent());
    assert.equal(await section.locator('[data-field="p_loss"]').count(), 1, 'economics');
    const evidence = page.locator('#evidence');
    assert.ok(await evidence.locator('figure[data-chart="demand"]').count() >= 1, 'a demand chart');
    assert.ok(await evidence.locator('figure[data-chart="leadtime"]').count() >= 1, 'a lead-time chart');
    await shot('transfer-checked');
  });

  step('editing the campaign re-runs its check and shows the new result without a reload', async () => {
    const before = await page.locator('.check-section .result').getAttribute('data-result-key');
    await page.evaluate(() => { window.__noReload = 'still here'; });
    await page.getByRole('button', { name: 'Edit the campaign' }).click();
    await page.getByLabel('Expected lift (%)').fill('80');
    await page.getByLabel('Marketing spend').fill('90000');
    await shot('edit-form');
    // Meanwhile someone else saves the campaign (a new name): this save is refused with 409, nothing
    // is overwritten, and the form offers the latest version.
    const csrf = (await (await page.request.get(`${demo.origin}/api/session`)).json()).csrf_token;
    const current = await page.request.get(`${demo.origin}/api/workspaces/greenleaf/campaigns/${CAMPAIGN}`);
    const body = (await current.json()).body;
    const theirs = await page.request.put(`${demo.origin}/api/workspaces/greenleaf/campaigns/${CAMPAIGN}`, {
      headers: { 'X-CSRF-Token': csrf, 'If-Match': current.headers().etag },
      data: { ...body, name: '40% off landscaping supplies (spring)' },
    });
    assert.equal(theirs.status(), 200, await theirs.text());
    expectError('PUT', new RegExp(`/campaigns/${CAMPAIGN}$`), 409);
    await page.getByRole('button', { name: 'Save and re-run the check' }).click();
    const conflict = page.locator('#settings .notice.tone-warn');
    await conflict.waitFor();
    await expectText(conflict, /Someone saved this campaign after you opened the form/);
    await shot('edit-conflict', false, page.locator('#settings'));
    await conflict.getByRole('button', { name: 'load the latest version' }).click();
    await page.waitForFunction(() => document.getElementById('cf-name')?.value === '40% off landscaping supplies (spring)');
    assert.equal(await page.locator('#settings .notice.tone-warn').count(), 0, 'the conflict notice is gone');
    await page.getByLabel('Expected lift (%)').fill('80');
    await page.getByLabel('Marketing spend').fill('90000');
    await page.getByRole('button', { name: 'Save and re-run the check' }).click();
    await page.locator('[data-notice]').waitFor();
    // Progress first (the check is queued or running), then the new result.
    await page.waitForFunction((key) => {
      const result = document.querySelector('.check-section .result');
      const status = document.querySelector('.check-status')?.dataset.checkStatus;
      return status === 'done' && result && result.dataset.resultKey !== key && result.getAttribute('aria-busy') === 'false';
    }, before, { timeout: 60000 });
    assert.equal(await page.evaluate(() => window.__noReload), 'still here', 'no page reload');
    await expectText(page.locator('.campaign-facts, .facts').first(), /\$90,000/);
    notes.push(`${CAMPAIGN} after the edit (lift 80%, spend 90,000): ${await verdictWord()}`);
    // Beside the verdict, what changed since the previous check: the two inputs edited (lift
    // 0.6 -> 0.8, spend 120,000 -> 90,000, as typed above) and the spend among the outcomes.
    const since = page.locator('.since-last-check[data-changed="true"]');
    await since.waitFor();
    const sinceText = (await since.textContent()).replace(/\s+/g, ' ');
    assert.match(sinceText, /spring-40: lift expected 0\.6 \u2192 0\.8/);
    assert.match(sinceText, /spring-40: spend 120000 \u2192 90000/);
    assert.match(sinceText, /marketing spend: \$120,000 \u2192 \$90,000/);
    notes.push(`since the last check: ${sinceText}`);
    await shot('edited-rechecked');
  });

  step('counter-proposals: find them and adopt one (or record that the server has none yet)', async () => {
    const section = page.locator('#counter-proposals');
    await section.locator('[data-recommend]').first().waitFor();
    let adopted = null;
    if (await section.locator('[data-recommend="unavailable"]').count()) {
      // The server has no recommend endpoints yet: say so, then exercise the section against the
      // CLI's counter-proposals for the same workspace, served by a route mock (the adopt request
      // is recorded, not applied).
      notes.push('recommend: the server answered 404 (no .../recommend endpoint yet); the section is exercised with a mock of it');
      await section.scrollIntoViewIfNeeded();
      await shot('counter-proposals-unavailable', false);
      const bundle = await (await page.request.get(`${demo.origin}/api/workspaces/greenleaf/export?format=bundle`)).json();
      const work = mkdtempSync(join(dir, 'recommend-'));
      writeFileSync(join(work, 'scenario.yaml'), bundle.scenario);
      for (const [path, text] of Object.entries(bundle.files ?? {})) {
        mkdirSync(dirname(join(work, path)), { recursive: true });
        writeFileSync(join(work, path), text);
      }
      const run = spawnSync(env.bin, ['recommend', join(work, 'scenario.yaml'), '--json', '--campaign', CAMPAIGN, '--scenarios', SCENARIOS],
        { encoding: 'utf8', timeout: 120000 });
      assert.equal(run.status, 0, run.stderr);
      const result = JSON.parse(run.stdout);
      let requested = false;
      await page.route(`**/campaigns/${CAMPAIGN}/recommend`, (route) => {
        if (route.request().method() === 'POST') {
          requested = true;
          return route.fulfill({ status: 202, contentType: 'application/json', body: JSON.stringify({ job: 0, status: 'queued', key: 'mock-key' }) });
        }
        return route.fulfill({ status: 200, contentType: 'application/json',
          body: JSON.stringify(requested ? { status: 'done', key: 'mock-key', result } : { status: 'none' }) });
      });
      await page.route(`**/campaigns/${CAMPAIGN}/recommend/adopt`, async (route) => {
        adopted = route.request().postDataJSON();
        const process = await route.fetch({ url: `${demo.origin}/api/workspaces/greenleaf/campaigns/${CAMPAIGN}/process`, method: 'GET' });
        return route.fulfill({ response: process });
      });
      await page.reload();
      await page.locator('#counter-proposals [data-recommend]').first().waitFor();
    }
    const find = section.getByRole('button', { name: /Find (counter-proposals|them again)/ });
    if (await find.count()) await find.click();
    // The options of the current campaign (done), not those of an earlier version still shown
    // (superseded) while the new search runs.
    await section.locator('ul.options[data-recommend="done"], [data-recommend="empty"], [data-recommend="failed"]').first().waitFor({ timeout: 180000 });
    assert.equal(await section.locator('[data-recommend="failed"]').count(), 0, 'the search failed');
    // spring-40 loses money (expected net after spend below zero at every step of this walk):
    // the section says where the loss comes from and the break-even (issue 13 item 3). Waiting
    // for it also waits out a search the server queued again after the edit's check.
    const loss = section.locator('[data-loss]');
    await loss.waitFor({ timeout: 180000 });
    await section.locator('ul.options[data-recommend="done"]').waitFor({ timeout: 180000 });
    await shot('counter-proposals', false, section);
    assert.equal(await loss.count(), 1, 'one loss explanation');
    assert.ok(await loss.locator('tr[data-source]').count() >= 3);
    await loss.locator('[data-break-even="discount"]').waitFor();
    notes.push(`why spring-40 loses money: ${(await loss.textContent()).replace(/\s+/g, ' ').trim()}`);
    const adopt = section.locator('li.option-card button.adopt').first();
    if (!(await adopt.count())) {
      notes.push('recommend: no option to adopt');
      return;
    }
    const before = await page.locator('.check-section .result').getAttribute('data-result-key');
    const name = (await adopt.textContent()).trim();
    await adopt.click();
    await section.getByRole('button', { name: /^Yes, adopt/ }).click();
    // One message after the adoption (issue 13 item 6): the section's, not also the page's or a
    // "superseded" one beside it.
    await section.locator('[data-adopted]').waitFor();
    assert.equal(await section.locator('[data-adopted]').count(), 1);
    assert.equal(await page.locator('[data-notice]').count(), 0, 'no second adoption message on the page');
    notes.push(`recommend: ${name}`);
    if (adopted) {
      // Mocked: the request names the option (counting from 1, as \`tandem recommend --apply\`) and the key.
      assert.deepEqual(adopted, { option: 1, key: 'mock-key' });
      notes.push(`recommend (mock): adopt sent ${JSON.stringify(adopted)}`);
      await page.unroute(`**/campaigns/${CAMPAIGN}/recommend`);
      await page.unroute(`**/campaigns/${CAMPAIGN}/recommend/adopt`);
      await shot('counter-proposal-adopted-mock', false, page.locator('.campaign-page'));
      return;
    }
    await page.waitForFunction((key) => {
      const result = document.querySelector('.check-section .result');
      return document.querySelector('.check-status')?.dataset.checkStatus === 'done' && result &&
        result.dataset.resultKey !== key && result.getAttribute('aria-busy') === 'false';
    }, before, { timeout: 60000 });
    notes.push(`${CAMPAIGN} after adopting: ${await verdictWord()}`);
    assert.equal(await section.locator('[data-recommend="superseded"]').count(), 0, 'no "superseded" beside the adoption');
    assert.ok(await section.locator('[data-adopted]').count() <= 1, 'at most one adoption message');
    notes.push(`after adopting, the section says: ${(await section.locator('[data-adopted], [data-recommend]').first().textContent()).trim()}`);
    await shot('counter-proposal-adopted');
  });

  // Issue 13: a function refuses or asks for changes, with a reason the owner sees and answers.
  const signOff = async (user) => {
    const fn = FUNCTIONS[user];
    // A change since groundwork may have withdrawn this function's confirmation: confirm again.
    const confirm = page.getByRole('button', { name: `Confirm for ${fn}` });
    if (await confirm.count()) {
      await confirm.click();
      await page.locator('.action-status').filter({ hasText: `Confirmed for ${fn}` }).waitFor();
    }
    await page.getByRole('button', { name: `Sign off for ${fn}` }).click();
    await page.locator('.action-status').filter({ hasText: `Signed off for ${fn}` }).waitFor();
  };
  const objections = {
    oscar: { button: 'Request changes', kind: 'changes-requested', reason: 'Book 20 extra contacts an hour for week 15 first.' },
    fiona: { button: 'Refuse to sign off', kind: 'refused', reason: 'The Q2 budget line has no room for this spend.' },
  };

  step('operations asks for changes and finance refuses, each with a reason; a short reason is not one', async () => {
    for (const user of ['oscar', 'fiona']) {
      const fn = FUNCTIONS[user];
      const { button, kind, reason } = objections[user];
      await logIn(user);
      await openCampaign(CAMPAIGN);
      await checkDone();
      const row = page.locator(`table.functions tr[data-function="${fn === 'Operations' ? 'operations' : 'finance'}"]`);
      const refuse = row.getByRole('button', { name: button });
      assert.equal(await refuse.isDisabled(), true, 'no refusal without a reason');
      await row.getByRole('textbox').fill('no money');  // 8 characters: not a reason
      assert.equal(await refuse.isDisabled(), true, 'a reason has at least 10 characters');
      await row.getByRole('textbox').fill(reason);
      await refuse.click();
      await page.locator(`table.functions tr[data-objection="${kind}"]`).waitFor();
      await expectText(row, new RegExp(reason.replace(/[.]/g, '\\.')));
      if (user === 'fiona') await shot('signoff-refused');
    }
  });

  step('the campaign owner sees both reasons, cannot approve, and answers each', async () => {
    await logIn('maria');
    await openCampaign(CAMPAIGN);
    await checkDone();
    const panel = page.locator('.answer-panel');
    await panel.waitFor();
    for (const user of ['oscar', 'fiona']) {
      const fn = user === 'oscar' ? 'operations' : 'finance';
      const answer = panel.locator(`.answer[data-function="${fn}"]`);
      await expectText(answer, new RegExp(objections[user].reason.replace(/[.]/g, '\\.')));
      const send = answer.getByRole('button', { name: `Answer ${FUNCTIONS[user]}` });
      assert.equal(await send.isDisabled(), true, 'no empty answer');
      await answer.getByRole('textbox').fill(user === 'oscar' ? 'Booked: 20 extra contacts an hour in week 15.' : 'Spend moved to the Q3 marketing line, agreed with the CFO.');
      if (user === 'fiona') await shot('answer-objection');
      await send.click();
      await page.locator('.action-status').filter({ hasText: `Answered ${FUNCTIONS[user]}` }).waitFor();
      await page.locator(`table.functions tr[data-function="${fn}"] [data-answer]`).waitFor();
    }
    // The approval panel says why not, in the server's words.
    const approve = page.locator('.approve-panel');
    await approve.waitFor();
    await shot('answered');
  });

  step('each of the four functions signs off on the current check (settling its own objection)', async () => {
    for (const user of ['maria', 'oscar', 'fiona', 'sam']) {
      await logIn(user);
      await openCampaign(CAMPAIGN);
      await checkDone();
      await signOff(user);
      if (user === 'sam') await shot('all-signed-off');
    }
    const audit = page.locator('table.audit');
    await audit.locator('tr[data-action="refuse-signoff"]').first().waitFor();
    await audit.locator('tr[data-action="request-changes"]').first().waitFor();
    assert.equal(await audit.locator('tr[data-action="answer"]').count(), 2, 'two answers in the audit');
  });

  step('approval: marketing a go verdict; any other only finance, with an override and its reason', async () => {
    await logIn('maria');
    await openCampaign(CAMPAIGN);
    await checkDone();
    let panel = page.locator('.approve-panel');
    await panel.waitFor();
    const needsOverride = (await panel.getAttribute('data-needs-override')) === 'true';
    if (needsOverride) {
      // The campaign's owner cannot override its own verdict: no button, and who can, in words.
      assert.equal(await panel.getByRole('button').count(), 0, 'the owner has no approve button on a non-go verdict');
      await expectText(panel, /finance or an admin/);
      await shot('approve-owner-cannot-override');
      await logIn('fiona');
      await openCampaign(CAMPAIGN);
      await checkDone();
      panel = page.locator('.approve-panel');
      const button = panel.getByRole('button', { name: /Approve with override/ });
      assert.equal(await button.isDisabled(), true, 'no approval without a reason');
      await panel.getByLabel(/Reason for the override/).fill('Accepted by the planning board: extra temp staff from April.');
      await shot('approve-override');
      await button.click();
    } else {
      await panel.getByRole('button', { name: 'Approve the campaign' }).click();
    }
    await page.locator('.process-panel[data-state="approved"]').waitFor();
    await page.locator('[data-approved]').waitFor();
    if (needsOverride) await expectText(page.locator('[data-approved]'), /Override by fiona \(Finance\)/);
    await page.locator('table.audit tr[data-action="approve"]').waitFor();
    await expectText(page.locator('table.audit'), /approved the campaign \(with an override\)|approved the campaign/);
    await shot('approved');
    await nav('Campaign board');
    await page.locator(`.column[data-state="approved"] .card[data-campaign="${CAMPAIGN}"]`).waitFor();
    await shot('board-approved');
  });

  step('a capacity change after approval: operations sees what it does, the campaign returns to transfer', async () => {
    await logIn('oscar');
    await nav('Operations');
    const card = page.locator('.entity-card[data-resource="support"]');
    await card.getByRole('button', { name: 'Edit support' }).click();
    await card.getByLabel('Capacity per open hour').fill('60');
    // Before saving, the impact preview re-checks the approved campaign with the edit (nothing
    // stored): one line for spring-40, the only approved campaign.
    await card.getByRole('button', { name: 'Preview the impact' }).click();
    const impact = card.locator('[data-impact-campaign]');
    await impact.first().waitFor({ timeout: 60000 });
    assert.equal(await impact.count(), 1);
    assert.equal(await impact.first().getAttribute('data-impact-campaign'), CAMPAIGN);
    notes.push(`impact preview of support 35 -> 60: ${(await card.locator('[data-impact]').textContent()).trim()}`);
    await card.getByRole('button', { name: 'Save support' }).click();
    const saved = page.locator('[data-saved="support"]');
    await saved.waitFor();
    const text = await saved.textContent();
    notes.push(`support 35 -> 60 per hour after approval: ${text.trim()}`);
    assert.match(text, /40% off landscaping supplies/);
    assert.match(text, /sign-off of [A-Za-z ]+ was withdrawn/);
    assert.match(text, /moved from Approved back to Transfer/);
    await shot('operations-change-after-approval');
    await openCampaign(CAMPAIGN);
    await page.locator('.process-panel[data-state="transfer"]').waitFor();
  });

  step('capacity calendar and alerts', async () => {
    await nav('Capacity calendar');
    await page.locator('.timeline').waitFor();
    await page.getByRole('button', { name: /Q2 2027/ }).click();
    await page.locator('figure[data-chart="calendar"]').waitFor();
    assert.ok(await page.locator(`.timeline-row[data-campaign="${CAMPAIGN}"]`).count() === 1);
    await shot('calendar');
    await logIn('oscar');
    await nav(/^Alerts/);
    await page.getByRole('heading', { name: 'Alerts for Operations' }).waitFor();
    await page.locator('ul.alerts, .alerts-page p.empty').first().waitFor();
    const alerts = await page.locator('li.alert').count();
    notes.push(`alerts for operations: ${alerts}: ${(await page.locator('li.alert p').allTextContents()).join(' | ')}`);
    await shot('alerts-operations');
    if (alerts) {
      await page.locator('li.alert a').first().click();
      await page.locator('.campaign-page').waitFor();
    }
  });

  step('a session that ends sends the user back to the login page, saying why', async () => {
    // Allowed before the cookies go: the page's polling may get its 401 before this step's next
    // line runs.
    expectError('GET', /^\/api\//, 401);
    await page.context().clearCookies();
    // The next request answers 401: going to the board, or the page's own polling if it comes first.
    await page.evaluate(() => { location.hash = '#/board'; });
    await page.getByRole('heading', { name: 'Log in' }).waitFor();
    await expectText(page.locator('.login .notice'), /session has ended/);
    await shot('session-ended', false);
  });

  test('no unexpected error along the way', () => {
    assert.deepEqual(problems, []);
  });
});
