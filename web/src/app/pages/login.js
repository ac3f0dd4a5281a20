// Log in with a name and a password (POST /api/session sets the HttpOnly session cookie and
// returns the CSRF token for the writes).
import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from '../../lib/html.js';
import { ApiError, post } from '../api.js';

export function LoginPage({ onLoggedIn, notice }) {
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const nameInput = useRef(null);
  // The name field has the focus when the page opens (autofocus only works on a page load).
  useEffect(() => { nameInput.current?.focus(); }, []);

  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { data } = await post('/session', { name: name.trim(), password }, { quiet401: true });
      onLoggedIn(data);
    } catch (e) {
      setError(e instanceof ApiError && (e.status === 401 || e.status === 403)
        ? 'That name and password do not match a user. Check both and try again.'
        : e instanceof ApiError && e.status === 429 ? 'Too many attempts from here: wait a minute and try again.'
          : `Could not log in: ${e.message}`);
      setBusy(false);
    }
  };

  return html`
    <main id="main" class="login-page">
      <form class="login" onSubmit=${submit} aria-labelledby="login-title">
        <p class="brand-name">tandem</p>
        <h1 id="login-title">Log in</h1>
        <p class="login-intro">Marketing, operations, finance and customer service plan campaigns together here:
          can we deliver what we promise?</p>
        ${notice ? html`<p class="notice" role="status">${notice}</p>` : null}
        <label for="login-name">Name</label>
        <input id="login-name" name="name" autocomplete="username" required value=${name}
          onInput=${(e) => setName(e.currentTarget.value)} ref=${nameInput} />
        <label for="login-password">Password</label>
        <input id="login-password" name="password" type="password" autocomplete="current-password" required
          value=${password} onInput=${(e) => setPassword(e.currentTarget.value)} />
        ${error ? html`<p class="form-error" role="alert" id="login-error">${error}</p>` : null}
        <button type="submit" class="button-primary" disabled=${busy}>${busy ? 'Logging in…' : 'Log in'}</button>
        <p class="login-hint">Trying the demo? <code>tandem demo</code> prints a user and password for each role
          (maria: marketing, oscar: operations, fiona: finance, sam: service, ada: admin).</p>
      </form>
    </main>`;
}
