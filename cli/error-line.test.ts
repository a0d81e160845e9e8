import { ConfigError, RetriesExhaustedError } from '../core/index.js';
import { MAX_ERROR_LINE, errorLine } from './error-line.js';

const refused = () =>
  Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4567'), {
    code: 'ECONNREFUSED',
    address: '127.0.0.1',
    port: 4567,
  });

describe('errorLine', () => {
  it('drops class names, keeping the message', () => {
    expect(errorLine(new RangeError('numberOfTrees must be ≥ 1'))).toBe(
      'numberOfTrees must be ≥ 1',
    );
    expect(errorLine(new ConfigError('region', 'bad'))).toBe('invalid configuration: region: bad');
    // class names inside a message (core's describe() puts them there) go too
    expect(errorLine(new RetriesExhaustedError(3, new TypeError('fetch failed')))).toBe(
      'gave up after 3 attempt(s): fetch failed',
    );
  });

  it('spells out a refused connection, also inside an AggregateError without a message', () => {
    expect(errorLine(refused())).toBe('connection refused (127.0.0.1:4567)');
    const both = new AggregateError([refused(), refused()], '');
    expect(errorLine(both)).toBe('connection refused (127.0.0.1:4567)');
    expect(errorLine(new Error('cannot use stream s', { cause: both }))).toBe(
      'cannot use stream s: connection refused (127.0.0.1:4567)',
    );
  });

  it('is one line of bounded length, whatever it is given', () => {
    const long = new Error(`first line ${'x'.repeat(1000)}\n    at stack (file.ts:1:1)`);
    const line = errorLine(long);
    expect(line).not.toContain('\n');
    expect(line.length).toBe(MAX_ERROR_LINE);
    expect(errorLine('plain text')).toBe('plain text');
    expect(errorLine(undefined)).toBe('unknown error');
    expect(errorLine({ code: 'ResourceNotFoundException' })).toBe('ResourceNotFoundException');
  });
});
