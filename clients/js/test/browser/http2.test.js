/**
 * The browser client over HTTP/2: Chromium reaches the server over TLS (a certificate made for the
 * test), ALPN picks h2, and the page's stream is an HTTP/2 stream that delivers events.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { eventually, launchBrowser, pagesDir, startJavaServer, uniqueUser } from './harness.js';

// The test's own server has a certificate made here: its API calls (fetch) trust it.
process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';

let dir;
let java;
let browser;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ssemux-h2-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
    '-keyout', join(dir, 'tls.key'), '-out', join(dir, 'tls.crt')], { stdio: 'ignore' });
  java = await startJavaServer([`--tls-cert=${join(dir, 'tls.crt')}`, `--tls-key=${join(dir, 'tls.key')}`, '--no-demo']);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await java?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('over TLS the page\'s stream is an HTTP/2 stream, and its events arrive', async () => {
  assert.match(java.url, /^https:/);
  const user = uniqueUser('h2');
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  try {
    await context.route(`${java.url}/plain.html*`, (route) => route.fulfill({ path: join(pagesDir, 'plain.html') }));
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    const protocols = new Map();
    cdp.on('Network.responseReceived', (e) => protocols.set(new URL(e.response.url).pathname, e.response.protocol));

    await page.goto(`${java.url}/plain.html?user=${user}&channels=orders`);
    await page.waitForFunction(() => window.ssemux?.state === 'open', null, { timeout: 15000 });
    const id = await java.publish('orders', 'order_shipped', { n: 1 });
    await eventually(async () => (await page.evaluate(() => window.received.length)) === 1, 'the event');

    assert.deepEqual(await page.evaluate(() => window.received), [{ data: { n: 1 }, type: 'order_shipped', channel: 'orders', id }]);
    assert.equal(protocols.get('/api/sse/stream'), 'h2');
    assert.equal(protocols.get('/ssemux.js'), 'h2');
  } finally {
    await context.close();
  }
});
