// One lint config. Resolver code must fit the APPSYNC_JS runtime: the AWS AppSync plugin's
// recommended rules (type-aware) run over everything under resolvers/. The rest of the TypeScript
// gets typescript-eslint's recommended rules.
import appsync from '@aws-appsync/eslint-plugin';
import tseslint from 'typescript-eslint';

export default [
  { ignores: ['node_modules/**', 'cdk.out/**', '.foreman/**', '**/generated/**', '**/generated.ts', 'clients/web/dist/**', 'test/fixtures/**'] },
  ...tseslint.configs.recommended.map((c) => ({ ...c, files: ['**/*.ts'] })),
  {
    files: ['resolvers/**/*.ts'],
    ...appsync.configs.recommended,
    // After the spread: the plugin's config brings its own `languageOptions` (the parser only), and
    // its rules need type information, so the parser options must be merged in, not overwritten.
    languageOptions: {
      ...appsync.configs.recommended.languageOptions,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
  },
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
];
