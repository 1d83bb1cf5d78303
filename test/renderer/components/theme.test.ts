import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { nextTick } from 'vue'
import { mount } from '@vue/test-utils'
import LabToolbar from '../../../src/renderer/src/components/LabToolbar.vue'
import { THEME_STORAGE_KEY, useThemeStore } from '../../../src/renderer/src/stores/theme'

function preferDark(dark: boolean): void {
  vi.stubGlobal('matchMedia', (query: string) => ({
    matches: dark && query === '(prefers-color-scheme: dark)',
    addEventListener: () => {},
  }))
}

beforeEach(() => {
  localStorage.clear()
  setActivePinia(createPinia())
})
afterEach(() => {
  vi.unstubAllGlobals()
  delete document.documentElement.dataset.theme
})

describe('themes', () => {
  it('start from the system preference', async () => {
    preferDark(true)
    useThemeStore()
    await nextTick()
    expect(document.documentElement.dataset.theme).toBe('dark')
  })

  it('keep the user’s choice over the system’s, across visits', async () => {
    preferDark(false)
    useThemeStore().toggle()
    await nextTick()
    expect(document.documentElement.dataset.theme).toBe('dark')
    expect(localStorage.getItem(THEME_STORAGE_KEY)).toBe('dark')
    setActivePinia(createPinia())
    useThemeStore()
    await nextTick()
    expect(document.documentElement.dataset.theme).toBe('dark')
  })

  it('switch from the toolbar with a pressed/unpressed toggle button', async () => {
    preferDark(false)
    const pinia = createPinia()
    setActivePinia(pinia)
    const wrapper = mount(LabToolbar, { global: { plugins: [pinia] } })
    const toggle = wrapper.get('button[aria-label="Dark theme"]')
    expect(toggle.attributes('aria-pressed')).toBe('false')
    await toggle.trigger('click')
    expect(toggle.attributes('aria-pressed')).toBe('true')
    expect(document.documentElement.dataset.theme).toBe('dark')
  })
})
