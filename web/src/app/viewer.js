// The check-result viewer: open the JSON of `tandem check FILE --json --series` (a file, or
// ?result=URL on the same origin) and see it as the HTML report shows it.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { CheckReport } from '../components/check-report.js';
import { chartsSettled } from '../components/charts/uplot-chart.js';

function normalise(json) {
  // Either the report's data ({check, context}) or a bare check result.
  return json && json.check ? json : { check: json };
}

export function Viewer() {
  const [data, setData] = useState(null);
  const [error, setError] = useState(null);

  useEffect(() => {
    const url = new URLSearchParams(location.search).get('result');
    if (!url) return;
    fetch(url)
      .then((response) => (response.ok ? response.json() : Promise.reject(new Error(`${response.status} ${response.statusText}`))))
      .then((json) => setData(normalise(json)))
      .catch((e) => setError(`Could not load ${url}: ${e.message}`));
  }, []);

  const open = async (event) => {
    const file = event.currentTarget.files?.[0];
    if (!file) return;
    try {
      setData(normalise(JSON.parse(await file.text())));
      setError(null);
    } catch (e) {
      setError(`${file.name} is not a check result: ${e.message}`);
    }
  };

  // data-ready on <html> once a result's charts have drawn (the browser tests wait for it).
  useEffect(() => {
    if (data) chartsSettled().then(() => { document.documentElement.dataset.ready = 'true'; });
  }, [data]);

  if (data) return html`<${CheckReport} data=${data} interactive />`;
  return html`
    <main class="viewer">
      <h1>tandem</h1>
      <p>View a promise check: open the JSON that <code>tandem check FILE --json --series</code> prints.</p>
      <label>Check result (JSON) <input type="file" accept="application/json,.json" onChange=${open} /></label>
      ${error ? html`<p class="load-error" role="alert">${error}</p>` : null}
      <p><a href="./">Log in to the shared workspace</a></p>
    </main>`;
}
