/**
 * The `webdav` protocol block of a shared DAV collection (a calendar, an address book), in Nextcloud's v1 shape
 * (next-capabilities.md §2.2): the legacy `{name: "webdav", options: {sharedSecret, permissions}}` with the
 * collection's fields at the top level (`version: "v1"`, `url`, `displayName`, `access` 2 | 3, and the resource
 * type's own). For a receiver that demands the code flow (`must-exchange-token`) the same fields travel in a `webdav`
 * protocol object with the requirement: the core drops the legacy options (and the top-level fields with them) for
 * such receivers, and a strict share must not offer its secret outside the protocol object.
 */
import { createHash } from 'node:crypto';
import { InputError, type IncomingShare } from '#core';

/** Nextcloud's sharing access values (OCA\DAV\DAV\Sharing\Backend). */
export const ACCESS_READ_WRITE = 2;
export const ACCESS_READ = 3;

/** What Nextcloud sends as `options.permissions`: a WebDAV property name. */
export const LEGACY_PERMISSIONS = '{http://open-cloud-mesh.org/ns}share-permissions';

/** The protocol object of an outgoing DAV collection share. */
export function webdavShareProtocol(input: {
  url: string;
  sharedSecret: string;
  displayName: string;
  write: boolean;
  /** The receiver demands `must-exchange-token` (the share draft's `mustExchangeToken`). */
  mustExchangeToken: boolean;
  /** The resource type's own fields, after `displayName` (calendars: `color`, `components`). */
  fields?: Record<string, unknown>;
}): Record<string, unknown> {
  const { url, sharedSecret, displayName } = input;
  const v1 = { version: 'v1', url, displayName, ...(input.fields ?? {}) };
  const access = input.write ? ACCESS_READ_WRITE : ACCESS_READ;
  if (input.mustExchangeToken)
    return {
      name: 'webdav',
      webdav: {
        ...v1,
        access,
        uri: url,
        sharedSecret,
        permissions: input.write ? ['read', 'write'] : ['read'],
        requirements: ['must-exchange-token'],
      },
    };
  // Key order as Nextcloud sends it: name, options, version, url, displayName, <own fields>, access, ...
  const { version, url: u, displayName: d, ...own } = v1;
  return {
    name: 'webdav',
    options: { sharedSecret, permissions: LEGACY_PERMISSIONS },
    version,
    url: u,
    displayName: d,
    ...own,
    access,
  };
}

/** A received DAV collection share's common protocol fields. */
export interface WebdavShareInfo {
  /** The collection URL as sent (the share's identity at its sender). */
  url: string;
  /** The same with a trailing slash, for member URLs. */
  collectionUrl: string;
  displayName: string;
  access: 'read' | 'read-write';
  sharedSecret: string;
  /** The owner demands the code flow: requests carry a token exchanged for the secret (`shares.accessCredential`). */
  mustExchangeToken: boolean;
  /** The whole `webdav` arm, for the resource type's own fields. */
  arm: Record<string, unknown>;
}

function invalid(message: string): InputError {
  return new InputError(message, [{ name: 'protocol', message: 'INVALID_VALUE' }], 'INVALID_PROTOCOL');
}

/**
 * Reads a received share's `webdav` arm (the core folds Nextcloud's top-level fields into it) with Nextcloud's own
 * rules (`CalendarFederationProvider::shareReceived`): v1, string url and displayName, integer access 2 or 3, a
 * sharedSecret; `validFields` checks the type's own fields (false: "Invalid protocol data (v1)"). The url must be an
 * http(s) URL on the sender's host. Access follows a permissions list the owner changed later
 * (`SHARE_CHANGE_PERMISSION`), else `access`.
 */
export function readWebdavShare(
  share: IncomingShare,
  what: string,
  validFields: (arm: Record<string, unknown>) => boolean = () => true,
): WebdavShareInfo {
  const arm = share.protocol.protocols.webdav;
  if (!arm) throw invalid(`a ${what} share needs a webdav protocol`);
  if (arm.version === undefined) throw invalid('No protocol version');
  if (arm.version !== 'v1') throw invalid('Unknown protocol version');
  const { url, displayName, access, sharedSecret } = arm;
  if (
    typeof url !== 'string' ||
    typeof displayName !== 'string' ||
    typeof access !== 'number' ||
    !Number.isInteger(access) ||
    !validFields(arm)
  )
    throw invalid('Invalid protocol data (v1)');
  if (url === '' || displayName === '') throw invalid('Incomplete protocol data');
  if (access !== ACCESS_READ && access !== ACCESS_READ_WRITE) throw invalid('Unsupported access value');
  if (typeof sharedSecret !== 'string' || sharedSecret === '') throw invalid('the share carries no sharedSecret');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid('protocol url is not a URL');
  }
  if (!/^https?:$/.test(parsed.protocol) || parsed.host.toLowerCase() !== share.senderHost.toLowerCase())
    throw invalid(`the ${what} url must be on the sharing server`);
  const granted = Array.isArray(arm.permissions) ? arm.permissions : [];
  const write = granted.length ? granted.includes('write') : access === ACCESS_READ_WRITE;
  const requirements = Array.isArray(arm.requirements) ? arm.requirements : [];
  return {
    url,
    collectionUrl: url.endsWith('/') ? url : `${url}/`,
    displayName,
    access: write ? 'read-write' : 'read',
    sharedSecret,
    mustExchangeToken: requirements.includes('must-exchange-token'),
    arm,
  };
}

/** What a received share lets its recipient do, from Nextcloud's `access` (the `incomingPermissions` hook). */
export function webdavIncomingPermissions(share: IncomingShare): string[] | undefined {
  const access = share.protocol.protocols.webdav?.access;
  if (access === ACCESS_READ_WRITE) return ['read', 'write'];
  return access === ACCESS_READ ? ['read'] : undefined;
}

/** The URI of a synced copy in the recipient's home: stable per owner URL, like Nextcloud's md5(url). */
export function sharedCopyUri(url: string): string {
  return `shared-${createHash('md5').update(url).digest('hex').slice(0, 16)}`;
}
