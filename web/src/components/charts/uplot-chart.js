// A Preact wrapper around one uPlot chart: creates it on mount at the container's width,
// follows the container's size, and destroys it on unmount. Every chart of the report and
// the web UI goes through here.
//
// Props: options (uPlot options without width), data (uPlot columns), height (px), label
// (the accessible name: what the chart shows, in words), restIdx (optional: the data index the
// live legend shows while the pointer is not over the chart, e.g. the latest measured day or the
// peak day; without it uPlot shows a dash for every value until the pointer comes).
//
// chartsSettled() resolves once every chart created so far has drawn (uPlot's "ready" hook):
// the report sets data-ready on <html> from it, and browser tests wait for that.
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import { html } from '../../lib/html.js';

let pending = 0;
let waiters = [];

function settle() {
  if (pending === 0) {
    const done = waiters;
    waiters = [];
    for (const resolve of done) resolve();
  }
}

export function chartsSettled() {
  return new Promise((resolve) => {
    waiters.push(resolve);
    // Let Preact commit and uPlot's microtask commits run before checking.
    requestAnimationFrame(() => requestAnimationFrame(settle));
  });
}

// The hooks that keep a live legend on `restIdx` while the pointer is elsewhere: uPlot clears the
// legend's values (a dash each) when the pointer leaves, which reads as missing data.
function restingLegendHooks(options, restIdx) {
  if (restIdx == null || !options.legend?.live) return {};
  const rest = (u) => {
    if (u.cursor.idx == null) u.setLegend({ idx: restIdx });
  };
  return { ready: [rest], setCursor: [rest] };
}

export function UPlotChart({ options, data, height = 220, label, className = '', restIdx = null }) {
  const container = useRef(null);
  const chart = useRef(null);

  useEffect(() => {
    const element = container.current;
    pending += 1;
    let counted = true;
    const done = () => {
      if (counted) {
        counted = false;
        pending -= 1;
        settle();
      }
    };
    const width = Math.max(element.clientWidth, 240);
    const hooks = { ...(options.hooks ?? {}) };
    const resting = restingLegendHooks(options, restIdx);
    hooks.setCursor = [...(hooks.setCursor ?? []), ...(resting.setCursor ?? [])];
    hooks.ready = [...(hooks.ready ?? []), ...(resting.ready ?? []), done];
    chart.current = new uPlot({ ...options, hooks, width, height }, data, element);
    const observer = new ResizeObserver(() => {
      const next = Math.max(element.clientWidth, 240);
      if (chart.current && Math.abs(next - chart.current.width) > 1) {
        chart.current.setSize({ width: next, height });
      }
    });
    observer.observe(element);
    return () => {
      observer.disconnect();
      chart.current?.destroy();
      chart.current = null;
      done();
    };
  }, [options, data, height, restIdx]);

  return html`<div class=${`tandem-uplot ${className}`} ref=${container} role="img" aria-label=${label}></div>`;
}

// Shared uPlot building blocks.
export const uPlotPaths = uPlot.paths;
export const tzUtc = (seconds) => uPlot.tzDate(new Date(seconds * 1000), 'Etc/UTC');
