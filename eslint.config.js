// ESLint: typescript-eslint's strict type-checked rules over the service, the browser app, the
// tests, benches and scripts; Prettier owns the layout (eslint-config-prettier turns off what it
// decides). Each exception below says why.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

/** Rules about `any`: off where a file's job is to read an untyped library's objects or untyped JSON. */
const untyped = {
  '@typescript-eslint/no-explicit-any': 'off',
  '@typescript-eslint/no-unsafe-member-access': 'off',
  '@typescript-eslint/no-unsafe-assignment': 'off',
  '@typescript-eslint/no-unsafe-call': 'off',
  '@typescript-eslint/no-unsafe-argument': 'off',
  '@typescript-eslint/no-unsafe-return': 'off',
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'packages/*/node_modules/**'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Numbers and booleans print as one expects in messages ("3 ngày", "true").
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      // The compiled graph's invariants (a multi-instance node has `loop`, a job task has `job`)
      // are checked at deploy and asserted with `!` where the type cannot carry them.
      '@typescript-eslint/no-non-null-assertion': 'off',
      // `() => void promise` and `(x) => set(x)` shorthands in callbacks read better than blocks.
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      // Without noUncheckedIndexedAccess a lookup in a Record types as always present, so this rule
      // would call every runtime check of such a lookup (`if (!inst.doc.els[key])`) unnecessary.
      '@typescript-eslint/no-unnecessary-condition': 'off',
      // Instance documents and variables are JSON records (stored as jsonb): removing a key is `delete`.
      '@typescript-eslint/no-dynamic-delete': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      // No TypeScript enums: closed sets are string-literal unions (they are JSON as they are, and
      // esbuild and swc strip them file by file). Forbidding the syntax makes the type-checked enum
      // rule below vacuous, and that rule alone was ~15 % of the lint's time.
      'no-restricted-syntax': ['error', { selector: 'TSEnumDeclaration', message: 'Use a union of string literals, not an enum.' }],
      '@typescript-eslint/no-unsafe-enum-assignment': 'off',
      // A literal where a class instance is expected: TypeScript already refuses it for every class with
      // a private or #private member, which is where `instanceof` and methods matter; the rule was
      // another ~14 % of the lint's time (TIMING=1, docs/benchmarks.md).
      '@typescript-eslint/no-unsafe-class-instance-assignment': 'off',
    },
  },
  {
    // moddle (BPMN's object model), bpmn-js, bpmnlint and the properties panel have no types:
    // the compiler, the deploy lint and the designer and the trace's diagram are where their objects are read.
    // db/ is where the drivers' (pg, PGlite, knex) untyped rows and results come in; schemas.ts
    // reads JSON Schema documents and Ajv's error params (`Record<string, any>`).
    files: ['src/bpmn/**', 'src/procedures/lint/**', 'src/web/designer/**', 'src/web/trace/diagram.ts', 'src/db/**', 'src/schemas.ts', 'packages/**/*.d.ts'],
    rules: untyped,
  },
  {
    // Tests, benches and scripts read JSON bodies and database rows as they come, and assert on them.
    files: ['tests/**', 'bench/**', 'scripts/**'],
    rules: untyped,
  },
  {
    // Plain JavaScript (the lint plugin, build scripts, test setup): no type information (most of it is
    // in no tsconfig, so the project service must be off too, not just the type-aware rules).
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      sourceType: 'module',
      globals: {
        process: 'readonly',
        console: 'readonly',
        module: 'writable',
        require: 'readonly',
        URL: 'readonly',
        Blob: 'readonly',
        setTimeout: 'readonly',
        performance: 'readonly',
        __dirname: 'readonly',
        Buffer: 'readonly',
      },
    },
  },
  {
    files: ['packages/**/*.js'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  prettier,
);
