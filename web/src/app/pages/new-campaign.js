// A new campaign (marketing): the campaign form; saving creates it (PUT without If-Match),
// requests its first check and opens its page.
import { useState } from 'preact/hooks';
import { html } from '../../lib/html.js';
import { addDays } from '../../lib/format.js';
import { ApiError, campaignPath, post, put } from '../api.js';
import { useLoad } from '../hooks.js';
import { href, navigate } from '../router.js';
import { can } from '../roles.js';
import { CampaignForm, loadCampaignFormContext } from '../parts/campaign-form.js';
import { ErrorBox, Loading } from '../parts/common.js';

export function NewCampaignPage({ ws, session, workspace }) {
  const context = useLoad(() => loadCampaignFormContext(ws), [ws]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);

  const today = workspace.settings?.today ?? workspace.settings?.horizon?.start;
  const start = today ? addDays(today, 56) : '';
  const initial = {
    name: '',
    window: { start, end: start ? addDays(start, 13) : '' },
    lift: { expected: 0.3, low: 0.1, high: 0.6 },
    discount: 0.1,
    spend: 20000,
    promises: [{ type: 'delivery', within: '48h', share: 0.95 }],
  };

  const create = async (body) => {
    setBusy(true);
    setError(null);
    try {
      await put(campaignPath(ws, body.id), body);
      await post(campaignPath(ws, body.id, '/check'), {}).catch(() => {});
      navigate('campaign', { id: body.id });
    } catch (e) {
      if (e instanceof ApiError && e.status === 428) {
        setError(new ApiError(409, { error: { message: `a campaign with the id “${body.id}” exists already: choose another id`, fields: [{ field: 'id', problem: 'taken' }] } }));
      } else setError(e);
      setBusy(false);
    }
  };

  return html`
    <div class="new-campaign-page">
      <nav class="breadcrumb" aria-label="Breadcrumb"><a href=${href('board')}>Campaign board</a> <span aria-hidden="true">›</span> New campaign</nav>
      <h1 tabindex="-1" data-page-title>New campaign</h1>
      ${!can.editCampaign(session.role) ? html`<p class="notice">Marketing creates campaigns; your role (${session.role}) cannot.</p>` : null}
      <p class="page-intro">Describe the campaign as marketing plans it. Saving creates it as a draft and runs a first check, so you
        see straight away whether operations can deliver what it promises.</p>
      ${context.error ? html`<${ErrorBox} error=${context.error} what="Loading the offerings" />` : null}
      ${!can.editCampaign(session.role) ? null : !context.data ? html`<${Loading} />` : html`
        <${CampaignForm} initial=${initial} isNew context=${context.data} onSubmit=${create} busy=${busy} error=${error}
          submitLabel="Create and check" onCancel=${() => navigate('board')} />`}
    </div>`;
}
