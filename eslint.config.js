// @ts-check
import { builtinModules } from 'node:module'
import js from '@eslint/js'
import { defineConfig } from 'eslint/config'
import prettier from 'eslint-config-prettier/flat'
import vue from 'eslint-plugin-vue'
import tseslint from 'typescript-eslint'

// Import direction (docs: ARCHITECTURE.md, "Layers"). Enforced here, not by memory.

const nodeBuiltins = builtinModules.filter((name) => !name.startsWith('_'))

const forbidNode = {
  paths: [
    { name: 'electron', message: 'Electron is only for src/main and src/preload.' },
    ...nodeBuiltins.map((name) => ({ name, message: 'Node built-ins are not available here.' })),
  ],
  patterns: [{ group: ['node:*'], message: 'Node built-ins are not available here.' }],
}

/** Relative imports that reach into the given layer's folder, e.g. '../../main/window'. */
const layer = (/** @type {string} */ name) => [`**/${name}`, `**/${name}/**`]

const deterministic =
  'src/shared must be deterministic: time and chance come from the simulator (virtual clock, seeded PRNG streams).'

const sharedRules = {
  'no-restricted-imports': [
    'error',
    {
      paths: [
        ...forbidNode.paths.map((path) => ({
          ...path,
          message: 'src/shared runs in main, a Web Worker, the CLI and tests: no Electron or Node.',
        })),
        { name: 'vue', message: 'src/shared is UI-free: no Vue.' },
        { name: 'pinia', message: 'src/shared is UI-free: no Pinia.' },
        {
          name: 'dexie',
          message: 'src/shared does no storage: the trace library is in the renderer.',
        },
      ],
      patterns: [
        {
          group: ['node:*'],
          message: 'src/shared runs in main, a Web Worker, the CLI and tests: no Node built-ins.',
        },
        { group: ['@vue/*'], message: 'src/shared is UI-free: no Vue.' },
        {
          group: [...layer('main'), ...layer('preload'), ...layer('renderer'), ...layer('cli')],
          message:
            'src/shared is the bottom layer: it never imports main, preload, renderer or cli.',
        },
      ],
    },
  ],
  'no-restricted-globals': [
    'error',
    ...['window', 'document', 'navigator', 'localStorage', 'sessionStorage', 'indexedDB'].map(
      (name) => ({ name, message: 'src/shared has no DOM: it also runs in Node and in a Worker.' }),
    ),
    ...[
      'setTimeout',
      'setInterval',
      'setImmediate',
      'requestAnimationFrame',
      'performance',
      'process',
      'crypto',
    ].map((name) => ({ name, message: deterministic })),
  ],
  'no-restricted-properties': [
    'error',
    { object: 'Math', property: 'random', message: deterministic },
    { object: 'Date', property: 'now', message: deterministic },
    { object: 'performance', property: 'now', message: deterministic },
  ],
  'no-restricted-syntax': [
    'error',
    { selector: "NewExpression[callee.name='Date']", message: deterministic },
    { selector: "CallExpression[callee.name='Date']", message: deterministic },
  ],
}

export default defineConfig(
  {
    ignores: ['out/', 'dist/', 'node_modules/', 'test-results/', 'coverage/'],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: {
      parserOptions: { parser: tseslint.parser },
    },
    // TypeScript checks names in <script lang="ts"> (DOM types included); no-undef would not
    // know the browser's globals (typescript-eslint's advice for TypeScript code).
    rules: { 'no-undef': 'off' },
  },
  {
    files: ['src/shared/**'],
    rules: sharedRules,
  },
  {
    files: ['src/renderer/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: forbidNode.paths,
          patterns: [
            ...forbidNode.patterns,
            {
              group: [...layer('main'), ...layer('preload')],
              message:
                'The renderer never imports src/main or src/preload; they meet in src/shared/api.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/main/**', 'src/preload/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: layer('renderer'),
              message:
                'src/main and src/preload never import the renderer; they meet in src/shared/api.',
            },
          ],
        },
      ],
    },
  },
  prettier,
)
