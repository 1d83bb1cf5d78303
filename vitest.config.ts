import vue from '@vitejs/plugin-vue'
import { configDefaults, defineConfig } from 'vitest/config'

/** Component tests: Vue components mounted in a DOM (happy-dom), one folder. */
const COMPONENT_TESTS = 'test/renderer/components/**/*.test.ts'

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, COMPONENT_TESTS],
          environment: 'node',
          // Generous: a few suites (fuzzing, sweeps, packaging schema) take seconds, and a busy
          // machine must not turn slowness into failures. Speed targets live in `npm run bench`.
          testTimeout: 30_000,
        },
      },
      {
        plugins: [vue()],
        define: {
          __RAFTLAB_TARGET__: JSON.stringify('web'),
          __RAFTLAB_VERSION__: JSON.stringify('test'),
        },
        test: {
          name: 'components',
          include: [COMPONENT_TESTS],
          environment: 'happy-dom',
          setupFiles: ['test/renderer/components/setup.ts'],
          testTimeout: 30_000,
        },
      },
    ],
  },
})
