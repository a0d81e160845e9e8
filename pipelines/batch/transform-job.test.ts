import { transformJobRequest } from './transform-job.js';

describe('transformJobRequest', () => {
  it('reads the export’s JSON lines by line, sends only the features, joins keys and score', () => {
    const request = transformJobRequest({
      app: 'shardflow-dev',
      modelName: 'rcf-model',
      bucket: 'lake-bucket',
      exportPrefix: 'export/2026-11-01.2026-11-08/',
      maxPayloadInMB: 4,
      kmsKeyId: 'arn:aws:kms:eu-west-1:111111111111:key/k',
    });
    expect(request).toMatchObject({
      TransformJobName: 'shardflow-dev-batch-2026-11-01-2026-11-08',
      ModelName: 'rcf-model',
      BatchStrategy: 'MultiRecord',
      MaxPayloadInMB: 4,
      TransformInput: {
        DataSource: {
          S3DataSource: { S3Uri: 's3://lake-bucket/export/2026-11-01.2026-11-08/batch_input/' },
        },
        ContentType: 'application/jsonlines',
        SplitType: 'Line',
      },
      TransformOutput: {
        S3OutputPath: 's3://lake-bucket/export/2026-11-01.2026-11-08/scores_batch_output/',
        AssembleWith: 'Line',
        KmsKeyId: 'arn:aws:kms:eu-west-1:111111111111:key/k',
      },
      DataProcessing: { InputFilter: '$.features', JoinSource: 'Input' },
    });
    expect(String(request.TransformJobName)).toMatch(/^[a-zA-Z0-9-]{1,63}$/);
  });
});
