// The preload (sandboxed, context-isolated): exposes window.qundesk and nothing else.
import { contextBridge, ipcRenderer } from 'electron';
import { PORT_CHANNEL, UPDATE_EVENT_CHANNEL } from '../shared/messages';
import { createBridge, type BridgePort } from './bridge';

const bridge = createBridge({
  invoke: (channel, ...payload) => ipcRenderer.invoke(channel, ...payload),
  onPort: (listener) =>
    ipcRenderer.on(PORT_CHANNEL, (event) => {
      const port = event.ports[0];
      if (port && event.ports.length === 1) listener(port as unknown as BridgePort);
    }),
  onUpdate: (listener) => ipcRenderer.on(UPDATE_EVENT_CHANNEL, (_event, state) => listener(state)),
});

contextBridge.exposeInMainWorld('qundesk', bridge);
