import { contextBridge } from 'electron'

// What the page may see. The typed api contract (src/shared/api) will be exposed here as one
// narrow function per operation; raw ipcRenderer never reaches the page.
const raftlab = Object.freeze({
  version: __RAFTLAB_VERSION__,
})

contextBridge.exposeInMainWorld('raftlab', raftlab)
