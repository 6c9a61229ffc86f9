// Configures the shared client once; widget.js is the module the test edits.
import { getClient } from '@ssemux/client';

const user = new URLSearchParams(location.search).get('user');
const client = getClient({ params: { user } });
window.ssemux = client;
window.received = [];
window.states = [];
client.onState((state) => window.states.push(state));
await import('./widget.js');
