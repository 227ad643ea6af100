/**
 * Reads the share bodies Nextcloud and other pre-1.4 peers send into the 1.4 shape our schema checks:
 * `sharedBy`/`sharedByDisplayName` stand for `sender`/`senderDisplayName`; addresses may carry a scheme
 * (`bob@https://cloud.example.org`, Nextcloud 35); and Nextcloud's resource types put their own fields at
 * the top level of a legacy `{name, options}` protocol (calendar: `version`, `url`, `displayName`, `color`,
 * `access`, `components`; Talk: `roomName`, `roomType`, ...), which we keep beside the options' secret.
 */

type Body = Record<string, unknown>;
const isObject = (v: unknown): v is Body => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `user@https://host/` → `user@host`; anything else unchanged. */
function withoutScheme(address: unknown): unknown {
  if (typeof address !== 'string') return address;
  const at = address.lastIndexOf('@');
  if (at < 0) return address;
  const host = address.slice(at + 1);
  const bare = host.replace(/^https?:\/\//i, '').replace(/\/+$/, '');
  return bare === host ? address : `${address.slice(0, at + 1)}${bare}`;
}

/** A legacy protocol's top-level scalars moved into its options (so they reach the protocol's arm). */
function foldLegacyProtocol(protocol: unknown): unknown {
  if (!isObject(protocol) || !isObject(protocol.options) || protocol.name === 'multi') return protocol;
  const scalars = Object.entries(protocol).filter(([k, v]) => k !== 'name' && k !== 'options' && !isObject(v));
  if (scalars.length === 0) return protocol;
  const out: Body = { ...protocol, options: { ...Object.fromEntries(scalars), ...protocol.options } };
  for (const [k] of scalars) delete out[k];
  return out;
}

/** Returns the body in the 1.4 shape where a legacy peer used its own spelling; other bodies are unchanged. */
export function normalizeLegacyShare(raw: unknown): unknown {
  if (!isObject(raw)) return raw;
  const body: Body = { ...raw };
  if (body.sender === undefined && typeof body.sharedBy === 'string') body.sender = body.sharedBy;
  if (body.senderDisplayName === undefined && typeof body.sharedByDisplayName === 'string')
    body.senderDisplayName = body.sharedByDisplayName;
  // Nextcloud 31 sends no sharedBy when the owner shares: the owner is the sender then.
  if (body.sender === undefined && typeof body.owner === 'string') body.sender = body.owner;
  for (const field of ['shareWith', 'owner', 'sender', 'sharedBy']) body[field] = withoutScheme(body[field]);
  for (const field of ['shareWith', 'owner', 'sender', 'sharedBy']) if (body[field] === undefined) delete body[field];
  body.protocol = foldLegacyProtocol(body.protocol);
  return body;
}
