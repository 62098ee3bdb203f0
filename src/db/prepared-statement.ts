import type { Compilable, CompiledQuery, QueryId, QueryResult, RawBuilder, RootOperationNode } from 'kysely';
import type { DbExecutor } from './database.ts';

/**
 * A statement the hot path runs for nearly every update (the duplicate check, the update's
 * mark, the session written back, the cart read), built and compiled by Kysely once per
 * database and then run with new values: building a query and compiling it to SQL cost more
 * CPU than the database spent running these statements (docs/decisions/0018).
 *
 * `build` writes the statement with Kysely as usual (a builder, or `sql`), with `param(name)`
 * where a value goes; every such value must become a bound parameter (`?` or `$n`), which is
 * checked when the statement is first compiled. Its shape must not depend on the values (no optional columns,
 * no `in` lists). Each run is still told to the database's plugins as a fresh compile would
 * be (the table-write watcher hears of every write); a plugin that rewrote the statement
 * would have it compiled again, values and all.
 */
export interface PreparedStatement<V, R> {
  /** The statement with these values, for the executor it is about to run on. */
  compile(executor: DbExecutor, values: V): CompiledQuery<R>;
  /** Runs it on `executor`: the database, or a transaction (a unit of work's or a module's). */
  execute(executor: DbExecutor, values: V): Promise<QueryResult<R>>;
}

/** Where a value goes in a prepared statement: typed as the value, so that builders accept it. */
export type Param<V> = <K extends keyof V>(name: K) => V[K];

/** A stand-in for a value while the statement is compiled; found again among the parameters by identity. */
class Placeholder {
  readonly name: string;
  constructor(name: string) {
    this.name = name;
  }
}

interface Template {
  query: RootOperationNode;
  sql: string;
  /** The statement's constants, and a {@link Placeholder} where each value goes. */
  parameters: readonly unknown[];
}

/** Prepares the statement `build` writes; see {@link PreparedStatement}. `label` names it in errors. */
export function prepareStatement<V extends Record<string, unknown>, R = unknown>(
  label: string,
  build: (db: DbExecutor, param: Param<V>) => Compilable<R> | RawBuilder<R>,
): PreparedStatement<V, R> {
  // One template per executor: a Kysely instance lives as long as its database; a statement
  // first run in a transaction compiles for it (as its builder would have).
  const templates = new WeakMap<DbExecutor, Template>();

  const templateFor = (executor: DbExecutor): Template => {
    let template = templates.get(executor);
    if (!template) {
      const placeholders = new Map<string, Placeholder>();
      const param = ((name: string) => {
        let placeholder = placeholders.get(name);
        if (!placeholder) placeholders.set(name, (placeholder = new Placeholder(name)));
        return placeholder;
      }) as unknown as Param<V>;
      // Compiled without plugins: each run tells them of itself (below).
      const plain = executor.withoutPlugins();
      const built = build(plain, param);
      const compiled = 'isRawBuilder' in built ? built.compile(plain) : built.compile();
      const names = compiled.parameters.map((value) => (value instanceof Placeholder ? value.name : undefined));
      for (const name of placeholders.keys()) {
        if (!names.includes(name)) throw new Error(`prepared statement ${label}: the value ${name} is not a bound parameter of ${compiled.sql}`);
      }
      template = { query: compiled.query, sql: compiled.sql, parameters: compiled.parameters };
      templates.set(executor, template);
    }
    return template;
  };

  const bind = (parameters: readonly unknown[], values: V): unknown[] =>
    parameters.map((value) => (value instanceof Placeholder ? values[value.name as keyof V] : value));

  const statement: PreparedStatement<V, R> = {
    compile(executor, values) {
      const template = templateFor(executor);
      const queryId: QueryId = { queryId: label };
      const core = executor.getExecutor();
      const query = core.transformQuery(template.query, queryId);
      if (query !== template.query) {
        const compiled = core.compileQuery<R>(query, queryId);
        return { ...compiled, parameters: bind(compiled.parameters, values) };
      }
      return { query, sql: template.sql, parameters: bind(template.parameters, values), queryId } as CompiledQuery<R>;
    },
    execute(executor, values) {
      return executor.executeQuery(statement.compile(executor, values));
    },
  };
  return statement;
}
