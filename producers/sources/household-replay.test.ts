import { householdReadingSchema } from '../../core/index.js';
import { householdEvents, parseHouseholdRows } from './household-replay.js';

const TEXT = [
  'Date;Time;Global_active_power;Global_reactive_power;Voltage;Global_intensity;Sub_metering_1;Sub_metering_2;Sub_metering_3',
  '21/12/2006;11:21:00;0.246;0.000;241.200;1.000;0.000;0.000;0.000',
  '21/12/2006;11:22:00;0.244;0.000;241.380;1.000;0.000;0.000;0.000',
  '21/12/2006;11:23:00;?;?;?;?;?;?;',
  '21/12/2006;11:24:00;4.216;0.418;234.840;18.400;0.000;1.000;17.000',
].join('\n');

describe('household replay', () => {
  it('parses rows and turns missing values into gaps, not zeros', () => {
    const rows = parseHouseholdRows(TEXT);
    expect(rows).toHaveLength(4);
    expect(rows[0]).toEqual({
      ts: Date.UTC(2006, 11, 21, 11, 21),
      readings: {
        globalActivePower: 0.246,
        globalReactivePower: 0,
        voltage: 241.2,
        globalIntensity: 1,
        subMetering1: 0,
        subMetering2: 0,
        subMetering3: 0,
      },
    });
    expect(rows[2]).toEqual({ ts: Date.UTC(2006, 11, 21, 11, 23) });
  });

  it('makes several households by time offset on one clock, reporting gaps', () => {
    const events = [...householdEvents(parseHouseholdRows(TEXT), { households: 2, offsetRows: 1 })];
    expect(events).toHaveLength(8);
    expect(
      events.map((e) => (e.type === 'gap' ? `gap ${e.householdId}` : e.reading.householdId)),
    ).toEqual([
      'h-0001',
      'h-0002',
      'h-0001',
      'gap h-0002',
      'gap h-0001',
      'h-0002',
      'h-0001',
      'h-0002',
    ]);
    const second = events[1]!;
    if (second.type !== 'reading') throw new Error('expected a reading');
    expect(householdReadingSchema.parse(second.reading)).toEqual(second.reading);
    expect(second.reading.ts).toBe('2006-12-21T11:21:00.000Z');
    expect(second.reading.readings.voltage).toBe(241.38); // row 1 on row 0's clock
  });

  it('rebases time to startAt and loops', () => {
    const start = new Date('2026-11-23T00:00:00.000Z');
    const events = [
      ...householdEvents(parseHouseholdRows(TEXT), { households: 1, startAt: start, loops: 2 }),
    ];
    const ts = events.map((e) => (e.type === 'gap' ? e.ts : e.reading.ts));
    expect(ts[0]).toBe('2026-11-23T00:00:00.000Z');
    expect(ts[4]).toBe('2026-11-23T00:04:00.000Z');
    expect(ts[7]).toBe('2026-11-23T00:07:00.000Z');
  });

  it('rejects a malformed row', () => {
    expect(() => parseHouseholdRows('2006-12-21;11:00;1;2;3;4;5;6;7')).toThrow(/malformed/);
  });
});
