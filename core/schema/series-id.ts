/**
 * @module core/schema/series-id
 * The series-id allow-list, shared by the zod schemas and their hand-written fast path.
 */

/**
 * The allow-list of device and household ids: 1–128 characters of ASCII letters, digits and
 * `. _ : -`, starting with a letter or digit. Ids become partition keys, DynamoDB keys
 * (`<id>#<time>`), S3 paths and log fields, so control characters, bidi overrides, `#`, `/`
 * and spaces are refused at the schema — at the HTTP edge (400) and in the pipelines (`schema`).
 *
 * @example `SERIES_ID_PATTERN.test('B84C4503F361D64A') // true`
 */
export const SERIES_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
