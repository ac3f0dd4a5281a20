// The HTML report in headless Chromium, opened from file:// with every other request refused:
// it draws, its charts show the data (canvas and PNG pixels), its tables say what the JSON
// says, its verdicts are in words and colour, and it can be used from the keyboard.
//
// One scenario per run: TANDEM_SCENARIO (cmake/targets/web.cmake runs it on both examples and
// test/web/fixtures/edge-cases.yaml). Screenshots go to TANDEM_ARTEFACTS.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import {
  artefactDir, countPixels, decodePng, env, hexToRgb, launch, near, notWhite, openOffline, overWhite, parseRgba,
} from './lib/browser.mjs';
import { COLORS } from '../../web/src/lib/theme.js';

const scenario = process.env.TANDEM_SCENARIO ?? join(env.source, 'examples/greenleaf.yaml');
const name = basename(scenario).replace(/\.ya?ml$/, '');

function run(args) {
  const result = spawnSync(env.bin, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (result.error) throw result.error;
  return result;
}

// "75.9%" -> [0.7585, 0.7595]: the interval of shares that display so; "<0.1%", ">99.9%",
// "0%" and "100%" as the formatter defines them.
function shareInterval(text) {
  const t = text.trim();
  if (t === '0%') return [0, 0];
  if (t === '100%') return [1, 1];
  let m = /^<([\d.]+)%$/.exec(t);
  if (m) return [0, Number(m[1]) / 100];
  m = /^>([\d.]+)%$/.exec(t);
  if (m) return [Number(m[1]) / 100, 1];
  m = /^(-?[\d.,]+)%$/.exec(t);
  assert.ok(m, `not a share: "${text}"`);
  const digits = (m[1].split('.')[1] ?? '').length;
  const value = Number(m[1].replace(/,/g, '')) / 100;
  const half = 0.5 * 10 ** -(digits + 2);
  return [value - half - 1e-12, value + half + 1e-12];
}

function assertShare(text, value, what) {
  const [lo, hi] = shareInterval(text);
  assert.ok(value >= lo && value <= hi, `${what}: shows "${text}" for ${value}`);
}

// "−$253,294" / "1,234 points" / "$7.78" -> number (and its last shown decimal place).
function money(text) {
  const t = text.replace(/\u2212/g, '-').replace(/[^\d.,-]/g, '').replace(/,/g, '');
  assert.ok(t.length, `not money: "${text}"`);
  return { value: Number(t), step: 10 ** -((t.split('.')[1] ?? '').length) };
}

function assertMoney(text, value, what) {
  const shown = money(text);
  assert.ok(Math.abs(shown.value - value) <= shown.step / 2 + 1e-9, `${what}: shows "${text}" for ${value}`);
}

const VERDICT_WORDS = { go: 'Go', 'at-risk': 'At risk', 'no-go': 'No-go' };
const STATUS_WORDS = { kept: 'Kept', 'at-risk': 'At risk', broken: 'Broken', ok: 'OK', overloaded: 'Overloaded' };
// The tints of the overall verdict box (styles/base.css), by tone.
const VERDICT_BACKGROUNDS = { go: 'rgb(218, 251, 225)', 'at-risk': 'rgb(255, 241, 194)', 'no-go': 'rgb(255, 227, 224)' };

describe(`tandem report ${name}`, () => {
  let check;
  let html;
  let browser;
  let page;
  let outside;
  let errors;
  let png;

  before(async () => {
    html = join(artefactDir(), `${name}.html`);
    const report = run(['report', scenario, '-o', html]);
    assert.equal(report.status, 0, `tandem report failed: ${report.stderr}`);
    const checked = run(['check', scenario, '--json', '--series']);
    assert.ok([0, 1, 2].includes(checked.status), `tandem check failed: ${checked.stderr}`);
    check = JSON.parse(checked.stdout);
    browser = await launch();
    ({ page, outside, errors } = await openOffline(browser.context, html));
    const shot = await page.screenshot({ fullPage: true });
    writeFileSync(join(artefactDir(), `${name}-full.png`), shot);
    png = decodePng(shot);
    await page.screenshot({ path: join(artefactDir(), `${name}-top.png`) });
  });

  after(async () => {
    await browser?.close();
  });

  test('opens from file:// with no network request and no script error', async () => {
    assert.deepEqual(outside, [], 'requests beyond file://');
    assert.deepEqual(errors, [], 'console errors');
    assert.equal(await page.evaluate(() => document.documentElement.dataset.ready), 'true');
    // Text from the scenario is shown as text, never run (the edge-case fixture tries).
    assert.equal(await page.evaluate(() => window.injected), undefined);
    assert.equal(await page.locator('#report-title').textContent(), check.name);
  });

  test('embeds the same result as tandem check --json --series', async () => {
    const data = await page.evaluate(() => JSON.parse(document.getElementById('tandem-data').textContent));
    assert.deepStrictEqual(data.check, check);
  });

  test('the overall verdict is in words and in colour', async () => {
    const overall = page.locator('.overall');
    assert.equal(await overall.getAttribute('data-verdict'), check.verdict);
    assert.match(await overall.textContent(), new RegExp(`Overall verdict:\\s*\\S\\s*${VERDICT_WORDS[check.verdict]}`));
    assert.equal(await overall.evaluate((e) => getComputedStyle(e).backgroundColor), VERDICT_BACKGROUNDS[check.verdict]);
    // Every badge on the page has its word.
    const words = await page.locator('.badge .badge-word').allTextContents();
    assert.ok(words.length >= check.campaigns.length + 1);
    for (const word of words) assert.ok(word.trim().length > 1, 'a badge without its word');
  });

  test('each campaign: verdict, reasons and the promise table equal the JSON', async () => {
    for (const campaign of check.campaigns) {
      const section = page.locator(`section[data-campaign="${campaign.id}"]`);
      assert.equal(await section.count(), 1, campaign.id);
      assert.equal(await section.locator('.campaign-verdict .badge').getAttribute('data-verdict'), campaign.verdict);
      assert.equal(await section.locator('.campaign-verdict .badge-word').textContent(), VERDICT_WORDS[campaign.verdict]);
      assert.deepEqual(await section.locator('.reasons li').allTextContents(), campaign.reasons);
      const rows = section.locator('table.promises tbody.promise');
      assert.equal(await rows.count(), campaign.promises.length);
      for (const promise of campaign.promises) {
        const row = section.locator(`table.promises tbody.promise[data-index="${promise.index}"]`);
        const what = `${campaign.id} promise ${promise.index}`;
        assert.ok((await row.locator('.promise-text').textContent()).endsWith(promise.text), what);
        assert.equal((await row.locator('[data-field=status] .badge-word').textContent()).trim(), STATUS_WORDS[promise.status], what);
        assertShare((await row.locator('[data-field=p_kept]').textContent()).replace('of scenarios', ''), promise.p_kept, `${what} p_kept`);
        if (promise.type === 'claim') {
          assert.match(await row.locator('[data-field=achieved]').textContent(), promise.achieved.p50 >= 1 ? /^declared/ : /^not declared/);
        } else {
          for (const p of ['p5', 'p50', 'p95']) {
            assertShare(await row.locator(`[data-field=achieved-${p}]`).textContent(), promise.achieved[p], `${what} achieved ${p}`);
          }
          assertShare(await row.locator('[data-field=target]').textContent(), promise.target, `${what} target`);
        }
        const binding = (await row.locator('[data-field=binding]').textContent()).trim();
        assert.equal(binding, promise.binding.length ? promise.binding.join(', ') : 'none', what);
        assert.equal(await row.locator('[data-field=explanation]').textContent(), promise.explanation, what);
      }
    }
  });

  test('each campaign: economics and unit contributions equal the JSON', async () => {
    const currency = check.currency;
    for (const campaign of check.campaigns) {
      const e = campaign.economics;
      const section = page.locator(`section[data-campaign="${campaign.id}"] .economics`);
      const value = (field) => section.locator(`[data-field="${field}-value"]`).textContent();
      assertMoney(await value('revenue'), e.revenue.p50, `${campaign.id} revenue`);
      assertMoney(await value('incremental_contribution'), e.incremental_contribution.p50, `${campaign.id} contribution`);
      const range = await section.locator('[data-field="incremental_contribution-range"]').textContent();
      const [p5, p95] = range.replace(/^[^:]*:/, '').split(' to ');
      assertMoney(p5, e.incremental_contribution.p5, `${campaign.id} contribution p5`);
      assertMoney(p95, e.incremental_contribution.p95, `${campaign.id} contribution p95`);
      assertMoney(await value('spend'), e.spend, `${campaign.id} spend`);
      assertShare(await value('p_loss'), e.p_loss, `${campaign.id} p_loss`);
      const roi = await value('roi');
      if (e.spend > 0) assertMoney(roi.replace('%', ''), e.roi.p50 * 100, `${campaign.id} ROI (%)`);
      else assert.equal(roi, '\u2014', 'no spend, no ROI');
      if (e.cac_with_fulfilment != null) assertMoney(await value('cac_with_fulfilment'), e.cac_with_fulfilment, `${campaign.id} CAC`);
      for (const offering of e.offerings) {
        const row = section.locator(`tr[data-offering="${offering.id}"]`);
        assertMoney(await row.locator('[data-field=unit_contribution]').textContent(), offering.unit_contribution, offering.id);
        assertMoney(await row.locator('[data-field=unit_contribution_after_returns]').textContent(),
          offering.unit_contribution_after_returns, `${offering.id} after returns`);
      }
      if (!/^[A-Z]{3}$/.test(currency)) assert.match(await value('revenue'), new RegExp(`${currency}$`));
    }
  });

  test('each campaign: every implicit check is listed with its status in words', async () => {
    for (const campaign of check.campaigns) {
      const rows = page.locator(`section[data-campaign="${campaign.id}"] table.checks tbody tr`);
      assert.equal(await rows.count(), campaign.checks.length, campaign.id);
      for (let i = 0; i < campaign.checks.length; i += 1) {
        const c = campaign.checks[i];
        const row = rows.nth(i);
        assert.equal(await row.getAttribute('data-type'), c.type);
        assert.equal((await row.locator('.badge-word').textContent()).trim(), STATUS_WORDS[c.status] ?? c.status);
        if (c.type === 'throughput') {
          const text = await row.locator('td').nth(1).textContent();
          assert.ok(text.includes(`Peak backlog ${Math.round(c.peak_backlog.p50).toLocaleString('en-US')} ${c.unit}`), text);
        }
      }
    }
  });

  test('standing promises and planned supply shortfalls are listed', async () => {
    const standing = page.locator('#standing tbody.promise');
    assert.equal(await standing.count(), check.messaging.length);
    for (let i = 0; i < check.messaging.length; i += 1) {
      const promise = check.messaging[i];
      assert.equal((await standing.nth(i).locator('[data-field=status] .badge-word').textContent()).trim(), STATUS_WORDS[promise.status]);
      assertShare((await standing.nth(i).locator('[data-field=p_kept]').textContent()).replace('of scenarios', ''), promise.p_kept, 'standing p_kept');
    }
    const supply = page.locator('#supply tbody tr');
    assert.equal(await supply.count(), check.supply.length);
    for (let i = 0; i < check.supply.length; i += 1) {
      const units = await supply.nth(i).locator('td').first().textContent();
      assert.equal(units, Math.round(check.supply[i].shortfall_units).toLocaleString('en-US'));
    }
  });

  // The charts the JSON calls for, counted independently of the components.
  const expectedCharts = () => {
    const throughput = check.campaigns.flatMap((c) => c.checks.filter((k) => k.type === 'throughput' && k.days?.length)
      .map((k) => ({ campaign: c.id, check: k,
        selector: `section[data-campaign="${c.id}"] figure[data-chart=demand][data-resource="${k.resource}"]` })));
    const timed = [
      ...check.campaigns.flatMap((c) => c.promises.map((p) => ({ ...p, section: `section[data-campaign="${c.id}"]` }))),
      ...check.messaging.map((p) => ({ ...p, section: '#standing' })),
    ].filter((p) => p.lead_times?.share?.length)
      .map((p) => ({ ...p, selector: `${p.section} figure[data-chart=leadtime][data-promise="${p.index}"]` }));
    return { throughput, timed };
  };

  test('every chart the data calls for is there, labelled, with drawn canvas', async () => {
    const { throughput, timed } = expectedCharts();
    assert.equal(await page.locator('figure[data-chart=demand]').count(), throughput.length);
    assert.equal(await page.locator('figure[data-chart=leadtime]').count(), timed.length);
    assert.equal(await page.locator('figure[data-chart=calendar]').count(), check.resources.length ? 1 : 0);
    const charts = page.locator('.tandem-uplot');
    assert.equal(await charts.count(), throughput.length * 2 + timed.length);
    for (let i = 0; i < (await charts.count()); i += 1) {
      const chart = charts.nth(i);
      assert.equal(await chart.getAttribute('role'), 'img');
      assert.ok((await chart.getAttribute('aria-label')).length > 20, 'an accessible description');
      // Painted pixels on the chart's canvas (axes, grid, series): far more than an empty canvas.
      const painted = await chart.evaluate((el) => {
        const canvas = el.querySelector('canvas');
        const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        let n = 0;
        for (let k = 3; k < data.length; k += 4) if (data[k] > 0) n += 1;
        return { n, size: canvas.width * canvas.height };
      });
      assert.ok(painted.size > 100 * 100, 'a real canvas');
      assert.ok(painted.n > painted.size * 0.02, `chart ${i}: only ${painted.n} painted pixels`);
    }
    for (const figure of await page.locator('figure.chart').all()) {
      assert.ok((await figure.locator('figcaption h4').textContent()).length > 5);
    }
  });

  // Plot areas (uPlot's .u-over overlays it exactly) in page coordinates.
  async function plotBox(locator) {
    const box = await locator.locator('.u-over').boundingBox();
    const scroll = await page.evaluate(() => ({ x: scrollX, y: scrollY }));
    return { x: box.x + scroll.x, y: box.y + scroll.y, width: box.width, height: box.height };
  }

  test('in the PNG, each demand chart shows capacity, the campaign line and its band, and the backlog', async () => {
    const { throughput } = expectedCharts();
    const campaign = near(hexToRgb(COLORS.campaign), 30);
    const capacity = near(hexToRgb(COLORS.capacity), 40);
    const backlog = near(hexToRgb(COLORS.backlog), 30);
    // The band's colour over white, and over the shaded campaign window.
    const [bandRgb, bandAlpha] = parseRgba(COLORS.campaignBand);
    const [windowRgb, windowAlpha] = parseRgba(COLORS.window);
    const windowBg = overWhite(windowRgb, windowAlpha);
    const bandOverWindow = windowBg.map((c, k) => Math.round(c * (1 - bandAlpha) + bandRgb[k] * bandAlpha));
    const band = (r, g, b) => near(overWhite(bandRgb, bandAlpha), 8)(r, g, b) || near(bandOverWindow, 8)(r, g, b);
    for (let i = 0; i < throughput.length; i += 1) {
      const { check: k } = throughput[i];
      const figure = page.locator(throughput[i].selector);
      assert.equal(await figure.count(), 1, throughput[i].selector);
      const what = `${throughput[i].campaign}/${k.resource}`;
      const arrivals = await plotBox(figure.locator('.chart-arrivals'));
      assert.ok(countPixels(png, arrivals, notWhite) > 500, `${what}: arrivals plot is blank`);
      assert.ok(countPixels(png, arrivals, campaign) > 30, `${what}: no campaign line`);
      if (k.days.some((d) => d.capacity > 0)) assert.ok(countPixels(png, arrivals, capacity) > 30, `${what}: no capacity line`);
      // The band: expected where p95 - p5 spans at least 3% of the plot's height on some day.
      const top = Math.max(...k.days.map((d) => Math.max(d.capacity, d.arrivals.p95, d.arrivals_without))) * 1.08;
      const wide = k.days.filter((d) => (d.arrivals.p95 - d.arrivals.p5) / top > 0.03).length;
      if (wide >= 3) assert.ok(countPixels(png, arrivals, band) > 20, `${what}: no uncertainty band (${wide} wide days)`);
      const backlogBox = await plotBox(figure.locator('.chart-backlog'));
      assert.ok(countPixels(png, backlogBox, notWhite) > 500, `${what}: backlog plot is blank`);
      if (k.days.some((d) => d.backlog.p50 > 0)) assert.ok(countPixels(png, backlogBox, backlog) > 30, `${what}: no backlog line`);
    }
  });

  test('in the PNG, each lead-time histogram splits at the bound as the data does', async () => {
    const { timed } = expectedCharts();
    const within = near(hexToRgb(COLORS.within), 6);
    const beyond = near(hexToRgb(COLORS.beyond), 6);
    for (let i = 0; i < timed.length; i += 1) {
      const lt = timed[i].lead_times;
      const figure = page.locator(timed[i].selector);
      assert.equal(await figure.count(), 1, timed[i].selector);
      const box = await plotBox(figure);
      const blue = countPixels(png, box, within);
      const orange = countPixels(png, box, beyond);
      // Bars are equally wide and as tall as their share: their areas split like the shares.
      // Bins are within when they end at the bound (bin width snapped as the chart does).
      const k = Math.round(lt.bound_hours / lt.bin_hours);
      const binsWithin = Math.abs(k * lt.bin_hours - lt.bound_hours) <= k * 0.00005 + 1e-9 ? k : Math.floor(lt.bound_hours / lt.bin_hours);
      const inShare = lt.share.slice(0, binsWithin).reduce((a, b) => a + b, 0);
      const outShare = lt.share.slice(binsWithin).reduce((a, b) => a + b, 0) + lt.beyond;
      const what = `lead times of "${timed[i].text}"`;
      if (inShare > 0.02) assert.ok(blue > 50, `${what}: ${inShare} within the bound but no blue bars`);
      if (inShare === 0) assert.equal(blue, 0, `${what}: blue bars with nothing within the bound`);
      if (outShare > 0.02) assert.ok(orange > 50, `${what}: ${outShare} after the bound but no orange bars`);
      if (outShare === 0) assert.ok(orange < 20, `${what}: orange bars with nothing after the bound`);
      if (blue + orange > 500 && inShare + outShare > 0.5) {
        const drawn = blue / (blue + orange);
        const expected = inShare / (inShare + outShare);
        if (process.env.TANDEM_TEST_VERBOSE) console.log(`${what}: drawn ${drawn.toFixed(4)} expected ${expected.toFixed(4)}`);
        assert.ok(Math.abs(drawn - expected) < 0.06, `${what}: blue share of bar area ${drawn.toFixed(3)} vs ${expected.toFixed(3)}`);
      }
      // The caption's share within the bound is the data's.
      const shown = await figure.locator('.within-share').getAttribute('data-value');
      assert.ok(Math.abs(Number(shown) - inShare) < 1e-9, `${what}: caption ${shown} vs ${inShare}`);
    }
  });

  test('the utilisation calendar has a cell per resource and day, classed by (carried backlog + arrivals) over capacity', async () => {
    if (!check.resources.length) return;
    const figure = page.locator('figure[data-chart=calendar]');
    // The day's work: the backlog waiting when it starts (the engine's series) and its arrivals.
    const load = (r, d) => (r.backlog[d] + r.arrivals[d]) / r.capacity[d];
    for (const resource of check.resources) {
      assert.equal(resource.backlog.length, resource.capacity.length, `${resource.id}: a backlog per day`);
      const cells = await figure.locator(`g.resource-row[data-resource="${resource.id}"] rect.cell`).evaluateAll(
        (rects) => rects.map((r) => r.getAttribute('data-class')));
      assert.equal(cells.length, resource.capacity.length, resource.id);
      resource.capacity.forEach((capacity, d) => {
        const ratio = load(resource, d);
        const expected = capacity <= 0 ? 'closed' : ratio < 0.7 ? 'low' : ratio < 0.9 ? 'mid' : ratio <= 1 ? 'high' : ratio <= 1.5 ? 'over' : 'far';
        assert.equal(cells[d], expected, `${resource.id} day ${d}`);
      });
      const over = resource.capacity.filter((c, d) => c > 0 && load(resource, d) > 1).length;
      assert.equal(await figure.locator(`.calendar-summary li[data-resource="${resource.id}"] .over-days`).textContent(), String(over));
    }
    // In the PNG, the over-capacity colour shows when some day is over capacity.
    const anyOver = check.resources.some((r) => r.capacity.some((c, d) => c > 0 && load(r, d) > 1 && load(r, d) <= 1.5));
    const box = await figure.locator('svg.calendar').boundingBox();
    const scrollY = await page.evaluate(() => scrollY);
    const overPixels = countPixels(png, { ...box, y: box.y + scrollY }, near(hexToRgb('#e6550d'), 6));
    if (anyOver) assert.ok(overPixels > 20, 'no over-capacity cells drawn');
    else assert.equal(overPixels, 0);
    // Campaign windows sit over the calendar.
    assert.equal(await figure.locator('g.campaign-window rect.window-bar').count(), check.campaigns.length);
  });

  test('keyboard: skip link, contents, campaign sections and data tables are reachable', async () => {
    await page.evaluate(() => {
      window.scrollTo(0, 0);
      document.activeElement?.blur();
    });
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Skip to contents');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => location.hash), '#contents');
    // The next tab stops are the contents' links, campaigns first.
    for (const campaign of check.campaigns) {
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => document.activeElement.getAttribute('href')), `#campaign-${campaign.id}`);
    }
    await page.keyboard.press('Enter');
    const last = check.campaigns[check.campaigns.length - 1];
    assert.equal(await page.evaluate(() => location.hash), `#campaign-${last.id}`);
    // Every chart's data table opens from the keyboard.
    const summaries = page.locator('details.chart-data > summary');
    const count = await summaries.count();
    assert.equal(count, await page.locator('figure[data-chart=demand], figure[data-chart=leadtime]').count());
    if (count) {
      await summaries.first().focus();
      await page.keyboard.press('Enter');
      assert.equal(await page.locator('details.chart-data').first().evaluate((d) => d.open), true);
      assert.ok((await page.locator('details.chart-data').first().locator('tbody tr').count()) > 1);
    }
  });
});
