// A static legend under a chart: a swatch (line, dashed line, band or bar) and words per
// series. HTML rather than canvas so that it is read by screen readers and printed crisply.
import { html } from '../../lib/html.js';

export function Legend({ items }) {
  return html`
    <ul class="legend" aria-label="Legend">
      ${items.map(
        (item) => html`<li>
          <span class=${`swatch swatch-${item.kind}`} style=${item.kind === 'dash' || item.kind === 'line'
            ? `border-top-color: ${item.color}` : `background: ${item.color}`} aria-hidden="true"></span>
          ${item.label}
        </li>`,
      )}
    </ul>`;
}
