// ESLint (flat config): the recommended rules of ESLint and typescript-eslint, tuned to how this code is written;
// formatting is Prettier's job (.prettierrc.json), so eslint-config-prettier turns the stylistic rules off.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'coverage/',
      '.recgraph/',
      '.recgraph-bench/',
      '**/__generated__/',
      'src/db/generated/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      // `const { dropped: _dropped, ...kept } = value` is how a field is left out of a copy.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
      // The text cleaners and the process-output parsers match control characters on purpose.
      'no-control-regex': 'off',
    },
  },
  {
    // The web console's browser code (bundled by src/console/bundle.ts).
    files: ['console/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['tests/**'],
    rules: {
      // Fixtures read untyped rows back from Postgres to compare them whole.
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
);
