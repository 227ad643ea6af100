/**
 * Typed socket.io namespaces for plugins. A plugin declares its events once, as socket.io event maps (the client's
 * requests with their acks, the server's pushes), plus a JSON schema for each client request; `attach` then gives the
 * plugin's namespace typed by them (`Namespace<ClientToServer, ServerToClient, {}, PluginSocketData>`) and `handle`,
 * which answers a client event only after its payload passed its schema. A bad payload is answered with an error ack
 * (`{ ok: false, code: 'INVALID_INPUT', message }`) and never reaches the handler; a handler's throw becomes an error
 * ack with its declared code (unexpected ones are logged); nothing a client sends can crash the server.
 *
 * @example
 * interface NotesClient { rename: (req: { id: string; title: string }, ack: (r: AckReply<{ title: string }>) => void) => void }
 * interface NotesServer { renamed: (n: { id: string; title: string }) => void }
 * const notesSocket = defineSocketEvents<NotesClient, NotesServer>({
 *   rename: { type: 'object', required: ['id', 'title'], properties: { id: { type: 'string' }, title: { type: 'string', maxLength: 200 } } },
 * });
 * const io = notesSocket.attach(ctx.realtime, ctx.logger);
 * io.ns.on('connection', (socket) => io.handle(socket, 'rename', async (req) => ({ title: req.title })));
 */
import { Ajv, type ValidateFunction } from 'ajv';
import type { Namespace, Socket } from 'socket.io';
import { answerAck, InputError, type Logger, type User } from '#core';
import type { JsonSchema } from './declarations.ts';

const ajv = new Ajv({ allErrors: true, strict: false });

/** A socket.io event map: event name → listener signature (an interface of methods fits, as for socket.io). */
export interface SocketEventMap {
  [event: string]: any;
}

/** What the core puts in every plugin socket's `data`: the authenticated user. */
export interface PluginSocketData {
  user: User;
}

/** A plugin's namespace, typed by its declared events. */
export type PluginNamespace<C2S extends SocketEventMap, S2C extends SocketEventMap> = Namespace<
  C2S,
  S2C,
  Record<never, never>,
  PluginSocketData
>;

/** One connected socket of a plugin's namespace. */
export type PluginSocket<C2S extends SocketEventMap, S2C extends SocketEventMap> = Socket<
  C2S,
  S2C,
  Record<never, never>,
  PluginSocketData
>;

type Args<F> = F extends (...args: infer A) => void ? A : never;
type IsFunction<T> = T extends (...a: any[]) => unknown ? true : false;

/** The request a client event carries: its first argument, `undefined` when its only argument is the ack. */
export type SocketRequest<F> =
  Args<F> extends [infer R, ...unknown[]] ? (IsFunction<R> extends true ? undefined : R) : undefined;

type AckOf<F> =
  Args<F> extends [infer A, ...infer Rest]
    ? IsFunction<A> extends true
      ? A
      : Rest extends [infer B, ...unknown[]]
        ? B
        : Rest[0]
    : never;

/** What the handler of a client event returns: the ack's `ok: true` payload without `ok` (nothing without an ack). */
export type SocketReply<F> =
  NonNullable<AckOf<F>> extends (...a: infer P) => void
    ? P extends [infer R, ...unknown[]]
      ? Omit<Extract<R, { ok: true }>, 'ok'>
      : void
    : void;

/** The schemas of a plugin's client events: one per event, `null` for an event that carries no request. */
export type SocketSchemas<C2S extends SocketEventMap> = { [K in keyof C2S]: JsonSchema | null };

/** A plugin's namespace with the server side of its declared events. */
export interface SocketApi<C2S extends SocketEventMap, S2C extends SocketEventMap> {
  readonly ns: PluginNamespace<C2S, S2C>;
  /**
   * Answers `event` on `socket`: a payload that fails the event's schema gets an error ack (INVALID_INPUT, naming the
   * field) and the handler is not run; otherwise the handler's result is acked `{ ok: true, ...result }`, a throw
   * `{ ok: false, code, message }`. An event sent without an ack runs all the same.
   */
  handle<K extends keyof C2S & string>(
    socket: PluginSocket<C2S, S2C>,
    event: K,
    handler: (req: SocketRequest<C2S[K]>) => Promise<SocketReply<C2S[K]>> | SocketReply<C2S[K]>,
  ): void;
}

/** A plugin's declared socket events, ready to attach to its namespace (`ctx.realtime`). */
export interface SocketEvents<C2S extends SocketEventMap, S2C extends SocketEventMap> {
  readonly schemas: SocketSchemas<C2S>;
  /** Types the plugin's namespace and binds the handlers' logger. */
  attach(ns: Namespace, log: Logger): SocketApi<C2S, S2C>;
  /** Validates a client's request to `event`; throws InputError (400, `validationErrors` named `<event>.<field>`). */
  parse<K extends keyof C2S & string>(event: K, raw: unknown): SocketRequest<C2S[K]>;
}

/** Declares a plugin's socket events: the client's (with a schema each) and the server's (types only). */
export function defineSocketEvents<C2S extends SocketEventMap, S2C extends SocketEventMap = Record<never, never>>(
  schemas: SocketSchemas<C2S>,
): SocketEvents<C2S, S2C> {
  const validators = new Map<string, ValidateFunction | null>();
  for (const [event, schema] of Object.entries(schemas) as Array<[string, JsonSchema | null]>)
    validators.set(event, schema ? ajv.compile(schema) : null);

  const parse = <K extends keyof C2S & string>(event: K, raw: unknown): SocketRequest<C2S[K]> => {
    const validate = validators.get(event);
    if (validate === undefined) throw new InputError(`unknown event ${event}`);
    if (validate && !validate(raw)) {
      const issues = (validate.errors ?? []).map((e) => {
        const missing = e.keyword === 'required' ? `/${String(e.params.missingProperty)}` : '';
        const path = (e.instancePath + missing).split('/').filter(Boolean).join('.');
        return {
          name: path ? `${event}.${path}` : event,
          message: e.keyword === 'required' ? 'REQUIRED' : (e.message ?? 'INVALID'),
        };
      });
      const first = issues[0];
      throw new InputError(`invalid ${event} request${first ? `: ${first.name} ${first.message}` : ''}`, issues);
    }
    return (validate ? raw : undefined) as SocketRequest<C2S[K]>;
  };

  return {
    schemas,
    parse,
    attach(ns, log) {
      return {
        ns: ns as unknown as PluginNamespace<C2S, S2C>,
        handle(socket, event, handler) {
          const name = `${ns.name.replace(/^\//, '')}:${event}`;
          const raw = socket as unknown as { on(event: string, listener: (...args: unknown[]) => void): void };
          raw.on(event, (...args: unknown[]) => {
            // The ack is the last argument when the client asked for one; an event without a request has only it.
            const ack = typeof args[args.length - 1] === 'function' ? args.pop() : undefined;
            answerAck(ack, log, name, async () => ((await handler(parse(event, args[0]))) ?? {}) as object);
          });
        },
      };
    },
  };
}
