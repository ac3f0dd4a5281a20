// Entry of the self-contained HTML report. `tandem report` inlines this bundle (built as one
// IIFE script and one stylesheet) into src/report/template.html together with the check data
// as JSON in <script type="application/json" id="tandem-data">. Opens from file:// with no
// network: nothing here loads anything.
//
// When every chart has drawn, <html> gets data-ready="true" (or "error"), which the browser
// tests wait for.
import 'uplot/dist/uPlot.min.css';
import '../styles/base.css';
import './report.css';
import { render } from 'preact';
import { html } from '../lib/html.js';
import { CheckReport } from '../components/check-report.js';
import { chartsSettled } from '../components/charts/uplot-chart.js';

function fail(root, message) {
  root.textContent = '';
  const box = document.createElement('div');
  box.className = 'load-error';
  box.setAttribute('role', 'alert');
  box.textContent = `This report could not be shown: ${message}`;
  root.appendChild(box);
  document.documentElement.dataset.ready = 'error';
}

function main() {
  const root = document.getElementById('app');
  let data;
  try {
    data = JSON.parse(document.getElementById('tandem-data').textContent);
  } catch (error) {
    fail(root, `its data is not valid JSON (${error.message}).`);
    return;
  }
  try {
    root.textContent = '';
    render(html`<${CheckReport} data=${data} />`, root);
  } catch (error) {
    fail(root, error.message);
    console.error(error);
    return;
  }
  chartsSettled().then(() => {
    document.documentElement.dataset.ready = 'true';
  });
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', main);
else main();
