import type { Component } from 'vue'
import type { PanelName } from '../../../shared/api/shell'
import ClientPanel from '../components/ClientPanel.vue'
import CheckerPanel from '../components/CheckerPanel.vue'
import EventFeed from '../components/EventFeed.vue'
import FaultPanel from '../components/FaultPanel.vue'
import TimelinePanel from '../components/TimelinePanel.vue'
import InspectorPanel from '../components/InspectorPanel.vue'
import LogsView from '../components/LogsView.vue'

/**
 * Where each view of the lab lives. A panel component takes one prop, `frame` (the frame at
 * the latest batch, or the replayed frame when scrubbing), and reads anything else from the
 * stores. `side` panels stack in the right column; `bottom` panels span the width under the
 * cluster view (the timeline, the logs).
 *
 * To add a view: write its component, then add one line here. Panels not listed show a
 * placeholder when the View menu opens them.
 */
export interface PanelEntry {
  readonly title: string
  readonly placement: 'side' | 'bottom'
  readonly component: Component | null
}

export const PANEL_REGISTRY: Record<PanelName, PanelEntry> = {
  timeline: { title: 'Timeline', placement: 'bottom', component: TimelinePanel },
  logs: { title: 'Logs', placement: 'bottom', component: LogsView },
  events: { title: 'Events', placement: 'side', component: EventFeed },
  faults: { title: 'Faults', placement: 'side', component: FaultPanel },
  client: { title: 'Client', placement: 'side', component: ClientPanel },
  inspector: { title: 'Inspector', placement: 'side', component: InspectorPanel },
  checker: { title: 'Checker', placement: 'side', component: CheckerPanel },
}
