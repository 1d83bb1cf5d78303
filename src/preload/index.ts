import { contextBridge, ipcRenderer } from 'electron'
import { createBridge } from './bridge'

contextBridge.exposeInMainWorld('raftlab', createBridge(ipcRenderer, __RAFTLAB_VERSION__))
