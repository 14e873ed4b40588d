// ESLint flat config: type-aware rules on the TypeScript sources (apps, libs, test, bench, packages).
// The guards from STYLE.md: no floating or misused promises, exhaustive switches, no `.only` in tests.
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

const ONLY_MESSAGE = 'Remove .only: it silently skips every other test in the run.';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'libs/database/src/generated/', 'bench/results/', 'packages/*/dist/', '**/*.js', '**/*.mjs'] },
  {
    files: ['apps/**/*.ts', 'libs/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts', 'packages/**/*.ts'],
    ignores: ['apps/console/**'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        // node:test's describe/it return promises the runner itself awaits.
        { allowForKnownSafeCalls: [{ from: 'package', name: ['describe', 'it', 'test', 'suite'], package: 'node:test' }] },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/await-thenable': 'error',
      'no-restricted-syntax': [
        'error',
        // a focused describe, it, test or suite (the "only" member)
        { selector: "CallExpression > MemberExpression.callee[object.name=/^(describe|it|test|suite)$/][property.name='only']", message: ONLY_MESSAGE },
        // it('...', { only: true }, fn)
        { selector: "CallExpression[callee.name=/^(describe|it|test|suite)$/] > ObjectExpression > Property[key.name='only']", message: ONLY_MESSAGE },
      ],
    },
  },
  // The console: a browser app with its own tsconfig; the same promise guards, and the rules of hooks.
  {
    files: ['apps/console/**/*.ts', 'apps/console/**/*.tsx'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { project: ['apps/console/tsconfig.json', 'apps/console/tsconfig.node.json'], tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin, 'react-hooks': reactHooks },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/await-thenable': 'error',
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
      // Payloads and response bodies are text only, never HTML.
      'no-restricted-syntax': ['error', { selector: "JSXAttribute[name.name='dangerouslySetInnerHTML']", message: 'Render outside data as text: never dangerouslySetInnerHTML.' }],
    },
  },
);
