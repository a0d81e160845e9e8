import { loadConfig, resourcesFor } from '../core/index.js';
import { withoutRawArchive } from './bootstrap.js';

describe('withoutRawArchive', () => {
  it('drops only the raw archive delivery stream (the one reading the stream)', () => {
    const resources = resourcesFor(loadConfig({}));
    const local = withoutRawArchive(resources);
    expect(local.deliveryStreams.map((d) => d.role)).toEqual(['results', 'deadLetters']);
    expect(local.deliveryStreams.some((d) => d.sourceStream)).toBe(false);
    expect({ ...local, deliveryStreams: [] }).toEqual({ ...resources, deliveryStreams: [] });
  });
});
