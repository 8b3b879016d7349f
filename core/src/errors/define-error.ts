import type { z } from 'zod';

/** An error the product knows: a stable `code` (`area.reason`), its HTTP status, and typed public details. */
export class IocError<D extends Record<string, unknown> = Record<string, unknown>> extends Error {
  override readonly name = 'IocError';
  constructor(
    readonly code: string,
    readonly status: number,
    readonly details: D,
    options?: { cause?: unknown },
  ) {
    super(`${code} ${JSON.stringify(details)}`, options);
  }
}

export interface ErrorDefinition<D extends Record<string, unknown>> {
  readonly code: string;
  readonly status: number;
  readonly details: z.ZodType<D>;
  create(details: D, cause?: unknown): IocError<D>;
  is(err: unknown): err is IocError<D>;
}

/** Declares one error; its messages live in `messages.vi.ts` and `messages.en.ts` under the same code. */
export function defineError<D extends Record<string, unknown>>(code: string, status: number, details: z.ZodType<D>): ErrorDefinition<D> {
  return {
    code,
    status,
    details,
    create: (d, cause) => new IocError(code, status, d, cause === undefined ? undefined : { cause }),
    is: (err): err is IocError<D> => err instanceof IocError && err.code === code,
  };
}
