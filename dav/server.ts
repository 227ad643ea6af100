/**
 * The DAV server: a dispatcher with registries that extensions fill in (sabre/dav's Server + ServerPlugin model).
 * Methods, REPORTs, `DAV:` features, property providers, PROPPATCH handlers, protected properties, write guards,
 * If-header state tokens and change hooks are all contributed; the server itself knows no method but the chain.
 * The core methods (GET, PUT, PROPFIND …) are the `coreExtension`, always installed first.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { forbidden, DavError } from './errors.ts';
import { sendFailure, type DavLogger } from './error-response.ts';
import { PropFind, type PropRequest } from './prop-find.ts';
import type { PropPatchHandler } from './prop-patch.ts';
import { DavRequest } from './request.ts';
import type { DavMount, DavNode } from './tree.ts';
import type { XmlElement } from './xml.ts';

/** Handles a method; `next` hands the request to the handler registered before this one (405 at the end). */
export type MethodHandler = (d: DavRequest, next: () => Promise<void>) => Promise<void>;

/** Handles a REPORT whose body root is the report's element; `node` is the request target. */
export type ReportHandler = (d: DavRequest, body: XmlElement, node: DavNode) => Promise<void>;

/** A REPORT an extension offers. */
export interface ReportSpec {
  /** Clark name of the body's root element, e.g. `{DAV:}sync-collection`. */
  name: string;
  handler: ReportHandler;
  /** Whether the report applies to a node (listed in its supported-report-set); default: everywhere. */
  appliesTo?(node: DavNode): boolean;
}

/** Fills in properties of a batch of resources (a PROPFIND's target and members, or a report's results). */
export interface PropertyProvider {
  propFind(batch: readonly PropFind[], d: DavRequest): void | Promise<void>;
}

/** One path a write touches; `deep`: everything below it too. */
export interface WriteTarget {
  path: string;
  deep?: boolean;
}

/** Hooks around changes, with mount paths. Guards run before and may throw; the others run after a change. */
export interface DavHooks {
  /** Before a change to these paths (locks refuse here with 423). */
  beforeWrite: (d: DavRequest, targets: readonly WriteTarget[]) => Promise<void>;
  /** A node was created (PUT or LOCK on an unmapped URL, MKCOL); not fired for COPY/MOVE targets. */
  afterCreate: (d: DavRequest, path: string) => Promise<void>;
  /** A file's body was replaced. */
  afterWrite: (d: DavRequest, path: string) => Promise<void>;
  /** A node and everything below it are gone (DELETE, or a COPY/MOVE target that was overwritten). */
  afterUnbind: (d: DavRequest, path: string) => Promise<void>;
  afterMove: (d: DavRequest, from: string, to: string) => Promise<void>;
  /** `deep`: the copy included everything below `from` (or `from` was a file). */
  afterCopy: (d: DavRequest, from: string, to: string, deep: boolean) => Promise<void>;
}

/** Lock tokens (and other state tokens) covering a mount path, for the If header. */
export type StateTokenSource = (d: DavRequest, path: string) => Promise<string[]>;

/** An extension: registers what it adds in `setup`. */
export interface DavExtension {
  readonly name: string;
  setup(server: DavServer): void;
}

/** Server options. */
export interface DavServerOptions {
  extensions: DavExtension[];
  logger: DavLogger;
  /** Largest XML request body (413 beyond); default 1 MiB. */
  maxXmlBytes?: number;
}

interface Ranked<T> {
  priority: number;
  order: number;
  item: T;
}

function ranked<T>(list: Ranked<T>[]): T[] {
  return [...list].sort((a, b) => a.priority - b.priority || a.order - b.order).map((r) => r.item);
}

/** The dispatcher. */
export class DavServer {
  readonly logger: DavLogger;
  readonly maxXmlBytes: number;
  readonly #methods = new Map<string, MethodHandler[]>();
  readonly #writeMethods = new Set<string>();
  readonly #reports = new Map<string, ReportSpec>();
  readonly #features: string[] = [];
  readonly #providers: Ranked<PropertyProvider>[] = [];
  readonly #patchers: Ranked<PropPatchHandler>[] = [];
  readonly #protected = new Set<string>();
  readonly #stateTokens: StateTokenSource[] = [];
  readonly #hooks: { [K in keyof DavHooks]: DavHooks[K][] } = {
    beforeWrite: [],
    afterCreate: [],
    afterWrite: [],
    afterUnbind: [],
    afterMove: [],
    afterCopy: [],
  };
  #order = 0;

  constructor(opts: DavServerOptions, core: DavExtension) {
    this.logger = opts.logger;
    this.maxXmlBytes = opts.maxXmlBytes ?? 1 << 20;
    for (const ext of [core, ...opts.extensions]) ext.setup(this);
  }

  /** Adds a method handler; a later registration for the same method runs first and may call `next`. */
  addMethod(method: string, handler: MethodHandler, opts: { write?: boolean } = {}): void {
    const name = method.toUpperCase();
    this.#methods.set(name, [handler, ...(this.#methods.get(name) ?? [])]);
    if (opts.write) this.#writeMethods.add(name);
  }

  /** Adds a REPORT. */
  addReport(spec: ReportSpec): void {
    this.#reports.set(spec.name, spec);
  }

  /** Adds a token to the `DAV:` response header (compliance classes and features). */
  addFeature(...tokens: string[]): void {
    for (const t of tokens) if (!this.#features.includes(t)) this.#features.push(t);
  }

  /** Adds a property provider; lower priorities run first (and so win). Core live properties use 100. */
  addPropertyProvider(provider: PropertyProvider, priority = 100): void {
    this.#providers.push({ priority, order: this.#order++, item: provider });
  }

  /** Adds a PROPPATCH handler; lower priorities are asked first. Dead-property storage uses 1000. */
  addPropPatchHandler(handler: PropPatchHandler, priority = 100): void {
    this.#patchers.push({ priority, order: this.#order++, item: handler });
  }

  /** Marks properties that PROPPATCH may never set or remove (403 cannot-modify-protected-property). */
  protect(...names: string[]): void {
    for (const n of names) this.#protected.add(n);
  }

  /** Adds a source of If-header state tokens (lock tokens). */
  addStateTokens(source: StateTokenSource): void {
    this.#stateTokens.push(source);
  }

  /** Adds a hook. */
  on<K extends keyof DavHooks>(hook: K, fn: DavHooks[K]): void {
    this.#hooks[hook].push(fn);
  }

  /** Runs a hook's listeners in registration order. */
  async emit<K extends keyof DavHooks>(hook: K, ...args: Parameters<DavHooks[K]>): Promise<void> {
    for (const fn of this.#hooks[hook]) await (fn as (...a: Parameters<DavHooks[K]>) => Promise<void>)(...args);
  }

  /** The `DAV:` header value. */
  get davHeader(): string {
    return this.#features.join(', ');
  }

  /** Every method some extension handles. */
  get methods(): string[] {
    return [...this.#methods.keys()];
  }

  /** True for methods that change something (refused on read-only mounts). */
  isWriteMethod(method: string): boolean {
    return this.#writeMethods.has(method.toUpperCase());
  }

  /** The report registered for a Clark name. */
  report(name: string): ReportSpec | undefined {
    return this.#reports.get(name);
  }

  /** Clark names of the reports that apply to a node. */
  reportsFor(node: DavNode): string[] {
    return [...this.#reports.values()].filter((r) => r.appliesTo?.(node) ?? true).map((r) => r.name);
  }

  /** True when PROPPATCH may not touch this property. */
  isProtected(name: string): boolean {
    return this.#protected.has(name);
  }

  /** PROPPATCH handlers in the order they are asked. */
  get propPatchHandlers(): PropPatchHandler[] {
    return ranked(this.#patchers);
  }

  /** State tokens covering a path, from every source. */
  async stateTokens(d: DavRequest, path: string): Promise<string[]> {
    const out: string[] = [];
    for (const s of this.#stateTokens) out.push(...(await s(d, path)));
    return out;
  }

  /** Collects properties of several resources (in one batch per provider). */
  async propFind(
    d: DavRequest,
    targets: ReadonlyArray<{ path: string; node: DavNode }>,
    want: PropRequest,
  ): Promise<PropFind[]> {
    const batch = targets.map((t) => new PropFind(t.path, d.href(t.path, t.node.collection), t.node, want));
    for (const p of ranked(this.#providers)) await p.propFind(batch, d);
    return batch;
  }

  /** A request context without dispatching (for plugin code answering a DAV request itself). */
  request(req: IncomingMessage, res: ServerResponse, mount: DavMount, rawPath: string): DavRequest {
    return new DavRequest(req, res, mount, rawPath, this);
  }

  /** Serves one request against a mount; `rawPath` is the still-encoded path below the mount's prefix. */
  async handle(req: IncomingMessage, res: ServerResponse, mount: DavMount, rawPath: string): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    try {
      res.setHeader('DAV', this.davHeader);
      const d = this.request(req, res, mount, rawPath);
      const chain = this.#methods.get(method) ?? [];
      if (chain.length === 0) {
        res.setHeader('Allow', this.methods.join(', '));
        throw new DavError(405, `${method.slice(0, 32)} is not supported here`, 'DAV_METHOD_NOT_ALLOWED');
      }
      if (this.#writeMethods.has(method) && !mount.canWrite)
        throw forbidden('this share is read-only', 'need-privileges');
      const run = async (i: number): Promise<void> => {
        const h = chain[i];
        if (!h) {
          res.setHeader('Allow', this.methods.join(', '));
          throw new DavError(405, `${method} is not supported on this resource`, 'DAV_METHOD_NOT_ALLOWED');
        }
        await h(d, () => run(i + 1));
      };
      await run(0);
    } catch (err) {
      sendFailure(res, err, method, this.logger);
    }
  }

  /** Answers OPTIONS (also for places a plugin serves itself, such as virtual folders). */
  sendOptions(res: ServerResponse): void {
    res.statusCode = 200;
    res.setHeader('DAV', this.davHeader);
    res.setHeader('MS-Author-Via', 'DAV');
    res.setHeader('Allow', this.methods.join(', '));
    res.setHeader('Accept-Ranges', 'bytes');
    res.setHeader('Content-Length', 0);
    res.end();
  }
}
