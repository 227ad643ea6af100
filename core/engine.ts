import { contactsProvider, PeopleRegistry } from './people/people-registry.ts';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { Router, type RequestHandler } from 'express';
import type { MeshworkConfig } from './config/config.ts';
import { createLogger, type Logger } from './logger.ts';
import { openDatabase, type Database } from './storage/database.ts';
import { migrate } from './storage/migrations.ts';
import { coreMigrations } from './storage/core-schema.ts';
import { tableScope } from './storage/table-scope.ts';
import { AccountService } from './accounts/account-service.ts';
import { requireUser } from './accounts/auth-middleware.ts';
import { AccountHousekeeping } from './accounts/account-housekeeping.ts';
import { clientAddressResolver, trustProxyFunction } from './accounts/client-address.ts';
import { LoginThrottle } from './accounts/login-throttle.ts';
import { PasswordLogin } from './accounts/password-login.ts';
import { EngineEventBus } from './events.ts';
import { loopbackFor } from './addresses.ts';
import { MutableIdentity } from './server-identity.ts';
import { DiscoveryClient } from './discovery/discovery-client.ts';
import { buildDiscoveryDocument } from './discovery/discovery-document.ts';
import { lazyCavageKey, loadSigningKey } from './federation/key-store.ts';
import { PeerAuthenticator } from './federation/peer-auth.ts';
import { SignedClient } from './federation/signed-client.ts';
import { Outbox } from './outbox/outbox.ts';
import { deliverOutboxMessage } from './outbox/outbox-delivery.ts';
import { PluginHost } from './plugin/plugin-host.ts';
import { pluginNotify, pluginOutbox, pluginRemote, pluginShares } from './plugin/plugin-context-parts.ts';
import { orderPlugins, PluginApis } from './plugin/plugin-order.ts';
import { checkExactMount, checkManifests, checkMount } from './plugin/plugin-manifest.ts';
import type { MeshworkPlugin, PluginContext } from './plugin/plugin-types.ts';
import type { SigningKey } from './signatures/key-pair.ts';
import { ShareStore } from './shares/share-store.ts';
import { OutgoingShareService } from './shares/outgoing-share-service.ts';
import { ShareSecrets } from './shares/share-secrets.ts';
import { IncomingShareService } from './shares/incoming-share-service.ts';
import { LocalPeer } from './shares/local-peer.ts';
import { SharePermissionService } from './shares/share-permissions.ts';
import { UserSettingsStore } from './accounts/user-settings.ts';
import { NotificationService } from './notifications/notification-service.ts';
import { ContactStore } from './invites/contact-store.ts';
import { InviteService } from './invites/invite-service.ts';
import { TokenService } from './tokens/token-service.ts';
import { Realtime } from './realtime/realtime.ts';
import type { SessionCheckTimes } from './realtime/session-sockets.ts';
import { accessLog } from './transport/access-log.ts';
import { errorMiddleware } from './transport/error-middleware.ts';
import { ocmRoutes } from './transport/ocm-routes.ts';
import { HotRoutes } from './transport/hot-routes.ts';
import { apiRoutes } from './transport/api-routes.ts';
import { accountRoutes } from './transport/account-routes.ts';
import { malformedUrlGuard, refuseConnect } from './transport/url-guard.ts';
import { inviteDialogRoutes } from './transport/invite-dialog.ts';
import { NotFoundError } from './errors.ts';

/** Options for one Meshwork server. */
export interface EngineOptions {
  config: MeshworkConfig;
  plugins: MeshworkPlugin[];
  logger?: Logger;
  /** Extra handlers mounted last, before the 404 (the web app). */
  fallback?: RequestHandler[];
  /** Handlers run on a path before the plugins' own (tests record server-to-server traffic); never configurable. */
  wiretap?: Array<[string, RequestHandler[]]>;
  /** How often sockets' sessions are re-read (defaults: on an event after 2 s, all every 5 s); tests isolate each. */
  sessionChecks?: SessionCheckTimes;
}

/** One running Meshwork server: storage, OCM engine, client API, realtime and plugins. */
export class Engine {
  readonly config: MeshworkConfig;
  readonly log: Logger;
  readonly identity = new MutableIdentity();
  readonly events = new EngineEventBus();
  /** People search: the core's contacts first, then what plugins register. */
  readonly people = new PeopleRegistry();
  readonly app = express();
  readonly http: HttpServer;
  readonly plugins: PluginHost;
  database!: Database;
  accounts!: AccountService;
  outbox!: Outbox;
  discovery!: DiscoveryClient;
  shares!: ShareStore;
  realtime!: Realtime;
  #housekeeping: AccountHousekeeping | null = null;
  readonly #mounts: Array<[string, RequestHandler[]]> = [];
  #key: SigningKey | null = null;
  #ready = false;
  readonly #hot = new HotRoutes();
  readonly #opts: EngineOptions;

  constructor(opts: EngineOptions) {
    this.#opts = opts;
    this.config = opts.config;
    this.log = opts.logger ?? createLogger(opts.config.logLevel);
    this.plugins = new PluginHost(this.log);
    // The few requests every share pays for skip express (transport/hot-routes.ts); all else goes to the app.
    this.http = createServer(this.#hot.listener({ app: this.app, ready: () => this.#ready, log: () => this.log }));
    this.http.on('connect', refuseConnect);
    this.app.disable('x-powered-by');
    // The client address (throttling, logs) is the socket's unless MESHWORK_TRUST_PROXY names the proxies in front.
    this.app.set('trust proxy', trustProxyFunction(opts.config.trustProxy));
    this.app.use(accessLog(() => this.log));
    // Listening starts before wiring (port 0 decides our origin); answer 503 until everything is mounted.
    this.app.use((_req, res, next) =>
      this.#ready
        ? next()
        : void res.status(503).set('retry-after', '1').json({ code: 'STARTING', message: 'server is starting' }),
    );
    // Plugin mounts (WebDAV) see raw paths and answer malformed percent-encoding in their own error shape.
    this.app.use(malformedUrlGuard((path) => this.#mounts.some(([m]) => path === m || path.startsWith(`${m}/`))));
  }

  /** Opens storage, migrates, wires every service and plugin, and listens. */
  async start(): Promise<void> {
    const { config } = this;
    // Dependencies between plugins decide their order; a missing one stops start-up before anything runs.
    // Declarations are checked against the core and each other first: a conflict names the plugin.
    checkManifests(this.#opts.plugins);
    const plugins = orderPlugins(this.#opts.plugins);
    for (const warning of config.warnings) this.log.warn({ part: 'config' }, warning);
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(config.port, config.host, () => resolve());
    });
    const listening = this.http.address() as AddressInfo;
    const port = listening.port;
    this.identity.set(config.publicUrl ?? `http://localhost:${port}`);
    // Requests to our own origin (same-server shares) go to this node's own listener, never through DNS.
    const listen = { host: loopbackFor(listening.address), port };
    this.database = openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
    const { db, dialect } = this.database;
    await migrate(db, dialect, [
      { owner: 'core', migrations: coreMigrations },
      ...plugins.map((p) => ({ owner: p.id, migrations: p.migrations ?? [], scope: tableScope(p.id) })),
    ]);
    this.#key = await loadSigningKey(db, `${this.identity.host}#key1`);
    const policy = {
      allowInsecure: config.allowInsecurePeers,
      self: () => ({ origin: this.identity.origin, listen }),
    };
    this.accounts = new AccountService(db, {
      onSessionsEnded: (e) => this.events.emit('account:sessions-ended', e),
    });
    const cavageKey = lazyCavageKey(db, () => `${this.identity.origin}/ocm#signature`);
    this.discovery = new DiscoveryClient({
      policy,
      // A user creating a share waits up to shareWaitMs for the receiver; its discovery may take as long.
      timeoutMs: Math.max(5_000, config.shareWaitMs),
      // Our own discovery document needs no request (a same-server share discovers its own host).
      self: () => ({
        host: this.identity.host,
        origin: this.identity.origin,
        document: buildDiscoveryDocument(config, this.identity, this.plugins.resourceTypes()),
      }),
    });
    const client = new SignedClient(this.discovery, policy, () => this.#key as SigningKey, cavageKey);
    const peers = new PeerAuthenticator(
      this.discovery,
      {
        requireSignatures: config.criteria.includes('must-use-http-sig'),
        denyPeers: config.denyPeers,
        allowPeers: config.allowPeers,
      },
      () => this.identity.origin,
    );
    this.outbox = new Outbox(
      db,
      (msg) => deliverOutboxMessage(msg, this.discovery, client, (t) => this.plugins.spec(t)),
      this.log.child({ part: 'outbox' }),
      {
        retryBaseMs: config.outboxRetryBaseMs,
        retryMaxMs: config.outboxRetryMaxMs,
        giveUpMs: config.outboxGiveUpMs,
        leaseMs: config.outboxLeaseMs,
      },
    );
    this.shares = new ShareStore(db);
    const contacts = new ContactStore(db);
    this.people.register(contactsProvider((userId) => contacts.list(userId)));
    const common = {
      store: this.shares,
      plugins: this.plugins,
      outbox: this.outbox,
      events: this.events,
      identity: this.identity,
    };
    const local = new LocalPeer({
      identity: this.identity,
      store: this.shares,
      log: this.log.child({ part: 'shares' }),
    });
    const settings = new UserSettingsStore(db);
    const secrets = await ShareSecrets.load(db);
    const outgoing = new OutgoingShareService({
      ...common,
      db,
      discovery: this.discovery,
      accounts: this.accounts,
      config,
      local,
      secrets,
      log: this.log.child({ part: 'shares' }),
      send: async (msg, timeoutMs) => {
        const started = Date.now();
        const res = await deliverOutboxMessage(msg, this.discovery, client, (t) => this.plugins.spec(t), { timeoutMs });
        const line = { destination: msg.destination, kind: msg.kind, status: res.status, ms: Date.now() - started };
        this.log.debug(line, 'share sent while its user waits');
        return res;
      },
    });
    const incoming = new IncomingShareService({
      ...common,
      accounts: this.accounts,
      contacts,
      config,
      local,
      settings,
      log: this.log.child({ part: 'shares' }),
    });
    const permissions = new SharePermissionService({
      store: this.shares,
      events: this.events,
      local,
      outbox: this.outbox,
      secrets,
      plugins: this.plugins,
    });
    const notifications = new NotificationService({
      store: this.shares,
      plugins: this.plugins,
      incoming,
      events: this.events,
      peers,
      permissions,
    });
    local.bind({ incoming, notifications });
    const invites = new InviteService({
      db,
      contacts,
      accounts: this.accounts,
      client,
      identity: this.identity,
      events: this.events,
    });
    const tokens = new TokenService({
      db,
      store: this.shares,
      ttlSeconds: config.accessTokenTtlSeconds,
      discovery: this.discovery,
      client,
      identity: this.identity,
    });
    this.realtime = new Realtime(
      this.http,
      this.accounts,
      this.events,
      this.log.child({ part: 'realtime' }),
      config.redisUrl,
      this.#opts.sessionChecks,
    );
    const clientAddress = clientAddressResolver(config.trustProxy);
    const passwords = new PasswordLogin(this.accounts, new LoginThrottle(db));
    const userAuth = requireUser({ accounts: this.accounts, passwords, clientAddress });
    this.#housekeeping = new AccountHousekeeping({
      db,
      accounts: this.accounts,
      store: this.shares,
      outgoing,
      incoming,
      events: this.events,
      log: this.log.child({ part: 'accounts' }),
    });

    const [app, hot] = [this.app, this.#hot];
    const discoveryDoc = async (_req: express.Request, res: express.Response) => {
      const { keyId, publicKeyPem } = await cavageKey();
      res.json(buildDiscoveryDocument(config, this.identity, this.plugins.resourceTypes(), { keyId, publicKeyPem }));
    };
    const jwks = () => ({ keys: [{ ...(this.#key as SigningKey).publicJwk, use: 'sig' }] });
    app.get('/.well-known/ocm', discoveryDoc);
    app.get(['/ocm-provider', '/ocm-provider/'], discoveryDoc);
    app.get('/.well-known/jwks.json', (_req, res) => void res.json(jwks()));
    app.use('/ocm', ocmRoutes({ peers, incoming, notifications, invites, tokens, outbox: this.outbox, jwks, hot }));
    app.use(inviteDialogRoutes(this.identity, this.discovery, invites));
    app.use(
      '/api/v1',
      express.json({ limit: '1mb' }),
      accountRoutes({
        accounts: this.accounts,
        passwords,
        clientAddress,
        requireUser: userAuth,
        identity: this.identity,
        pluginIds: plugins.map((p) => p.id),
      }),
      apiRoutes({
        accounts: this.accounts,
        requireUser: userAuth,
        identity: this.identity,
        outgoing,
        incoming,
        permissions,
        store: this.shares,
        invites,
        contacts,
        settings,
        events: this.events,
        people: this.people,
        hot,
        pluginIds: plugins.map((p) => p.id),
      }),
    );

    // A signed request from a peer also means it is up: retry what waits for it now.
    const peerAuth = peers.requireSigned((host) => void this.outbox.retryNow(host).catch(() => {}));
    const mounts = this.#mounts;
    const apis = new PluginApis();
    const mountOwners: Array<[string, string]> = [];
    const exactMounts: Array<[string, string]> = [];
    for (const plugin of plugins) {
      const api = Router();
      const ctx: PluginContext = {
        id: plugin.id,
        logger: this.log.child({ plugin: plugin.id }),
        config,
        identity: this.identity,
        db: db.withPlugin(tableScope(plugin.id)),
        dialect,
        events: this.events,
        api,
        mount: (path, ...handlers) => {
          checkMount(plugin, path, mountOwners);
          mountOwners.push([path, plugin.id]);
          mounts.push([path, handlers]);
        },
        mountExact: (path, ...handlers) => {
          checkExactMount(plugin, path, exactMounts);
          exactMounts.push([path, plugin.id]);
          app.all(path, ...handlers);
        },
        hotMount: (path, methods, handler) => ctx.mount(path, this.#hot.addMount(path, methods, handler)),
        peerAuth,
        realtime: this.realtime.namespace(plugin.id),
        accounts: this.accounts,
        requireUser: userAuth,
        provide: (api) => apis.provide(plugin.id, api),
        use: <T>(id: string) => apis.use<T>(plugin, id),
        contacts: { list: (userId) => contacts.list(userId) },
        people: { register: (provider) => this.people.register(provider) },
        shares: pluginShares({ store: this.shares, tokens, outgoing, incoming, secrets, accounts: this.accounts }),
        remote: pluginRemote(client, this.discovery, policy),
        outbox: pluginOutbox(this.outbox),
        notify: pluginNotify(local, this.outbox),
      };
      const hooks = await plugin.setup(ctx);
      this.plugins.add({ plugin, hooks });
      app.use(`/api/v1/${plugin.id}`, express.json({ limit: '1mb' }), userAuth, api);
    }
    for (const [path, handlers] of [...(this.#opts.wiretap ?? []), ...mounts]) app.use(path, ...handlers);
    for (const h of this.#opts.fallback ?? []) app.use(h);
    app.use((req, _res, next) => next(new NotFoundError(`no route for ${req.method} ${req.path}`, 'ROUTE_NOT_FOUND')));
    app.use(errorMiddleware(this.log));
    this.outbox.start();
    this.#housekeeping.start();
    this.#ready = true;
    this.log.info({ origin: this.identity.origin, plugins: plugins.map((p) => p.id) }, 'meshwork listening');
  }

  /** The OCM address of a local user on this server. */
  address(userId: string): string {
    return `${userId}@${this.identity.host}`;
  }

  /** Stops accepting work, then closes sockets, plugins, outbox and storage. */
  async stop(): Promise<void> {
    this.outbox?.stop();
    await this.#housekeeping?.stop();
    await this.plugins.dispose();
    this.http.closeAllConnections?.();
    if (this.realtime) await this.realtime.close();
    else await new Promise<void>((resolve) => this.http.close(() => resolve()));
    // Commits nobody waits for (a delivered share's bookkeeping) finish before the database closes.
    await this.shares?.commits.settled();
    await this.database?.close();
  }
}
