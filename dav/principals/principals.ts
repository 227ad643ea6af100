/**
 * One principal resource per local user at `/dav/principals/<user>/` (RFC 3744 §2, RFC 5397), shared by every
 * extension that hangs a home off it: CalDAV contributes `calendar-home-set`, CardDAV `addressbook-home-set`, and a
 * client (DAVx5, Apple) discovers both from the one principal. The toolkit owns the resource and its generic
 * properties; contributors add their properties, `DAV:` features and protected names without knowing each other.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createDavServer } from '../create-server.ts';
import { DavError } from '../errors.ts';
import { sendFailure, type DavLogger } from '../error-response.ts';
import { encodeSegment } from '../paths.ts';
import type { DavExtension, DavServer, PropertyProvider } from '../server.ts';
import type { DavCollection, DavMount, DavNode } from '../tree.ts';
import { VirtualCollection, type VirtualRefusals } from '../virtual-collection.ts';
import { clark, DAV_NS, escapeXml } from '../xml.ts';

/** Where the principals live. */
export const PRINCIPALS_PATH = '/dav/principals';

/** The principal URL of a local user (with the trailing slash Apple clients need). */
export function principalHref(userId: string): string {
  return `${PRINCIPALS_PATH}/${encodeSegment(userId)}/`;
}

/** The authenticated local user a request comes from. */
export interface PrincipalUser {
  id: string;
  displayName: string;
}

/** Resolves the request's local user, or null when credentials are missing or wrong (may reject: 429, 403). */
export type PrincipalAuthenticator = (req: IncomingMessage, res: ServerResponse) => Promise<PrincipalUser | null>;

/** What one extension adds to every principal. */
export interface PrincipalContribution {
  /** Who contributes (for logs and tests). */
  name: string;
  /** Tokens for the `DAV:` header of the principals (`calendar-access`, `addressbook`). */
  features?: string[];
  /** Properties it serves that PROPPATCH may not change. */
  protect?: string[];
  /** Its properties; the nodes of interest are `PrincipalNode`s (`pf.node instanceof PrincipalNode`). */
  provider: PropertyProvider;
}

const D = (local: string): string => clark(DAV_NS, local);

/** The generic principal properties the toolkit serves. */
export const PRINCIPAL_PROPS = {
  currentUserPrincipal: D('current-user-principal'),
  principalUrl: D('principal-URL'),
  principalCollectionSet: D('principal-collection-set'),
  owner: D('owner'),
  privileges: D('current-user-privilege-set'),
  alternateUris: D('alternate-URI-set'),
  groupMembership: D('group-membership'),
  groupMemberSet: D('group-member-set'),
} as const;

/** The principals' virtual collections: a member is found among the (few) children. */
abstract class PrincipalTreeNode extends VirtualCollection {
  protected readonly refusals: VirtualRefusals = {
    file: 'principals hold nothing',
    collection: 'principals hold nothing',
    delete: 'a principal cannot be deleted',
  };

  async child(name: string): Promise<DavNode | null> {
    return (await this.children()).find((c) => c.name === name) ?? null;
  }
}

/** A local user's principal (a collection without members, as sabre/dav and Apple clients expect). */
export class PrincipalNode extends PrincipalTreeNode {
  readonly resourceTypes = [D('principal')];
  readonly name: string;

  constructor(
    readonly userId: string,
    readonly displayName: string,
  ) {
    super();
    this.name = userId;
  }

  async children(): Promise<DavNode[]> {
    return [];
  }
}

/** `/dav/principals/`: the caller's own principal (another user's is not found). */
export class PrincipalsRootNode extends PrincipalTreeNode {
  readonly name = '';

  constructor(readonly user: PrincipalUser) {
    super();
  }

  async children(): Promise<DavNode[]> {
    return [new PrincipalNode(this.user.id, this.user.displayName)];
  }
}

/**
 * The server's root (`/`) and `/dav/` as a DAV client sees them when it was given only the server's address
 * (RFC 6764 §6): an empty collection whose `current-user-principal` and `principal-URL` lead to the caller's
 * principal, from which the home sets follow.
 */
export class ServiceRootNode extends PrincipalTreeNode {
  readonly name = '';

  async children(): Promise<DavNode[]> {
    return [];
  }
}

/** The mount of one request, carrying the caller. */
export interface PrincipalsMount extends DavMount {
  user: PrincipalUser;
}

const href = (h: string): string => `<d:href>${escapeXml(h)}</d:href>`;

function genericProps(): PropertyProvider {
  return {
    propFind(batch, d) {
      const me = (d.mount as PrincipalsMount).user;
      for (const pf of batch) {
        // RFC 3744 / RFC 5397 properties are not part of allprop (RFC 4918 §9.1): only when asked by name. But
        // current-user-principal is: python-requests drops the body when it follows the well-known redirect, so
        // python3-caldav's PROPFIND for it arrives as an allprop.
        pf.handle(PRINCIPAL_PROPS.currentUserPrincipal, href(principalHref(me.id)));
        pf.handle(PRINCIPAL_PROPS.principalCollectionSet, href(`${PRINCIPALS_PATH}/`), false);
        pf.handle(
          PRINCIPAL_PROPS.privileges,
          '<d:privilege><d:read/></d:privilege><d:privilege><d:read-current-user-privilege-set/></d:privilege>',
          false,
        );
        const n = pf.node;
        if (n instanceof ServiceRootNode) pf.handle(PRINCIPAL_PROPS.principalUrl, href(principalHref(me.id)), false);
        if (!(n instanceof PrincipalNode)) continue;
        pf.handle(PRINCIPAL_PROPS.principalUrl, href(principalHref(n.userId)), false);
        pf.handle(PRINCIPAL_PROPS.owner, href(principalHref(n.userId)), false);
        pf.handle(PRINCIPAL_PROPS.alternateUris, '', false);
        pf.handle(PRINCIPAL_PROPS.groupMembership, '', false);
        pf.handle(PRINCIPAL_PROPS.groupMemberSet, '', false);
      }
    },
  };
}

function principalsExtension(): DavExtension {
  return {
    name: 'principals',
    setup(server) {
      server.addFeature('3', 'access-control');
      server.addPropertyProvider(genericProps(), 80);
      server.protect(...Object.values(PRINCIPAL_PROPS));
    },
  };
}

/** The principal collection of one server: contributions, and the request handler for `PRINCIPALS_PATH`. */
export class PrincipalCollection {
  readonly #server: DavServer;
  readonly #contributors: string[] = [];

  constructor(
    readonly authenticate: PrincipalAuthenticator,
    readonly logger: DavLogger,
  ) {
    this.#server = createDavServer({ logger, extensions: [principalsExtension()] });
  }

  /** Adds an extension's properties, features and protected names to every principal. */
  contribute(c: PrincipalContribution): void {
    this.#contributors.push(c.name);
    if (c.features) this.#server.addFeature(...c.features);
    if (c.protect) this.#server.protect(...c.protect);
    this.#server.addPropertyProvider(c.provider, 90);
  }

  /** Names of the contributors so far. */
  get contributors(): readonly string[] {
    return this.#contributors;
  }

  /** Serves a request whose URL is relative to `PRINCIPALS_PATH`. Read-only: PROPFIND, OPTIONS, GET, REPORT. */
  handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    return this.#serve(req, res, PRINCIPALS_PATH, req.url ?? '/', (user) => new PrincipalsRootNode(user));
  }

  /**
   * Serves PROPFIND and OPTIONS on a service root (`/`, `/dav/`: `hrefPrefix` '' or '/dav'). OPTIONS needs no
   * credentials (it only names the `DAV:` classes: calendar-access, addressbook, …); PROPFIND does (401 with a
   * Basic challenge), and answers with the caller's principal.
   */
  handleRoot(req: IncomingMessage, res: ServerResponse, hrefPrefix: string): Promise<void> {
    const anyone = (req.method ?? '').toUpperCase() === 'OPTIONS';
    return this.#serve(req, res, hrefPrefix, '/', () => new ServiceRootNode(), anyone);
  }

  async #serve(
    req: IncomingMessage,
    res: ServerResponse,
    hrefPrefix: string,
    rawPath: string,
    root: (user: PrincipalUser) => DavCollection,
    anyone = false,
  ): Promise<void> {
    try {
      // OPTIONS reads no property, so nobody's principal is needed to answer it.
      const user = anyone ? { id: '', displayName: '' } : await this.authenticate(req, res);
      if (!user) throw new DavError(401, 'authentication required', 'UNAUTHENTICATED');
      const mount: PrincipalsMount = {
        root: root(user),
        hrefPrefix,
        space: 'principals',
        basePath: '/',
        principal: `user:${user.id}`,
        canWrite: false,
        user,
      };
      await this.#server.handle(req, res, mount, rawPath);
    } catch (err) {
      sendFailure(res, err, req.method ?? 'GET', this.logger);
    }
  }
}

/** How the first contributor of a server mounts the collection. */
export interface PrincipalsSetup {
  authenticate: PrincipalAuthenticator;
  logger: DavLogger;
  /** Mounts the handler at `PRINCIPALS_PATH` (called once per server, by whichever extension comes first). */
  mount(path: string, handler: (req: IncomingMessage, res: ServerResponse) => void): void;
  /**
   * Mounts a handler on exactly `/` and `/dav` (service roots: PROPFIND and OPTIONS, RFC 6764 §6); it calls `next`
   * for every other method (GET `/` is the web app's). Optional: without it only `PRINCIPALS_PATH` is served.
   */
  mountExact?(path: string, handler: (req: IncomingMessage, res: ServerResponse, next: () => void) => void): void;
}

/** Where clients given only a server's address look for DAV (the server root, and `/dav/` as dav.md traces). */
export const SERVICE_ROOTS = ['/', '/dav'] as const;

const SHARED = new WeakMap<object, PrincipalCollection>();

/**
 * The principal collection of the server identified by `scope` (any object that is one per server, e.g. the
 * server's identity): made and mounted by the first caller, reused by the others, so the principal exists whichever
 * of its contributors are enabled and none of them imports another.
 */
export function sharedPrincipals(scope: object, setup: PrincipalsSetup): PrincipalCollection {
  let hit = SHARED.get(scope);
  if (!hit) {
    const made = new PrincipalCollection(setup.authenticate, setup.logger);
    setup.mount(PRINCIPALS_PATH, (req, res) => void made.handle(req, res));
    for (const path of SERVICE_ROOTS)
      setup.mountExact?.(path, (req, res, next) => {
        const method = (req.method ?? '').toUpperCase();
        if (method !== 'PROPFIND' && method !== 'OPTIONS') return next();
        void made.handleRoot(req, res, path === '/' ? '' : path);
      });
    SHARED.set(scope, made);
    hit = made;
  }
  return hit;
}
