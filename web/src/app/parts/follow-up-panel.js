// The Follow-up stage of a campaign (issue 12 item 6; docs/web.md): the post-campaign review.
import { html } from '../../lib/html.js';
import { ReviewForm } from './review-form.js';

// Props: ws, id, process (GET .../process), session, currency, onChanged() after a save.
export function FollowUpPanel({ ws, id, process, session, onChanged }) {
  return html`
    <section class="panel follow-up" id="follow-up" aria-labelledby="follow-up-title" data-follow-up>
      <h2 id="follow-up-title" tabindex="-1">Follow-up</h2>
      <h3>Post-campaign review</h3>
      <${ReviewForm} ws=${ws} id=${id} process=${process} role=${session.role} onSaved=${onChanged} />
    </section>`;
}
