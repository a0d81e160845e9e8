/**
 * @module localstack/resources-document
 * The resources of the default configuration as a JSON document, read by the LocalStack
 * init hook (`init/ready.d/10-shardflow.py`). Generated from core/resources — never edited
 * by hand — and checked by a unit test, so LocalStack and the embedded cloud cannot drift.
 */
import { loadConfig, resourcesFor, type Resources } from '../core/index.js';

/** Where the generated document lives, relative to the repository root. */
export const RESOURCES_DOCUMENT_PATH = 'localstack/init/ready.d/shardflow-resources.json';

/** The JSON text of the default configuration's resources (stable formatting). */
export function resourcesDocument(env: Readonly<Record<string, string | undefined>> = {}): string {
  const resources: Resources = resourcesFor(loadConfig(env));
  return `${JSON.stringify(resources, null, 2)}\n`;
}
