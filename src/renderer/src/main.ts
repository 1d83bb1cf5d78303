import { createPinia } from 'pinia'
import { createApp } from 'vue'
import LabApp from './LabApp.vue'
import { connectLabApi } from './api/connect'
import { PRESENTER_HASH } from './api/presenter-channel'
import { installTestHooks } from './test-hooks'
import { useLibraryStore } from './stores/library'
import { useSessionStore } from './stores/session'
import { useThemeStore } from './stores/theme'
import { useUiStore } from './stores/ui'
import './styles.css'

const pinia = createPinia()
// The theme first, so the first paint is already in the right colours.
useThemeStore(pinia)
createApp(LabApp).use(pinia).mount('#app')
installTestHooks(pinia)

const session = useSessionStore(pinia)
const ui = useUiStore(pinia)

connectLabApi().then(
  (api) => {
    api.onMenu((message) => {
      switch (message.intent) {
        case 'new-cluster':
          ui.newClusterOpen = true
          break
        case 'reset':
          void session.reset()
          break
        case 'toggle-play':
          void session.togglePlay()
          break
        case 'show-shortcuts':
          ui.shortcutsOpen = true
          break
        case 'toggle-panel':
          ui.togglePanel(message.panel)
          break
        case 'session-opened':
          void session.refresh()
          break
        case 'error':
          session.report(message.message)
          break
      }
    })
    // The library after the session, so the flight recorder starts on the session shown.
    // A presenter display shows the session of the page that opened it, which records it.
    if (location.hash === PRESENTER_HASH) return session.connect(api)
    return session.connect(api).then(() => useLibraryStore(pinia).start(api))
  },
  (thrown: unknown) => session.report(thrown instanceof Error ? thrown.message : String(thrown)),
)
