import type { TimelineCanvas, TimelineStyle } from '../../../src/renderer/src/timeline/draw'

/** One stroke() or fill() call: its style and the path's segments and rectangles. */
export interface PaintCall {
  readonly op: 'stroke' | 'fill'
  readonly style: string
  readonly moves: number
  readonly lines: number
  readonly rects: number
  readonly arcs: number
}

/**
 * A TimelineCanvas that records what would be painted instead of painting: each stroke and
 * fill with how many path pieces it carried, and every text drawn.
 */
export class RecordingCanvas implements TimelineCanvas {
  fillStyle: unknown = '#000'
  strokeStyle: unknown = '#000'
  lineWidth = 1
  font = ''
  textAlign: unknown = 'left'
  textBaseline: unknown = 'alphabetic'
  globalAlpha = 1
  readonly calls: PaintCall[] = []
  readonly texts: { text: string; x: number; y: number }[] = []
  /** Every lineTo of the current path, to check where arrows go. */
  segments: [number, number, number, number][] = []
  private pathSegments: [number, number, number, number][] = []
  private at: [number, number] = [0, 0]
  private moves = 0
  private lines = 0
  private rects = 0
  private arcs = 0

  save(): void {}
  restore(): void {}
  clip(): void {}
  setLineDash(): void {}
  beginPath(): void {
    this.moves = this.lines = this.rects = this.arcs = 0
    this.pathSegments = []
  }
  closePath(): void {}
  moveTo(x: number, y: number): void {
    this.moves++
    this.at = [x, y]
  }
  lineTo(x: number, y: number): void {
    this.lines++
    this.pathSegments.push([this.at[0], this.at[1], x, y])
    this.at = [x, y]
  }
  rect(): void {
    this.rects++
  }
  arc(): void {
    this.arcs++
  }
  private paint(op: 'stroke' | 'fill'): void {
    const style = String(op === 'stroke' ? this.strokeStyle : this.fillStyle)
    this.calls.push({
      op,
      style,
      moves: this.moves,
      lines: this.lines,
      rects: this.rects,
      arcs: this.arcs,
    })
    if (op === 'stroke') this.segments.push(...this.pathSegments)
  }
  fill(): void {
    this.paint('fill')
  }
  stroke(): void {
    this.paint('stroke')
  }
  fillRect(): void {}
  clearRect(): void {}
  fillText(text: string, x: number, y: number): void {
    this.texts.push({ text, x, y })
  }
  measureText(text: string): { width: number } {
    return { width: text.length * 6 }
  }
}

/** A style with a distinct name per colour, so tests can tell batches apart. */
export const TEST_STYLE: TimelineStyle = {
  background: 'bg',
  gutter: 'gutter',
  laneAlt: 'lane-alt',
  grid: 'grid',
  text: 'text',
  muted: 'muted',
  cursor: 'cursor',
  now: 'now',
  danger: 'danger',
  selection: 'selection',
  crashed: 'crashed',
  crashedText: 'crashed-text',
  paused: 'paused',
  arrows: ['arrow-0', 'arrow-1', 'arrow-2', 'arrow-3', 'arrow-4', 'arrow-5', 'arrow-6'],
  marks: [
    'mark-0',
    'mark-1',
    'mark-2',
    'mark-3',
    'mark-4',
    'mark-5',
    'mark-6',
    'mark-7',
    'mark-8',
    'mark-9',
  ],
  // Terms cycle through eight colours, as the real palette does.
  term: (term) => `term-${term % 8}`,
  termText: () => 'term-text',
  font: 'sans-serif',
}
