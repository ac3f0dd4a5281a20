// The web UI's shell: the session (log in, who am I, log out), the workspace, the navigation
// and the page for the current route. Pages get {ws, session, workspace} and load what they
// show from the API themselves.
import { useCallback, useEffect, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { ApiError, del, get, onUnauthorised, setCsrfToken, wsPath } from './api.js';
import { href, useRoute } from './router.js';
import { roleName } from './roles.js';
import { LoginPage } from './pages/login.js';
import { BoardPage } from './pages/board.js';
import { CampaignPage } from './pages/campaign.js';
import { NewCampaignPage } from './pages/new-campaign.js';
import { CalendarPage } from './pages/calendar.js';
import { OperationsPage } from './pages/operations.js';
import { AlertsPage, seenAlert } from './pages/alerts.js';
import { HandoverPage } from './pages/handover.js';
import { WebhooksPage } from './pages/webhooks.js';

const NAV = [
  { name: 'board', label: 'Campaign board', match: ['board', 'campaign', 'new-campaign', 'handover'] },
  { name: 'calendar', label: 'Capacity calendar', match: ['calendar'] },
  { name: 'operations', label: 'Operations', match: ['operations'] },
  { name: 'alerts', label: 'Alerts', match: ['alerts'] },
  { name: 'webhooks', label: 'Deliveries', match: ['webhooks'], admin: true },
];

function useSession() {
  const [session, setSession] = useState(undefined);  // undefined: asking; null: logged out
  const [notice, setNotice] = useState(null);
  useEffect(() => {
    get('/session', { quiet401: true })
      .then(({ data }) => {
        setCsrfToken(data.csrf_token);
        setSession(data);
      })
      .catch(() => setSession(null));
    return onUnauthorised(() => {
      setCsrfToken(null);
      setSession(null);
      setNotice('Your session has ended. Log in again to continue where you were.');
    });
  }, []);
  const loggedIn = useCallback((data) => {
    setCsrfToken(data.csrf_token);
    setNotice(null);
    setSession(data);
  }, []);
  const logOut = useCallback(async () => {
    try {
      await del('/session');
    } catch {
      // Logged out either way.
    }
    setCsrfToken(null);
    setSession(null);
    setNotice('You have logged out.');
  }, []);
  return { session, notice, loggedIn, logOut };
}

function useWorkspace(session) {
  const [workspaces, setWorkspaces] = useState(null);
  const [ws, setWs] = useState(() => localStorage.getItem('tandem.ws'));
  const [workspace, setWorkspace] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    if (!session) return;
    get('/workspaces')
      .then(({ data }) => {
        setWorkspaces(data.items);
        if (!data.items.some((w) => w.id === ws)) setWs(data.items[0]?.id ?? null);
      })
      .catch(setError);
  }, [session]);
  useEffect(() => {
    if (!session || !ws) return;
    localStorage.setItem('tandem.ws', ws);
    get(wsPath(ws)).then(({ data }) => setWorkspace(data)).catch(setError);
  }, [session, ws]);
  return { workspaces, ws, setWs, workspace, error };
}

// New alerts for the signed-in function (since it last opened the alerts page).
function useAlertCount(session, ws, route) {
  const [count, setCount] = useState(0);
  useEffect(() => {
    if (!session || !ws) return undefined;
    let stopped = false;
    const load = () => get(wsPath(ws, '/alerts'))
      .then(({ data }) => {
        if (stopped) return;
        const seen = seenAlert(session.user, ws);
        setCount(data.items.filter((a) => a.id > seen).length);
      })
      .catch(() => {});
    load();
    const timer = setInterval(load, 15000);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [session, ws, route.name, route.path]);
  return [count, setCount];
}

function focusMain(event) {
  event.preventDefault();
  const main = document.getElementById('main');
  (main.querySelector('[data-page-title]') ?? main).focus();
}

export function App() {
  const route = useRoute();
  const { session, notice, loggedIn, logOut } = useSession();
  const { workspaces, ws, setWs, workspace, error } = useWorkspace(session);
  const [alertCount, setAlertCount] = useAlertCount(session, ws, route);

  // Keyboard and screen-reader users land on the new page's title after a route change (once
  // the page has loaded enough to show it).
  useEffect(() => {
    if (!session) return undefined;
    window.scrollTo(0, 0);
    const main = document.getElementById('main');
    if (!main) return undefined;
    const focusTitle = () => {
      const title = main.querySelector('[data-page-title]');
      if (!title) return false;
      title.focus({ preventScroll: true });
      document.title = `${title.textContent.trim()} \u2014 tandem`;
      return true;
    };
    let observer = null;
    const timer = setTimeout(() => observer?.disconnect(), 10000);
    requestAnimationFrame(() => {
      if (focusTitle()) return;
      observer = new MutationObserver(() => { if (focusTitle()) observer.disconnect(); });
      observer.observe(main, { childList: true, subtree: true });
    });
    return () => {
      clearTimeout(timer);
      observer?.disconnect();
    };
  }, [route.name, route.path, !!session]);

  if (session === undefined) return html`<p class="app-loading" role="status">Loading…</p>`;
  if (!session) return html`<${LoginPage} onLoggedIn=${loggedIn} notice=${notice} />`;

  const active = NAV.find((n) => n.match.includes(route.name))?.name;
  let page;
  if (error && !(error instanceof ApiError && error.status === 401)) {
    page = html`<div class="notice tone-bad" role="alert">Could not load the workspace: ${error.message}</div>`;
  } else if (workspaces && !workspaces.length) {
    page = html`<div class="notice">No workspace yet. Create one with <code>tandem import FILE --workspace NAME</code>.</div>`;
  } else if (!ws || !workspace) {
    page = html`<p role="status">Loading the workspace…</p>`;
  } else {
    const props = { ws, session, workspace };
    switch (route.name) {
      case 'board': page = html`<${BoardPage} ...${props} />`; break;
      case 'new-campaign': page = html`<${NewCampaignPage} ...${props} />`; break;
      case 'campaign': page = html`<${CampaignPage} key=${route.params.id} id=${route.params.id} ...${props} />`; break;
      case 'calendar': page = html`<${CalendarPage} ...${props} />`; break;
      case 'operations': page = html`<${OperationsPage} ...${props} />`; break;
      case 'alerts': page = html`<${AlertsPage} ...${props} onSeen=${() => setAlertCount(0)} />`; break;
      case 'handover': page = html`<${HandoverPage} key=${route.params.id} id=${route.params.id} ...${props} />`; break;
      case 'webhooks': page = html`<${WebhooksPage} ...${props} />`; break;
      default: page = html`<div><h1 tabindex="-1" data-page-title>Not found</h1><p>No page at ${route.path}. <a href=${href('board')}>Go to the campaign board</a>.</p></div>`;
    }
  }

  return html`
    <a class="skip-link" href="#main" onClick=${focusMain}>Skip to content</a>
    <header class="topbar">
      <div class="brand">
        <a href=${href('board')} class="brand-name">tandem</a>
        ${workspaces && workspaces.length > 1 ? html`
          <label class="ws-select">Workspace
            <select value=${ws} onChange=${(e) => setWs(e.currentTarget.value)}>
              ${workspaces.map((w) => html`<option value=${w.id}>${w.name || w.id}</option>`)}
            </select>
          </label>` : html`<span class="ws-name">${workspace?.settings?.name ?? ws ?? ''}</span>`}
      </div>
      <nav aria-label="Main">
        <ul>
          ${NAV.filter((n) => !n.admin || session.role === 'admin').map((n) => html`<li>
            <a href=${href(n.name)} aria-current=${active === n.name ? 'page' : undefined}>
              ${n.label}${n.name === 'alerts' && alertCount > 0
                ? html` <span class="count" aria-label=${`${alertCount} new`}>${alertCount}</span>` : null}
            </a></li>`)}
        </ul>
      </nav>
      <div class="who" data-user=${session.user} data-role=${session.role}>
        <span>Signed in as <strong>${session.user}</strong></span>
        <span class=${`role-pill role-${session.role}`}>${roleName(session.role)}</span>
        <button type="button" class="button-quiet" onClick=${logOut}>Log out</button>
      </div>
    </header>
    <main id="main" tabindex="-1" class="page">${page}</main>`;
}
