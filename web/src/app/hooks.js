// Data loading for the pages: one request's {data, error, loading, reload}, and the check of a
// campaign followed until it is done (polling its status, then reading the result once).
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, campaignPath, get } from './api.js';

export function useLoad(loader, deps) {
  const [state, setState] = useState({ data: null, version: undefined, error: null, loading: true });
  const generation = useRef(0);
  const reload = useCallback(async () => {
    const mine = ++generation.current;
    setState((s) => ({ ...s, loading: true }));
    try {
      const { data, version } = await loader();
      if (mine === generation.current) setState({ data, version, error: null, loading: false });
      return data;
    } catch (error) {
      if (mine === generation.current) setState((s) => ({ ...s, error, loading: false }));
      return null;
    }
  }, deps);
  useEffect(() => {
    reload();
  }, [reload]);
  return { ...state, reload };
}

const ACTIVE = new Set(['queued', 'running']);

// The campaign's check: GET .../check (status, progress) polled every `interval` ms while it is
// queued or running; when it is done, GET .../check?result=1 once per key for the result with
// chart series. `restart()` polls again (after an edit or a POST .../check).
export function useCheck(ws, id, { interval = 600 } = {}) {
  const [status, setStatus] = useState(null);   // GET .../check, or null before the first check
  const [result, setResult] = useState(null);   // GET .../check?result=1 of the last done key
  const [error, setError] = useState(null);
  const [tick, setTick] = useState(0);
  const resultKey = useRef(null);

  useEffect(() => {
    let stopped = false;
    let timer = null;
    const poll = async () => {
      try {
        const { data } = await get(campaignPath(ws, id, '/check'));
        if (stopped) return;
        setStatus(data);
        setError(null);
        if (data.status === 'done' && resultKey.current !== data.key) {
          const full = await get(campaignPath(ws, id, '/check?result=1'));
          if (stopped) return;
          resultKey.current = full.data.key;
          setResult(full.data);
        }
        if (ACTIVE.has(data.status)) timer = setTimeout(poll, interval);
      } catch (e) {
        if (stopped) return;
        if (e instanceof ApiError && e.status === 404) {
          setStatus(null);  // never checked
          setError(null);
        } else {
          setError(e);
          timer = setTimeout(poll, interval * 4);
        }
      }
    };
    poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [ws, id, tick]);

  const restart = useCallback(() => setTick((t) => t + 1), []);
  return { status, result, error, restart, active: ACTIVE.has(status?.status) };
}
