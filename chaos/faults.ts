/**
 * @module chaos/faults
 * The suite's fault injection between the workers and the local cloud: one fault proxy
 * (`test/fault-proxy.ts`) per AWS service, so the workers' every call can be throttled or
 * failed, and a service taken down and brought back, while the suite itself talks to the
 * emulators directly. Invariant: a service's background faults (throttling) survive an
 * outage — `up()` restores them.
 */
import type { Endpoints } from '../core/index.js';
import { startFaultProxy, type FaultProxy, type RequestFault } from '../test/fault-proxy.js';

/** A service the suite can fault. */
export type Service = keyof Endpoints;

/** How each service answers when it throttles, fails or is down (its documented errors). */
const ERRORS: Record<
  Service,
  { throttle: RequestFault; failure: RequestFault; down: RequestFault }
> = {
  kinesis: {
    throttle: { status: 400, errorType: 'ProvisionedThroughputExceededException' },
    failure: { status: 500, errorType: 'InternalFailure' },
    down: { status: 503, errorType: 'ServiceUnavailable' },
  },
  dynamodb: {
    throttle: { status: 400, errorType: 'ProvisionedThroughputExceededException' },
    failure: { status: 500, errorType: 'InternalServerError' },
    down: { status: 503, errorType: 'ServiceUnavailable' },
  },
  s3: {
    throttle: { status: 503, errorType: 'SlowDown' },
    failure: { status: 500, errorType: 'InternalError' },
    down: { status: 503, errorType: 'ServiceUnavailable' },
  },
  firehose: {
    throttle: { status: 400, errorType: 'ThrottlingException' },
    failure: { status: 500, errorType: 'ServiceUnavailableException' },
    down: { status: 503, errorType: 'ServiceUnavailableException' },
  },
  sagemakerRuntime: {
    throttle: { status: 400, errorType: 'ThrottlingException' },
    failure: { status: 500, errorType: 'InternalFailure' },
    down: { status: 503, errorType: 'ServiceUnavailable' },
  },
};

/** The running proxies. */
export interface Faults {
  /** Endpoint per service for the workers (the proxies). */
  readonly endpoints: Readonly<Record<Service, string>>;
  /** Fails `fraction` of every call to every service: half throttling, half 5xx. */
  throttle(fraction: number): void;
  /** Answers every call to `service` with its outage error until {@link up}. */
  down(service: Service): void;
  /** Ends an outage (background throttling stays). */
  up(service: Service): void;
  /** Requests and injected failures per service. */
  stats(): Record<string, { requests: number; failed: number }>;
  close(): Promise<void>;
}

/** Starts one proxy per service of `targets`. */
export async function startFaults(targets: Readonly<Record<Service, string>>): Promise<Faults> {
  const services = Object.keys(targets) as Service[];
  const proxies = new Map<Service, FaultProxy>();
  for (const s of services)
    proxies.set(
      s,
      await startFaultProxy({
        target: targets[s],
        ...(s === 's3' ? { protocol: 'xml' as const } : {}),
      }),
    );
  let fraction = 0;
  const apply = (s: Service) => {
    const proxy = proxies.get(s) as FaultProxy;
    proxy.reset();
    if (fraction > 0) {
      proxy.failFraction(fraction / 2, ERRORS[s].throttle);
      proxy.failFraction(fraction / 2, ERRORS[s].failure);
    }
  };
  return {
    endpoints: Object.fromEntries(services.map((s) => [s, proxies.get(s)?.url])) as Record<
      Service,
      string
    >,
    throttle(f) {
      fraction = f;
      services.forEach(apply);
    },
    down(s) {
      const proxy = proxies.get(s) as FaultProxy;
      proxy.reset();
      proxy.failFraction(1, ERRORS[s].down);
    },
    up: apply,
    stats() {
      return Object.fromEntries(
        services.map((s) => {
          const st = (proxies.get(s) as FaultProxy).stats;
          const requests = Object.values(st.requests).reduce((a, b) => a + b, 0);
          return [s, { requests, failed: st.failedRequests }];
        }),
      );
    },
    async close() {
      await Promise.all([...proxies.values()].map((p) => p.close()));
    },
  };
}
