/**
 * @module localstack/write-resources
 * `npm run gen:resources`: rewrites the LocalStack resources document from core/resources.
 */
import { writeFileSync } from 'node:fs';
import { RESOURCES_DOCUMENT_PATH, resourcesDocument } from './resources-document.js';

writeFileSync(RESOURCES_DOCUMENT_PATH, resourcesDocument());
process.stdout.write(`wrote ${RESOURCES_DOCUMENT_PATH}\n`);
