/**
 * A custom pipeline written only against shardflow's public API: a temperature-drift alert.
 * Per device, the mean of its last 5 temperatures is compared with its first full mean (the
 * baseline); a move of more than DRIFT_C degrees prints one alert line, and another only after
 * the device came back. Every record is acknowledged once handled, so the checkpoint moves on.
 * Configuration from the environment (SHARDFLOW_STREAM, AWS_ENDPOINT_URL…); Ctrl-C stops.
 */
import { filter, from, mergeMap } from 'rxjs';
import { Shardflow, readingKey, readingTime } from 'shardflow';
import type { DeviceReading, Reading, Traced } from 'shardflow';
import { decode, isDeadLetter, splitDeadLetters, validate } from 'shardflow/operators';
import { rollingMean } from './rolling-mean.js';

const DRIFT_C = Number(process.env.DRIFT_C ?? 2);
const flow = new Shardflow();
const consumer = flow.consumer();
const baseline = new Map<string, number>();
const alerting = new Set<string>(); // devices whose drift was already reported

const subscription = consumer.batches
  .pipe(
    mergeMap((batch) => from(batch.records)),
    decode(),
    validate(),
    splitDeadLetters((d) => consumer.ack(d.positions)), // broken records: nothing to watch
    filter((e: Traced<Reading>): e is Traced<DeviceReading> => {
      if (e.value.kind !== 'device') consumer.ack(e.positions); // households: neither
      return e.value.kind === 'device';
    }),
    rollingMean({
      size: 5,
      key: readingKey,
      time: readingTime,
      value: (r: DeviceReading) => r.readings.temperature,
    }),
  )
  .subscribe((point) => {
    if (!isDeadLetter(point)) {
      const { key, time, mean, count } = point.value;
      if (count === 5 && !baseline.has(key)) baseline.set(key, mean);
      const base = baseline.get(key);
      const drifting = base !== undefined && Math.abs(mean - base) > DRIFT_C;
      if (drifting && !alerting.has(key)) {
        const at = new Date(time).toISOString();
        console.log(JSON.stringify({ alert: 'temperature-drift', deviceId: key, at, mean, base }));
        alerting.add(key);
      } else if (!drifting) alerting.delete(key);
    }
    consumer.ack(point.positions); // the alert (if any) is out: the record is done
  });

const stop = async () => {
  await consumer.shutdown(5_000); // drain, checkpoint, release the leases
  subscription.unsubscribe();
  flow.close();
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
