/**
 * Headless Debian chromium for the Spring Boot starter's tests (ssemux-spring-boot-autoconfigure,
 * `StarterContract` through its `Chromium` helper): the Java test runs `node spring-page.js`, once
 * per test class, and drives one page at a time of the Spring test app, which serves the page and
 * `/ssemux.js`. It is not a node test itself.
 *
 * Reads commands as JSON lines on stdin, run one after the other, each answered by
 * `{"kind":"done","id"}` or `{"kind":"failed","id","message"}`:
 * - `{"op":"open","id","url","username","password"}` opens `url` in a new browser context whose
 *   HTTP Basic credentials are these (the previous page's context is closed first);
 * - `{"op":"subscribe","id","channels"}` subscribes the page to more channels;
 * - `{"op":"close","id"}` closes the page's context, and with it its connections.
 *
 * Writes JSON lines on stdout: `launched` once the browser runs, then for the open page every
 * `event` and `state` its client reports, every `request` to `/api/sse/stream` (`url`), its
 * `response` (`url`, `status`) or its failure (`requestfailed`), and every `console` message and
 * `pageerror`. Exits when stdin ends (the JVM that started it died or is done).
 */
import { createInterface } from 'node:readline';
import { launchBrowser } from './harness.js';

const out = (message) => process.stdout.write(`${JSON.stringify(message)}\n`);
const isStream = (url) => new URL(url).pathname.endsWith('/api/sse/stream');

const browser = await launchBrowser();
let context = null;
let page = null;

const ops = {
  async open({ url, username, password }) {
    await ops.close();
    context = await browser.newContext({ httpCredentials: { username, password } });
    context.on('request', (request) => {
      if (isStream(request.url())) out({ kind: 'request', url: request.url() });
    });
    context.on('response', (response) => {
      if (isStream(response.url())) out({ kind: 'response', url: response.url(), status: response.status() });
    });
    context.on('requestfailed', (request) => {
      if (isStream(request.url())) out({ kind: 'requestfailed', url: request.url(), error: request.failure()?.errorText });
    });
    page = await context.newPage();
    page.on('console', (message) => out({ kind: 'console', type: message.type(), text: message.text() }));
    page.on('pageerror', (error) => out({ kind: 'pageerror', message: error.message }));
    // The page reports each event and state change through this, as it happens.
    await page.exposeFunction('report', (message) => out(message));
    const response = await page.goto(url);
    if (!response?.ok()) throw new Error(`${url}: ${response?.status()}`);
  },
  async subscribe({ channels }) {
    await page.evaluate((list) => window.subscribe(list), channels);
  },
  async close() {
    const closing = context;
    context = null;
    page = null;
    await closing?.close();
  },
};

let queue = Promise.resolve();
const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const command = JSON.parse(line);
  queue = queue.then(async () => {
    try {
      await ops[command.op](command);
      out({ kind: 'done', id: command.id });
    } catch (error) {
      out({ kind: 'failed', id: command.id, message: String(error?.message ?? error) });
    }
  });
});
lines.on('close', async () => {
  await queue;
  await browser.close();
  process.exit(0);
});
out({ kind: 'launched', version: browser.version() });
