import { ApiError, errorFromResponse, networkError } from './api-error.ts';
import type {
  Contact,
  Person,
  CreatedInvite,
  CreateShareInput,
  IncomingShareView,
  LoginResult,
  Me,
  OutgoingShare,
  OutstandingInvite,
  UserSettings,
} from './types.ts';

/** Where the client finds and forgets the session token. */
export interface TokenSource {
  token(): string | null;
  /** Called when the server no longer accepts the token (401 on an authenticated call). */
  expired(): void;
}

const seg = encodeURIComponent;

/**
 * The typed client of `/api/v1` that the shell hands to every page and plugin: JSON in and out, errors as ApiError.
 * Plugins call their own routes with `request` and authenticate other protocols (WebDAV) with `authHeaders`.
 */
export interface ApiClient {
  /** Headers that authenticate any request to this server (plugins use them for their own protocols, e.g. WebDAV). */
  authHeaders(): Record<string, string>;
  /** Calls `/api/v1<path>` and returns the parsed JSON answer (null for 204); a failure throws an ApiError. */
  request<T>(method: string, path: string, body?: unknown): Promise<T>;
  /** Logs in with a local username and password. */
  login(username: string, password: string): Promise<LoginResult>;
  /** Ends the current session on the server. */
  logout(): Promise<null>;
  /** Changes the user's own password; the server ends their other sessions and keeps this one. */
  changePassword(currentPassword: string, newPassword: string): Promise<null>;
  /** The logged-in user, with their OCM address. */
  me(): Promise<Me>;
  /** The user's preferences (e.g. auto-accepting shares). */
  settings(): Promise<UserSettings>;
  /** Changes some of the user's preferences; returns them all. */
  updateSettings(change: Partial<UserSettings>): Promise<UserSettings>;
  /** Shares others sent to the user that are pending or accepted. */
  incomingShares(): Promise<IncomingShareView[]>;
  /** Shares the user sent, in every state. */
  outgoingShares(): Promise<OutgoingShare[]>;
  /** Shares a resource with a user of this server or of another one (`user@host`). */
  createShare(input: CreateShareInput): Promise<OutgoingShare>;
  /** Withdraws an outgoing share (a failed one is deleted). */
  unshare(id: string): Promise<OutgoingShare>;
  /** Clears ended and failed outgoing shares from the list: the given ones, or all of them. */
  clearShares(ids?: string[]): Promise<{ cleared: string[] }>;
  /** Accepts a pending incoming share. */
  acceptShare(id: string): Promise<IncomingShareView>;
  /** Declines a pending incoming share. */
  declineShare(id: string): Promise<IncomingShareView>;
  /** Leaves an accepted incoming share. */
  leaveShare(id: string): Promise<IncomingShareView>;
  /** Creates an invite (string and link) for someone on another server. */
  createInvite(): Promise<CreatedInvite>;
  /** The user's invites nobody accepted yet. */
  invites(): Promise<OutstandingInvite[]>;
  /** Revokes an unused invite: its link and string stop working. */
  revokeInvite(id: string): Promise<null>;
  /** Accepts an invite string from someone on another server; returns the new contact. */
  acceptInvite(inviteString: string): Promise<Contact>;
  /** The user's federated contacts. */
  contacts(): Promise<Contact[]>;
  /** Adds a contact on another server by address (`name@server`). */
  addContact(address: string, displayName?: string): Promise<Contact>;
  /** Removes a contact. */
  removeContact(id: string): Promise<null>;
  /** People matching a name, e-mail or address across contacts and address books (share dialogs). */
  people(query: string, limit?: number): Promise<Person[]>;
}

/** The ApiClient over `fetch`, with `Authorization: Bearer <token>` from a TokenSource. */
export class HttpApiClient implements ApiClient {
  readonly #base: string;
  readonly #tokens: TokenSource;

  constructor(tokens: TokenSource, base = '/api/v1') {
    this.#tokens = tokens;
    this.#base = base;
  }

  /** Headers that authenticate any request to this server (plugins use them for their own protocols, e.g. WebDAV). */
  authHeaders(): Record<string, string> {
    const token = this.#tokens.token();
    return token ? { authorization: `Bearer ${token}` } : {};
  }

  /** Calls `/api/v1<path>` and returns the parsed JSON answer (null for 204). */
  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json', ...this.authHeaders() };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(this.#base + path, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch {
      throw networkError();
    }
    const text = await res.text().catch(() => '');
    let parsed: unknown = null;
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = null;
      }
    }
    if (!res.ok) {
      const err = errorFromResponse(res.status, parsed);
      if (res.status === 401 && headers.authorization) this.#tokens.expired();
      throw err;
    }
    return parsed as T;
  }

  /** Logs in with a local username and password. */
  async login(username: string, password: string): Promise<LoginResult> {
    if (!username.trim() || !password) throw new ApiError(400, 'INVALID_INPUT', 'Enter your username and password.');
    return this.request<LoginResult>('POST', '/auth/login', { username: username.trim(), password });
  }

  /** Ends the current session on the server. */
  logout(): Promise<null> {
    return this.request('POST', '/auth/logout');
  }

  /** Changes the user's own password; the server ends their other sessions and keeps this one. */
  changePassword(currentPassword: string, newPassword: string): Promise<null> {
    return this.request('POST', '/me/password', { currentPassword, newPassword });
  }

  /** The logged-in user, with their OCM address. */
  me(): Promise<Me> {
    return this.request('GET', '/me');
  }

  /** The user's preferences (e.g. auto-accepting shares). */
  settings(): Promise<UserSettings> {
    return this.request('GET', '/me/settings');
  }

  /** Changes some of the user's preferences; returns them all. */
  updateSettings(change: Partial<UserSettings>): Promise<UserSettings> {
    return this.request('PATCH', '/me/settings', change);
  }

  /** Shares others sent to the user that are pending or accepted. */
  incomingShares(): Promise<IncomingShareView[]> {
    return this.request('GET', '/shares/incoming');
  }

  /** Shares the user sent, in every state. */
  outgoingShares(): Promise<OutgoingShare[]> {
    return this.request('GET', '/shares/outgoing');
  }

  /** Shares a resource with a user of this server or of another one (`user@host`). */
  createShare(input: CreateShareInput): Promise<OutgoingShare> {
    return this.request('POST', '/shares', input);
  }

  /** Withdraws an outgoing share. */
  unshare(id: string): Promise<OutgoingShare> {
    return this.request('DELETE', `/shares/outgoing/${seg(id)}`);
  }

  /** Clears ended and failed outgoing shares from the list: the given ones, or all of them. */
  clearShares(ids?: string[]): Promise<{ cleared: string[] }> {
    return this.request('POST', '/shares/outgoing/clear', ids ? { ids } : {});
  }

  /** Accepts a pending incoming share. */
  acceptShare(id: string): Promise<IncomingShareView> {
    return this.request('POST', `/shares/incoming/${seg(id)}/accept`);
  }

  /** Declines a pending incoming share. */
  declineShare(id: string): Promise<IncomingShareView> {
    return this.request('POST', `/shares/incoming/${seg(id)}/decline`);
  }

  /** Leaves an accepted incoming share. */
  leaveShare(id: string): Promise<IncomingShareView> {
    return this.request('DELETE', `/shares/incoming/${seg(id)}`);
  }

  /** Creates an invite (string and link) for someone on another server. */
  createInvite(): Promise<CreatedInvite> {
    return this.request('POST', '/invites');
  }

  /** The user's invites nobody accepted yet. */
  invites(): Promise<OutstandingInvite[]> {
    return this.request('GET', '/invites');
  }

  /** Revokes an unused invite: its link and string stop working. */
  revokeInvite(id: string): Promise<null> {
    return this.request('DELETE', `/invites/${seg(id)}`);
  }

  /** Accepts an invite string from someone on another server; returns the new contact. */
  acceptInvite(inviteString: string): Promise<Contact> {
    if (!inviteString.trim())
      return Promise.reject(new ApiError(400, 'INVALID_INPUT', 'Paste an invite string first.'));
    return this.request('POST', '/invites/accept', { inviteString: inviteString.trim() });
  }

  /** The user's federated contacts. */
  contacts(): Promise<Contact[]> {
    return this.request('GET', '/contacts');
  }

  /** Adds a contact on another server by address (`name@server`). */
  addContact(address: string, displayName?: string): Promise<Contact> {
    if (!address.trim())
      return Promise.reject(new ApiError(400, 'INVALID_INPUT', 'Enter an address like name@server.'));
    const name = displayName?.trim();
    return this.request('POST', '/contacts', { address: address.trim(), ...(name ? { displayName: name } : {}) });
  }

  /** Removes a contact. */
  removeContact(id: string): Promise<null> {
    return this.request('DELETE', `/contacts/${seg(id)}`);
  }

  /** People matching a name, e-mail or address across contacts and address books (share dialogs). */
  people(query: string, limit = 8): Promise<Person[]> {
    if (!query.trim()) return Promise.resolve([]);
    return this.request('GET', `/people?q=${encodeURIComponent(query.trim())}&limit=${limit}`);
  }
}
