import { Router } from 'express';
import type { DiscoveryClient } from '../discovery/discovery-client.ts';
import { isMeshworkError } from '../errors.ts';
import type { ServerIdentity } from '../plugin/plugin-types.ts';

function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${escapeHtml(title)}</title><style>body{font:16px system-ui,sans-serif;max-width:34rem;margin:3rem auto;padding:0 1rem}
input,button{font:inherit;padding:.4rem .6rem}label{display:block;margin:.8rem 0 .3rem}.err{color:#b00020}</style>
<h1>${escapeHtml(title)}</h1>${body}</html>`;
}

/**
 * The invite pages. `/wayf?token=` is the link an inviter hands out: the invitee names their own
 * server, which we discover and send them to its invite-accept dialog. `/invite/accept` is our
 * `inviteAcceptDialog`: it hands over to the web app with the invite string prefilled.
 */
export function inviteDialogRoutes(identity: ServerIdentity, discovery: DiscoveryClient): Router {
  const r = Router();
  r.get('/invite/accept', (req, res) => {
    const token = typeof req.query.token === 'string' ? req.query.token : '';
    const provider = typeof req.query.providerDomain === 'string' ? req.query.providerDomain : '';
    if (!token || !provider)
      return void res
        .status(400)
        .type('html')
        .send(page('Invalid invite link', '<p class="err">The link lacks its token or provider.</p>'));
    const invite = Buffer.from(`${token}@${provider}`).toString('base64url');
    res.redirect(303, `/#/contacts?invite=${encodeURIComponent(invite)}`);
  });
  r.get('/wayf', async (req, res) => {
    const token = typeof req.query.token === 'string' ? req.query.token : '';
    const server =
      typeof req.query.server === 'string'
        ? req.query.server
            .trim()
            .replace(/^https?:\/\//, '')
            .replace(/\/+$/, '')
        : '';
    if (!token)
      return void res
        .status(400)
        .type('html')
        .send(page('Invalid invite link', '<p class="err">This link has no invite token.</p>'));
    let error = '';
    if (server) {
      try {
        const d = await discovery.discover(server);
        if (!d.inviteAcceptDialog) throw new Error(`${server} does not accept OCM invites`);
        const target = new URL(d.inviteAcceptDialog);
        target.searchParams.set('token', token);
        target.searchParams.set('providerDomain', identity.host);
        return void res.redirect(303, target.toString());
      } catch (err) {
        error =
          isMeshworkError(err) || err instanceof Error
            ? `Could not reach ${server}: ${err.message}`
            : `Could not reach ${server}`;
      }
    }
    res
      .status(error ? 400 : 200)
      .type('html')
      .send(
        page(
          `Invitation from ${identity.host}`,
          `
<p>Someone on <b>${escapeHtml(identity.host)}</b> invited you to connect. Where is your account?</p>
<form method="get" action="/wayf"><input type="hidden" name="token" value="${escapeHtml(token)}">
<label for="server">Your server (for example <code>cloud.example.org</code>)</label>
<input id="server" name="server" required value="${escapeHtml(server)}" autocomplete="url">
<button type="submit">Continue</button></form>${error ? `<p class="err" role="alert">${escapeHtml(error)}</p>` : ''}
<p>Or paste this invite string into your server's Contacts page: <code>${escapeHtml(Buffer.from(`${token}@${identity.host}`).toString('base64url'))}</code></p>`,
        ),
      );
  });
  return r;
}
