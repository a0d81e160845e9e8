/**
 * @module deploy/inference
 * The SageMaker model, endpoint configuration and endpoint for each inference endpoint the
 * configuration names (`rcfEndpointName`, `forecastEndpointName`), each selectable per
 * environment: SageMaker's built-in Random Cut Forest image with a trained artefact in S3
 * (RCF only), the project's model-server image (`deploy/docker/model-server.Dockerfile`,
 * a bring-your-own container answering `/ping` and `/invocations` on 8080), or none (the
 * pipelines then score with the embedded models). The execution role may read only the
 * named artefacts, pull only the model-server repository and log only to its endpoints'
 * log groups.
 */
import { Aws } from 'aws-cdk-lib';
import * as ecrAssets from 'aws-cdk-lib/aws-ecr-assets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';
import type { DataPlane } from './data-plane.js';
import { builtinRcfImage } from './rcf-image.js';
import type { DeploySettings } from './settings.js';

/** Options of {@link Inference}. */
export interface InferenceProps {
  readonly settings: DeploySettings;
  readonly data: DataPlane;
  /** Repository root: the Docker build context of the model-server image asset. */
  readonly contextDirectory: string;
}

/** The variant name every endpoint uses (its CloudWatch dimension). */
export const VARIANT_NAME = 'AllTraffic';
/** Namespace SageMaker publishes endpoint instance metrics under, on the role's behalf. */
export const SAGEMAKER_METRICS_NAMESPACE = '/aws/sagemaker/Endpoints';

/** A deployed endpoint. */
export interface DeployedEndpoint {
  readonly name: string;
  readonly endpoint: sagemaker.CfnEndpoint;
}

/** The endpoints of one environment (possibly none). */
export class Inference extends Construct {
  /** Endpoints created, by purpose. */
  readonly endpoints: readonly DeployedEndpoint[];
  /** The models' execution role (also batch transform's), when there is an endpoint. */
  readonly executionRole: iam.Role | undefined;

  constructor(scope: Construct, id: string, props: InferenceProps) {
    super(scope, id);
    const { settings, data } = props;
    const { config, inference } = settings;
    const wanted = [
      { purpose: 'rcf' as const, name: config.rcfEndpointName, ...inference.rcf },
      { purpose: 'forecast' as const, name: config.forecastEndpointName, ...inference.forecast },
    ].filter((e) => e.image !== 'none');
    if (wanted.length === 0) {
      this.endpoints = [];
      this.executionRole = undefined;
      return;
    }

    const role = new iam.Role(this, 'ExecutionRole', {
      assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'),
      description: `${config.app}: SageMaker endpoints ${wanted.map((e) => e.name).join(', ')}`,
    });
    this.executionRole = role;
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'EndpointLogs',
        actions: [
          'logs:CreateLogGroup',
          'logs:CreateLogStream',
          'logs:DescribeLogStreams',
          'logs:PutLogEvents',
        ],
        resources: wanted.map(
          (e) =>
            `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:${SAGEMAKER_METRICS_NAMESPACE}/${e.name}:*`,
        ),
      }),
    );
    // PutMetricData has no resource-level permissions: AWS allows only "*", so narrow by
    // namespace instead.
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'EndpointMetrics',
        actions: ['cloudwatch:PutMetricData'],
        resources: ['*'],
        conditions: { StringEquals: { 'cloudwatch:namespace': SAGEMAKER_METRICS_NAMESPACE } },
      }),
    );
    const artefacts = wanted.flatMap((e) => (e.modelDataUrl ? [s3Object(e.modelDataUrl)] : []));
    if (artefacts.length > 0) {
      role.addToPolicy(
        new iam.PolicyStatement({
          sid: 'ModelArtefacts',
          actions: ['s3:GetObject'],
          resources: artefacts.map((a) => `arn:${Aws.PARTITION}:s3:::${a.bucket}/${a.key}`),
        }),
      );
      if (artefacts.some((a) => a.bucket === data.bucket.bucketName)) {
        role.addToPolicy(
          new iam.PolicyStatement({
            sid: 'LakeKeyViaS3',
            actions: ['kms:Decrypt'],
            resources: [data.key.keyArn],
            conditions: {
              StringEquals: { 'kms:ViaService': `s3.${Aws.REGION}.amazonaws.com` },
            },
          }),
        );
      }
    }

    let projectImage: string | undefined;
    if (wanted.some((e) => e.image === 'project')) {
      if (inference.modelServerImage === 'asset') {
        const asset = new ecrAssets.DockerImageAsset(this, 'ModelServerImage', {
          directory: props.contextDirectory,
          file: 'deploy/docker/model-server.Dockerfile',
          platform: ecrAssets.Platform.LINUX_AMD64,
        });
        asset.repository.grantPull(role);
        projectImage = asset.imageUri;
      } else {
        projectImage = inference.modelServerImage;
        grantPullByUri(role, projectImage);
      }
    }

    this.endpoints = wanted.map((e) => {
      const image = e.image === 'builtin' ? builtinRcfImage(settings.region) : projectImage;
      const model = new sagemaker.CfnModel(this, `Model-${e.purpose}`, {
        executionRoleArn: role.roleArn,
        primaryContainer: {
          image,
          modelDataUrl: e.modelDataUrl,
          mode: 'SingleModel',
          // without an artefact, the project image serves its shipped model for the purpose
          ...(e.image === 'project' && !e.modelDataUrl
            ? { environment: { SHARDFLOW_MODEL_DIR: shippedModelDir(e.purpose) } }
            : {}),
        },
      });
      model.node.addDependency(role);
      const endpointConfig = new sagemaker.CfnEndpointConfig(this, `Config-${e.purpose}`, {
        // the instances' storage volumes are encrypted with the stack's key, like its data
        kmsKeyId: data.key.keyArn,
        productionVariants: [
          {
            variantName: VARIANT_NAME,
            modelName: model.attrModelName,
            initialInstanceCount: e.instanceCount,
            instanceType: e.instanceType,
            initialVariantWeight: 1,
          },
        ],
      });
      // No fixed configuration name: a change replaces the configuration under a new
      // generated name, and CloudFormation then updates the endpoint in place.
      const endpoint = new sagemaker.CfnEndpoint(this, `Endpoint-${e.purpose}`, {
        endpointName: e.name,
        endpointConfigName: endpointConfig.attrEndpointConfigName,
      });
      return { name: e.name, endpoint };
    });
  }
}

/**
 * Where the model-server image keeps the shipped model of an endpoint purpose
 * (`model-server/models/<purpose>`, copied by `model-server.Dockerfile`).
 */
export function shippedModelDir(purpose: 'rcf' | 'forecast'): string {
  return `/app/model-server/models/${purpose}`;
}

function s3Object(url: string): { bucket: string; key: string } {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(url);
  return { bucket: match?.[1] ?? '', key: match?.[2] ?? '' };
}

/** Pull rights for an image given by URI in this account's ECR (else none are needed). */
function grantPullByUri(role: iam.Role, uri: string): void {
  const match = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([^:@]+)/.exec(uri);
  if (!match) return;
  const [, account, region, repository] = match;
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'PullModelServerImage',
      actions: [
        'ecr:BatchCheckLayerAvailability',
        'ecr:BatchGetImage',
        'ecr:GetDownloadUrlForLayer',
      ],
      resources: [`arn:${Aws.PARTITION}:ecr:${region}:${account}:repository/${repository}`],
    }),
  );
  // GetAuthorizationToken has no resource-level permissions: AWS allows only "*".
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'EcrLogin',
      actions: ['ecr:GetAuthorizationToken'],
      resources: ['*'],
    }),
  );
}
