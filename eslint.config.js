import js from '@eslint/js'
import prettier from 'eslint-config-prettier/flat'
import jest from 'eslint-plugin-jest'
import globals from 'globals'
import { defineConfig } from 'eslint/config'
import tseslint from 'typescript-eslint'

export default defineConfig(
  { ignores: ['dist/', 'coverage/', 'node_modules/', '.node24/', 'bench/out/', '.local-dist/'] },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname }
    }
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked]
  },
  { files: ['__tests__/**/*.ts'], ...jest.configs['flat/recommended'] },
  prettier
)
