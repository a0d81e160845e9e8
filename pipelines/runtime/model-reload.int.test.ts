/**
 * A worker's forecaster follows the artefact the weekly retraining PUTs to S3 (the local
 * cloud's s3rver): a new `model.json` (new ETag) is in use after the next check, no restart.
 */
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { lastValue, movingAverage, type Forecaster } from '../../models/index.js';
import { testClients, testConfig, uniqueName } from '../../test/helpers.js';
import { reloadingForecaster, s3ModelSource } from './model-reload.js';

it('reloads a retrained model from S3 by its ETag, refusing nothing valid', async () => {
  const clients = testClients(testConfig());
  const bucket = uniqueName('models');
  const key = 'models/forecast-household-power/model.json';
  const put = (model: Forecaster) =>
    clients.s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: key, Body: JSON.stringify(model.toJSON()) }),
    );
  try {
    await clients.s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const source = s3ModelSource(clients.s3, bucket, key);
    expect(await reloadingForecaster(source)).toBeUndefined(); // nothing trained yet
    await put(movingAverage({ span: 5 }));
    const errors: unknown[] = [];
    const f = await reloadingForecaster(source, { onError: (e) => errors.push(e) });
    const window = Array.from({ length: 60 }, (_, i) => i);
    expect(f?.predict([window])[0]?.[0]).toBe(57);
    await f?.check(); // unchanged ETag: the same model
    expect(f?.kind).toBe('moving-average');
    await put(lastValue());
    await f?.check();
    expect(f?.kind).toBe('last-value');
    expect(f?.predict([window])[0]?.[0]).toBe(59);
    expect(errors).toEqual([]);
  } finally {
    clients.destroy();
  }
});
