import { describe, expect, it } from 'vitest';
import { InProcessBus } from './in-process-bus';

describe('InProcessBus', () => {
  it('delivers in order, one at a time, and makes publishers wait while full', async () => {
    const bus = new InProcessBus<number>(2);
    const controller = new AbortController();
    await bus.publish(1);
    await bus.publish(2);
    let thirdQueued = false;
    const third = bus.publish(3).then(() => (thirdQueued = true));
    await Promise.resolve();
    expect(thirdQueued).toBe(false);
    expect(bus.size).toBe(2);

    const seen: number[] = [];
    let release!: () => void;
    const firstHandled = new Promise<void>((resolve) => (release = resolve));
    const consuming = bus.consume(async (n) => {
      seen.push(n);
      if (n === 1) await firstHandled;
      if (n === 3) controller.abort();
    }, controller.signal);
    // Taking message 1 frees a slot: the waiting publisher gets in while 1 is still being handled.
    await third;
    expect(seen).toEqual([1]);
    release();
    await consuming;
    expect(seen).toEqual([1, 2, 3]);
  });

  it('rejects a waiting publish when its signal aborts, and a consumer returns on abort', async () => {
    const bus = new InProcessBus<string>(1);
    await bus.publish('a');
    const controller = new AbortController();
    const blocked = bus.publish('b', controller.signal);
    controller.abort(new Error('stopping'));
    await expect(blocked).rejects.toThrow('stopping');
    expect(bus.size).toBe(1);

    const consumer = new AbortController();
    const consuming = bus.consume(() => {
      consumer.abort();
      return Promise.resolve();
    }, consumer.signal);
    await expect(consuming).resolves.toBeUndefined();
  });

  it('rejects consume when the handler fails for a reason other than abort', async () => {
    const bus = new InProcessBus<string>(1);
    await bus.publish('a');
    await expect(bus.consume(() => Promise.reject(new Error('bug')), new AbortController().signal)).rejects.toThrow('bug');
  });
});
