import type { CompiledQuery, KyselyPlugin, OperationNode, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';

/**
 * Which tables each statement writes, told to whoever watches them. Caches of table rows
 * (the catalogue's) rely on it to hear EVERY write — a module's repository, another module's
 * stock update, the integration API, a feed import, a raw `sql` statement — since it sits
 * below all of them, in the Kysely instance itself (`createDatabase` installs it).
 *
 * A statement is told twice: before it runs (as it is compiled) and again once it ran. A read
 * that a cache took before the first call is refused by the cache's change counter; one that
 * ran between the two is dropped by the second.
 */
export interface TableWrites {
  /**
   * Calls `listener` with the watched tables a statement writes (lower-case names), in the
   * writer's own async context (so that it can tell which unit of work wrote), `before` it
   * runs and `after` it ran (not after a statement that failed). Returns a function that
   * stops watching.
   */
  watch(tables: readonly string[], listener: (written: ReadonlySet<string>, phase: WritePhase) => void): () => void;
  /** Whether a statement compiled through the plugin writes a table someone watches. */
  writesWatched(query: CompiledQuery): boolean;
}

/** When a statement is told: as it is compiled, or once it ran. */
export type WritePhase = 'before' | 'after';

/** The Kysely plugin behind {@link TableWrites}. */
export interface TableWritesPlugin extends TableWrites, KyselyPlugin {}

interface Watcher {
  tables: ReadonlySet<string>;
  listener: (written: ReadonlySet<string>, phase: WritePhase) => void;
}

const registry = new WeakMap<object, TableWrites>();

/** Remembers the table-write watcher of a Kysely instance, for {@link tableWritesOf}. */
export function registerTableWrites(db: object, writes: TableWrites): void {
  registry.set(db, writes);
}

/** The table-write watcher of a database opened by `createDatabase` (undefined for any other Kysely). */
export function tableWritesOf(db: object): TableWrites | undefined {
  return registry.get(db);
}

/** Creates the plugin; pass it in the Kysely instance's `plugins`. */
export function createTableWritesPlugin(): TableWritesPlugin {
  const watchers = new Set<Watcher>();
  // Every watched table, kept up to date by `watch` (read on every statement).
  let watched = new Set<string>();
  const rewatch = () => {
    watched = new Set([...watchers].flatMap((watcher) => [...watcher.tables]));
  };
  // The tables a statement writes, from its compilation to its result.
  const pending = new WeakMap<object, ReadonlySet<string>>();
  // Every statement compiled here: a result of any other one comes from a query compiled
  // elsewhere (`db.executeQuery(CompiledQuery.raw(…))`), whose text this plugin never saw.
  const compiled = new WeakSet<object>();

  const tell = (written: ReadonlySet<string>, phase: WritePhase) => {
    for (const watcher of watchers) {
      const mine = new Set([...written].filter((table) => watcher.tables.has(table)));
      if (mine.size === 0) continue;
      try {
        watcher.listener(mine, phase);
      } catch {
        // A watcher's failure must not fail the statement that told it.
      }
    }
  };

  return {
    watch(tables, listener) {
      const watcher: Watcher = { tables: new Set(tables.map((table) => table.toLowerCase())), listener };
      watchers.add(watcher);
      rewatch();
      return () => {
        watchers.delete(watcher);
        rewatch();
      };
    },

    writesWatched: (query) => pending.has(query.queryId),

    transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
      if (watchers.size === 0) return args.node;
      compiled.add(args.queryId);
      const written = writtenTables(args.node, watched);
      if (written.size > 0) {
        pending.set(args.queryId, written);
        tell(written, 'before');
      }
      return args.node;
    },

    async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
      if (watchers.size === 0) return args.result;
      const written = pending.get(args.queryId);
      if (written) {
        pending.delete(args.queryId);
        tell(written, 'after');
      } else if (!compiled.has(args.queryId)) {
        // Unseen SQL may have written anything: every watched table counts as written.
        tell(watched, 'after');
      }
      return args.result;
    },
  };
}

/** Raw statements that start like a read; any write keyword in them still counts (`with … update`). */
const READ_START = /^\s*(select|pragma|explain|values|show)\b/i;
const WRITE_WORD = /\b(insert|update|delete|replace|merge|upsert|truncate|alter|drop|create|copy)\b/i;

type AnyNode = OperationNode & Record<string, unknown>;

const isNode = (value: unknown): value is AnyNode => typeof value === 'object' && value !== null && typeof (value as { kind?: unknown }).kind === 'string';

/**
 * The watched tables a statement writes. Builder statements say it by their node: the target
 * of an insert, update, delete or merge (in a CTE too); schema changes count for every table
 * they name. Raw SQL is judged by its text, conservatively: a statement that names a watched
 * table writes it unless it reads like a read with no write keyword anywhere.
 */
export function writtenTables(root: OperationNode, watched: ReadonlySet<string>): Set<string> {
  const written = new Set<string>();
  const visit = (node: unknown): void => {
    if (!isNode(node)) return;
    switch (node.kind) {
      case 'SelectQueryNode':
        visit(node.with);
        return;
      case 'InsertQueryNode':
      case 'MergeQueryNode':
        tablesIn(node.into, watched, written);
        visit(node.with);
        return;
      case 'UpdateQueryNode':
        tablesIn(node.table, watched, written);
        visit(node.with);
        return;
      case 'DeleteQueryNode':
        tablesIn(node.from, watched, written);
        visit(node.with);
        return;
      case 'WithNode':
        for (const expression of node.expressions as readonly AnyNode[]) visit(expression.expression);
        return;
      case 'RawNode':
        rawWrites(node, watched, written);
        return;
      default:
        // Schema changes and anything else: every watched table it names.
        tablesIn(node, watched, written);
    }
  };
  visit(root);
  return written;
}

/** Watched tables named anywhere under `node` (its TableNodes). */
function tablesIn(node: unknown, watched: ReadonlySet<string>, into: Set<string>): void {
  walk(node, (child) => {
    if (child.kind !== 'TableNode') return;
    const name = ((child.table as AnyNode | undefined)?.identifier as { name?: unknown } | undefined)?.name;
    if (typeof name === 'string' && watched.has(name.toLowerCase())) into.add(name.toLowerCase());
  });
}

function rawWrites(node: AnyNode, watched: ReadonlySet<string>, into: Set<string>): void {
  // The text, with the identifiers passed as parameters (`sql.table('…')`, `sql.id(…)`).
  const parts = [...(node.sqlFragments as readonly string[])];
  walk(node.parameters, (child) => {
    if (child.kind === 'IdentifierNode' && typeof child.name === 'string') parts.push(child.name);
    if (child.kind === 'RawNode') parts.push(...(child.sqlFragments as readonly string[]));
  });
  const text = parts.join(' ');
  if (READ_START.test(text) && !WRITE_WORD.test(text)) return;
  const lower = text.toLowerCase();
  for (const table of watched) if (wordPattern(table).test(lower)) into.add(table);
}

const patterns = new Map<string, RegExp>();
/** `table` as a whole word (quoted, schema-qualified or bare). */
function wordPattern(table: string): RegExp {
  let pattern = patterns.get(table);
  if (!pattern) {
    pattern = new RegExp(`\\b${table.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`);
    patterns.set(table, pattern);
  }
  return pattern;
}

function walk(node: unknown, see: (node: AnyNode) => void): void {
  if (Array.isArray(node)) {
    for (const item of node) walk(item, see);
    return;
  }
  if (!isNode(node)) return;
  see(node);
  for (const value of Object.values(node)) if (typeof value === 'object' && value !== null) walk(value, see);
}
