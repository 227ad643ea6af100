/** Isomorphic invite types (no Node imports), shared by the server and the web app. */

/** An invite the user created that nobody has accepted yet and that has not expired. */
export interface OutstandingInvite {
  /** Stable id of the invite (not its token), for `DELETE /api/v1/invites/:id`. */
  id: string;
  /** What the invitee pastes into their own server: base64url(`token@host`). */
  inviteString: string;
  /** The link that asks the invitee for their server (`/wayf?token=…`). */
  inviteLink: string;
  createdAt: number;
  expiresAt: number;
}

/** `POST /api/v1/invites` answer: the outstanding invite, plus its raw token. */
export interface CreatedInvite extends OutstandingInvite {
  token: string;
}

/** What the invite landing page may say about a token: who invited, and whether it can still be used. */
export interface InviteLookup {
  state: 'open' | 'used' | 'expired' | 'unknown';
  /** The inviter's display name and address, when the token is known. */
  inviter: { displayName: string; address: string } | null;
}
