/**
 * A producer: puts device readings for DEVICES devices, one a minute of event time each,
 * with the temperature stepping up by STEP_C degrees after half of them (what the
 * temperature-drift example watches for), then waits until every record is in Kinesis.
 */
import { Shardflow, type DeviceReading } from 'shardflow';

const devices = Number(process.env.DEVICES ?? 2);
const perDevice = Number(process.env.READINGS ?? 20);
const step = Number(process.env.STEP_C ?? 0);
const start = Date.parse('2026-01-01T00:00:00Z');

const flow = new Shardflow();
const producer = flow.producer();
const puts: Promise<unknown>[] = [];
for (let i = 0; i < perDevice; i += 1) {
  for (let d = 0; d < devices; d += 1) {
    const deviceId = `dev-${d}`;
    const drift = d === 0 && i >= perDevice / 2 ? step : 0;
    const reading: DeviceReading = {
      kind: 'device',
      deviceId,
      ts: new Date(start + i * 60_000).toISOString(),
      readings: {
        iaq: 50,
        temperature: 21 + drift,
        humidity: 40,
        voc: 0.5,
        pressure: 1013,
        co2: 600,
      },
    };
    puts.push(producer.put({ partitionKey: deviceId, data: JSON.stringify(reading) }));
  }
}
await Promise.all(puts);
await producer.close();
console.log(JSON.stringify({ put: puts.length }));
flow.close();
