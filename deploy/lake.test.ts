/**
 * CDK assertions on the lake's Glue database, tables and Athena workgroup in the
 * synthesized `dev` stack: partition projection on `dt` over the exact layouts that
 * Firehose and `shardflow export` write, typed columns, encrypted query results.
 */
import { Match } from 'aws-cdk-lib/assertions';
import {
  BATCH_SCORES_TABLE,
  batchScoresKey,
  LAKE_PREFIX,
  partitionKey,
  SCORES_TABLE,
  TABLES,
} from '../lake/index.js';
import { ATHENA_RESULTS_PREFIX } from './lake.js';
import { render, synthesize, type Synthesized } from './test-support.js';

let dev: Synthesized;
beforeAll(() => {
  dev = synthesize();
});
afterAll(() => dev.cleanup());

const tables = () =>
  Object.values(dev.json.Resources)
    .filter((r) => r.Type === 'AWS::Glue::Table')
    .map((r) => (r.Properties?.TableInput ?? {}) as Record<string, unknown>);

describe('lake (Glue + Athena)', () => {
  it('has one database and a table per export table plus the raw archive', () => {
    dev.template.resourceCountIs('AWS::Glue::Database', 1);
    expect(
      tables()
        .map((t) => t.Name)
        .sort(),
    ).toEqual(['households', 'devices', 'raw_readings', 'scores', 'scores_batch'].sort());
  });

  it('reads the batch scores where batch-score writes them, with their columns', () => {
    const t = tables().find((x) => x.Name === BATCH_SCORES_TABLE.name) as {
      Parameters: Record<string, unknown>;
      StorageDescriptor: { Columns: { Name: string; Type: string }[] };
    };
    const template = render(t.Parameters['storage.location.template'], {});
    const key = batchScoresKey('2026-11-23', LAKE_PREFIX);
    expect(`${template.replace('${dt}', '2026-11-23')}scores_batch.parquet`).toMatch(
      new RegExp(`/${key.replaceAll('.', '\\.')}$`),
    );
    expect(t.Parameters).toMatchObject({
      classification: 'parquet',
      'projection.enabled': 'true',
      'projection.dt.format': 'yyyy-MM-dd',
    });
    const types = { timestamp: 'timestamp', float: 'double', string: 'string' } as const;
    expect(t.StorageDescriptor.Columns).toEqual(
      BATCH_SCORES_TABLE.columns.map((c) => ({ Name: c.name, Type: types[c.type] })),
    );
    // the same keys as the stream's scores, so the two join on time, pipeline, key
    expect(BATCH_SCORES_TABLE.columns.slice(0, 3)).toEqual(SCORES_TABLE.columns.slice(0, 3));
  });

  it('projects dt over the exact keys shardflow export writes, with the same columns', () => {
    for (const def of Object.values(TABLES)) {
      const t = tables().find((x) => x.Name === def.name) as {
        Parameters: Record<string, unknown>;
        StorageDescriptor: { Columns: { Name: string; Type: string }[] };
      };
      const template = render(t.Parameters['storage.location.template'], {});
      const key = partitionKey(LAKE_PREFIX, def.name, '2026-11-23', 'parquet');
      // the template with dt filled in is the folder of the object export writes
      expect(`${template.replace('${dt}', '2026-11-23')}${def.name}.parquet`).toMatch(
        new RegExp(`/${key.replaceAll('.', '\\.')}$`),
      );
      expect(t.Parameters).toMatchObject({
        'projection.enabled': 'true',
        'projection.dt.type': 'date',
        'projection.dt.format': 'yyyy-MM-dd',
      });
      const types = { timestamp: 'timestamp', float: 'double', string: 'string' } as const;
      expect(t.StorageDescriptor.Columns).toEqual(
        def.columns.map((c) => ({ Name: c.name.toLowerCase(), Type: types[c.type] })),
      );
    }
  });

  it('projects the raw archive by Firehose hour folders', () => {
    const raw = tables().find((x) => x.Name === 'raw_readings') as {
      Parameters: Record<string, unknown>;
    };
    expect(raw.Parameters).toMatchObject({
      'projection.dt.format': 'yyyy/MM/dd/HH',
      'projection.dt.interval.unit': 'HOURS',
    });
    expect(render(raw.Parameters['storage.location.template'], {})).toMatch(/\/raw\/\$\{dt\}\/$/);
  });

  it('encrypts Athena results with the stack key and enforces the workgroup settings', () => {
    dev.template.hasResourceProperties('AWS::Athena::WorkGroup', {
      WorkGroupConfiguration: Match.objectLike({
        EnforceWorkGroupConfiguration: true,
        ResultConfiguration: {
          OutputLocation: Match.anyValue(),
          EncryptionConfiguration: { EncryptionOption: 'SSE_KMS', KmsKey: Match.anyValue() },
        },
      }),
    });
    const wg = Object.values(dev.json.Resources).find((r) => r.Type === 'AWS::Athena::WorkGroup');
    const result = (
      wg?.Properties?.WorkGroupConfiguration as {
        ResultConfiguration: {
          OutputLocation: unknown;
          EncryptionConfiguration: { KmsKey: unknown };
        };
      }
    ).ResultConfiguration;
    expect(render(result.OutputLocation, {})).toMatch(new RegExp(`/${ATHENA_RESULTS_PREFIX}$`));
    expect(render(result.EncryptionConfiguration.KmsKey, {})).toMatch(/Key.*\.Arn/);
  });
});
