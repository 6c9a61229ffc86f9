// Edited by the HMR test: each edit changes VERSION and Vite re-evaluates this module alone.
import { getClient } from '@ssemux/client';

const VERSION = 0;

const off = getClient().subscribe({
  channels: ['hmr'],
  type: 'note',
  handler: (data) => window.received.push({ version: VERSION, data }),
});
document.getElementById('version').textContent = String(VERSION);

if (import.meta.hot) {
  import.meta.hot.accept();
  // Without this, every edit would leave one more live handler behind.
  import.meta.hot.dispose(off);
}
