import type { z } from 'zod';

/**
 * `status: Invalid option: expected one of "awaiting_reception"|…; got "bogus"`: for each issue the field path, what
 * was expected and what came, so that the source's owner can find and fix the record without opening the payload.
 */
export function rejectionReason(issues: readonly z.core.$ZodIssue[], raw: unknown): string {
  return issues
    .map((i) => {
      const path = i.path.length ? i.path.join('.') : '(record)';
      return i.path.length ? `${path}: ${i.message}; got ${describe(valueAt(raw, i.path))}` : `${path}: ${i.message}`;
    })
    .join(' | ');
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let value = raw;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const json = JSON.stringify(value);
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}
