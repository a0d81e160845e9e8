import { loadModel } from './model-store.js';
import { invokeModel } from './payloads.js';
import { splitPayloads, transformLines } from './batch-transform.js';

const model = loadModel('model-server/models/rcf', 'rcf');
const lines = Array.from({ length: 300 }, (_, i) =>
  JSON.stringify({ features: Array.from({ length: 8 }, (_, k) => 1 + ((i + k) % 7) / 3) }),
);

describe('batch transform (SplitType=Line, MultiRecord)', () => {
  it('splits lines into requests within MaxPayloadInMB, in order, none empty', () => {
    const limit = 0.001; // 1,048 bytes
    const requests = splitPayloads(lines, limit);
    expect(requests.flat()).toEqual(lines);
    for (const r of requests) {
      expect(r.length).toBeGreaterThan(0);
      expect(r.reduce((n, l) => n + Buffer.byteLength(l) + 1, 0)).toBeLessThanOrEqual(
        limit * 1024 * 1024,
      );
    }
    expect(requests.length).toBeGreaterThan(10);
    expect(() => splitPayloads(['x'.repeat(2000)], limit)).toThrow('line 1 alone exceeds');
  });

  it('answers JSON lines one score per input line, the same scores as one JSON request', async () => {
    const out: string[] = [];
    for await (const part of transformLines(model, lines, { maxPayloadInMB: 0.001 }))
      out.push(...part.output);
    const whole = JSON.parse(
      invokeModel(
        model,
        JSON.stringify({ instances: lines.map((l) => JSON.parse(l)) }),
        'application/json',
      ).body,
    ) as { scores: { score: number }[] };
    expect(out.map((l) => JSON.parse(l))).toEqual(whole.scores);
  });

  it('reads CSV lines too and refuses a row of the wrong width', () => {
    const answer = invokeModel(
      model,
      '1,2,3,4,5,6,7,8\n2,3,4,5,6,7,8,9\n',
      'text/csv',
      'application/jsonlines',
    );
    expect(answer.contentType).toBe('application/jsonlines');
    expect(answer.body.trim().split('\n')).toHaveLength(2);
    expect(() =>
      invokeModel(model, '{"features":[1,2]}\n', 'application/jsonlines', 'application/jsonlines'),
    ).toThrow('expected 8 values');
  });
});
