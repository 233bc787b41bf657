// @ts-check
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/__generated__/**',
      '.data/**',
      '.tools/**',
      '.turbo/**',
      'coverage/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'separate-type-imports' }],
      'no-console': 'error',
    },
  },
  {
    // One place reads the environment: each service's env.ts (and the test helpers; the benchmarks' lib/env.ts).
    files: ['**/*.ts'],
    ignores: [
      '**/src/env.ts',
      'bench/lib/env.ts',
      '**/test/**',
      'web/e2e/**',
      'packages/database/src/testing.ts',
      'packages/database/src/redis-testing.ts',
      // Starts a whole system as a child process: it hands the environment on.
      'packages/launcher/src/system.ts',
      'packages/service-kit/src/env.ts',
      '**/prisma.config.ts',
      '**/codegen.ts',
    ],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read configuration in src/env.ts only.' },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='process'][property.name='env']",
          message: 'Read configuration in src/env.ts only.',
        },
      ],
    },
  },
  {
    // Type-aware rules where the TypeScript projects reach (every service, package, test and benchmark):
    // a promise is awaited, returned or handed to something that handles its rejection.
    files: [
      'packages/*/{src,test}/**/*.ts',
      'subgraphs/*/{src,test}/**/*.ts',
      'gateway/{src,test}/**/*.ts',
      'charts/test/**/*.ts',
      'scripts/test/**/*.ts',
      'web/{src,e2e}/**/*.{ts,tsx}',
      'bench/**/*.ts',
      'load/{src,test}/**/*.ts',
    ],
    languageOptions: {
      parserOptions: {
        project: ['./tsconfig.json', './web/tsconfig.json', './bench/tsconfig.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    // The traveller web app runs in the browser, with React's rules of hooks.
    files: ['web/src/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: { ...reactHooks.configs.recommended.rules },
  },
  {
    // Command-line programs and tests talk to the console.
    files: ['scripts/**/*.mjs', 'bench/**', 'load/src/**', '**/test/**', 'web/e2e/**'],
    rules: { 'no-console': 'off' },
  },
  prettier,
);
