/**
 * @module producers/replay/record-splitter
 * Splits an archived object's text into JSON records. Firehose concatenates the records it
 * delivers as they are: shardflow writes one JSON document per line, but archives written
 * by other producers may hold documents back to back (`{…}{…}`). Both are read; whatever
 * is not a complete JSON value is returned as a corrupt fragment with its offset — never
 * silently dropped.
 */

/** One piece of an archived object: a parsed record or a corrupt fragment. */
export type ArchivePiece =
  | { readonly ok: true; readonly value: unknown; readonly text: string; readonly offset: number }
  | { readonly ok: false; readonly text: string; readonly offset: number; readonly error: string };

/** Splits `text` into top-level JSON values (objects or arrays), tolerating any whitespace. */
export function splitRecords(text: string): ArchivePiece[] {
  const pieces: ArchivePiece[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    while (i < n && /\s/.test(text[i] as string)) i += 1;
    if (i >= n) break;
    const start = i;
    const first = text[i];
    if (first !== '{' && first !== '[') {
      // not the start of a record: the corrupt fragment runs to the end of the line
      let end = text.indexOf('\n', i);
      if (end < 0) end = n;
      pieces.push({
        ok: false,
        text: text.slice(start, end),
        offset: start,
        error: 'not a JSON object',
      });
      i = end + 1;
      continue;
    }
    const end = scanValue(text, i);
    const candidate = text.slice(start, end);
    try {
      pieces.push({ ok: true, value: JSON.parse(candidate), text: candidate, offset: start });
      i = end;
    } catch (error) {
      let lineEnd = text.indexOf('\n', start);
      if (lineEnd < 0) lineEnd = n;
      const bad = text.slice(start, Math.max(lineEnd, start + 1));
      pieces.push({ ok: false, text: bad, offset: start, error: (error as Error).message });
      i = start + bad.length;
    }
  }
  return pieces;
}

/** Index just past the balanced JSON value starting at `start` (or end of text if unbalanced). */
function scanValue(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i += 1) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i += 1;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth += 1;
    else if (c === '}' || c === ']') {
      depth -= 1;
      if (depth === 0) return i + 1;
    } else if (c === '\n' && depth > 0 && text[i + 1] === '{' && depth === 1) {
      // a line break followed by a new record inside an unterminated one: stop at the break
      return i;
    }
  }
  return text.length;
}
