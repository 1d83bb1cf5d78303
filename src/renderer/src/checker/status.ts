import {
  PROPERTIES,
  type Finding,
  type FindingProperty,
  type PropertyKind,
} from '../../../shared/check/findings'

/** Where a property stands: never broken, broken (safety and rules), or flagged (liveness). */
export type PropertyState = 'ok' | 'violated' | 'flagged'

export interface PropertyStatus {
  readonly property: FindingProperty
  readonly title: string
  readonly kind: PropertyKind
  /** Where the paper states it. */
  readonly source: string
  readonly state: PropertyState
  /** Its findings, oldest first. */
  readonly findings: readonly Finding[]
}

export interface PropertyGroup {
  readonly kind: PropertyKind
  readonly title: string
  readonly about: string
  readonly properties: readonly PropertyStatus[]
}

const GROUPS: readonly Omit<PropertyGroup, 'properties'>[] = [
  {
    kind: 'safety',
    title: 'Safety',
    about: 'Raft’s guarantees (Figure 3) and the state every server keeps (Figure 2).',
  },
  {
    kind: 'rule',
    title: 'Rules',
    about: 'Rules of Figure 2 whose breaking leads to a safety break, named the moment broken.',
  },
  { kind: 'liveness', title: 'Liveness', about: 'Flags when the cluster takes too long.' },
]

/** Every property the checker watches, in the order findings.ts lists them, grouped by kind. */
export function checkerGroups(findings: readonly Finding[]): PropertyGroup[] {
  const byProperty = new Map<FindingProperty, Finding[]>()
  for (const finding of findings) {
    const list = byProperty.get(finding.property)
    if (list === undefined) byProperty.set(finding.property, [finding])
    else list.push(finding)
  }
  const statuses = (Object.keys(PROPERTIES) as FindingProperty[]).map((property) => {
    const info = PROPERTIES[property]
    const found = byProperty.get(property) ?? []
    const state: PropertyState =
      found.length === 0 ? 'ok' : info.kind === 'liveness' ? 'flagged' : 'violated'
    return { property, ...info, state, findings: found }
  })
  return GROUPS.map((group) => ({
    ...group,
    properties: statuses.filter((status) => status.kind === group.kind),
  }))
}

/** "All 14 properties hold" / "2 violated, 1 flagged": the panel's one-line verdict. */
export function checkerVerdict(groups: readonly PropertyGroup[]): {
  readonly ok: boolean
  readonly text: string
} {
  const all = groups.flatMap((group) => group.properties)
  const violated = all.filter((p) => p.state === 'violated').length
  const flagged = all.filter((p) => p.state === 'flagged').length
  const safe = all.filter((p) => p.kind !== 'liveness').length
  if (violated === 0 && flagged === 0)
    return { ok: true, text: `All ${safe} safety properties and rules hold` }
  const parts: string[] = []
  if (violated > 0) parts.push(`${violated} violated`)
  if (flagged > 0) parts.push(`${flagged} liveness ${flagged === 1 ? 'flag' : 'flags'}`)
  return { ok: violated === 0, text: parts.join(', ') }
}

/** "violated ×3", "flagged", "ok": a property's badge text. */
export function stateLabel(status: PropertyStatus): string {
  if (status.state === 'ok') return 'ok'
  return status.findings.length > 1 ? `${status.state} ×${status.findings.length}` : status.state
}
