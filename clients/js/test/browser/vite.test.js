/**
 * The client through a Vite dev server (proxying /api to the real Java server): React components
 * using the hooks, and hot module reload keeping the one connection.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { eventually, launchBrowser, startJavaServer, startVite, uniqueUser } from './harness.js';

let java;
let vite;
let browser;

before(async () => {
  java = await startJavaServer();
  vite = await startVite(java.url);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await vite?.stop();
  await java?.stop();
});

const items = (page, id) => page.$$eval(`#${id} li`, (lis) => lis.map((li) => li.textContent));

test('two React components on different channels get both kinds of events over one connection', async () => {
  const user = uniqueUser('react');
  const page = await browser.newPage();
  try {
    await page.goto(`${vite.url}/react.html?user=${user}`);
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'open', null, { timeout: 20000 });
    await eventually(
      async () => (await java.subscribers('orders')) === 1 && (await java.subscribers('chat')) === 1,
      'both channels on the stream',
    );
    assert.equal(await java.connections(user), 1);
    const subscribeCalls = await page.evaluate(() => window.subscribeCalls);

    for (let i = 0; i < 5; i++) await page.click('#rerender');
    await java.publish('orders', 'order_placed', { n: 1 });
    await java.publish('chat', 'message_posted', { n: 2 });
    await java.publish('chat', 'order_placed', { n: 3 }); // right channel, wrong type for the chat feed

    await eventually(async () => (await items(page, 'chat')).length === 1 && (await items(page, 'orders')).length === 1, 'both feeds');
    assert.deepEqual(await items(page, 'orders'), ['orders/order_placed/1@5'], 'the latest handler was called');
    assert.deepEqual(await items(page, 'chat'), ['chat/message_posted/2@5']);
    assert.equal(await page.evaluate(() => window.subscribeCalls), subscribeCalls, 're-renders did not resubscribe');
    assert.equal(await java.connections(user), 1);
  } finally {
    await page.close();
  }
});

test('five hot reloads of a subscribing module keep one connection and one live handler', async () => {
  const user = uniqueUser('hmr');
  const page = await browser.newPage();
  const source = await vite.read('widget.js');
  try {
    await page.goto(`${vite.url}/?user=${user}`);
    await page.waitForFunction(() => window.ssemux?.state === 'open', null, { timeout: 20000 });
    for (let version = 1; version <= 5; version++) {
      await vite.edit('widget.js', source.replace('const VERSION = 0;', `const VERSION = ${version};`));
      await page.waitForFunction((v) => document.getElementById('version').textContent === String(v), version, {
        timeout: 15000,
      });
    }
    await eventually(async () => (await java.subscribers('hmr')) === 1, 'hmr subscribed');
    await java.publish('hmr', 'note', 'after-5-reloads');
    await page.waitForFunction(() => window.received.length > 0, null, { timeout: 15000 });
    // Published after it, on the same stream: once this arrives, any duplicate would have too.
    await java.publish('hmr', 'note', 'marker');
    await page.waitForFunction(() => window.received.some((e) => e.data === 'marker'), null, { timeout: 15000 });
    assert.deepEqual(await page.evaluate(() => window.received), [
      { version: 5, data: 'after-5-reloads' },
      { version: 5, data: 'marker' },
    ]);
    assert.deepEqual(await page.evaluate(() => window.states), ['connecting', 'open'], 'never reconnected');
    assert.equal(await java.connections(user), 1);
  } finally {
    await page.close();
  }
});
