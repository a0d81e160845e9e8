/**
 * The readings sink's own logic (no AWS behaviour): a registry row that DynamoDB leaves
 * unprocessed is reported as a failure of the reading row that caused it, so the ack join
 * does not acknowledge that window, and the registry row is tried again with the next batch.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { PositionSet, traced } from '../core/index.js';
import { createReadingsSink, READINGS_INDEX_PARTITION, readingRowKey } from './readings-sink.js';

type Put = { PutRequest: { Item: Record<string, unknown> } };

/** A document client that accepts every row except registry rows, `refuse` times. */
function client(refuse: number) {
  const sent: Record<string, unknown>[][] = [];
  let left = refuse;
  const send = (command: { input: { RequestItems: Record<string, Put[]> } }) => {
    const puts = Object.values(command.input.RequestItems)[0] ?? [];
    sent.push(puts.map((p) => p.PutRequest.Item));
    const unprocessed =
      left > 0 ? puts.filter((p) => p.PutRequest.Item.pk === READINGS_INDEX_PARTITION) : [];
    if (unprocessed.length > 0) left -= 1;
    return Promise.resolve({ UnprocessedItems: unprocessed.length ? { t: unprocessed } : {} });
  };
  return { sent, documents: { send } as unknown as DynamoDBDocumentClient };
}

const row = (key: string, minute: number, ordinal: number) =>
  traced(
    {
      key: readingRowKey({ key, windowStart: minute * 60_000 }),
      attributes: { kind: 'device', values: { iaq: 1 } },
    },
    PositionSet.single('s', ordinal),
  );

it('maps a failed registry row to the reading row that caused it and retries it later', async () => {
  const { sent, documents } = client(1);
  const sink = createReadingsSink({
    client: documents,
    tableName: 't',
    clock: () => 0,
    retry: { retries: 0 },
  });
  const out = await sink.write([row('a', 0, 1), row('b', 0, 2)]);
  // both registry rows came back unprocessed: the first row of each key is not durable
  expect(out.failures.map((f) => [f.item.value.key.pk, f.code])).toEqual([
    ['a', 'DYNAMODB_UNPROCESSED_ITEMS'],
    ['b', 'DYNAMODB_UNPROCESSED_ITEMS'],
  ]);
  expect(out.durable.isEmpty).toBe(true);
  expect(out.written).toBe(2);
  // the next batch of a carries a's registry row again, and it goes through
  const again = await sink.write([row('a', 1, 3)]);
  expect(again.failures).toEqual([]);
  expect(again.durable.toString()).toBe('s:[3]');
  expect(sent[1]?.filter((i) => i.pk === READINGS_INDEX_PARTITION).map((i) => i.sk)).toEqual(['a']); // b's registry row waits for b's next batch
});
