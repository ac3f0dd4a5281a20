// The web UI's entry. With a session it is the single-page app on tandem's API (app.js:
// campaign board, campaign pages, capacity calendar, operations, alerts). With ?result=URL
// it views a check result JSON (`tandem check FILE --json --series`) with the report's
// components and needs no server (viewer.js).
import 'uplot/dist/uPlot.min.css';
import '../styles/base.css';
import '../report/report.css';
import './app.css';
import { render } from 'preact';
import { html } from '../lib/html.js';
import { App } from './app.js';
import { Viewer } from './viewer.js';

const root = document.getElementById('app');
const viewer = new URLSearchParams(location.search).has('result') || location.hash === '#/viewer';
document.body.classList.add(viewer ? 'viewer-mode' : 'app-mode');
render(viewer ? html`<${Viewer} />` : html`<${App} />`, root);
