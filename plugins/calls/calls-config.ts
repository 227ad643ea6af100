import { ConfigError } from '#core';

/** How a server's calls are set up (from MESHWORK_TURN_*, MESHWORK_JANUS_*, MESHWORK_CALLS_*). */
export interface CallsConfig {
  /** TURN/STUN URLs handed to this server's users (`turn:`, `turns:`, `stun:`). */
  turnUrls: string[];
  /** coturn's `static-auth-secret` (TURN REST API): credentials are minted from it. */
  turnSecret: string | null;
  /** Lifetime of minted TURN credentials, in seconds. */
  turnTtlSeconds: number;
  /** Browsers use relayed (TURN) candidates only, so peers never learn each other's addresses. */
  relayOnly: boolean;
  /** Janus WebSocket API (`ws://127.0.0.1:8188`); null = this server has no SFU. */
  janusUrl: string | null;
  janusApiSecret: string | null;
  /** The VideoRoom plugin's `admin_key`, needed to create rooms when Janus sets one. */
  janusAdminKey: string | null;
  /** Largest call that stays peer-to-peer (each pair connected directly). */
  meshMax: number;
  /** `auto`: SFU beyond `meshMax`; `always`: every call through the SFU; `never`: always peer-to-peer. */
  sfuPolicy: 'auto' | 'always' | 'never';
}

function int(v: Record<string, string>, name: string, def: number, min: number, max: number): number {
  const raw = v[name]?.trim();
  if (!raw) return def;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be an integer, got "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${n}`);
  return n;
}

function text(v: Record<string, string>, name: string): string | null {
  return v[name]?.trim() || null;
}

/** Reads and checks the calls variables; a bad value stops start-up naming the variable. */
export function readCallsConfig(v: Readonly<Record<string, string>>): CallsConfig {
  const vars = { ...v };
  const turnUrls = (vars.MESHWORK_TURN_URLS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const u of turnUrls)
    if (!/^(turns?|stuns?):[^\s]+$/.test(u))
      throw new ConfigError('MESHWORK_TURN_URLS', `not a turn:, turns: or stun: URL: "${u}"`);
  const turnSecret = text(vars, 'MESHWORK_TURN_SECRET');
  if (turnUrls.some((u) => u.startsWith('turn')) && !turnSecret)
    throw new ConfigError('MESHWORK_TURN_SECRET', 'is required with turn: URLs (coturn static-auth-secret)');
  const relayRaw = (vars.MESHWORK_TURN_RELAY_ONLY ?? '').trim().toLowerCase();
  if (!['', '0', '1', 'true', 'false'].includes(relayRaw))
    throw new ConfigError('MESHWORK_TURN_RELAY_ONLY', `must be 1 or 0, got "${relayRaw}"`);
  const relayOnly = relayRaw === '1' || relayRaw === 'true';
  if (relayOnly && !turnUrls.some((u) => u.startsWith('turn')))
    throw new ConfigError('MESHWORK_TURN_RELAY_ONLY', 'needs a TURN server in MESHWORK_TURN_URLS');
  const janusUrl = text(vars, 'MESHWORK_JANUS_URL');
  if (janusUrl && !/^wss?:\/\/[^\s]+$/.test(janusUrl))
    throw new ConfigError('MESHWORK_JANUS_URL', `must be a ws:// or wss:// URL, got "${janusUrl}"`);
  const policy = (vars.MESHWORK_CALLS_SFU ?? 'auto').trim().toLowerCase() || 'auto';
  if (policy !== 'auto' && policy !== 'always' && policy !== 'never')
    throw new ConfigError('MESHWORK_CALLS_SFU', `must be auto, always or never, got "${policy}"`);
  return {
    turnUrls,
    turnSecret,
    turnTtlSeconds: int(vars, 'MESHWORK_TURN_TTL', 3600, 60, 86_400),
    relayOnly,
    janusUrl,
    janusApiSecret: text(vars, 'MESHWORK_JANUS_API_SECRET'),
    janusAdminKey: text(vars, 'MESHWORK_JANUS_ADMIN_KEY'),
    meshMax: int(vars, 'MESHWORK_CALLS_MESH_MAX', 4, 2, 16),
    sfuPolicy: policy,
  };
}
