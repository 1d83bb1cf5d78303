import { defineStore } from 'pinia'
import { reactive, ref } from 'vue'
import { PANELS, type PanelName } from '../../../shared/api/shell'

/** What the page shows around the views: panels, dialogs. */
export const useUiStore = defineStore('ui', () => {
  const panels = reactive(
    Object.fromEntries(
      PANELS.map((panel) => [panel, panel === 'events' || panel === 'timeline']),
    ) as Record<PanelName, boolean>,
  )
  const shortcutsOpen = ref(false)
  const newClusterOpen = ref(false)

  function togglePanel(panel: PanelName): void {
    panels[panel] = !panels[panel]
  }

  return { panels, shortcutsOpen, newClusterOpen, togglePanel }
})
