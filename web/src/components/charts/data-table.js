// The figures behind a chart, in a table folded under a <details> (keyboard-reachable; read
// by screen readers in place of the canvas).
import { html } from '../../lib/html.js';

export function DataTable({ summary, caption, head, rows }) {
  return html`
    <details class="chart-data">
      <summary>${summary}</summary>
      <div class="table-scroll">
        <table class="data">
          <caption>${caption}</caption>
          <thead><tr>${head.map((cell) => html`<th scope="col">${cell}</th>`)}</tr></thead>
          <tbody>
            ${rows.map((row) => html`<tr>${row.map((cell, i) => (i === 0 ? html`<th scope="row">${cell}</th>` : html`<td>${cell}</td>`))}</tr>`)}
          </tbody>
        </table>
      </div>
    </details>`;
}
