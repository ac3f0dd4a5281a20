// Hash routes (#/board, #/campaigns/spring-40, ...): the built files use relative asset URLs,
// so the page's own path stays "/" and any server that serves index.html can host the UI.
import { useEffect, useState } from 'preact/hooks';

export const ROUTES = [
  { name: 'board', pattern: /^\/?(board)?$/ },
  { name: 'new-campaign', pattern: /^\/campaigns\/new$/ },
  { name: 'campaign', pattern: /^\/campaigns\/([^/]+)$/, params: ['id'] },
  { name: 'handover', pattern: /^\/campaigns\/([^/]+)\/handover$/, params: ['id'] },
  { name: 'calendar', pattern: /^\/calendar$/ },
  { name: 'operations', pattern: /^\/operations$/ },
  { name: 'alerts', pattern: /^\/alerts$/ },
  { name: 'webhooks', pattern: /^\/webhooks$/ },
];

export function parseHash(hash) {
  const path = decodeURI((hash ?? '').replace(/^#/, '')).split('?')[0];
  for (const route of ROUTES) {
    const match = route.pattern.exec(path);
    if (match) {
      const params = {};
      (route.params ?? []).forEach((name, i) => { params[name] = decodeURIComponent(match[i + 1]); });
      return { name: route.name, params, path };
    }
  }
  return { name: 'not-found', params: {}, path };
}

export function href(name, params = {}) {
  switch (name) {
    case 'campaign': return `#/campaigns/${encodeURIComponent(params.id)}`;
    case 'handover': return `#/campaigns/${encodeURIComponent(params.id)}/handover`;
    case 'new-campaign': return '#/campaigns/new';
    case 'board': return '#/board';
    default: return `#/${name}`;
  }
}

export function navigate(name, params) {
  location.hash = href(name, params);
}

export function useRoute() {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const update = () => setRoute(parseHash(location.hash));
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return route;
}
