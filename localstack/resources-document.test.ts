import { readFileSync } from 'node:fs';
import { RESOURCES_DOCUMENT_PATH, resourcesDocument } from './resources-document.js';

describe('LocalStack resources document', () => {
  it('is exactly what core/resources generates (run `npm run gen:resources` after changing it)', () => {
    expect(readFileSync(RESOURCES_DOCUMENT_PATH, 'utf8')).toBe(resourcesDocument());
  });

  it('lists the stream, the four tables, the bucket and the three delivery streams', () => {
    const doc = JSON.parse(resourcesDocument()) as {
      streams: { name: string }[];
      tables: { name: string }[];
      buckets: string[];
      deliveryStreams: { name: string; sourceStream?: string }[];
    };
    expect(doc.streams.map((s) => s.name)).toEqual(['shardflow-readings']);
    expect(doc.tables.map((t) => t.name)).toEqual([
      'shardflow-leases',
      'shardflow-anomalies',
      'shardflow-predictions',
      'shardflow-readings-store',
    ]);
    expect(doc.buckets).toEqual(['shardflow-lake']);
    expect(doc.deliveryStreams.find((d) => d.sourceStream)?.sourceStream).toBe(
      'shardflow-readings',
    );
  });
});
