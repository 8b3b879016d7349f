/** A failed page request, classified: whether retrying can help, and how long the source asked us to wait. */
export class SourceRequestError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    readonly retryable: boolean,
    readonly retryAfterMilliseconds?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SourceRequestError';
  }
}
