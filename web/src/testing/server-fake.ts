/** A recorded call to the fake API. */
export interface FakeCall {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
}

/**
 * The IOC API as a store test needs it (tests only): answers keyed `METHOD /path`, anything else a 404 with an error
 * body, and every call recorded with its headers and parsed JSON body.
 */
export function serverFake(answers: Record<string, { status: number; body: unknown }>) {
  const calls: FakeCall[] = [];
  const fetcher = (input: string, init?: RequestInit) => {
    const method = init?.method ?? 'GET';
    calls.push({
      method,
      path: input,
      headers: init?.headers as Record<string, string>,
      body: typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined,
    });
    const answer = answers[`${method} ${input}`] ?? { status: 404, body: { error: { code: 'http.notFound', message: 'không có' } } };
    return Promise.resolve(
      new Response(JSON.stringify(answer.body), { status: answer.status, headers: { 'content-type': 'application/json' } }),
    );
  };
  return { calls, fetcher };
}
