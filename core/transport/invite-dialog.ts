import { Router } from 'express';

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/**
 * The `inviteAcceptDialog` of discovery: a WAYF service sends a user here with `?token=&providerDomain=`.
 * It hands over to the web app's invite page with the invite string prefilled.
 */
export function inviteDialogRoute(): Router {
  const r = Router();
  r.get('/accept', (req, res) => {
    const token = typeof req.query.token === 'string' ? req.query.token : '';
    const provider = typeof req.query.providerDomain === 'string' ? req.query.providerDomain : '';
    const invite = token && provider ? Buffer.from(`${token}@${provider}`).toString('base64url') : '';
    const target = `/#/contacts?invite=${encodeURIComponent(invite)}`;
    res.type('html').send(`<!doctype html><meta charset="utf-8"><title>Accept invite</title>
<p>Accept the invite from <b>${escapeHtml(provider || 'another server')}</b>: <a href="${escapeHtml(target)}">continue to Meshwork</a>.</p>
<p>Or paste this invite string in Contacts: <code>${escapeHtml(invite)}</code></p>`);
  });
  return r;
}
