/**
 * The photo-jobs demo end to end, as a newcomer sees it: the real server jar on 127.0.0.1 (a free
 * port, a temporary data directory), its page in headless Debian chromium driven by
 * playwright-core (never a downloaded browser). Uploads made here travel through the page's
 * form; their jobs and manifest changes must show up in the page, over one connection, on the
 * uploader's private channel only: another user's page shows nothing of them.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { deflateSync } from 'node:zlib';
import { chromium } from 'playwright-core';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const jar = process.env.SSEMUX_JAR ?? join(repo, 'ssemux-server/target/ssemux-server.jar');
const screenshot = process.env.SCREENSHOT ?? join(repo, 'ssemux-server/target/demo-screenshot.png');
const user = 'alice'; // the server is this test's own: no other client
const WAIT = 20_000;

let scratch;
let server;
let browser;
let page;
/** every `/api/sse/stream` request the page made */
const streams = [];

before(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'ssemux-e2e-'));
  server = await startServer(join(scratch, 'data'));
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--no-first-run', '--disable-sync', '--disable-quic'],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(WAIT);
  page.on('request', (request) => request.url().includes('/api/sse/stream') && streams.push(request.url()));
  page.on('pageerror', (error) => console.error('page error:', error));
  await page.goto(`${server.url}/?user=${user}`);
  await page.locator('#state', { hasText: 'open' }).waitFor();
});

after(async () => {
  if (page) {
    await mkdir(dirname(screenshot), { recursive: true });
    await page.screenshot({ path: screenshot, fullPage: true, animations: 'disabled' });
  }
  await browser?.close();
  await server?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

test('an uploaded photo shows its job and the manifest change live, over one connection', async () => {
  await upload('holiday', { name: 'sunset.png', mimeType: 'image/png', buffer: png(480, 320) });

  const job = page.locator('.job[data-status="completed"]', { hasText: 'sunset.png' });
  await job.waitFor();
  assert.match(await job.locator('.step').textContent(), /done · 480×320 px · thumbnails\/\w+\.png/);
  await page.locator('#changes li', { hasText: 'holiday' }).waitFor();
  const onTheWire = await page.locator('#wire .type').allTextContents();
  for (const type of ['job_started', 'job_progress', 'job_completed', 'manifest_changed']) {
    assert.ok(onTheWire.includes(type), `${type} on the wire: ${onTheWire}`);
  }

  const stats = await (await fetch(`${server.url}/api/sse/stats?user=${user}`)).json();
  assert.deepEqual(stats.connectionsPerUser, { [user]: 1 });
  assert.equal(streams.length, 1, `stream requests: ${streams}`);
  assert.equal(new URL(streams[0]).searchParams.get('channels'), `user:${user}`);
  await page.locator('#connections', { hasText: /^1$/ }).waitFor();

  const manifest = JSON.parse(await readFile(join(scratch, 'data/projects/holiday/manifest.json'), 'utf8'));
  assert.deepEqual(manifest.photos.map((p) => p.file_name), ['sunset.png']);
});

test('a file that is not an image is refused, and the page says why', async () => {
  await upload('holiday', { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a photo\n') });

  await page.locator('#upload-errors li', { hasText: 'notes.txt' }).waitFor();
  assert.match(await page.locator('#upload-errors').textContent(), /415 · file 'notes\.txt': not a JPEG or PNG image/);
});

test('a damaged PNG fails its job with the reason', async () => {
  const damaged = Buffer.concat([png(8, 8).subarray(0, 8), Buffer.from('this is no PNG chunk')]);
  await upload('holiday', { name: 'damaged.png', mimeType: 'image/png', buffer: damaged });

  const job = page.locator('.job[data-status="failed"]', { hasText: 'damaged.png' });
  await job.waitFor();
  assert.match(await job.locator('.step').textContent(), /not a readable image/);
});

test('a folder name that would leave the data directory is refused and nothing is written outside it', async () => {
  await upload('../escape', { name: 'escape.png', mimeType: 'image/png', buffer: png(16, 16) });

  await page.locator('#upload-errors li', { hasText: 'escape.png' }).waitFor();
  assert.match(await page.locator('#upload-errors').textContent(), /400 · project folder '\.\.\/escape': invalid name/);
  assert.deepEqual(await readdir(scratch), ['data']);
  assert.deepEqual(await readdir(join(scratch, 'data/projects')), ['holiday']);

});

test('several files in one go: each photo gets its job, each refusal its message', async () => {
  await upload('holiday', [
    { name: 'harbour.png', mimeType: 'image/png', buffer: png(640, 400, 1) },
    { name: 'report.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n') },
  ]);

  await page.locator('.job[data-status="completed"]', { hasText: 'harbour.png' }).waitFor();
  await page.locator('#upload-errors li', { hasText: 'report.pdf' }).waitFor();
  await page.locator('#changes li').nth(1).waitFor();
  assert.equal(await page.locator('#upload-errors li').count(), 1);
});

test('two users: each sees their own jobs and changes, nothing of the other\'s, not even a file name', async () => {
  const open = async (name) => {
    const context = await browser.newContext();
    const userPage = await context.newPage();
    userPage.setDefaultTimeout(WAIT);
    userPage.on('pageerror', (error) => console.error(`${name}'s page error:`, error));
    await userPage.goto(`${server.url}/?user=${name}`);
    await userPage.locator('#state', { hasText: 'open' }).waitFor();
    return { context, page: userPage };
  };
  const alice = await open('alice');
  const bob = await open('bob');
  const text = (p) => p.locator('body').innerText();
  try {
    await upload('alice-trip', { name: 'alice-secret.png', mimeType: 'image/png', buffer: png(64, 48) }, alice.page);
    await alice.page.locator('.job[data-status="completed"]', { hasText: 'alice-secret.png' }).waitFor();
    await alice.page.locator('#changes li', { hasText: 'alice-trip' }).waitFor();

    await upload('bob-trip', { name: 'bob-secret.png', mimeType: 'image/png', buffer: png(48, 64, 1) }, bob.page);
    await bob.page.locator('.job[data-status="completed"]', { hasText: 'bob-secret.png' }).waitFor();
    await bob.page.locator('#changes li', { hasText: 'bob-trip' }).waitFor();
    // Each stream is ordered: had bob's carried alice's events, they would have come before his own.
    assert.equal(await bob.page.locator('.job').count(), 1);
    assert.equal(await bob.page.locator('#changes li').count(), 1);
    assert.doesNotMatch(await text(bob.page), /alice-secret|alice-trip/);

    // And the reverse: one more upload of alice's, so that anything of bob's would be in by then.
    await upload('alice-trip', { name: 'alice-again.png', mimeType: 'image/png', buffer: png(32, 32) }, alice.page);
    await alice.page.locator('.job[data-status="completed"]', { hasText: 'alice-again.png' }).waitFor();
    assert.equal(await alice.page.locator('.job').count(), 2);
    assert.equal(await alice.page.locator('#changes li').count(), 2);
    assert.doesNotMatch(await text(alice.page), /bob-secret|bob-trip/);
    assert.doesNotMatch(await text(bob.page), /alice-again|alice-secret|alice-trip/);
  } finally {
    await alice.context.close();
    await bob.context.close();
  }
});

/** Uploads through the page's form, as a person does. */
async function upload(folder, files, on = page) {
  await on.locator('#folder').fill(folder);
  await on.locator('#file').setInputFiles(files);
  await on.locator('#upload-form button[type="submit"]').click();
}

/** Starts `java -jar` on a free port of 127.0.0.1; resolves once it logs its address. */
async function startServer(dataDir) {
  const child = spawn('java', ['-jar', jar, '--host=127.0.0.1', '--port=0', `--data-dir=${dataDir}`],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const url = await new Promise((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start:\n${log}`)), 30_000);
    const onData = (chunk) => {
      log += chunk;
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(log);
      if (match) {
        clearTimeout(timer);
        resolveUrl(match[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`the server exited (${code}):\n${log}`)));
  });
  return {
    url,
    stop: () => new Promise((done) => {
      if (child.exitCode !== null) return done();
      child.once('exit', done);
      child.kill('SIGTERM');
    }),
  };
}

/** A real PNG of `width`×`height`: a colour gradient (`variant` shifts the colours). */
function png(width, height, variant = 0) {
  const rows = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3); // filter byte 0, then RGB
    for (let x = 0; x < width; x++) {
      const r = Math.round((255 * x) / width);
      const g = Math.round((255 * y) / height);
      row.set(variant ? [g, 120 + (r >> 2), r] : [r, g, 160], 1 + x * 3);
    }
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits, truecolour, deflate, no filter, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function chunk(type, data) {
  const typed = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

function crc32(bytes) {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
