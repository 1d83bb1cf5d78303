import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { startRaftLab, type RaftLab } from '../../src/main/app'
import {
  API_COMMAND_NAMES,
  BATCH_CHANNEL,
  commandChannel,
  MENU_CHANNEL,
  type ApiCommandName,
  type LabBatch,
} from '../../src/shared/api'
import { FakeClock } from '../shared/host/fake-clock'
import * as electron from './electron-stub'

vi.mock('electron', () => import('./electron-stub'))

const { app, BrowserWindow, dialog, ipcMain, Menu, protocol } = electron

let lab: RaftLab
let clock: FakeClock

beforeEach(async () => {
  electron.resetElectronStub()
  clock = new FakeClock()
  lab = startRaftLab({ preloadPath: '/app/preload.cjs', rendererRoot: '/app/renderer', clock })
  await lab.ready
})

afterEach(() => {
  app.emit('will-quit')
})

function mainWindow() {
  return BrowserWindow.instances[0]!
}

/** An invoke as the app's own page sends it. */
function fromPage(url = 'raftlab://app/index.html') {
  return { sender: mainWindow().webContents, senderFrame: { url, parent: null } }
}

async function invoke(name: ApiCommandName, payload: unknown = {}, event: unknown = fromPage()) {
  const handler = ipcMain.handlers.get(commandChannel(name))
  if (handler === undefined) throw new Error(`no handler for ${name}`)
  return (await handler(event, payload)) as
    { ok: true; value: never } | { ok: false; error: { message: string } }
}

function batchesSent(): LabBatch[] {
  return mainWindow()
    .webContents.sent.filter((m) => m.channel === BATCH_CHANNEL)
    .map((m) => m.payload as LabBatch)
}

describe('the presenter window', () => {
  it("opens once, with the main window's security settings, on the same host", async () => {
    expect(await invoke('openPresenterWindow')).toEqual({ ok: true, value: { opened: true } })
    expect(await invoke('openPresenterWindow')).toEqual({ ok: true, value: { opened: true } })
    expect(BrowserWindow.instances).toHaveLength(2)
    const display = BrowserWindow.instances[1]!
    expect(display.options.webPreferences).toEqual(mainWindow().options.webPreferences)
    expect(display.loadedUrl).toBe('raftlab://app/index.html#presenter')
    // Its page may drive the session too (Next from the projector's laptop), and sees batches.
    const fromDisplay = {
      sender: display.webContents,
      senderFrame: { url: 'raftlab://app/index.html#presenter', parent: null },
    }
    expect(
      await invoke('startScenario', { scenario: { name: 'first-election' } }, fromDisplay),
    ).toMatchObject({ ok: true })
    clock.advance(100)
    const toDisplay = display.webContents.sent.filter((m) => m.channel === BATCH_CHANNEL)
    expect(toDisplay.length).toBeGreaterThan(0)
    expect((toDisplay.at(-1)!.payload as LabBatch).narration?.scenario).toBe('first-election')
    expect(batchesSent().at(-1)!.seq).toBe((toDisplay.at(-1)!.payload as LabBatch).seq)
  })
})

describe('the desktop app at launch', () => {
  it('registers the app scheme, sandboxes every renderer and denies permissions', () => {
    expect(protocol.privileged).toEqual([
      { scheme: 'raftlab', privileges: { standard: true, secure: true, supportFetchAPI: true } },
    ])
    expect(protocol.handlers.has('raftlab')).toBe(true)
    expect(app.enableSandbox).toHaveBeenCalled()
    expect(electron.session.defaultSession.setPermissionRequestHandler).toHaveBeenCalled()
  })

  it('opens one window on the app protocol, never a file or a server', () => {
    expect(BrowserWindow.instances).toHaveLength(1)
    expect(mainWindow().loadedUrl).toBe('raftlab://app/index.html')
    expect(mainWindow().options).toMatchObject({ webPreferences: { preload: '/app/preload.cjs' } })
  })

  it('locks down every web contents the app creates', () => {
    const contents = new electron.FakeWebContents()
    app.emit('web-contents-created', {}, contents)
    const preventDefault = vi.fn()
    contents.emit('will-navigate', { preventDefault })
    expect(preventDefault).toHaveBeenCalled()
    expect(contents.windowOpenHandler!({})).toEqual({ action: 'deny' })
  })

  it('registers one handler per command of the contract, and no others', () => {
    expect([...ipcMain.handlers.keys()].sort()).toEqual(
      API_COMMAND_NAMES.map(commandChannel).sort(),
    )
  })

  it('starts a running 5-node cluster and pushes batches to the window', () => {
    clock.advance(1000)
    const batches = batchesSent()
    expect(batches.length).toBeGreaterThan(30)
    expect(batches.length).toBeLessThanOrEqual(61)
    expect(batches.at(-1)!.nodes).toHaveLength(5)
    expect(batches.at(-1)!.playback.running).toBe(true)
  })

  it('in a packaged app ignores a dev server URL', async () => {
    app.emit('will-quit')
    electron.resetElectronStub()
    app.isPackaged = true
    const packaged = startRaftLab({
      preloadPath: '/p',
      rendererRoot: '/r',
      devServerUrl: 'http://localhost:5173',
      clock: new FakeClock(),
    })
    await packaged.ready
    expect(BrowserWindow.instances[0]!.loadedUrl).toBe('raftlab://app/index.html')
    expect(BrowserWindow.instances[0]!.options).toMatchObject({
      webPreferences: { devTools: false },
    })
  })
})

describe('the IPC handlers', () => {
  it.each(API_COMMAND_NAMES)('%s refuses a sender that is not the app page', async (name) => {
    const before = lab.host.cluster.inputs.length
    const foreign = await invoke(name, {}, fromPage('https://evil.example/'))
    expect(foreign).toEqual({
      ok: false,
      error: { message: `${name} refused: the request did not come from the Raft Lab window` },
    })
    const otherContents = await invoke(
      name,
      {},
      {
        sender: new electron.FakeWebContents(),
        senderFrame: { url: 'raftlab://app/index.html', parent: null },
      },
    )
    expect(otherContents.ok).toBe(false)
    const subframe = await invoke(
      name,
      {},
      {
        sender: mainWindow().webContents,
        senderFrame: { url: 'raftlab://app/index.html', parent: {} },
      },
    )
    expect(subframe.ok).toBe(false)
    expect(lab.host.cluster.inputs.length).toBe(before)
  })

  it.each([
    ['createSession', { config: { nodes: 99 } }, /nodes/],
    ['createSession', 'five nodes', /invalid createSession request/],
    ['setSpeed', { speed: 1e9 }, /speed/],
    ['runTo', { t: 'soon' }, /t:/],
    ['apply', { action: { type: 'crash' } }, /action/],
    ['apply', { action: { type: 'crash', node: 1, __proto__: { x: 1 }, extra: 1 } }, /action/],
    ['traceSlice', { from: 5, to: 1 }, /from/],
    ['importTrace', { data: 42 }, /data/],
    ['saveTraceFile', { path: '/etc/passwd' }, /invalid saveTraceFile request/],
    ['openTraceFile', { path: '/etc/passwd' }, /invalid openTraceFile request/],
    ['saveFile', { fileName: '../../.bashrc', data: 'x' }, /plain file name/],
    ['saveFile', { fileName: '/etc/passwd', data: 'x' }, /plain file name/],
    ['saveFile', { fileName: 'a.json', data: 42 }, /data/],
    ['traceText', { session: 1, fromEvent: -1 }, /fromEvent/],
  ] as const)('%s rejects a bad payload %j', async (name, payload, message) => {
    const result = await invoke(name, payload)
    expect(result.ok).toBe(false)
    expect(!result.ok && result.error.message).toMatch(message)
    expect(lab.host.cluster.inputs).toHaveLength(0)
  })

  /** A valid request for every command, and what the reply must hold. */
  const validRequests: Record<ApiCommandName, [unknown, (value: never) => void]> = {
    createSession: [
      { config: { nodes: 3 } },
      (v: { config: { nodes: number } }) => expect(v.config.nodes).toBe(3),
    ],
    reset: [{}, (v: { t: number }) => expect(v.t).toBe(0)],
    snapshot: [{}, (v: { batch: LabBatch }) => expect(v.batch.nodes).toHaveLength(5)],
    play: [{}, (v: { running: boolean }) => expect(v.running).toBe(true)],
    pause: [{}, (v: { running: boolean }) => expect(v.running).toBe(false)],
    setSpeed: [{ speed: 0.5 }, (v: { speed: number }) => expect(v.speed).toBe(0.5)],
    step: [{}, (v: { stepped: boolean }) => expect(v.stepped).toBe(true)],
    runTo: [{ t: 500 }, (v: { t: number }) => expect(v.t).toBe(500)],
    apply: [
      { action: { type: 'heal' } },
      (v: { submitted: unknown }) => expect(v.submitted).toBeNull(),
    ],
    applyAll: [
      { actions: [{ type: 'heal' }, { type: 'cut', from: 1, to: 2 }] },
      (v: { applied: number }) => expect(v.applied).toBe(2),
    ],
    clientRequest: [
      { request: { kind: 'put', key: 'x', value: '1', node: 'leader' } },
      (v: { op: number }) => expect(v.op).toBe(0),
    ],
    setWorkload: [{ workload: null }, (v: { workload: unknown }) => expect(v.workload).toBeNull()],
    traceSlice: [
      { from: 0, to: 10 },
      (v: { truncated: boolean }) => expect(v.truncated).toBe(false),
    ],
    exportTrace: [{}, (v: { data: Uint8Array }) => expect(v.data[0]).toBe(0x1f)],
    importTrace: [
      { data: new Uint8Array([1, 2, 3]) },
      () => {
        throw new Error('importing three bytes should fail')
      },
    ],
    saveTraceFile: [{}, (v: { saved: boolean }) => expect(v.saved).toBe(false)],
    openTraceFile: [{}, (v: { opened: unknown }) => expect(v.opened).toBeNull()],
    traceText: [
      { session: 1, fromEvent: 0 },
      (v: { text: string }) => expect(v.text).toMatch(/^\["header",/),
    ],
    saveFile: [
      { fileName: 'run.perfetto.json', data: '{}' },
      (v: { saved: boolean }) => expect(v.saved).toBe(false),
    ],
    fork: [{ t: 0 }, (v: { session: number }) => expect(v.session).toBeGreaterThan(1)],
    startScenario: [
      { scenario: { name: 'first-election' } },
      (v: { config: { nodes: number } }) => expect(v.config.nodes).toBe(5),
    ],
    openPresenterWindow: [{}, (v: { opened: boolean }) => expect(v.opened).toBe(true)],
    // The live session is not a scenario: the narration commands answer with a clear error.
    scenarioNext: [{}, () => {}],
    scenarioBack: [{}, () => {}],
    scenarioGoTo: [{ step: 0 }, () => {}],
  }
  /** Valid requests that must fail in a plain session, and the error they give. */
  const failing: Partial<Record<ApiCommandName, RegExp>> = {
    importTrace: /trace/i,
    scenarioNext: /not a scenario/,
    scenarioBack: /not a scenario/,
    scenarioGoTo: /not a scenario/,
  }

  it.each(API_COMMAND_NAMES)('%s answers a valid request from the app page', async (name) => {
    dialog.showSaveDialog.mockResolvedValue({ canceled: true })
    dialog.showOpenDialog.mockResolvedValue({ canceled: true, filePaths: [] })
    const [request, check] = validRequests[name]
    const result = await invoke(name, request)
    const error = failing[name]
    if (error !== undefined) {
      expect(result.ok).toBe(false)
      expect(!result.ok && result.error.message).toMatch(error)
    } else {
      expect(result.ok, JSON.stringify(result)).toBe(true)
      if (result.ok) check(result.value)
    }
  })

  it('answers snapshot with the present state', async () => {
    const result = await invoke('snapshot')
    expect(result.ok).toBe(true)
    const value = (result as { value: { batch: LabBatch } }).value
    expect(value.batch.nodes).toHaveLength(5)
  })

  it('drives a whole session: create, run, act, step, and events reach the window', async () => {
    const created = await invoke('createSession', { config: { nodes: 3, seed: 4 }, running: false })
    expect(created).toMatchObject({ ok: true, value: { config: { nodes: 3, seed: 4 } } })
    expect(await invoke('setSpeed', { speed: 10 })).toEqual({
      ok: true,
      value: { running: false, speed: 10 },
    })
    expect(await invoke('play')).toMatchObject({ ok: true, value: { running: true } })
    clock.advance(1000)
    const session = (created as { value: { session: number } }).value.session
    const batches = batchesSent().filter((b) => b.session === session)
    const events = batches.flatMap((b) => b.events)
    expect(events.some((e) => e.kind === 'role' && e.to === 'leader')).toBe(true)
    const leader = batches.at(-1)!.leader!
    expect(leader).not.toBeNull()

    expect(await invoke('apply', { action: { type: 'crash', node: leader } })).toEqual({
      ok: true,
      value: { submitted: null },
    })
    clock.advance(3000)
    const after = batchesSent().at(-1)!
    expect(after.nodes[leader - 1]!.status).toBe('crashed')
    expect(after.leader).not.toBeNull()
    expect(after.leader).not.toBe(leader)

    expect(await invoke('pause')).toMatchObject({ ok: true, value: { running: false } })
    const stepped = await invoke('step')
    expect(stepped).toMatchObject({ ok: true, value: { stepped: true } })
    const slice = await invoke('traceSlice', { from: 0, to: 1e9, limit: 5 })
    expect(slice).toMatchObject({ ok: true, value: { truncated: true } })
    expect(lab.host.cluster.inputs.map((i) => i.action.type)).toEqual(['crash'])
  })

  it('reports an impossible action as an error value', async () => {
    const result = await invoke('apply', { action: { type: 'resume', node: 2 } })
    expect(result).toEqual({
      ok: false,
      error: { message: 'resume: node 2 is up, only a paused node can resume' },
    })
  })

  it('does not push to a closed window', () => {
    mainWindow().destroyed = true
    const sent = mainWindow().webContents.sent.length
    clock.advance(500)
    expect(mainWindow().webContents.sent.length).toBe(sent)
  })
})

describe('files and dialogs', () => {
  it('open: a cancelled dialog opens nothing', async () => {
    dialog.showOpenDialog.mockResolvedValue({ canceled: true, filePaths: [] })
    expect(await invoke('openTraceFile')).toEqual({ ok: true, value: { opened: null } })
  })

  it('open: reads the chosen file in main and reports a bad trace as an error value, keeping the session', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'raftlab-open-'))
    const file = path.join(dir, 'bad.json')
    writeFileSync(file, '{"format":"not a trace"}')
    dialog.showOpenDialog.mockResolvedValue({ canceled: false, filePaths: [file] })
    const session = lab.host.info().session
    const result = await invoke('openTraceFile')
    expect(result.ok).toBe(false)
    expect(lab.host.info().session).toBe(session)
  })

  it('save then open: a trace written in main opens as a new session at its end, paused', async () => {
    await invoke('runTo', { t: 2000 })
    await invoke('apply', { action: { type: 'crash', node: 1 } })
    await invoke('runTo', { t: 3000 })
    const dir = mkdtempSync(path.join(tmpdir(), 'raftlab-roundtrip-'))
    const file = path.join(dir, 'run.ndjson.gz')
    dialog.showSaveDialog.mockResolvedValue({ canceled: false, filePath: file })
    expect(await invoke('saveTraceFile')).toEqual({
      ok: true,
      value: { saved: true, fileName: file },
    })
    expect(readFileSync(file).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]))

    dialog.showOpenDialog.mockResolvedValue({ canceled: false, filePaths: [file] })
    const opened = await invoke('openTraceFile')
    expect(opened).toMatchObject({
      ok: true,
      value: { opened: { session: 2, t: 3000, playback: { running: false } } },
    })
    expect(lab.host.cluster.status(1)).toBe('crashed')
    expect(lab.host.cluster.inputs.map((i) => i.action.type)).toEqual(['crash'])
  })

  it('save: a cancelled dialog writes nothing', async () => {
    dialog.showSaveDialog.mockResolvedValue({ canceled: true })
    expect(await invoke('saveTraceFile')).toEqual({
      ok: true,
      value: { saved: false, fileName: null },
    })
  })

  it('save: writes the trace to the path the user chose', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'raftlab-save-'))
    const file = path.join(dir, 'run.json')
    dialog.showSaveDialog.mockResolvedValue({ canceled: false, filePath: file })
    expect(await invoke('saveTraceFile')).toEqual({
      ok: true,
      value: { saved: true, fileName: file },
    })
    expect(new Uint8Array(readFileSync(file))).toEqual(lab.host.exportTrace().data)
  })
})

describe('saveFile (exports from the trace library)', () => {
  it('writes the given text where the user chose, suggesting the name', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'raftlab-savefile-'))
    const file = path.join(dir, 'chosen.json')
    dialog.showSaveDialog.mockResolvedValue({ canceled: false, filePath: file })
    expect(await invoke('saveFile', { fileName: 'run.shiviz.log', data: 'a b\n' })).toEqual({
      ok: true,
      value: { saved: true, fileName: file },
    })
    expect(readFileSync(file, 'utf8')).toBe('a b\n')
    const options = dialog.showSaveDialog.mock.calls.at(-1)!.at(-1) as { defaultPath: string }
    expect(options.defaultPath).toBe('run.shiviz.log')
  })

  it('writes bytes as they are', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'raftlab-savefile-'))
    const file = path.join(dir, 'run.ndjson.gz')
    dialog.showSaveDialog.mockResolvedValue({ canceled: false, filePath: file })
    await invoke('saveFile', { fileName: 'run.ndjson.gz', data: new Uint8Array([0x1f, 0x8b, 7]) })
    expect([...readFileSync(file)]).toEqual([0x1f, 0x8b, 7])
  })
})

describe('the native menu', () => {
  type Item = { label?: string; role?: string; submenu?: Item[]; click?: () => void }
  const menu = () => Menu.current!.template as Item[]
  const item = (top: string, label: string) =>
    menu()
      .find((m) => m.label === top || m.role === top.toLowerCase())!
      .submenu!.find((i) => i.label === label)!

  it('has File, Edit, View and Help', () => {
    expect(menu().map((m) => m.label ?? m.role)).toEqual(['File', 'editMenu', 'View', 'help'])
  })

  it.each([
    ['File', 'New Cluster…', { intent: 'new-cluster' }],
    ['File', 'Reset Cluster', { intent: 'reset' }],
    ['View', 'Timeline', { intent: 'toggle-panel', panel: 'timeline' }],
    ['View', 'Checker', { intent: 'toggle-panel', panel: 'checker' }],
    ['Help', 'Keyboard Shortcuts', { intent: 'show-shortcuts' }],
  ])('%s > %s asks the page to act', (top, label, intent) => {
    item(top, label).click!()
    expect(mainWindow().webContents.sent.filter((m) => m.channel === MENU_CHANNEL)).toEqual([
      { channel: MENU_CHANNEL, payload: intent },
    ])
  })

  it('File > Open Trace… opens the dialog in main', async () => {
    dialog.showOpenDialog.mockResolvedValue({ canceled: true, filePaths: [] })
    item('File', 'Open Trace…').click!()
    await vi.waitFor(() => expect(dialog.showOpenDialog).toHaveBeenCalled())
  })
})

describe('shutdown', () => {
  it('stops the host and removes the handlers when the app quits', () => {
    app.emit('will-quit')
    expect(ipcMain.handlers.size).toBe(0)
    expect(protocol.handlers.size).toBe(0)
    const sent = mainWindow().webContents.sent.length
    clock.advance(1000)
    expect(mainWindow().webContents.sent.length).toBe(sent)
  })

  it('quits when the last window closes (except on macOS)', () => {
    app.emit('window-all-closed')
    if (process.platform === 'darwin') expect(app.quit).not.toHaveBeenCalled()
    else expect(app.quit).toHaveBeenCalled()
  })
})
