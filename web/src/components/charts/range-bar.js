// A Monte Carlo range on a line: the p5-p95 interval as a bar, the median as a dot, and
// reference marks (zero, the spend...). Small inline SVG for the economics cards.
import { html } from '../../lib/html.js';

// Props: p ({p5, p50, p95}), marks ([{value, label}]), format (value -> text), label.
export function RangeBar({ p, marks = [], format, label }) {
  const values = [p.p5, p.p50, p.p95, ...marks.map((m) => m.value)];
  let min = Math.min(...values);
  let max = Math.max(...values);
  if (max === min) {
    max += 1;
    min -= 1;
  }
  const pad = (max - min) * 0.08;
  min -= pad;
  max += pad;
  const width = 240;
  const height = 50;
  const x = (v) => ((v - min) / (max - min)) * width;
  const y = 25;
  return html`
    <svg class="range-bar" viewBox=${`0 0 ${width} ${height}`} role="img"
      aria-label=${label ?? `median ${format(p.p50)}, 90% of scenarios between ${format(p.p5)} and ${format(p.p95)}`}>
      <line x1="0" x2=${width} y1=${y} y2=${y} class="range-axis" />
      ${marks.map((m, i) => html`
        <g class="range-mark">
          <line x1=${x(m.value)} x2=${x(m.value)} y1=${y - 9} y2=${y + 9} />
          <text x=${x(m.value)} y=${i % 2 ? height - 3 : 9} text-anchor=${x(m.value) < 50 ? 'start' : x(m.value) > width - 50 ? 'end' : 'middle'}>${m.label}</text>
        </g>`)}
      <rect x=${x(p.p5)} y=${y - 5} width=${Math.max(2, x(p.p95) - x(p.p5))} height="10" rx="3" class="range-band" />
      <circle cx=${x(p.p50)} cy=${y} r="5" class="range-median" />
    </svg>`;
}
