// @ts-check
/**
 * Lint rules, including the architecture's dependency direction:
 * pure (`core/`, `operators/`) ← I/O adapters (`adapters/`) ← `producers/`, `consumers/`,
 * `inference/` ← `pipelines/`. Cross-folder imports go through a folder's `index.ts`.
 */
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

const FOLDERS = [
  'core',
  'adapters',
  'operators',
  'producers',
  'consumers',
  'inference',
  'pipelines',
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
  { files: ['core/**/*.ts'], rules: pureRule('core', []) },
  { files: ['operators/**/*.ts'], rules: pureRule('operators', ['core']) },
  {
    files: ['adapters/**/*.ts'],
    rules: layerRule('adapters', [
      'operators',
      'producers',
      'consumers',
      'inference',
      'pipelines',
      'localstack',
      'deploy',
    ]),
  },
  {
    files: ['producers/**/*.ts'],
    rules: layerRule('producers', ['consumers', 'inference', 'pipelines', 'localstack', 'deploy']),
  },
  {
    files: ['consumers/**/*.ts'],
    rules: layerRule('consumers', ['producers', 'inference', 'pipelines', 'localstack', 'deploy']),
  },
  {
    files: ['inference/**/*.ts'],
    rules: layerRule('inference', ['producers', 'consumers', 'pipelines', 'localstack', 'deploy']),
  },
  {
    files: ['localstack/**/*.ts'],
    rules: layerRule('localstack', ['producers', 'consumers', 'pipelines', 'deploy']),
  },
  {
    files: ['deploy/**/*.ts'],
    rules: layerRule('deploy', [
      'adapters',
      'operators',
      'producers',
      'consumers',
      'inference',
      'pipelines',
      'localstack',
    ]),
  },
  { files: ['pipelines/**/*.ts'], rules: layerRule('pipelines', ['deploy']) },
  {
    files: ['**/*.test.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  prettier,
);
