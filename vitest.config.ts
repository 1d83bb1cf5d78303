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
        },
      },
    ],
  },
})
