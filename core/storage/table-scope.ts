/**
 * A plugin's database handle reaches its own tables only: `tableScope(pluginId)` is a Kysely plugin that walks every
 * query's operation tree before it is compiled and throws a `PluginScopeError` at the first table outside the
 * plugin's scope (names starting with `<id>_`, dashes of the id written `_`). The core's tables are outside every
 * scope, whatever their name. Queries written as raw `sql` templates are checked only for the core's table names
 * after `from`/`join`/`into`/`update`/`table` (a heuristic: raw SQL is not parsed, see sdk/README.md).
 */
import type {
  KyselyPlugin,
  OperationNode,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely';
import { MeshworkError } from '../errors.ts';
import { CORE_TABLES } from './core-tables.ts';

/** A plugin used a table outside its scope (its own `<id>_` tables): a bug in the plugin, never client input. */
export class PluginScopeError extends MeshworkError {
  readonly pluginId: string;
  readonly table: string;
  constructor(pluginId: string, table: string) {
    super(
      'PLUGIN_TABLE_OUT_OF_SCOPE',
      `plugin ${pluginId} may not use table "${table}": a plugin's tables are named ${tablePrefix(pluginId)}*`,
    );
    this.pluginId = pluginId;
    this.table = table;
  }
}

/** The name prefix of a plugin's tables: its id with dashes as underscores, then `_` (`my-notes` → `my_notes_`). */
export function tablePrefix(pluginId: string): string {
  return `${pluginId.replace(/-/g, '_')}_`;
}

/** Whether a table belongs to the plugin's scope. */
export function inScope(pluginId: string, table: string): boolean {
  const name = table.toLowerCase();
  return name.startsWith(tablePrefix(pluginId)) && !CORE_TABLES.has(name);
}

type Node = Record<string, unknown> & { kind?: string };

function tableName(node: Node): string | undefined {
  const t = node.table as { identifier?: { name?: unknown } } | undefined;
  return typeof t?.identifier?.name === 'string' ? t.identifier.name : undefined;
}

const RAW_TABLE = /\b(?:from|join|into|update|table)\s+(?:"?[a-z_][a-z0-9_]*"?\s*\.\s*)?"?([a-z_][a-z0-9_]*)"?/gi;

// Nodes that never name a table: the walk does not look inside them (a value may be a large object or a Buffer).
const LEAVES = new Set(['ValueNode', 'PrimitiveValueListNode', 'IdentifierNode', 'ColumnNode', 'OperatorNode']);
// The core tables a raw template's text names, per template: a `sql` template's fragments are one frozen array per
// call site, so each is matched once.
const rawTables = new WeakMap<readonly string[], string[]>();

function coreTablesIn(fragments: readonly string[]): string[] {
  let found = rawTables.get(fragments);
  if (!found) {
    found = [];
    for (const m of fragments.join(' ? ').matchAll(RAW_TABLE)) {
      const name = (m[1] as string).toLowerCase();
      if (CORE_TABLES.has(name)) found.push(name);
    }
    if (Object.isFrozen(fragments)) rawTables.set(fragments, found);
  }
  return found;
}

/**
 * Every table an operation tree names (raw SQL: only the core's tables the heuristic finds), except the names of
 * its common table expressions (`with x as (…)`), which are not tables. One pass over the tree: this runs for every
 * query a plugin makes.
 */
export function tablesOf(root: OperationNode): string[] {
  const ctes = new Set<string>();
  const found: string[] = [];
  const walk = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const x of node) walk(x);
      return;
    }
    const n = node as Node;
    const kind = n.kind;
    if (kind === undefined || LEAVES.has(kind)) return;
    // A column reference's table (`t.id`, `selectAll('t')`) is one the query names elsewhere, or an alias of it.
    if (kind === 'ReferenceNode') return walk(n.column);
    if (kind === 'TableNode') {
      const name = tableName(n);
      if (name) found.push(name);
      return;
    }
    if (kind === 'CommonTableExpressionNameNode') {
      const name = tableName(n.table as Node);
      if (name) ctes.add(name.toLowerCase());
    } else if (kind === 'RawNode' && Array.isArray(n.sqlFragments)) {
      found.push(...coreTablesIn(n.sqlFragments as string[]));
    }
    for (const k in n) {
      const v = n[k];
      if (v && typeof v === 'object') walk(v);
    }
  };
  walk(root);
  return ctes.size ? found.filter((t) => !ctes.has(t.toLowerCase())) : found;
}

/** The Kysely plugin confining a plugin's queries (and migrations) to its tables. */
export function tableScope(pluginId: string): KyselyPlugin {
  return {
    transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
      for (const table of tablesOf(args.node))
        if (!inScope(pluginId, table)) throw new PluginScopeError(pluginId, table);
      return args.node;
    },
    async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
      return args.result;
    },
  };
}
