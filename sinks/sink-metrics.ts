/**
 * @module sinks/sink-metrics
 * The sinks' telemetry as prom-client metrics: one listener, fed the named
 * {@link SinkEvent}s every sink emits, counts items written, retries (by reason) and items
 * failed (by code), labelled by sink. Nothing in the sinks logs ad hoc.
 */
import { Counter, type Registry } from 'prom-client';
import type { SinkEvent } from './sink.js';

/**
 * Registers the sink metrics in `registry` and returns the `onEvent` listener feeding them.
 *
 * @example
 * const onEvent = sinkMetrics(registry);
 * const lake = createFirehoseSink({ client, deliveryStreamName, onEvent });
 */
export function sinkMetrics(
  registry: Registry,
  prefix = 'shardflow_sink_',
): (event: SinkEvent) => void {
  const registers = [registry];
  const written = new Counter({
    name: `${prefix}items_written_total`,
    help: 'Items a sink wrote durably',
    labelNames: ['sink'],
    registers,
  });
  const retries = new Counter({
    name: `${prefix}retries_total`,
    help: 'Sink retries (throttling, 5xx, unprocessed or failed entries), by reason',
    labelNames: ['sink', 'reason'],
    registers,
  });
  const failed = new Counter({
    name: `${prefix}items_failed_total`,
    help: 'Items a sink could not write, by error code',
    labelNames: ['sink', 'code'],
    registers,
  });
  return (event) => {
    switch (event.type) {
      case 'sink.written':
        written.inc({ sink: event.sink }, event.items);
        break;
      case 'sink.retry':
        retries.inc({ sink: event.sink, reason: event.reason });
        break;
      case 'sink.failed':
        failed.inc({ sink: event.sink, code: event.code });
        break;
    }
  };
}
