import { readFileSync } from 'node:fs';
import path from 'node:path';
import proxyaddr from 'proxy-addr';
import { MeshworkError } from '../errors.ts';

/** Criteria a server may advertise in discovery and enforce on inbound requests. */
export const KNOWN_CRITERIA = [
  'must-use-http-sig',
  'must-exchange-token',
  'must-invite',
  'denylist',
  'allowlist',
] as const;
export type Criterion = (typeof KNOWN_CRITERIA)[number];

/** The resolved, validated configuration of one Meshwork server. */
export interface MeshworkConfig {
  port: number;
  host: string;
  /** Origin other servers and browsers use; `null` until known when listening on port 0. */
  publicUrl: string | null;
  dataDir: string;
  databaseUrl: string | null;
  redisUrl: string | null;
  allowInsecurePeers: boolean;
  providerName: string;
  criteria: Criterion[];
  /** Peers (host[:port]) refused outright, and, if non-empty, the only peers accepted. */
  denyPeers: string[];
  allowPeers: string[];
  logLevel: string;
  /** Base delay of the outbox's exponential back-off, and how long it keeps trying. */
  outboxRetryBaseMs: number;
  outboxRetryMaxMs: number;
  outboxGiveUpMs: number;
  /** Lifetime of bearer tokens issued by the token endpoint, in seconds. */
  accessTokenTtlSeconds: number;
  /** Reverse proxies whose `X-Forwarded-For` is believed (addresses, CIDRs, loopback/linklocal/uniquelocal). */
  trustProxy: string[];
  /** How long a node holds an outbox message it claimed before another node may take it over. */
  outboxLeaseMs: number;
  /** How long a user's share request waits for the receiving server before answering 202 (queued). */
  shareWaitMs: number;
  /** Problems worth a start-up warning that do not stop the server (e.g. unknown MESHWORK_* variables). */
  warnings: string[];
  /**
   * Every MESHWORK_* setting as given (config file and environment merged, the environment winning), for
   * plugins that read and validate their own variables (listed in SERVER_VARIABLES, e.g. the calls plugin's).
   */
  variables: Readonly<Record<string, string>>;
}

/** Every MESHWORK_* variable the server reads. */
export const SERVER_VARIABLES = [
  'MESHWORK_CONFIG',
  'MESHWORK_PORT',
  'MESHWORK_HOST',
  'MESHWORK_PUBLIC_URL',
  'MESHWORK_DATA_DIR',
  'MESHWORK_DATABASE_URL',
  'MESHWORK_REDIS_URL',
  'MESHWORK_ALLOW_INSECURE_PEERS',
  'MESHWORK_PROVIDER_NAME',
  'MESHWORK_CRITERIA',
  'MESHWORK_DENY_PEERS',
  'MESHWORK_ALLOW_PEERS',
  'MESHWORK_LOG_LEVEL',
  'MESHWORK_OUTBOX_RETRY_BASE_MS',
  'MESHWORK_OUTBOX_RETRY_MAX_MS',
  'MESHWORK_OUTBOX_GIVE_UP_MS',
  'MESHWORK_OUTBOX_LEASE_MS',
  'MESHWORK_SHARE_WAIT_MS',
  'MESHWORK_CALENDAR_SYNC_INTERVAL_MS',
  'MESHWORK_CONTACTS_SYNC_INTERVAL_MS',
  'MESHWORK_ACCESS_TOKEN_TTL',
  'MESHWORK_TRUST_PROXY',
  // Plugin packages enabled by configuration (sdk/loader/plugin-packages.ts reads it).
  'MESHWORK_PLUGINS',
  // Calls plugin (plugins/calls/calls-config.ts reads and validates them).
  'MESHWORK_TURN_URLS',
  'MESHWORK_TURN_SECRET',
  'MESHWORK_TURN_TTL',
  'MESHWORK_TURN_RELAY_ONLY',
  'MESHWORK_JANUS_URL',
  'MESHWORK_JANUS_API_SECRET',
  'MESHWORK_JANUS_ADMIN_KEY',
  'MESHWORK_CALLS_MESH_MAX',
  'MESHWORK_CALLS_SFU',
] as const;

/** MESHWORK_* variables read by the project's tools (tests, demo, web build), not by the server: no warning. */
const TOOL_VARIABLES = [
  'MESHWORK_SQL_PROFILE',
  'MESHWORK_OCM_SPEC',
  'MESHWORK_DEMO_PORTS',
  'MESHWORK_WEB_OUT_DIR',
  'MESHWORK_DEV_BACKEND',
  'MESHWORK_CHROMIUM',
  'MESHWORK_TEST_LOG',
  'MESHWORK_TEST_PG_URL',
  'MESHWORK_TEST_REDIS_URL',
  'MESHWORK_FUZZ_SEED',
];

/** MESHWORK_* names that nothing reads: most likely typos (`MESHWORK_PROT`) the operator should hear about. */
function unknownVariables(names: string[]): string[] {
  const known = new Set<string>([...SERVER_VARIABLES, ...TOOL_VARIABLES]);
  return [...new Set(names.filter((n) => n.startsWith('MESHWORK_') && !known.has(n)))].sort();
}

/** A configuration problem, naming the variable at fault. */
export class ConfigError extends MeshworkError {
  readonly variable: string;
  constructor(variable: string, message: string) {
    super('CONFIG_INVALID', `${variable}: ${message}`, 500);
    this.variable = variable;
  }
}

type Env = Record<string, string | undefined>;

function int(env: Env, name: string, def: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return def;
  if (!/^-?\d+$/.test(raw.trim())) throw new ConfigError(name, `must be an integer, got "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${n}`);
  return n;
}

function bool(env: Env, name: string): boolean {
  const raw = (env[name] ?? '').trim().toLowerCase();
  if (raw === '' || raw === '0' || raw === 'false' || raw === 'no') return false;
  if (raw === '1' || raw === 'true' || raw === 'yes') return true;
  throw new ConfigError(name, `must be 1/0/true/false, got "${env[name]}"`);
}

function list(env: Env, name: string): string[] {
  return (env[name] ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
}

function publicUrl(env: Env, port: number): string | null {
  const raw = env.MESHWORK_PUBLIC_URL;
  if (raw === undefined || raw === '') return port === 0 ? null : `http://localhost:${port}`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('MESHWORK_PUBLIC_URL', `not a URL: "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError('MESHWORK_PUBLIC_URL', 'must start with http:// or https://');
  }
  if (url.pathname !== '/' || url.search || url.hash || url.username) {
    throw new ConfigError('MESHWORK_PUBLIC_URL', 'must be an origin only (no path, query or credentials)');
  }
  return url.origin;
}

/** MESHWORK_TRUST_PROXY: the proxies in front of this server; a client's own X-Forwarded-For is never believed. */
function trustProxy(env: Env): string[] {
  const entries = list(env, 'MESHWORK_TRUST_PROXY');
  for (const e of entries) {
    if (e === 'true' || e === '*' || e === '1')
      throw new ConfigError(
        'MESHWORK_TRUST_PROXY',
        `name the proxies (e.g. loopback, 10.0.0.0/8), not "${e}": trusting every hop lets clients choose their address`,
      );
    try {
      proxyaddr.compile(e);
    } catch {
      throw new ConfigError(
        'MESHWORK_TRUST_PROXY',
        `"${e}" is not an IP address, a CIDR range, loopback, linklocal or uniquelocal`,
      );
    }
  }
  return entries;
}

/** Reads an optional JSON config file (MESHWORK_CONFIG) whose keys are the env variable names. */
function fileEnv(env: Env): Env {
  const file = env.MESHWORK_CONFIG;
  if (!file) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError('MESHWORK_CONFIG', `cannot read ${file}: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError('MESHWORK_CONFIG', 'must hold a JSON object of MESHWORK_* keys');
  }
  const out: Env = {};
  for (const [k, v] of Object.entries(parsed)) {
    if (!k.startsWith('MESHWORK_')) throw new ConfigError('MESHWORK_CONFIG', `unknown key "${k}"`);
    out[k] = Array.isArray(v) ? v.join(',') : String(v);
  }
  return out;
}

/** Builds the configuration from the environment (and MESHWORK_CONFIG), failing on the first bad variable. */
export function loadConfig(processEnv: Env = process.env): MeshworkConfig {
  const fromFile = fileEnv(processEnv);
  const env: Env = { ...fromFile, ...processEnv };
  const warnings: string[] = [];
  const unknownEnv = unknownVariables(Object.keys(processEnv));
  if (unknownEnv.length)
    warnings.push(`unknown environment variable${unknownEnv.length > 1 ? 's' : ''} ignored: ${unknownEnv.join(', ')}`);
  const unknownFile = unknownVariables(Object.keys(fromFile));
  if (unknownFile.length)
    warnings.push(
      `unknown key${unknownFile.length > 1 ? 's' : ''} in ${processEnv.MESHWORK_CONFIG} ignored: ${unknownFile.join(', ')}`,
    );
  const port = int(env, 'MESHWORK_PORT', 8080, 0, 65535);
  const criteria = list(env, 'MESHWORK_CRITERIA');
  for (const c of criteria) {
    if (!(KNOWN_CRITERIA as readonly string[]).includes(c)) {
      throw new ConfigError('MESHWORK_CRITERIA', `unknown criterion "${c}" (known: ${KNOWN_CRITERIA.join(', ')})`);
    }
  }
  const databaseUrl = env.MESHWORK_DATABASE_URL?.trim() || null;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('MESHWORK_DATABASE_URL', 'must be a postgres:// URL (unset means embedded SQLite)');
  }
  const redisUrl = env.MESHWORK_REDIS_URL?.trim() || null;
  if (redisUrl && !/^rediss?:\/\//.test(redisUrl))
    throw new ConfigError('MESHWORK_REDIS_URL', 'must be a redis:// URL');
  const level = env.MESHWORK_LOG_LEVEL?.trim() || 'info';
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(level)) {
    throw new ConfigError('MESHWORK_LOG_LEVEL', `unknown level "${level}"`);
  }
  return {
    port,
    host: env.MESHWORK_HOST?.trim() || '127.0.0.1',
    publicUrl: publicUrl(env, port),
    dataDir: path.resolve(env.MESHWORK_DATA_DIR?.trim() || './data'),
    databaseUrl,
    redisUrl,
    allowInsecurePeers: bool(env, 'MESHWORK_ALLOW_INSECURE_PEERS'),
    providerName: env.MESHWORK_PROVIDER_NAME?.trim() || 'Meshwork',
    criteria: criteria as Criterion[],
    denyPeers: list(env, 'MESHWORK_DENY_PEERS'),
    allowPeers: list(env, 'MESHWORK_ALLOW_PEERS'),
    logLevel: level,
    outboxRetryBaseMs: int(env, 'MESHWORK_OUTBOX_RETRY_BASE_MS', 2000, 10, 3_600_000),
    outboxRetryMaxMs: int(env, 'MESHWORK_OUTBOX_RETRY_MAX_MS', 3_600_000, 10, 86_400_000),
    outboxGiveUpMs: int(env, 'MESHWORK_OUTBOX_GIVE_UP_MS', 5 * 86_400_000, 1000, 30 * 86_400_000),
    accessTokenTtlSeconds: int(env, 'MESHWORK_ACCESS_TOKEN_TTL', 900, 30, 86_400),
    trustProxy: trustProxy(env),
    outboxLeaseMs: int(env, 'MESHWORK_OUTBOX_LEASE_MS', 60_000, 500, 3_600_000),
    shareWaitMs: int(env, 'MESHWORK_SHARE_WAIT_MS', 3_000, 1_000, 60_000),
    warnings,
    variables: Object.freeze(
      Object.fromEntries(
        Object.entries(env).filter((e): e is [string, string] => e[0].startsWith('MESHWORK_') && e[1] !== undefined),
      ),
    ),
  };
}
