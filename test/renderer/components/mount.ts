import { mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia, type Pinia } from 'pinia'
import { vi, type MockInstance } from 'vitest'
import type { Component } from 'vue'
import type { Frame } from '../../../src/renderer/src/frame/frame'

/**
 * Mount a panel the way LabApp does (one prop, `frame`; stores from a fresh Pinia). happy-dom
 * lays nothing out, so elements report `viewportWidth` as their client width (what a
 * virtualized view uses to decide how much to draw), and an element whose first child has a
 * width in its style scrolls that wide.
 */
export function mountPanel(
  component: Component,
  frame: Frame,
  options: { readonly viewportWidth?: number; readonly pinia?: Pinia } = {},
): { wrapper: VueWrapper; pinia: Pinia } {
  const pinia = options.pinia ?? createPinia()
  setActivePinia(pinia)
  fakeClientSize(options.viewportWidth ?? 720, 240)
  const wrapper = mount(component, {
    props: { frame },
    global: { plugins: [pinia] },
    attachTo: document.body,
  })
  return { wrapper, pinia }
}

let sizeSpies: MockInstance[] = []

function fakeClientSize(width: number, height: number): void {
  for (const spy of sizeSpies) spy.mockRestore()
  sizeSpies = [
    vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockReturnValue(width),
    vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(height),
    vi.spyOn(HTMLElement.prototype, 'scrollWidth', 'get').mockImplementation(function (
      this: HTMLElement,
    ) {
      const content = Number.parseFloat(
        (this.firstElementChild as HTMLElement | null)?.style.width ?? '',
      )
      return Number.isFinite(content) ? Math.max(width, content) : width
    }),
  ]
}
