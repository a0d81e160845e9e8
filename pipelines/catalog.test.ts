import { ConfigError } from '../core/index.js';
import { PipelineCatalog, shippedCatalog } from './catalog.js';
import { deviceSpec } from './devices/index.js';
import type { ReadingChainSpec } from './runtime/index.js';

const lab = (measure: string): ReadingChainSpec => ({
  name: 'lab',
  kind: 'device',
  measures: [measure],
  anomaly: { features: [measure], shingleSize: 2 },
});

describe('PipelineCatalog', () => {
  it('ships devices, households, both and machines', () => {
    const catalog = shippedCatalog();
    expect(catalog.names()).toEqual(['both', 'devices', 'households', 'machines']);
    expect(catalog.specsFor('devices').readings.map((s) => s.kind)).toEqual(['device']);
    expect(catalog.specsFor('both').readings.map((s) => s.name)).toEqual(['devices', 'households']);
    expect(
      catalog.specsFor('households', { households: { horizons: [15] } }).readings[0]?.forecast,
    ).toMatchObject({ horizons: [15] });
  });

  it('registers a custom pipeline that gets its own options by name, alone or beside others', () => {
    const catalog = shippedCatalog().register('lab', (o) => ({
      readings: [lab(String(o['lab'] ?? 'co2'))],
    }));
    expect(catalog.specsFor('lab', { lab: 'voc' }).readings).toEqual([lab('voc')]);
    const both = catalog.specsFor(['lab', 'households']);
    expect(both.readings.map((s) => s.name)).toEqual(['lab', 'households']);
    expect(catalog.specsFor('lab, households').readings).toHaveLength(2);
    expect(catalog.lookup('lab')({}).readings).toEqual([lab('co2')]);
  });

  it('refuses unknown, taken and malformed names with a ConfigError', () => {
    const catalog = shippedCatalog();
    expect(() => catalog.specsFor('nope')).toThrow(
      /unknown pipeline "nope"; registered: both, devices/,
    );
    expect(() => catalog.register('devices', () => ({ readings: [deviceSpec()] }))).toThrow(
      ConfigError,
    );
    expect(() => new PipelineCatalog().register('Bad Name', () => ({}))).toThrow(ConfigError);
    expect(() => catalog.specsFor([])).toThrow(ConfigError);
  });

  it('machines needs an MTConnect mapping', () => {
    expect(() => shippedCatalog().specsFor('machines')).toThrow(/machines\.mapping/);
  });
});
