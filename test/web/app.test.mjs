// The web UI build's check-result viewer (web/index.html built by Vite into the build
// directory, opened with ?result=URL or #/viewer, no API needed): served on loopback, it loads
// only its own files, shows a check result fetched from the same origin with the same
// components as the report, and its charts are interactive (a live legend under the pointer).
// The app on the API is tested end to end by app_e2e.test.mjs.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { readFileSync, existsSync, writeFileSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { artefactDir, env, launch } from './lib/browser.mjs';

const appDir = join(process.env.TANDEM_WEB_BUILD ?? '', 'app');
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json' };

describe('web UI build', () => {
  let server;
  let origin;
  let browser;
  let check;

  before(async () => {
    assert.ok(existsSync(join(appDir, 'index.html')), `no web UI build in ${appDir}`);
    const scenario = join(env.source, 'examples/support-launch.yaml');
    const result = spawnSync(env.bin, ['check', scenario, '--json', '--series', '--scenarios', '100'], { encoding: 'utf8' });
    assert.ok([0, 1, 2].includes(result.status), result.stderr);
    check = JSON.parse(result.stdout);
    server = createServer((request, response) => {
      const path = new URL(request.url, 'http://x').pathname;
      if (path === '/check.json') {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(result.stdout);
        return;
      }
      const file = normalize(join(appDir, path === '/' ? 'index.html' : path));
      if (!file.startsWith(appDir) || !existsSync(file)) {
        response.writeHead(404);
        response.end();
        return;
      }
      response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      response.end(readFileSync(file));
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${server.address().port}`;
    browser = await launch({ offline: false });
  });

  after(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  test('shows a check result with its charts, loading nothing from elsewhere', async () => {
    const page = await browser.context.newPage();
    const requests = [];
    const errors = [];
    page.on('request', (r) => requests.push(r.url()));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('response', (r) => r.status() >= 400 && errors.push(`${r.status()} ${r.url()}`));
    await page.goto(`${origin}/?result=/check.json`);
    await page.waitForFunction(() => document.documentElement.dataset.ready === 'true', null, { timeout: 30000 });
    assert.deepEqual(errors, []);
    assert.deepEqual(requests.filter((url) => !url.startsWith(origin)), []);
    assert.equal(await page.locator('#report-title').textContent(), check.name);
    assert.equal(await page.locator('section.campaign').count(), check.campaigns.length);
    const demand = page.locator('figure[data-chart=demand]').first();
    // Interactive: uPlot's live legend shows the value under the pointer.
    const legend = demand.locator('.chart-arrivals .u-legend');
    assert.equal(await legend.count(), 1);
    await demand.locator('.chart-arrivals').scrollIntoViewIfNeeded();
    const box = await demand.locator('.chart-arrivals .u-over').boundingBox();
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
    const values = await legend.locator('.u-value').allTextContents();
    assert.ok(values.some((v) => /\d/.test(v)), `legend values under the pointer: ${values}`);
    await page.screenshot({ path: join(artefactDir(), 'web-ui-viewer.png') });
    writeFileSync(join(artefactDir(), 'web-ui-viewer-legend.txt'), values.join('\n'));
  });

  test('the viewer (#/viewer, no server needed) offers to open a result file', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${origin}/#/viewer`);
    const input = page.getByLabel('Check result (JSON)');
    assert.equal(await input.count(), 1);
    await input.setInputFiles({ name: 'check.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(check)) });
    await page.waitForFunction(() => document.documentElement.dataset.ready === 'true', null, { timeout: 30000 });
    assert.equal(await page.locator('section.campaign').count(), check.campaigns.length);
  });
});
