/**
 * The batch transform container contract against the local cloud's model server process:
 * `GET /execution-parameters`, and `POST /invocations` with JSON lines in and out.
 */
const base = process.env.AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME!;

describe('model server as a batch transform container', () => {
  it('answers GET /execution-parameters with MultiRecord and its payload limit', async () => {
    const res = await fetch(`${base}/execution-parameters`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      MaxConcurrentTransforms: 1,
      BatchStrategy: 'MULTI_RECORD',
      MaxPayloadInMB: 6,
    });
  });

  it('scores JSON lines (SplitType=Line) one result line per input line', async () => {
    const lines = [
      [1, 1, 1, 1, 1, 1, 1, 1],
      [1, 1.2, 1.1, 1, 1.3, 1, 1.2, 1.1],
      [1, 1, 1, 9, 1, 1, 1, 1],
    ].map((features) => JSON.stringify({ features }));
    const res = await fetch(`${base}/invocations`, {
      method: 'POST',
      headers: {
        'content-type': 'application/jsonlines',
        accept: 'application/jsonlines',
        'x-amzn-sagemaker-target-model': 'rcf',
      },
      body: `${lines.join('\n')}\n`,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/jsonlines');
    const out = (await res.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { score: number });
    expect(out).toHaveLength(3);
    expect(out[2]!.score).toBeGreaterThan(out[0]!.score);
  });
});
