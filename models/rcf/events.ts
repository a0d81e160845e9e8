/**
 * @module models/rcf/events
 * Anomaly events, per key: consecutive anomalous windows become ONE event with a start, an
 * end, the peak grade, the measures responsible at the peak (the Kinesis Data Analytics
 * explanation shape) and a kind. An event stays open through up to `closeAfter − 1` quiet
 * windows (so a flicker does not split it) and closes at the `closeAfter`-th. Every window
 * that opens, extends or closes an event reports its current state, so a table keyed by
 * key + event start is updated while the event is open and a replay rewrites the same rows.
 * A dropout is an event of its own over the missing windows: opened while the key is silent
 * (`openSpan`, extended by `extendSpan`) and closed, with the same start, when it comes back
 * (`span`). Invariant: events of a key never overlap; state is plain JSON.
 */
import { ConfigError } from '../../core/index.js';
import type { ColumnExplanation } from './explanation.js';

/** Kinds of anomaly (of labels and of events). */
export const ANOMALY_KINDS = ['spike', 'shift', 'drift', 'stuck', 'dropout', 'range'] as const;

/** A kind of anomaly: a spike, level shift, drift, stuck sensor, dropout or out-of-range value. */
export type AnomalyKind = (typeof ANOMALY_KINDS)[number];

/** One anomaly event of a key. */
export interface AnomalyEvent {
  /** First anomalous window (epoch ms). */
  readonly start: number;
  /** Last anomalous window (epoch ms). */
  readonly end: number;
  /** Window of the peak grade. */
  readonly peakAt: number;
  readonly peakGrade: number;
  /** The forest's score and its threshold at the peak window, when known. */
  readonly peakScore?: number;
  readonly peakThreshold?: number;
  /** Anomalous windows in the event (missing windows for a dropout). */
  readonly windows: number;
  readonly kind: AnomalyKind;
  /** Per measure: direction, strength, attribution at the peak (KDA `ANOMALY_EXPLANATION`). */
  readonly explanation: Readonly<Record<string, ColumnExplanation>>;
  /** False once closed. */
  readonly open: boolean;
}

/** What the detectors say about one window. */
export interface WindowVerdict {
  readonly time: number;
  /** Earliest window the evidence is about, if before `time` (e.g. a dead-lettered reading). */
  readonly from?: number;
  /** Combined grade (0: not anomalous). */
  readonly grade: number;
  readonly kind?: AnomalyKind;
  readonly explanation?: Readonly<Record<string, ColumnExplanation>>;
  /** The forest's score and threshold of the window. */
  readonly score?: number;
  readonly threshold?: number;
}

/** How sure a kind is: a range or stuck verdict outranks what the forest suggests. */
const RANK: Readonly<Record<AnomalyKind, number>> = {
  range: 4,
  stuck: 3,
  dropout: 2,
  spike: 1,
  shift: 1,
  drift: 1,
};

/** The kind an event keeps when a window suggests `next`: the surer one (the newer on a tie). */
export function strongerKind(current: AnomalyKind, next: AnomalyKind | undefined): AnomalyKind {
  if (next === undefined) return current;
  return RANK[next] >= RANK[current] ? next : current;
}

/** Plain-JSON state of an {@link EventTracker}. */
export interface EventTrackerState {
  open: AnomalyEvent | null;
  quiet: number;
}

/** Options of {@link EventTracker}. */
export interface EventTrackerOptions {
  /** Quiet windows that close an event; default 2. */
  readonly closeAfter?: number;
}

/** Groups anomalous windows of one key into events (see module doc). */
export class EventTracker {
  private readonly closeAfter: number;
  private readonly s: EventTrackerState;

  constructor(options: EventTrackerOptions = {}, state?: EventTrackerState) {
    const { closeAfter = 2 } = options;
    if (!Number.isInteger(closeAfter) || closeAfter < 1)
      throw new ConfigError('closeAfter', 'must be an integer ≥ 1');
    this.closeAfter = closeAfter;
    this.s = state ? structuredClone(state) : { open: null, quiet: 0 };
  }

  /** Plain-JSON copy of the state. */
  toJSON(): EventTrackerState {
    return structuredClone(this.s);
  }

  /** The open event, if any. */
  get current(): AnomalyEvent | null {
    return this.s.open;
  }

  /**
   * Takes one window's verdict; returns the event it opened, extended or closed (its state
   * after this window), or undefined when no event was touched. `kind` may refine the
   * open event's kind (e.g. a spike that lasts becomes a shift).
   */
  update(v: WindowVerdict): AnomalyEvent | undefined {
    const st = this.s;
    const open = st.open;
    if (v.grade <= 0) {
      if (!open) return undefined;
      st.quiet += 1;
      if (st.quiet < this.closeAfter) return undefined;
      st.open = null;
      st.quiet = 0;
      return { ...open, open: false };
    }
    st.quiet = 0;
    if (!open) {
      st.open = {
        start: Math.min(v.from ?? v.time, v.time),
        end: v.time,
        peakAt: v.time,
        peakGrade: v.grade,
        ...peakOf(v),
        windows: 1,
        kind: v.kind ?? 'spike',
        explanation: v.explanation ?? {},
        open: true,
      };
      return st.open;
    }
    const peak = v.grade > open.peakGrade;
    st.open = {
      ...open,
      end: v.time,
      windows: open.windows + 1,
      kind: strongerKind(open.kind, v.kind),
      ...(peak
        ? {
            peakAt: v.time,
            peakGrade: v.grade,
            ...peakOf(v),
            explanation: v.explanation ?? open.explanation,
          }
        : {}),
    };
    return st.open;
  }

  /**
   * Reports a span known after the fact (a dropout): closes the open event first unless it
   * is this span opened earlier (same kind and start, see {@link openSpan}), and returns the
   * events touched, the span's own closed event last.
   */
  span(
    from: number,
    to: number,
    windows: number,
    grade: number,
    kind: AnomalyKind,
  ): AnomalyEvent[] {
    const out: AnomalyEvent[] = [];
    const open = this.s.open;
    const same = open?.kind === kind && open.start === from;
    this.s.open = null;
    this.s.quiet = 0;
    if (open && !same) out.push({ ...open, open: false });
    out.push({ ...spanEvent(from, to, windows, grade, kind), open: false });
    return out;
  }

  /**
   * Opens a span still in progress (a dropout while the key is silent), closing the open
   * event first; returns the events touched, the span last.
   */
  openSpan(
    from: number,
    to: number,
    windows: number,
    grade: number,
    kind: AnomalyKind,
  ): AnomalyEvent[] {
    const out: AnomalyEvent[] = [];
    const open = this.s.open;
    if (open) out.push({ ...open, open: false });
    this.s.open = spanEvent(from, to, windows, grade, kind);
    this.s.quiet = 0;
    out.push(this.s.open);
    return out;
  }

  /** Extends the open span to `to` (it must be open); returns its new state. */
  extendSpan(to: number, windows: number, grade: number): AnomalyEvent {
    const open = this.s.open as AnomalyEvent;
    this.s.open = {
      ...open,
      end: Math.max(open.end, to),
      windows: Math.max(open.windows, windows),
      peakGrade: Math.max(open.peakGrade, grade),
    };
    return this.s.open;
  }
}

const spanEvent = (
  from: number,
  to: number,
  windows: number,
  grade: number,
  kind: AnomalyKind,
): AnomalyEvent => ({
  start: from,
  end: to,
  peakAt: from,
  peakGrade: grade,
  windows,
  kind,
  explanation: {},
  open: true,
});

const peakOf = (v: WindowVerdict) => ({
  ...(v.score !== undefined ? { peakScore: v.score } : {}),
  ...(v.threshold !== undefined ? { peakThreshold: v.threshold } : {}),
});
