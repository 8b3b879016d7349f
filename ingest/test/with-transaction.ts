import type { Db } from '@ioc/core';

/**
 * The store `real` with `transaction` replaced, everything else passed through: how a test stands in for a database
 * that fails or stalls at a chosen moment of the writer's transaction.
 */
export function withTransaction(real: Db, transaction: Db['transaction']): Db {
  return new Proxy(real, {
    get(target, property) {
      if (property === 'transaction') return transaction;
      const value: unknown = Reflect.get(target, property, target);
      // Bound to the real store: its methods use private fields, which a proxy as `this` does not have.
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** The records a source write result counts (new and already stored), or 0 for any other result. */
export function recordsOf(result: unknown): number {
  const r = result as { accepted?: unknown; unchanged?: unknown };
  return typeof r.accepted === 'number' && typeof r.unchanged === 'number' ? r.accepted + r.unchanged : 0;
}
