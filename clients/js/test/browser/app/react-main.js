// Two components on different channels, through the hooks; no JSX so no build plugin is needed.
import { StrictMode, createElement as h, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { getClient } from '@ssemux/client';
import { useSseEvent, useSseStatus } from '@ssemux/client/react';

const user = new URLSearchParams(location.search).get('user');
const client = getClient({ params: { user } });
window.ssemux = client;

// Counts subscriptions, to show that re-renders do not resubscribe.
window.subscribeCalls = 0;
const subscribe = client.subscribe.bind(client);
client.subscribe = (subscription) => {
  window.subscribeCalls++;
  return subscribe(subscription);
};

function Feed({ id, channel, type, tick }) {
  const [items, setItems] = useState([]);
  // A new inline handler on every render: the hook must keep the subscription and call the latest.
  useSseEvent(type, (data, meta) => setItems((list) => [...list, `${meta.channel}/${meta.type}/${data.n}@${tick}`]), {
    channels: [channel],
  });
  return h('ul', { id }, items.map((item) => h('li', { key: item }, item)));
}

function Status() {
  return h('p', { id: 'status' }, useSseStatus());
}

function App() {
  const [tick, setTick] = useState(0);
  return h(
    'main',
    null,
    h(Status),
    h('button', { id: 'rerender', onClick: () => setTick((t) => t + 1) }, `re-render (${tick})`),
    h(Feed, { id: 'orders', channel: 'orders', type: 'order_placed', tick }),
    h(Feed, { id: 'chat', channel: 'chat', type: 'message_posted', tick }),
  );
}

createRoot(document.getElementById('root')).render(h(StrictMode, null, h(App)));
