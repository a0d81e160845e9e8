/**
 * @module api/openapi
 * The OpenAPI 3.1 description of the API, served at `/openapi.json`. Written by hand, apart
 * from the code, on purpose: `api/api.int.test.ts` validates real responses against the
 * schemas of this document (converted with zod's `fromJSONSchema`), so a route that drifts
 * from its description fails a test instead of surprising a client.
 */

const seconds = (name: 'from' | 'to') => ({
  name,
  in: 'query',
  required: true,
  description: `${name === 'from' ? 'Start' : 'End'} of the range, unix seconds (inclusive); the range spans at most 31 days.`,
  schema: { type: 'string', pattern: '^\\d{1,12}(\\.\\d{1,3})?$' },
});
const key = (required: boolean) => ({
  name: 'device',
  in: 'query',
  required,
  description: 'Device or household id (as put on the stream).',
  schema: { type: 'string', minLength: 1, maxLength: 256 },
});
const paging = [
  {
    name: 'limit',
    in: 'query',
    required: false,
    description: 'Page size: 1–1000 (key lists: 1–100); default 500 (key lists: 100).',
    schema: { type: 'integer', minimum: 1, maximum: 1000 },
  },
  {
    name: 'NextToken',
    in: 'query',
    required: false,
    description:
      '`ExecutionInfo.NextToken` of the previous page of the same query. A page may hold fewer rows than `limit`; the last page has a null NextToken.',
    schema: { type: 'string' },
  },
];
const errors = {
  '400': { description: 'A bad parameter, named in `field`.', content: json('Error') },
  '401': { description: 'Missing or wrong `x-api-key`.', content: json('Error') },
};
function json(name: string) {
  return { 'application/json': { schema: { $ref: `#/components/schemas/${name}` } } };
}
const envelope = (description: string) => ({ description, content: json('Envelope') });
const notFound = { description: 'The device has no readings.', content: json('Error') };

/** The document (a plain JSON value). */
export const OPENAPI_DOCUMENT = {
  openapi: '3.1.0',
  info: {
    title: 'shardflow query API',
    version: '1.0.0',
    description:
      "Readings, forecasts and anomalies computed by shardflow's pipelines, in the envelope of the indoor-air project's API (Records as lists, Metadata, ExecutionInfo), plus the ingest (`PUT /sensorsdata`).",
  },
  security: [{ apiKey: [] }],
  paths: {
    '/sensorsdata': {
      get: {
        summary: "A device's (or household's) one-minute readings in a time range",
        operationId: 'getSensorsData',
        parameters: [
          seconds('from'),
          seconds('to'),
          key(true),
          {
            name: 'measure',
            in: 'query',
            required: false,
            description:
              'One measure of the key (e.g. `iaq`, `co2`, `globalActivePower`); default all.',
            schema: { type: 'string' },
          },
          ...paging,
        ],
        responses: {
          '200': envelope('`time` then one float column per measure (Timeserie).'),
          ...errors,
          '404': notFound,
        },
      },
      put: {
        summary: 'Ingest readings: `{devid, ts, readings[7]}` or the wire shapes, one or an array',
        operationId: 'putSensorsData',
        requestBody: {
          required: true,
          content: {
            'application/json': { schema: { oneOf: [{ type: 'object' }, { type: 'array' }] } },
          },
        },
        responses: {
          '200': {
            description: 'Accepted and put on the stream.',
            content: json('IngestAccepted'),
          },
          '400': {
            description: 'A reading is invalid; nothing was put.',
            content: json('IngestError'),
          },
          '401': { description: 'Missing or wrong `x-api-key`.', content: json('IngestError') },
          '413': { description: 'Body or batch too large.', content: json('IngestError') },
          '503': { description: 'Not delivered to the stream.', content: json('IngestError') },
        },
      },
    },
    '/sensorsdata/sensors': {
      get: {
        summary: 'The device ids, with the start of their latest window',
        operationId: 'getSensors',
        parameters: paging,
        responses: { '200': envelope('Columns `device`, `lastSeen` (Tabular).'), ...errors },
      },
    },
    '/households': {
      get: {
        summary: 'The household ids, with the start of their latest window',
        operationId: 'getHouseholds',
        parameters: paging,
        responses: { '200': envelope('Columns `household`, `lastSeen` (Tabular).'), ...errors },
      },
    },
    '/predictions': {
      get: {
        summary: "A key's forecasts by target time",
        operationId: 'getPredictions',
        parameters: [
          seconds('from'),
          seconds('to'),
          key(true),
          {
            name: 'measure',
            in: 'query',
            required: false,
            description:
              '`<measure>~<minutes ahead>`, e.g. `iaq~5`, `iaq~10`, `iaq~15`; default all.',
            schema: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9]{0,63}~\\d{1,4}$' },
          },
          ...paging,
        ],
        responses: {
          '200': envelope(
            'Columns `time` (target), `measure`, `value`, `origin`, `model` (the forecaster that made it), `weight` (its share of the mix, 0..1; null on older rows) (Timeserie).',
          ),
          ...errors,
          '404': notFound,
        },
      },
    },
    '/anomalies': {
      get: {
        summary: 'Anomaly events, with the strongest measure of their explanation',
        operationId: 'getAnomalies',
        parameters: [seconds('from'), seconds('to'), key(false), ...paging],
        responses: {
          '200': envelope(
            'Anomaly events by start: columns `time` (start), `device`, `grade`, `score`, `threshold` (of the peak window), `strongestMeasure`, `direction`, `explanation` (JSON text: `[{measure, direction, attribution}]`, strongest first, attributions summed over the shingle), `end`, `peakAt`, `kind` (Timeserie).',
          ),
          ...errors,
        },
      },
    },
    '/healthz': {
      get: {
        summary: 'Liveness for the load balancer (no key)',
        operationId: 'getHealthz',
        security: [],
        responses: { '200': { description: 'The process serves.', content: json('Healthz') } },
      },
    },
    '/openapi.json': {
      get: {
        summary: 'This document (no key)',
        operationId: 'getOpenApi',
        security: [],
        responses: { '200': { description: 'OpenAPI 3.1.', content: json('OpenApi') } },
      },
    },
    '/events': {
      get: {
        summary: "Server-sent events: the stream's health every second (`event: health`)",
        operationId: 'getEvents',
        responses: {
          '200': {
            description: 'text/event-stream; each `data:` line is a StreamHealth JSON object.',
            content: { 'text/event-stream': { schema: { type: 'string' } } },
          },
          '401': errors['401'],
        },
      },
    },
  },
  components: {
    securitySchemes: { apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' } },
    schemas: {
      Envelope: {
        type: 'object',
        required: ['Records', 'Metadata', 'ExecutionInfo'],
        additionalProperties: false,
        properties: {
          Records: {
            type: 'array',
            items: { type: 'array', items: { type: ['string', 'number', 'null'] } },
          },
          Metadata: {
            type: 'object',
            required: ['SourceName', 'SourceType', 'SourceFormat', 'ColumnName', 'ColumnType'],
            additionalProperties: false,
            properties: {
              SourceName: { type: 'string' },
              SourceType: { type: 'string' },
              SourceFormat: { type: 'string', enum: ['Timeserie', 'Tabular', 'Text'] },
              ColumnName: { type: 'array', items: { type: 'string' } },
              ColumnType: {
                type: 'array',
                items: { type: 'string', enum: ['timestamp', 'float', 'str'] },
              },
            },
          },
          ExecutionInfo: {
            type: 'object',
            required: ['LastQueryId', 'NextTokenConsumed', 'NextToken'],
            additionalProperties: false,
            properties: {
              LastQueryId: { type: 'string' },
              NextTokenConsumed: { type: 'boolean' },
              NextToken: { type: ['string', 'null'] },
            },
          },
        },
      },
      Error: {
        type: 'object',
        required: ['message'],
        additionalProperties: false,
        properties: { message: { type: 'string' }, field: { type: 'string' } },
      },
      IngestAccepted: {
        type: 'object',
        required: ['accepted', 'records'],
        properties: {
          accepted: { type: 'integer', minimum: 1 },
          records: {
            type: 'array',
            items: {
              type: 'object',
              required: ['shardId', 'sequenceNumber'],
              properties: {
                shardId: { type: 'string' },
                sequenceNumber: { type: 'string' },
                subSequenceNumber: { type: 'integer' },
              },
            },
          },
        },
      },
      Healthz: {
        type: 'object',
        required: ['ok'],
        additionalProperties: false,
        properties: { ok: { type: 'boolean', const: true } },
      },
      OpenApi: {
        type: 'object',
        required: ['openapi', 'info', 'paths'],
        properties: { openapi: { type: 'string', pattern: '^3\\.1\\.' } },
      },
      IngestError: {
        type: 'object',
        required: ['error'],
        properties: { error: { type: 'string' } },
      },
    },
  },
} as const;
