import { SENTINEL, sentinel, type Lease } from './lease.js';
import {
  LeaseTableMismatchError,
  checkLeaseTable,
  leaseTableProblem,
} from './lease-table-check.js';
import { startingPosition } from './shard-reader.js';

const ARN = 'arn:aws:kinesis:eu-west-1:000000000000:stream/readings';
const lease = (leaseKey: string, extra: Partial<Lease> = {}): Lease => ({
  leaseKey,
  leaseCounter: 1,
  checkpoint: sentinel(SENTINEL.TRIM_HORIZON),
  ownerSwitchesSinceCheckpoint: 0,
  parentShardIds: [],
  childShardIds: [],
  ...extra,
});
const input = {
  tableName: 'app-leases',
  streamName: 'readings',
  streamArn: ARN,
  hasStartTime: false,
};

describe('leaseTableProblem', () => {
  it('accepts an empty table, our leases, KCL leases without a stream and KCL 3.5 non-lease items', () => {
    const scan = {
      leases: [lease('shardId-000000000000', { streamArn: ARN }), lease('shardId-000000000001')],
      others: ['Leader', 'Migration3.0', 'TableMigration3.5', 'worker-1'],
    };
    expect(leaseTableProblem({ leases: [], others: [] }, input)).toBeUndefined();
    expect(leaseTableProblem(scan, input)).toBeUndefined();
  });

  it('refuses a KCL multi-stream table in one line', () => {
    const scan = {
      leases: [lease('123456789012:readings:1700000000:shardId-000000000000')],
      others: [],
    };
    const problem = leaseTableProblem(scan, input);
    expect(problem).toMatch(
      /^lease table app-leases is a KCL multi-stream table \(lease 123456789012:/,
    );
    expect(problem).not.toMatch(/\n/);
  });

  it('refuses a table holding leases of another stream', () => {
    const other = 'arn:aws:kinesis:eu-west-1:000000000000:stream/other';
    const scan = { leases: [lease('shardId-000000000000', { streamArn: other })], others: [] };
    expect(() => checkLeaseTable(scan, input)).toThrow(LeaseTableMismatchError);
    expect(leaseTableProblem(scan, input)).toBe(
      `lease table app-leases holds leases of stream ${other}, not of readings: ` +
        'give each stream its own lease table (--lease-table, SHARDFLOW_LEASE_TABLE)',
    );
  });

  it('refuses AT_TIMESTAMP leases without a configured start time, accepts them with one', () => {
    const scan = {
      leases: [lease('shardId-000000000000', { checkpoint: sentinel(SENTINEL.AT_TIMESTAMP) })],
      others: [],
    };
    expect(leaseTableProblem(scan, input)).toMatch(/--initial-position AT_TIMESTAMP --timestamp/);
    expect(leaseTableProblem(scan, { ...input, hasStartTime: true })).toBeUndefined();
  });
});

describe('startingPosition', () => {
  it('starts an AT_TIMESTAMP lease at the configured time, never at time 0', () => {
    const t = new Date(1_700_000_000_000);
    expect(startingPosition(sentinel(SENTINEL.AT_TIMESTAMP), t)).toEqual({
      type: 'AT_TIMESTAMP',
      timestamp: t,
    });
    expect(() => startingPosition(sentinel(SENTINEL.AT_TIMESTAMP))).toThrow(/start time/);
  });
});
