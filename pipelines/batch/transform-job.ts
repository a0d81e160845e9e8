/**
 * @module pipelines/batch/transform-job
 * The `CreateTransformJob` request that scores an export range in AWS with the RCF endpoint's
 * model, as SageMaker batch transform: JSON lines of the export's windows
 * (`{"time","pipeline","key","features"}`) in, only `$.features` sent to the container
 * (`InputFilter`), each answer joined to its input line (`JoinSource=Input`) and filtered to
 * the scores table's keys plus the score, so the results carry the same keys as the stream's.
 * Pure: shardflow builds the request (and CDK the permissions); `aws sagemaker
 * create-transform-job --cli-input-json` or an SDK starts it.
 */

/** Inputs of {@link transformJobRequest}. */
export interface TransformJobInput {
  /** Application name (`config.app`): prefix of the job name. */
  readonly app: string;
  /** The SageMaker model (the RCF endpoint's model name). */
  readonly modelName: string;
  readonly bucket: string;
  /** The export's prefix, e.g. `export/2026-11-01.2026-11-08/`. */
  readonly exportPrefix: string;
  readonly maxPayloadInMB?: number;
  readonly instanceType?: string;
  readonly instanceCount?: number;
  /** KMS key for the output objects (the lake's key). */
  readonly kmsKeyId?: string;
}

/** The request, field for field as `CreateTransformJob` takes it. */
export function transformJobRequest(input: TransformJobInput): Record<string, unknown> {
  const range = input.exportPrefix.replace(/^export\//, '').replace(/\/$/, '');
  const name = `${input.app}-batch-${range}`.replace(/[^a-zA-Z0-9-]/g, '-').slice(0, 63);
  return {
    TransformJobName: name,
    ModelName: input.modelName,
    BatchStrategy: 'MultiRecord',
    MaxPayloadInMB: input.maxPayloadInMB ?? 6,
    TransformInput: {
      DataSource: {
        S3DataSource: {
          S3DataType: 'S3Prefix',
          S3Uri: `s3://${input.bucket}/${input.exportPrefix}batch_input/`,
        },
      },
      ContentType: 'application/jsonlines',
      SplitType: 'Line',
    },
    TransformOutput: {
      S3OutputPath: `s3://${input.bucket}/${input.exportPrefix}scores_batch_output/`,
      Accept: 'application/jsonlines',
      AssembleWith: 'Line',
      ...(input.kmsKeyId ? { KmsKeyId: input.kmsKeyId } : {}),
    },
    DataProcessing: {
      InputFilter: '$.features',
      JoinSource: 'Input',
      OutputFilter: "$['time','pipeline','key','SageMakerOutput']",
    },
    TransformResources: {
      InstanceType: input.instanceType ?? 'ml.m5.large',
      InstanceCount: input.instanceCount ?? 1,
    },
  };
}
