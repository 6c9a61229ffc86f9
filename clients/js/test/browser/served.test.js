/**
 * The client as the server ships it (`/ssemux.js` from the jar) on a plain page of the server's
 * own origin, and the envelope stream's heartbeat events in a real browser: they keep an idle
 * stream open, and their absence gets a dead stream replaced without losing events.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { clientDir, eventually, jarPath, launchBrowser, pagesDir, startJavaServer, startStaticServer, uniqueUser } from './harness.js';

const HEARTBEAT_SECONDS = 0.3; // dead after 3 silent heartbeats: 0.9 s

let java;
let web;
let browser;

before(async () => {
  java = await startJavaServer([`--heartbeat-seconds=${HEARTBEAT_SECONDS}`]);
  web = await startStaticServer(java.url);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await web?.stop();
  await java?.stop();
});

const received = (page) => page.evaluate(() => window.received);

test('the server serves the client of this checkout at /ssemux.js', async () => {
  const response = await fetch(`${java.url}/ssemux.js`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type'), /^text\/javascript/);
  const served = await response.text();
  const source = await readFile(join(clientDir, 'src/ssemux.js'), 'utf8');
  assert.ok(served === source, `${jarPath} serves another ssemux.js than src/ssemux.js: rebuild it (mvn -q -DskipTests package)`);
});

test('a plain page of the server importing /ssemux.js receives a type it never named, over 1 connection', async () => {
  const user = uniqueUser('served');
  const context = await browser.newContext();
  try {
    // The server has no pages of its own: this one is answered by the browser, at the server's
    // origin, so that '/ssemux.js' and '/api/sse/…' go to the Java server itself.
    await context.route(`${java.url}/plain.html*`, (route) => route.fulfill({ path: join(pagesDir, 'plain.html') }));
    const page = await context.newPage();
    await page.goto(`${java.url}/plain.html?user=${user}&channels=orders`);
    await page.waitForFunction(() => window.ssemux?.state === 'open', null, { timeout: 15000 });
    const id = await java.publish('orders', 'order_shipped', { n: 1 });
    await eventually(async () => (await received(page)).length === 1, 'the event');
    assert.deepEqual(await received(page), [{ data: { n: 1 }, type: 'order_shipped', channel: 'orders', id }]);
    assert.equal(await java.connections(user), 1);
    assert.equal((await page.evaluate(() => window.streamUrls)).length, 1);
  } finally {
    await context.close();
  }
});

test('heartbeat events keep an idle stream open; a silent stream is replaced and loses nothing', async () => {
  const user = uniqueUser('silent');
  const page = await browser.newPage();
  try {
    await page.goto(`${web.url}/plain.html?user=${user}&channels=live&floorMs=100`);
    await page.waitForFunction(() => window.ssemux?.state === 'open', null, { timeout: 15000 });
    const first = await java.publish('live', 'tick', 'first');
    await eventually(async () => (await received(page)).length === 1, 'the first event');

    // Idle for more than twice the dead-stream limit: only heartbeats arrive, and they suffice.
    await new Promise((r) => setTimeout(r, HEARTBEAT_SECONDS * 3 * 2 * 1000 + 200));
    assert.deepEqual(await page.evaluate(() => window.states), ['connecting', 'open'], 'no reconnect while idle');

    assert.equal(web.stallStreams(), 1);
    const missed = [await java.publish('live', 'tick', 'silent-1'), await java.publish('live', 'tock', 'silent-2')];
    await eventually(async () => (await received(page)).length === 3, 'the events sent into the silent stream');
    assert.deepEqual(
      (await received(page)).map((e) => [e.data, e.type, e.id]),
      [['first', 'tick', first], ['silent-1', 'tick', missed[0]], ['silent-2', 'tock', missed[1]]],
    );
    const urls = await page.evaluate(() => window.streamUrls);
    assert.equal(urls.length, 2);
    assert.equal(new URL(urls[1], web.url).searchParams.get('lastEventId'), first, 'resumed after the last event seen');
    assert.deepEqual(await page.evaluate(() => window.states), ['connecting', 'open', 'reconnecting', 'open']);
    await eventually(async () => (await java.connections(user)) === 1, 'the dead stream closed on the server too');
  } finally {
    await page.close();
  }
});
