/**
 * Tokens in a real browser against the real server started with `--jwt-secret-file`: short-lived
 * HS256 tokens (signed here with node's crypto), refreshed on the live stream, or left to expire
 * and replaced by a reconnect. Either way every event published arrives once.
 */
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { eventually, launchBrowser, startJavaServer, startStaticServer, uniqueUser } from './harness.js';

const LIFETIME_SECONDS = 5;
const LEAD_SECONDS = 2;

let scratch;
let secret;
let java;
let web;
let browser;

before(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'ssemux-tokens-'));
  secret = randomBytes(32).toString('hex'); // text: the server reads the file as UTF-8
  const secretFile = join(scratch, 'jwt-secret');
  await writeFile(secretFile, secret, { mode: 0o600 });
  // No clock skew: a stream then ends exactly at its token's exp, which these 5-second tokens rely on.
  java = await startJavaServer([
    `--jwt-secret-file=${secretFile}`,
    `--token-refresh-lead-seconds=${LEAD_SECONDS}`,
    '--jwt-clock-skew-seconds=0',
  ]);
  web = await startStaticServer(java.url);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await web?.stop();
  await java?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

/** An HS256 JWT for `sub`, expiring in `seconds`, with ssemux's grants claim. */
function sign(sub, seconds, grants) {
  const part = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const exp = Math.floor(Date.now() / 1000) + seconds;
  const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ sub, exp, ssemux: grants })}`;
  return { token: `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`, exp };
}

/** Publishes as a back end whose token grants publishing to `channel`. */
async function publish(channel, n) {
  const { token } = sign('publisher', 60, { publish: [channel] });
  return java.publish(channel, 'tick', { n }, { Authorization: `Bearer ${token}` });
}

/**
 * Opens the token page for `user` on `channel`; `mint(user)` answers each call of the page's token
 * function (the tokens it gave are in `minted`).
 */
async function openPage(user, channel, mint) {
  const minted = [];
  const page = await browser.newPage();
  await page.exposeFunction('mintToken', () => {
    const token = mint(user);
    minted.push(token);
    return token;
  });
  await page.goto(`${web.url}/token.html?channels=${channel}&floorMs=200`);
  await page.waitForFunction(() => window.ssemux?.state === 'open', null, { timeout: 10000 });
  return { page, minted };
}

/** Publishes events on `channel`, `everyMs` apart, until the time `endMs`; resolves to their ids. */
async function publishUntil(channel, endMs, everyMs) {
  const ids = [];
  for (let n = 0; Date.now() < endMs; n++) {
    ids.push(await publish(channel, n));
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return ids;
}

const grants = (channel) => ({ subscribe: [channel] });

test('a token refreshed on the live stream keeps it open past the first exp; every event arrives once', async () => {
  const user = uniqueUser('fresh');
  let firstExp;
  const { page, minted } = await openPage(user, 'live', (sub) => {
    const { token, exp } = sign(sub, LIFETIME_SECONDS, grants('live'));
    firstExp ??= exp;
    return token;
  });
  try {
    const ids = await publishUntil('live', firstExp * 1000 + 1500, 300); // past the first token's exp
    await eventually(async () => (await page.evaluate(() => window.received)).length >= ids.length, 'every event');
    const received = await page.evaluate(() => window.received);
    assert.deepEqual(received.map((e) => e.id), ids, 'each once, in order');
    assert.deepEqual(received.map((e) => e.data.n), ids.map((_, n) => n));
    assert.ok(ids.length >= 10, `published ${ids.length}`);
    assert.equal((await page.evaluate(() => window.streamUrls)).length, 1, 'one stream, never reopened');
    assert.deepEqual(await page.evaluate(() => window.states), ['connecting', 'open']);
    assert.ok(minted.length >= 2, `tokens minted: ${minted.length}`);
    assert.equal(new Set(minted).size, minted.length);
  } finally {
    await page.close();
  }
});

test('a token function that stops refreshing: closed at exp, reconnected with a new token, nothing lost', async () => {
  const user = uniqueUser('stale');
  let current = null;
  // Caches its token until half a second before exp: asked at token_expiring, it gives the same one.
  const { page, minted } = await openPage(user, 'live', (sub) => {
    if (!current || current.exp * 1000 - Date.now() < 500) current = sign(sub, LIFETIME_SECONDS, grants('live'));
    return current.token;
  });
  try {
    const ids = await publishUntil('live', current.exp * 1000 + 1500, 150);
    await eventually(async () => (await page.evaluate(() => window.received)).length >= ids.length, 'every event');
    const received = await page.evaluate(() => window.received);
    assert.deepEqual(received.map((e) => e.id), ids, 'each once, in order');
    const urls = (await page.evaluate(() => window.streamUrls)).map((u) => new URL(u, web.url).searchParams);
    assert.equal(urls.length, 2, 'reopened once, at the expiry');
    assert.equal(urls[0].get('token'), minted[0]);
    assert.equal(urls[1].get('token'), minted.at(-1));
    assert.notEqual(minted[0], minted.at(-1), 'with a new token');
    const resumedAfter = received.findIndex((e) => e.id === urls[1].get('lastEventId'));
    assert.ok(resumedAfter >= 0, 'resumed after an event it had');
    assert.ok(resumedAfter < received.length - 1, 'events published while it reconnected came by the replay or live');
    assert.deepEqual(await page.evaluate(() => window.states), ['connecting', 'open', 'reconnecting', 'open']);
  } finally {
    await page.close();
  }
});
