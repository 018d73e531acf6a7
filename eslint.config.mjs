// One linter for the whole tree. The process-boundary rules are the point of this file:
// only electron/ may import 'electron', and renderer/ may import no node builtins or the
// store (it talks to the core through the typed api only).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'out/**', 'coverage/**', '.bench/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // Everything outside electron/ must not import electron.
    files: ['core/**', 'db/**', 'server/**', 'renderer/**', 'tests/**', 'bin/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: "Only electron/ may import 'electron'." }],
          patterns: [{ group: ['electron/*'], message: "Only electron/ may import 'electron'." }],
        },
      ],
    },
  },
  {
    // The renderer runs in a sandboxed page: no node builtins, no native store, no core internals.
    files: ['renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', message: "Only electron/ may import 'electron'." },
            { name: 'better-sqlite3', message: 'The renderer reaches the store through the api.' },
            ...nodeBuiltins.map((name) => ({
              name,
              message: 'renderer/ runs in the browser: no node builtins.',
            })),
          ],
          patterns: [
            {
              group: ['**/db/**', '**/server/**'],
              message: 'renderer/ talks to the core api only.',
            },
          ],
        },
      ],
    },
  },
);
