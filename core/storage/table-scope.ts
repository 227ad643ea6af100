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

/** Names a query's common table expressions define (`with x as (…)`): they are not tables. */
function cteNames(node: unknown, into: Set<string>): Set<string> {
  if (!node || typeof node !== 'object') return into;
  if (Array.isArray(node)) {
    for (const n of node) cteNames(n, into);
    return into;
  }
  const n = node as Node;
  if (n.kind === 'CommonTableExpressionNameNode') {
    const name = tableName(n.table as Node);
    if (name) into.add(name.toLowerCase());
  }
  for (const v of Object.values(n)) if (v && typeof v === 'object') cteNames(v, into);
  return into;
}

const RAW_TABLE = /\b(?:from|join|into|update|table)\s+(?:"?[a-z_][a-z0-9_]*"?\s*\.\s*)?"?([a-z_][a-z0-9_]*)"?/gi;

/** Every table an operation tree names (raw SQL: only the core's tables the heuristic finds). */
export function tablesOf(root: OperationNode): string[] {
  const ctes = cteNames(root, new Set());
  const found: string[] = [];
  const walk = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) return void node.forEach(walk);
    const n = node as Node;
    // A column reference's table (`t.id`, `selectAll('t')`) is one the query names elsewhere, or an alias of it.
    if (n.kind === 'ReferenceNode') return walk(n.column);
    if (n.kind === 'TableNode') {
      const name = tableName(n);
      if (name && !ctes.has(name.toLowerCase())) found.push(name);
    } else if (n.kind === 'RawNode' && Array.isArray(n.sqlFragments)) {
      for (const m of (n.sqlFragments as string[]).join(' ? ').matchAll(RAW_TABLE)) {
        const name = (m[1] as string).toLowerCase();
        if (CORE_TABLES.has(name) && !ctes.has(name)) found.push(name);
      }
    }
    for (const v of Object.values(n)) if (v && typeof v === 'object') walk(v);
  };
  walk(root);
  return found;
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
