/**
 * @module bench/producer-floor
 * The per-record floor of a Kinesis producer on this machine, each row a plain loop over the
 * bench's readings: the payload's UTF-8 bytes and one MD5 of the partition key (Kinesis'
 * placement hash — what any producer pays), the KPL protobuf encoding into 50 KiB aggregates
 * (with the MD5 of each aggregate the format requires), and the SDK's own `PutRecords`
 * serialisation, 500 entries per call, on a client whose HTTP layer answers at once.
 */
import { hash } from 'node:crypto';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { KplAggregate } from '../producers/index.js';
import { cannedKinesis } from './canned-kinesis.js';

/** One floor row: its name and a body returning its call count. */
export interface FloorBody {
  readonly name: string;
  readonly body: () => Promise<number>;
}

/** The floor rows over `big` (partition key + JSON payload per reading). */
export function producerFloors(
  big: readonly { partitionKey: string; data: string }[],
): FloorBody[] {
  const encoded = big.map((r) => ({ partitionKey: r.partitionKey, data: Buffer.from(r.data) }));
  return [
    {
      name: 'floor: UTF-8 encode + MD5 of key',
      async body() {
        const utf8 = new TextEncoder();
        let sink = 0;
        for (const r of big) sink += utf8.encode(r.data)[0]! + md5(r.partitionKey).length;
        return sink > 0 ? 0 : -1;
      },
    },
    {
      name: 'floor+: KPL protobuf encoding (50 KiB aggregates)',
      async body() {
        let aggregates = 0;
        let agg = new KplAggregate();
        for (const r of encoded) {
          if (agg.tryAdd(r)) continue;
          agg.encode();
          aggregates += 1;
          agg = new KplAggregate();
          agg.tryAdd(r);
        }
        agg.encode();
        return aggregates + 1;
      },
    },
    {
      name: 'floor+: SDK PutRecords serialisation (500/call)',
      async body() {
        const canned = cannedKinesis(
          new TextEncoder().encode('{"FailedRecordCount":0,"Records":[]}'),
        );
        let calls = 0;
        for (let i = 0; i < encoded.length; i += 500) {
          const Records = encoded
            .slice(i, i + 500)
            .map((r) => ({ PartitionKey: r.partitionKey, Data: r.data }));
          await canned.send(new PutRecordsCommand({ StreamName: 'bench', Records }));
          calls += 1;
        }
        canned.destroy();
        return calls;
      },
    },
  ];
}

const md5 = (key: string): string => hash('md5', key, 'hex');
