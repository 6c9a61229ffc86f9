/**
 * The browser client against a cluster: two ssemux nodes on a real Redis behind nginx (the
 * configuration scripts/cluster uses). When the node holding the page's stream is killed, the
 * client reconnects through nginx to the other node and resumes: every event exactly once, in order.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { eventually, launchBrowser, pagesDir, startJavaServer, startNginx, startRedis, uniqueUser } from './harness.js';

let redis;
let nodes = [];
let balancer;
let browser;

before(async () => {
  redis = await startRedis();
  nodes = [
    await startJavaServer([`--redis=${redis.url}`, '--heartbeat-seconds=0.5', '--no-demo']),
    await startJavaServer([`--redis=${redis.url}`, '--heartbeat-seconds=0.5', '--no-demo']),
  ];
  balancer = await startNginx(nodes.map((node) => node.url));
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await balancer?.stop();
  for (const node of nodes) await node.stop();
  await redis?.stop();
});

test('a page whose node is killed resumes through nginx on the other node with every event once', async () => {
  const user = uniqueUser('cluster');
  const context = await browser.newContext();
  try {
    await context.route(`${balancer.url}/plain.html*`, (route) => route.fulfill({ path: join(pagesDir, 'plain.html') }));
    const page = await context.newPage();
    await page.goto(`${balancer.url}/plain.html?user=${user}&channels=jobs&floorMs=200`);
    await page.waitForFunction(() => window.ssemux?.state === 'open', null, { timeout: 15000 });
    const holding = await eventually(async () => {
      const counts = await Promise.all(nodes.map((node) => node.connections(user)));
      const index = counts.indexOf(1);
      return index >= 0 ? index + 1 : 0;
    }, 'the node holding the stream') - 1;
    const survivor = nodes[1 - holding];

    for (let n = 0; n < 10; n++) await survivor.publish('jobs', 'tick', { n });
    await eventually(async () => (await page.evaluate(() => window.received.length)) === 10, 'the first 10 events');
    await nodes[holding].kill();
    for (let n = 10; n < 20; n++) await survivor.publish('jobs', 'tick', { n });

    await eventually(async () => (await page.evaluate(() => window.received.length)) >= 20, 'all 20 events', 30000);
    const received = await page.evaluate(() => window.received.map((event) => event.data.n));
    assert.deepEqual(received, Array.from({ length: 20 }, (_, n) => n));
    assert.equal(await survivor.connections(user), 1);
    const urls = await page.evaluate(() => window.streamUrls);
    assert.ok(urls.length >= 2, `the page reconnected (${urls.length} stream URLs)`);
  } finally {
    await context.close();
  }
});
