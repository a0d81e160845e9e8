/**
 * @module deploy/lake
 * The lake as Amazon Athena reads it: a Glue database with one table over the raw archive
 * (JSON lines under Firehose's `raw/YYYY/MM/DD/HH/` layout) and one Parquet table per export
 * table (`lake/<table>/dt=YYYY-MM-DD/`, written by `shardflow export --format parquet`) and
 * the batch scores (`lake/scores_batch/dt=…/`, written by `shardflow batch-score`), all
 * with partition projection so no crawler or `MSCK REPAIR` is needed; and an Athena
 * workgroup whose query results are encrypted with the stack's key, in the lake bucket.
 * Column names and types come from `lake/`'s table definitions' wire twin in `core/`.
 */
import * as athena from 'aws-cdk-lib/aws-athena';
import * as glue from 'aws-cdk-lib/aws-glue';
import { Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { DEVICE_MEASURES, HOUSEHOLD_MEASURES } from '../core/index.js';
import type { DataPlane } from './data-plane.js';
import type { DeploySettings } from './settings.js';

/** Options of {@link Lake}. */
export interface LakeProps {
  readonly settings: DeploySettings;
  readonly data: DataPlane;
  /** Prefix of the raw archive delivery stream, e.g. `raw/`. */
  readonly rawPrefix: string;
}

/** Prefix of Athena's query results in the lake bucket. */
export const ATHENA_RESULTS_PREFIX = 'athena-results/';

const floats = (names: readonly string[]) => names.map((name) => ({ name, type: 'double' }));

/** The export tables (see lake/tables.ts): name and columns after the `time` column. */
export const EXPORT_TABLES: readonly { name: string; columns: { name: string; type: string }[] }[] =
  [
    { name: 'devices', columns: [{ name: 'device', type: 'string' }, ...floats(DEVICE_MEASURES)] },
    {
      name: 'households',
      columns: [{ name: 'household', type: 'string' }, ...floats(HOUSEHOLD_MEASURES)],
    },
    {
      name: 'scores',
      columns: [
        { name: 'pipeline', type: 'string' },
        { name: 'key', type: 'string' },
        ...floats(['score', 'grade', 'threshold', ...DEVICE_MEASURES, ...HOUSEHOLD_MEASURES]),
      ],
    },
  ];

/**
 * The batch scores table (lake/batch-output.ts): `shardflow batch-score` and the batch
 * transform job's output, keyed like the stream's scores, beside them in `lake/scores_batch/`.
 */
export const BATCH_SCORES_GLUE_TABLE = {
  name: 'scores_batch',
  columns: [
    { name: 'pipeline', type: 'string' },
    { name: 'key', type: 'string' },
    { name: 'score', type: 'double' },
  ],
};

/** The Glue database, its tables and the Athena workgroup. */
export class Lake extends Construct {
  readonly databaseName: string;
  readonly workgroup: athena.CfnWorkGroup;

  constructor(scope: Construct, id: string, props: LakeProps) {
    super(scope, id);
    const { settings, data, rawPrefix } = props;
    const account = Stack.of(this).account;
    const bucket = data.bucket.bucketName;
    this.databaseName = `${settings.config.app.replaceAll('-', '_')}_lake`;
    const database = new glue.CfnDatabase(this, 'Database', {
      catalogId: account,
      databaseInput: {
        name: this.databaseName,
        description: `${settings.config.app}: raw archive and exports (partition projection)`,
      },
    });

    const table = (tid: string, input: glue.CfnTable.TableInputProperty): glue.CfnTable => {
      const t = new glue.CfnTable(this, tid, {
        catalogId: account,
        databaseName: this.databaseName,
        tableInput: { tableType: 'EXTERNAL_TABLE', ...input },
      });
      t.node.addDependency(database);
      return t;
    };

    const readingStruct = `struct<${[...DEVICE_MEASURES, ...HOUSEHOLD_MEASURES]
      .map((m) => `${m.toLowerCase()}:double`)
      .join(',')}>`;
    table('RawReadings', {
      name: 'raw_readings',
      description: 'Every record as the stream carried it (JSON lines, by arrival hour)',
      partitionKeys: [{ name: 'dt', type: 'string' }],
      parameters: {
        classification: 'json',
        'projection.enabled': 'true',
        'projection.dt.type': 'date',
        'projection.dt.format': 'yyyy/MM/dd/HH',
        'projection.dt.range': '2020/01/01/00,NOW',
        'projection.dt.interval': '1',
        'projection.dt.interval.unit': 'HOURS',
        'storage.location.template': `s3://${bucket}/${rawPrefix}\${dt}/`,
      },
      storageDescriptor: {
        location: `s3://${bucket}/${rawPrefix}`,
        inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
        outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
        serdeInfo: {
          serializationLibrary: 'org.openx.data.jsonserde.JsonSerDe',
          parameters: { 'ignore.malformed.json': 'true', 'case.insensitive': 'true' },
        },
        columns: [
          { name: 'kind', type: 'string' },
          { name: 'deviceid', type: 'string' },
          { name: 'householdid', type: 'string' },
          { name: 'ts', type: 'string' },
          { name: 'readings', type: readingStruct },
        ],
      },
    });

    for (const t of [...EXPORT_TABLES, BATCH_SCORES_GLUE_TABLE]) {
      const location = `s3://${bucket}/lake/${t.name}/`;
      const batch = t === BATCH_SCORES_GLUE_TABLE;
      table(batch ? 'BatchScores' : `Export${t.name[0]?.toUpperCase()}${t.name.slice(1)}`, {
        name: t.name,
        description: batch
          ? 'shardflow batch-score / batch transform output: one score per window, keyed like scores'
          : `shardflow export --format parquet: ${t.name}, one row per reading`,
        partitionKeys: [{ name: 'dt', type: 'string' }],
        parameters: {
          classification: 'parquet',
          'projection.enabled': 'true',
          'projection.dt.type': 'date',
          'projection.dt.format': 'yyyy-MM-dd',
          'projection.dt.range': '2020-01-01,NOW',
          'projection.dt.interval': '1',
          'projection.dt.interval.unit': 'DAYS',
          'storage.location.template': `${location}dt=\${dt}/`,
        },
        storageDescriptor: {
          location,
          inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
          serdeInfo: {
            serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
          },
          columns: [
            { name: 'time', type: 'timestamp' },
            ...t.columns.map((c) => ({
              name: c.name.toLowerCase(),
              type: c.type,
            })),
          ],
        },
      });
    }

    this.workgroup = new athena.CfnWorkGroup(this, 'Workgroup', {
      name: `${settings.config.app}-lake`,
      description: `${settings.config.app}: queries over the lake; results encrypted with the stack key`,
      recursiveDeleteOption: !settings.retainData,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: 10 * 1024 ** 3,
        resultConfiguration: {
          outputLocation: `s3://${bucket}/${ATHENA_RESULTS_PREFIX}`,
          encryptionConfiguration: {
            encryptionOption: 'SSE_KMS',
            kmsKey: data.key.keyArn,
          },
        },
      },
    });
  }
}
