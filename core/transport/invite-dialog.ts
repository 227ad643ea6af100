import { Router, type Response } from 'express';
import { sameHost } from '../addresses.ts';
import type { DiscoveryClient } from '../discovery/discovery-client.ts';
import type { InviteService } from '../invites/invite-service.ts';
import type { ServerIdentity } from '../plugin/plugin-types.ts';
import { INVITE_PAGE_CSP, escapeHtml, invitePage } from './invite-page.ts';

function send(res: Response, status: number, html: string): void {
  res.status(status).set('content-security-policy', INVITE_PAGE_CSP).set('cache-control', 'no-store').type('html');
  res.send(html);
}

/** `cloud.example.org`, `https://cloud.example.org/`, ` Cloud.Example.org:8443 ` → a host to discover. */
function serverFrom(input: unknown): string {
  if (typeof input !== 'string') return '';
  return input
    .trim()
    .replace(/^https?:\/\//i, '')
    .replace(/\/+$/, '')
    .slice(0, 300);
}

/**
 * The invite pages. `/wayf?token=` is the link an inviter hands out: it names who invited, asks the invitee for
 * their own server, discovers it and sends them to its invite-accept dialog. `/invite/accept` is our
 * `inviteAcceptDialog`: it hands over to the web app with the invite string prefilled. Errors are in plain words.
 */
export function inviteDialogRoutes(
  identity: ServerIdentity,
  discovery: DiscoveryClient,
  invites: InviteService,
): Router {
  const r = Router();
  r.get('/invite/accept', (req, res) => {
    const token = typeof req.query.token === 'string' ? req.query.token : '';
    const provider = typeof req.query.providerDomain === 'string' ? req.query.providerDomain : '';
    if (!token || !provider)
      return send(
        res,
        400,
        invitePage(
          'This invite link is incomplete',
          '<p>Part of the link is missing. Open the invite link again, or paste the invite string into the Contacts page of your Meshwork.</p>',
        ),
      );
    const invite = Buffer.from(`${token}@${provider}`).toString('base64url');
    res.redirect(303, `/#/contacts?invite=${encodeURIComponent(invite)}`);
  });

  r.get('/wayf', async (req, res) => {
    const token = typeof req.query.token === 'string' ? req.query.token.slice(0, 200) : '';
    const server = serverFrom(req.query.server);
    const found = token ? await invites.lookup(token) : { state: 'unknown' as const, inviter: null };
    const who = found.inviter
      ? `${found.inviter.displayName} (${found.inviter.address})`
      : `someone on ${identity.host}`;
    if (found.state === 'unknown')
      return send(
        res,
        404,
        invitePage(
          'This invite link does not work',
          '<p>It may have been revoked, or the link was cut short when it was copied.</p><p class="hint">Ask the person who invited you for a new invite.</p>',
        ),
      );
    if (found.state !== 'open')
      return send(
        res,
        410,
        invitePage(
          found.state === 'used' ? 'This invite was already used' : 'This invite has expired',
          `<p>An invite can be accepted once, within 30 days.</p><p class="hint">Ask ${escapeHtml(who)} for a new one.</p>`,
        ),
      );

    let error = '';
    if (server && sameHost(server, identity.host))
      error = `You are on the same server as ${who}: no invite is needed, share with ${found.inviter?.address ?? 'them'} directly.`;
    else if (server) {
      try {
        const d = await discovery.discover(server);
        if (!d.inviteAcceptDialog)
          error = `${server} does not accept invite links. Paste the invite string below into its contacts page instead.`;
        else {
          const target = new URL(d.inviteAcceptDialog);
          target.searchParams.set('token', token);
          target.searchParams.set('providerDomain', identity.host);
          return void res.redirect(303, target.toString());
        }
      } catch {
        error = `No Meshwork or Open Cloud Mesh server answered at ${server}. Check the spelling (for example cloud.example.org) and try again.`;
      }
    }
    const inviteString = Buffer.from(`${token}@${identity.host}`).toString('base64url');
    const name = found.inviter?.displayName ?? 'Someone';
    send(
      res,
      error ? 400 : 200,
      invitePage(
        `${name} invited you to connect`,
        `<p>Accept to become each other's contacts: then you can share files, folders and chat rooms with each other, whichever server each of you uses.</p>
<form method="get" action="/wayf"><input type="hidden" name="token" value="${escapeHtml(token)}">
<label for="server">Your server, where you have your account</label>
<input id="server" name="server" required value="${escapeHtml(server)}" placeholder="cloud.example.org" autocomplete="url" autocapitalize="none" spellcheck="false" aria-describedby="server-hint${error ? ' server-error' : ''}">
<p id="server-hint" class="hint">The part after the @ in your own address, for example <b>cloud.example.org</b> if you are alex@cloud.example.org.</p>
${error ? `<p id="server-error" class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<button type="submit">Continue</button></form>
<details><summary>Or accept with the invite string</summary>
<p class="hint">Paste it into the Contacts page of your own server.</p>
<label for="invite-string">Invite string</label><input id="invite-string" readonly value="${escapeHtml(inviteString)}"></details>`,
        found.inviter?.address ?? identity.host,
      ),
    );
  });
  return r;
}
