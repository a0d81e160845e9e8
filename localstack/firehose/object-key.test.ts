import {
  evaluatePrefix,
  formatTimestamp,
  objectKey,
  objectName,
  prefixProblem,
} from './object-key.js';

// 2026-11-23T05:07:09.123Z
const T = Date.UTC(2026, 10, 23, 5, 7, 9, 123);
const ctx = { timestamp: T, randomString: 'abcdefghijk' };

describe('Firehose S3 object keys (documented layout)', () => {
  it('appends YYYY/MM/DD/HH/ in UTC to a prefix without expressions', () => {
    expect(evaluatePrefix('raw/', ctx)).toBe('raw/2026/11/23/05/');
    // Firehose concatenates as-is: no slash is added after a prefix without one.
    expect(evaluatePrefix('raw', ctx)).toBe('raw2026/11/23/05/');
    expect(evaluatePrefix('', ctx)).toBe('2026/11/23/05/');
  });

  it('names objects <stream>-<version>-YYYY-MM-DD-HH-MM-SS-<uuid>, .gz when gzipped', () => {
    expect(objectName('s', 1, T, 'u-u-i-d', false)).toBe('s-1-2026-11-23-05-07-09-u-u-i-d');
    expect(objectName('s', 1, T, 'x', true)).toBe('s-1-2026-11-23-05-07-09-x.gz');
    expect(
      objectKey({
        prefix: 'raw/',
        streamName: 'a',
        version: 1,
        uuid: 'x',
        gzip: false,
        context: ctx,
      }),
    ).toBe('raw/2026/11/23/05/a-1-2026-11-23-05-07-09-x');
  });

  it('evaluates !{timestamp:…} and does not append the default time layout', () => {
    expect(evaluatePrefix('myApp/year=!{timestamp:yyyy}/month=!{timestamp:MM}/', ctx)).toBe(
      'myApp/year=2026/month=11/',
    );
    expect(evaluatePrefix("!{timestamp:yyyy-MM-dd'T'HH}/", ctx)).toBe('2026-11-23T05/');
    expect(formatTimestamp(T, 'yy/M/d H:mm:ss.SSS a')).toBe('26/11/23 5:07:09.123 AM');
  });

  it('evaluates !{firehose:random-string} and !{firehose:error-output-type}', () => {
    expect(evaluatePrefix('x/!{firehose:random-string}/', ctx)).toBe('x/abcdefghijk/');
    expect(
      evaluatePrefix('err/!{firehose:error-output-type}/!{timestamp:yyyy}/', {
        ...ctx,
        errorOutputType: 'processing-failed',
      }),
    ).toBe('err/processing-failed/2026/');
  });

  it('rejects what CreateDeliveryStream rejects', () => {
    expect(prefixProblem('a/!{firehose:error-output-type}/', 'prefix')).toMatch(
      /only allowed in ErrorOutputPrefix/,
    );
    expect(prefixProblem('a/!{firehose:error-output-type}/', 'errorOutputPrefix')).toBeUndefined();
    expect(prefixProblem('a/!{nope:x}/', 'prefix')).toMatch(/namespace 'nope'/);
    expect(prefixProblem('a/!{timestamp:yyyy/', 'prefix')).toMatch(/malformed/);
    expect(prefixProblem('a/!{timestamp:QQ}/', 'prefix')).toMatch(/letter 'Q'/);
    expect(prefixProblem('a/!{firehose:other}/', 'prefix')).toMatch(/unknown firehose/);
  });
});
