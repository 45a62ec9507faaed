// ESLint flat config. The workflow-safe zone (src/ir, src/core, src/workflows) may not import
// Node built-ins or adapter libraries: Temporal's sandbox would refuse them at bundle time,
// and this catches it in the editor first (docs/ARCHITECTURE.md#three-zones-one-layer-order). The zones as a
// whole (an allowlist per zone, every folder in one) are checked by dependency-cruiser:
// .dependency-cruiser.mjs, `npm run lint:zones`.
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

// Node's own list of built-ins (node:module), with and without the node: prefix.
const nodeBuiltins = builtinModules.filter((m) => !m.startsWith('_'));

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      '.tools/**',
      '.settle/**',
      'coverage/**',
      'test-artifacts/**',
      'src/compiler/generated/**',
    ],
  },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/ir/**/*.ts', 'src/core/**/*.ts', 'src/workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins
            .flatMap((m) => [m, `node:${m}`])
            .concat([
              'ajv',
              'ajv-formats',
              'yaml',
              'js-yaml',
              'liquidjs',
              'nodemailer',
              'twilio',
              'stripe',
              'prom-client',
              '@temporalio/client',
              '@temporalio/worker',
              '@temporalio/activity',
              '@temporalio/testing',
            ])
            .map((name) => ({
              name,
              message: 'workflow-safe code may not import Node built-ins or adapter libraries',
            })),
          patterns: [
            {
              group: [
                '**/compiler/**',
                '**/templates/**',
                '**/activities/**',
                '**/channels/**',
                '**/server/**',
                '**/cli/**',
                '**/config/**',
                '**/temporal/**',
                '**/dsl/**',
              ],
              allowTypeImports: true,
              message: 'workflow-safe code may import only types from Node-side folders',
            },
          ],
        },
      ],
    },
  },
  { files: ['**/*.js'], ...tseslint.configs.disableTypeChecked },
);
