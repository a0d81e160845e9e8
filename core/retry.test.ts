import { RetriableError, RetriesExhaustedError, ShardflowError } from './errors.js';
import { backoffDelay, retry } from './retry.js';

describe('backoffDelay', () => {
  it('grows exponentially up to the cap, scaled by the random draw (full jitter)', () => {
    const options = { initialDelayMs: 100, maxDelayMs: 1_000, factor: 2 };
    expect([0, 1, 2, 3, 4, 5].map((n) => backoffDelay(n, 0.999999, options))).toEqual([
      99, 199, 399, 799, 999, 999,
    ]);
    expect(backoffDelay(3, 0.5, options)).toBe(400);
    expect(backoffDelay(3, 0, options)).toBe(0);
  });
});

describe('retry', () => {
  const instant = { sleep: async () => undefined, random: () => 0.5 };

  it('retries retriable errors and returns the first success', async () => {
    const waits: number[] = [];
    let calls = 0;
    const out = await retry(
      async () => {
        calls += 1;
        if (calls < 3) throw new RetriableError('THROTTLED', 'slow down');
        return 'ok';
      },
      { ...instant, initialDelayMs: 10, onRetry: (_e, _a, d) => waits.push(d) },
    );
    expect(out).toBe('ok');
    expect(calls).toBe(3);
    expect(waits).toEqual([5, 10]);
  });

  it('rethrows a non-retriable error at once', async () => {
    let calls = 0;
    const fatal = new ShardflowError('BAD', 'no');
    await expect(
      retry(async () => {
        calls += 1;
        throw fatal;
      }, instant),
    ).rejects.toBe(fatal);
    expect(calls).toBe(1);
  });

  it('gives up after the bounded number of retries with the last error attached', async () => {
    let calls = 0;
    const error = await retry(
      async () => {
        calls += 1;
        throw new RetriableError('THROTTLED', `attempt ${calls}`);
      },
      { ...instant, retries: 2 },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetriesExhaustedError);
    expect((error as RetriesExhaustedError).attempts).toBe(3);
    expect((error as Error).message).toContain('attempt 3');
    expect(calls).toBe(3);
  });

  it('honours a custom retry predicate', async () => {
    let calls = 0;
    await expect(
      retry(
        async () => {
          calls += 1;
          if (calls === 1) throw new Error('ECONNRESET');
          return calls;
        },
        { ...instant, shouldRetry: (e) => e instanceof Error && e.message === 'ECONNRESET' },
      ),
    ).resolves.toBe(2);
  });
});
