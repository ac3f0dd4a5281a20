// htm bound to Preact: components are written as tagged templates (html`<div>...</div>`), so
// the sources need no JSX compile step and read the same in the editor and the bundle.
import { h } from 'preact';
import htm from 'htm';

export const html = htm.bind(h);
