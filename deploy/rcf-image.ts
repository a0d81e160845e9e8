/**
 * @module deploy/rcf-image
 * Where SageMaker's built-in Random Cut Forest inference image lives in each region. The
 * algorithm's images are published by AWS from one account per region (the table the
 * SageMaker Python SDK ships as `image_uri_config/randomcutforest.json`, version `1`, and
 * the "Docker Registry Paths" pages of the SageMaker developer guide). An unknown region
 * fails at synth time rather than at endpoint creation.
 */
import { ConfigError } from '../core/index.js';

/** ECR registry account of the `randomcutforest` algorithm image, by region. */
export const RCF_REGISTRY_ACCOUNTS: Readonly<Record<string, string>> = {
  'af-south-1': '455444449433',
  'ap-east-1': '286214385809',
  'ap-northeast-1': '351501993468',
  'ap-northeast-2': '835164637446',
  'ap-northeast-3': '867004704886',
  'ap-south-1': '991648021394',
  'ap-southeast-1': '475088953585',
  'ap-southeast-2': '712309505854',
  'ap-southeast-3': '951798379941',
  'ca-central-1': '469771592824',
  'cn-north-1': '390948362332',
  'cn-northwest-1': '387376663083',
  'eu-central-1': '664544806723',
  'eu-north-1': '669576153137',
  'eu-south-1': '257386234256',
  'eu-west-1': '438346466558',
  'eu-west-2': '644912444149',
  'eu-west-3': '749696950732',
  'me-south-1': '249704162688',
  'sa-east-1': '855470959533',
  'us-east-1': '382416733822',
  'us-east-2': '404615174143',
  'us-gov-west-1': '226302683700',
  'us-west-1': '632365934929',
  'us-west-2': '174872318107',
};

/**
 * The built-in RCF inference image for a region, tagged `1` (the stable major version AWS
 * recommends over `latest`).
 *
 * @example
 * builtinRcfImage('eu-west-1'); // '438346466558.dkr.ecr.eu-west-1.amazonaws.com/randomcutforest:1'
 */
export function builtinRcfImage(region: string): string {
  const account = RCF_REGISTRY_ACCOUNTS[region];
  if (!account) {
    throw new ConfigError(
      'inference.rcf.image',
      `SageMaker's built-in Random Cut Forest is not published in ${region}; use "project"`,
    );
  }
  const domain = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `${account}.dkr.ecr.${region}.${domain}/randomcutforest:1`;
}
