// Helpers of the browser tests: Debian's Chromium driven by playwright-core (no browser
// download), a report opened from file:// with every non-file request refused and recorded,
// PNG decoding and pixel counting.
//
// Environment (set by cmake/targets/web.cmake): TANDEM_BIN, TANDEM_SOURCE_DIR, TANDEM_WEB_DIR
// (where node_modules is), TANDEM_ARTEFACTS (screenshots), TANDEM_CHROMIUM.
import { createRequire } from 'node:module';
import { mkdtempSync, mkdirSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const env = {
  bin: process.env.TANDEM_BIN,
  source: process.env.TANDEM_SOURCE_DIR,
  web: process.env.TANDEM_WEB_DIR,
  artefacts: process.env.TANDEM_ARTEFACTS ?? join(tmpdir(), 'tandem-web-artefacts'),
  chromium: process.env.TANDEM_CHROMIUM ?? '/usr/bin/chromium',
};

// Packages come from web/node_modules (installed by the web build), not from test/.
const requireFromWeb = createRequire(join(env.web ?? '.', 'package.json'));
export const { chromium } = requireFromWeb('playwright-core');
export const { PNG } = requireFromWeb('pngjs');

// The flags DEVELOPERS.md lists: no sandbox (root), no GPU, and no background network traffic
// (this machine's network is closed; Chromium would otherwise retry connections).
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];

export function artefactDir() {
  mkdirSync(env.artefacts, { recursive: true });
  return env.artefacts;
}

// A browser with a fresh, empty profile (--user-data-dir) that is removed on close; offline
// (network emulation off) unless a test serves pages on loopback.
export async function launch({ offline = true } = {}) {
  if (!existsSync(env.chromium)) {
    throw new Error(`${env.chromium} is missing: install Debian's chromium (make deps does)`);
  }
  const profile = mkdtempSync(join(tmpdir(), 'tandem-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: env.chromium,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width: 1200, height: 900 },
    deviceScaleFactor: 1,
    offline,
    timeout: 60000,
  });
  const close = async () => {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  };
  return { context, close };
}

// Opens an HTML file from file:// with any other request refused; returns the page, the
// requests it tried to make beyond file: and data: URLs, and its console errors.
export async function openOffline(context, file) {
  const page = await context.newPage();
  const outside = [];
  const errors = [];
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:') || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
    outside.push(url);
    return route.abort();
  });
  page.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith('file:') && !url.startsWith('data:') && !url.startsWith('blob:') && !outside.includes(url)) outside.push(url);
  });
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(String(error)));
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  await page.waitForFunction(() => document.documentElement.dataset.ready, null, { timeout: 30000 });
  return { page, outside, errors };
}

export function decodePng(buffer) {
  return PNG.sync.read(buffer);
}

// Pixels of a decoded PNG inside a box (CSS px at device scale 1), tested by `predicate(r,g,b)`.
export function countPixels(png, box, predicate) {
  const x0 = Math.max(0, Math.floor(box.x));
  const y0 = Math.max(0, Math.floor(box.y));
  const x1 = Math.min(png.width, Math.ceil(box.x + box.width));
  const y1 = Math.min(png.height, Math.ceil(box.y + box.height));
  let count = 0;
  for (let y = y0; y < y1; y += 1) {
    for (let x = x0; x < x1; x += 1) {
      const i = (y * png.width + x) * 4;
      if (predicate(png.data[i], png.data[i + 1], png.data[i + 2])) count += 1;
    }
  }
  return count;
}

export function hexToRgb(hex) {
  const n = parseInt(hex.replace('#', ''), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

// "rgba(0, 114, 178, 0.18)" -> [[0, 114, 178], 0.18]
export function parseRgba(text) {
  const m = /rgba?\(([^)]+)\)/.exec(text);
  const parts = m[1].split(',').map((p) => Number(p.trim()));
  return [parts.slice(0, 3), parts[3] ?? 1];
}

// A colour near `rgb` (anti-aliased edges excluded by a tight tolerance).
export function near(rgb, tolerance = 24) {
  return (r, g, b) => Math.abs(r - rgb[0]) <= tolerance && Math.abs(g - rgb[1]) <= tolerance && Math.abs(b - rgb[2]) <= tolerance;
}

// An rgba colour painted over white.
export function overWhite(rgb, alpha) {
  return rgb.map((c) => Math.round(255 * (1 - alpha) + c * alpha));
}

export const notWhite = (r, g, b) => r < 245 || g < 245 || b < 245;
