import { defineStore } from 'pinia'
import { ref, watchEffect } from 'vue'

export type ThemeName = 'light' | 'dark'

/** Where the user's choice is kept between visits. */
export const THEME_STORAGE_KEY = 'raftlab:theme'

const DARK_QUERY = '(prefers-color-scheme: dark)'

/**
 * Light or dark. The first visit follows the system's preference (and keeps following it);
 * once the user picks one in the toolbar, that choice is kept in localStorage. The theme is the
 * `data-theme` attribute of <html>; every colour is a CSS variable of styles.css.
 */
export const useThemeStore = defineStore('theme', () => {
  const stored = readStored()
  const theme = ref<ThemeName>(stored ?? systemTheme())
  let chosen = stored !== null

  const media = typeof matchMedia === 'function' ? matchMedia(DARK_QUERY) : null
  media?.addEventListener('change', (event) => {
    if (!chosen) theme.value = event.matches ? 'dark' : 'light'
  })

  watchEffect(() => {
    document.documentElement.dataset.theme = theme.value
  })

  function setTheme(next: ThemeName): void {
    theme.value = next
    chosen = true
    try {
      localStorage.setItem(THEME_STORAGE_KEY, next)
    } catch {
      // Storage can be unavailable (a locked-down profile): the choice lasts for this visit.
    }
  }

  function toggle(): void {
    setTheme(theme.value === 'dark' ? 'light' : 'dark')
  }

  return { theme, setTheme, toggle }
})

function readStored(): ThemeName | null {
  try {
    const value = localStorage.getItem(THEME_STORAGE_KEY)
    return value === 'light' || value === 'dark' ? value : null
  } catch {
    return null
  }
}

function systemTheme(): ThemeName {
  return typeof matchMedia === 'function' && matchMedia(DARK_QUERY).matches ? 'dark' : 'light'
}
