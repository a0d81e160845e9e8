/**
 * @module api/envelope
 * The response envelope of the indoor-air project's query API, kept so its clients work
 * unchanged against shardflow: `Records` (rows as lists, in `ColumnName` order), `Metadata`
 * (where the rows come from and the type of each column) and `ExecutionInfo` (a query id and
 * the pagination token). Pure.
 */

/** How the rows are to be read: a time series, a table, or text. */
export type SourceFormat = 'Timeserie' | 'Tabular' | 'Text';
/** Type of one column: ISO-8601 instants, numbers or strings. */
export type ColumnType = 'timestamp' | 'float' | 'str';
/** One cell: a column's value, or null when absent. */
export type Cell = string | number | null;

/** A column of a response. */
export interface Column {
  readonly name: string;
  readonly type: ColumnType;
}

/** The response body of every query route. */
export interface Envelope {
  readonly Records: Cell[][];
  readonly Metadata: {
    readonly SourceName: string;
    readonly SourceType: string;
    readonly SourceFormat: SourceFormat;
    readonly ColumnName: string[];
    readonly ColumnType: ColumnType[];
  };
  readonly ExecutionInfo: {
    /** Unique id of this query (for logs and support). */
    readonly LastQueryId: string;
    /** Whether the request continued an earlier one with a `NextToken`. */
    readonly NextTokenConsumed: boolean;
    /** Pass as `NextToken` to get the next page; null on the last page. */
    readonly NextToken: string | null;
  };
}

/** What {@link envelope} needs besides the rows. */
export interface EnvelopeSource {
  /** Table (or other source) the rows were read from. */
  readonly name: string;
  /** Kind of source, e.g. `dynamodb`. */
  readonly type: string;
  readonly format: SourceFormat;
  readonly columns: readonly Column[];
}

/**
 * Builds an envelope; every row must have one cell per column (checked: a mismatch is a
 * programming error, not a client's).
 *
 * @example `envelope(rows, { name: 't', type: 'dynamodb', format: 'Tabular', columns }, { queryId, consumed: false, next: null })`
 */
export function envelope(
  rows: readonly (readonly Cell[])[],
  source: EnvelopeSource,
  execution: { readonly queryId: string; readonly consumed: boolean; readonly next: string | null },
): Envelope {
  for (const row of rows)
    if (row.length !== source.columns.length)
      throw new Error(`row of ${row.length} cells for ${source.columns.length} columns`);
  return {
    Records: rows.map((r) => [...r]),
    Metadata: {
      SourceName: source.name,
      SourceType: source.type,
      SourceFormat: source.format,
      ColumnName: source.columns.map((c) => c.name),
      ColumnType: source.columns.map((c) => c.type),
    },
    ExecutionInfo: {
      LastQueryId: execution.queryId,
      NextTokenConsumed: execution.consumed,
      NextToken: execution.next,
    },
  };
}
