import { anomalyEventRow, responsibleMeasures } from './index.js';

const col = (DIRECTION: 'HIGH' | 'LOW', s: number, a: number) => ({
  DIRECTION,
  STRENGTH: String(s),
  ATTRIBUTION_SCORE: String(a),
});

describe('anomaly event rows', () => {
  const event = {
    start: Date.parse('2026-11-23T10:00:00Z'),
    end: Date.parse('2026-11-23T10:04:00Z'),
    peakAt: Date.parse('2026-11-23T10:01:00Z'),
    peakGrade: 0.8,
    peakScore: 3.2,
    peakThreshold: 1.9,
    windows: 5,
    kind: 'shift',
    explanation: {
      co2: col('HIGH', 0.9, 1.5),
      voc: col('HIGH', 0.7, 0.9),
      temperature: col('LOW', 0.1, 0.2),
    },
    open: true,
  };

  it('are keyed by key + event start, so extending and replaying rewrite one row', () => {
    const open = anomalyEventRow('devices', 'DEV1', event);
    const later = anomalyEventRow('devices', 'DEV1', {
      ...event,
      end: event.end + 60_000,
      open: false,
    });
    expect(open.key).toEqual({ pk: 'DEV1', sk: '2026-11-23T10:00:00.000Z' });
    expect(later.key).toEqual(open.key);
    expect(open.attributes).toEqual({
      pipeline: 'devices',
      start: '2026-11-23T10:00:00.000Z',
      end: '2026-11-23T10:04:00.000Z',
      open: true,
      kind: 'shift',
      windows: 5,
      peakAt: '2026-11-23T10:01:00.000Z',
      grade: 0.8,
      score: 3.2,
      threshold: 1.9,
      measures: ['co2', 'voc'],
      explanation: event.explanation,
    });
    expect(later.attributes.end).toBe('2026-11-23T10:05:00.000Z');
  });

  it('name the measures responsible: at least half the strongest attribution, strongest first', () => {
    expect(responsibleMeasures(event.explanation).map((m) => [m.measure, m.direction])).toEqual([
      ['co2', 'HIGH'],
      ['voc', 'HIGH'],
    ]);
    expect(responsibleMeasures({})).toEqual([]);
  });
});
