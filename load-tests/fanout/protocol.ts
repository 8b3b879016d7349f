/*
 * Messages between the bench (bench.ts) and its child processes, over Node's IPC channel. Each child answers a command
 * with `{ id, result }` or `{ id, error }`.
 */

/** Receipts of one client worker: for each message number, when each of its clients got it (ms, wall clock). */
export type Receipts = Record<number, number[]>;

export interface RoundResult {
  /** Message number → when the server handed it to its sockets (ms, wall clock). */
  sentAt: Record<number, number>;
  /** Server CPU (user + system) during the round, in milliseconds. */
  cpuMilliseconds: number;
  /** The payloads sent, in order: the bare ws server broadcasts the same ones. */
  payloads: unknown[];
}

export type ServerCommand = { type: 'round'; seconds: number; payloads?: unknown[] } | { type: 'close' };

export type WorkerCommand =
  { type: 'open'; kind: 'socketio' | 'ws'; url: string; cookie: string; clients: number } | { type: 'take' } | { type: 'closeAll' };

/** Sends commands to a child and resolves with its answers. */
export class Channel {
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  readonly ready: Promise<Record<string, unknown>>;

  constructor(private readonly child: import('node:child_process').ChildProcess) {
    this.ready = new Promise((resolve, reject) => {
      child.once('exit', (code) => {
        reject(new Error(`child exited with ${code}`));
        for (const w of this.waiting.values()) w.reject(new Error(`child exited with ${code}`));
      });
      child.on('message', (m: { ready?: Record<string, unknown>; id?: number; result?: unknown; error?: string }) => {
        if (m.ready) return resolve(m.ready);
        const w = this.waiting.get(m.id!);
        this.waiting.delete(m.id!);
        if (m.error) w?.reject(new Error(m.error));
        else w?.resolve(m.result);
      });
    });
  }

  ask<T>(command: ServerCommand | WorkerCommand): Promise<T> {
    const id = (this.nextId += 1);
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: (v) => resolve(v as T), reject });
      this.child.send({ id, ...command });
    });
  }

  kill(): void {
    this.child.kill('SIGTERM');
  }
}

/** Runs `handle` for every command from the parent and sends back its result. */
export function serveCommands<C>(handle: (command: C) => Promise<unknown>): void {
  process.on('message', (m: C & { id: number }) => {
    handle(m).then(
      (result) => process.send!({ id: m.id, result: result ?? null }),
      (err: unknown) => process.send!({ id: m.id, error: err instanceof Error ? err.stack : String(err) }),
    );
  });
}
