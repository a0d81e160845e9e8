// @ts-check
/**
 * Lint rules, including the architecture's dependency direction:
 * pure (`core/` ← `models/` ← `operators/`) ← I/O adapters (`adapters/`) ← `producers/`,
 * `consumers/`, `sinks/`, `model-server/` ← `pipelines/` ← `cli/` (docs/ARCHITECTURE.md).
 * Cross-folder imports go through a folder's `index.ts`.
 */
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import shardflow from './eslint-rules/no-import-cycle.js';

const FOLDERS = [
  'core',
  'models',
  'adapters',
  'operators',
  'producers',
  'consumers',
  'sinks',
  'model-server',
  'pipelines',
  'api',
  'cli',
  'lake',
  'localstack',
  'deploy',
];

/** Matches a relative import that climbs out to the top-level folder `f` (not a same-named sub-folder). */
const up = (f) => `^(?:\\.\\./)+${f}/`;

/** Patterns that forbid importing another folder except through its index. */
const internals = (self) =>
  FOLDERS.filter((f) => f !== self).map((f) => ({
    regex: `${up(f)}(?!index\\.js$)`,
    message: `Import ${f}/ through its public face ${f}/index.js.`,
  }));

/** Patterns that forbid importing a whole folder. */
const folders = (names, why) => names.map((f) => ({ regex: up(f), message: why }));

const IO_MODULES = [
  '@aws-sdk/*',
  '@smithy/*',
  'aws-kinesis-agg',
  'pino',
  'prom-client',
  'node:fs',
  'node:fs/*',
  'node:http',
  'node:https',
  'node:net',
  'node:child_process',
  'fs',
  'http',
  'https',
  'net',
  'child_process',
];
const pureRule = (self, allowedFolders) => ({
  'no-restricted-imports': [
    'error',
    {
      patterns: [
        {
          group: IO_MODULES,
          message: `${self}/ is pure: no I/O, no AWS clients (ARCHITECTURE.md).`,
        },
        ...folders(
          FOLDERS.filter((f) => f !== self && !allowedFolders.includes(f)),
          `${self}/ may import only ${allowedFolders.join(', ') || 'nothing of the project'}.`,
        ),
        ...internals(self),
      ],
    },
  ],
});
const layerRule = (self, forbidden) => ({
  'no-restricted-imports': [
    'error',
    {
      patterns: [
        ...folders(
          forbidden,
          `${self}/ must not depend on ${forbidden.join(', ')} (ARCHITECTURE.md).`,
        ),
        ...internals(self),
      ],
    },
  ],
});

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'coverage/**', '**/cdk.out/**', '.local-cloud/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-console': 'off',
    },
  },
  {
    // No import cycles among the sources (eslint-rules/no-import-cycle.js says why a local rule).
    files: ['**/*.ts'],
    ignores: ['**/*.test.ts', '**/*.d.ts'],
    plugins: { shardflow },
    rules: { 'shardflow/no-import-cycle': 'error' },
  },
  { files: ['core/**/*.ts'], rules: pureRule('core', []) },
  { files: ['models/**/*.ts'], rules: pureRule('models', ['core']) },
  { files: ['operators/**/*.ts'], rules: pureRule('operators', ['core', 'models']) },
  {
    files: ['adapters/**/*.ts'],
    rules: layerRule('adapters', [
      'models',
      'operators',
      'producers',
      'consumers',
      'sinks',
      'model-server',
      'pipelines',
      'cli',
      'localstack',
      'deploy',
    ]),
  },
  {
    files: ['producers/**/*.ts'],
    rules: layerRule('producers', [
      'consumers',
      'sinks',
      'model-server',
      'pipelines',
      'cli',
      'localstack',
      'deploy',
    ]),
  },
  {
    files: ['consumers/**/*.ts'],
    rules: layerRule('consumers', [
      'producers',
      'sinks',
      'model-server',
      'pipelines',
      'cli',
      'localstack',
      'deploy',
    ]),
  },
  {
    files: ['sinks/**/*.ts'],
    rules: layerRule('sinks', [
      'producers',
      'consumers',
      'model-server',
      'pipelines',
      'cli',
      'localstack',
      'deploy',
    ]),
  },
  {
    files: ['model-server/**/*.ts'],
    rules: layerRule('model-server', [
      'producers',
      'consumers',
      'sinks',
      'pipelines',
      'cli',
      'localstack',
      'deploy',
    ]),
  },
  {
    files: ['localstack/**/*.ts'],
    rules: layerRule('localstack', [
      'producers',
      'consumers',
      'sinks',
      'pipelines',
      'cli',
      'deploy',
    ]),
  },
  {
    files: ['deploy/**/*.ts'],
    rules: layerRule('deploy', [
      'adapters',
      'models',
      'operators',
      'producers',
      'consumers',
      'sinks',
      'model-server',
      'pipelines',
      'cli',
      'localstack',
    ]),
  },
  { files: ['pipelines/**/*.ts'], rules: layerRule('pipelines', ['api', 'cli', 'deploy']) },
  {
    files: ['api/**/*.ts'],
    rules: layerRule('api', [
      'consumers',
      'model-server',
      'pipelines',
      'cli',
      'localstack',
      'deploy',
    ]),
  },
  // the dashboard's scripts run in the browser, served as they are (no build step)
  { files: ['api/dashboard/**/*.js'], languageOptions: { globals: { ...globals.browser } } },
  {
    files: ['lake/**/*.ts'],
    rules: layerRule('lake', [
      'consumers',
      'sinks',
      'model-server',
      'pipelines',
      'api',
      'cli',
      'localstack',
      'deploy',
    ]),
  },
  { files: ['cli/**/*.ts'], rules: layerRule('cli', ['deploy']) },
  {
    // examples are what a user writes: the package's public subpaths only
    files: ['examples/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.\\./',
              message: 'Examples import only shardflow, shardflow/operators, … (the public API).',
            },
          ],
        },
      ],
    },
  },
  {
    // tests and their fixtures (`<folder>/testing/`, test-only, not built: tsconfig.build.json)
    files: ['**/*.test.ts', '*/testing/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  prettier,
);
