/**
 * @module deploy/batch-transform
 * Batch scoring of the lake in AWS (`shardflow batch-score --aws` builds the request): the
 * models' execution role may read the export's batch input (`export/<range>/batch_input/`)
 * and write the transform output (`export/<range>/scores_batch_output/`) of the lake bucket,
 * through the lake key; an operator policy (attach it to whoever starts jobs) may create,
 * describe and stop this application's transform jobs (`<app>-batch-*`) and pass exactly the
 * execution role to SageMaker.
 */
import { Aws } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { DataPlane } from './data-plane.js';

/** Options of {@link BatchTransformAccess}. */
export interface BatchTransformAccessProps {
  readonly app: string;
  readonly data: DataPlane;
  /** The models' execution role (`Inference.executionRole`). */
  readonly executionRole: iam.Role;
}

/** Permissions of batch transform jobs over the lake, and of their operator. */
export class BatchTransformAccess extends Construct {
  /** Attach to the user or role that runs `CreateTransformJob`. */
  readonly operatorPolicy: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: BatchTransformAccessProps) {
    super(scope, id);
    const { app, data, executionRole } = props;
    const bucket = data.bucket.bucketArn;
    executionRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'BatchInput',
        actions: ['s3:GetObject'],
        resources: [`${bucket}/export/*/batch_input/*`],
      }),
    );
    executionRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'BatchInputListing',
        actions: ['s3:ListBucket'],
        resources: [bucket],
        conditions: { StringLike: { 's3:prefix': ['export/*/batch_input/*'] } },
      }),
    );
    executionRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'BatchOutput',
        actions: ['s3:PutObject', 's3:AbortMultipartUpload'],
        resources: [`${bucket}/export/*/scores_batch_output/*`],
      }),
    );
    executionRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'BatchLakeKeyViaS3',
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: [data.key.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `s3.${Aws.REGION}.amazonaws.com` } },
      }),
    );
    this.operatorPolicy = new iam.ManagedPolicy(this, 'OperatorPolicy', {
      description: `${app}: start and watch batch scoring transform jobs`,
      statements: [
        new iam.PolicyStatement({
          sid: 'TransformJobs',
          actions: [
            'sagemaker:CreateTransformJob',
            'sagemaker:DescribeTransformJob',
            'sagemaker:StopTransformJob',
          ],
          resources: [
            `arn:${Aws.PARTITION}:sagemaker:${Aws.REGION}:${Aws.ACCOUNT_ID}:transform-job/${app}-batch-*`,
          ],
        }),
        new iam.PolicyStatement({
          sid: 'PassExecutionRole',
          actions: ['iam:PassRole'],
          resources: [executionRole.roleArn],
          conditions: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
        }),
      ],
    });
  }
}
