/**
 * What the browser tests run against: the real Java server, a static server that serves
 * src/ssemux.js as-is at /ssemux.js (and proxies /api to Java), a Vite dev server, and headless
 * Debian chromium driven by playwright-core. Every server listens on 127.0.0.1 on a free port.
 */
import { spawn } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const clientDir = resolve(here, '../..');
const srcDir = join(clientDir, 'src');
export const pagesDir = join(here, 'pages');

/**
 * `SSEMUX_JAR`, else the jar that `mvn -q -DskipTests package` builds in this checkout (resolved
 * from this file, so it is always the jar of the checkout the tests run from).
 */
export const jarPath = process.env.SSEMUX_JAR ?? resolve(clientDir, '../../ssemux-server/target/ssemux-server.jar');

/** Polls `check` (sync or async) until it returns a truthy value; fails after `timeoutMs`. */
export async function eventually(check, what, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${last.message}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Starts `java -jar <jar> --port=0 …args` and resolves once it logs the port it listens on.
 * @param {string[]} [args] more options, e.g. `--heartbeat-seconds=0.3`
 */
export async function startJavaServer(args = []) {
  const child = spawn('java', ['-jar', jarPath, '--host=127.0.0.1', '--port=0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const url = await new Promise((resolvePort, reject) => {
    const timer = setTimeout(() => reject(new Error(`ssemux server did not start:\n${log}`)), 30000);
    const onData = (chunk) => {
      log += chunk;
      const match = /listening on (https?:\/\/127\.0\.0\.1:\d+)/.exec(log);
      if (match) {
        clearTimeout(timer);
        resolvePort(match[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`ssemux server exited (${code}):\n${log}`)));
  });
  const api = async (path, init) => {
    const response = await fetch(url + path, init);
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return response.json();
  };
  return {
    url,
    /** `POST /api/sse/publish` (with `headers`, e.g. an Authorization); resolves to the event id */
    publish: async (channel, type, data, headers = {}) =>
      (await api('/api/sse/publish', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...headers },
        body: JSON.stringify({ channel, type, data }),
      })).id,
    /** streams subscribed to `channel` (`GET /api/sse/stats?channel=`) */
    subscribers: async (channel) =>
      (await api(`/api/sse/stats?channel=${encodeURIComponent(channel)}`)).subscribersPerChannel[channel] ?? 0,
    /** open streams of `user` */
    connections: async (user) => (await api(`/api/sse/stats?user=${encodeURIComponent(user)}`)).connectionsPerUser[user] ?? 0,
    stop: () => stopChild(child),
    /** `kill -9`: the node dies without closing anything */
    kill: () => {
      if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
      return new Promise((done) => {
        child.once('exit', done);
        child.kill('SIGKILL');
      });
    },
  };
}

/** A free port of 127.0.0.1 (free when asked; the caller binds it soon after). */
export async function freePort() {
  const server = net.createServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  await new Promise((r) => server.close(r));
  return port;
}

/**
 * Debian's redis-server on a free port with a temp dir (scripts/test installs it); resolves once
 * it answers. Returns its `redis://` URL and `stop()`.
 */
export async function startRedis() {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'ssemux-redis-'));
  const child = spawn('/usr/bin/redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '',
    '--appendonly', 'yes'], { stdio: 'ignore' });
  await eventually(() => new Promise((answer) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => { answer(String(data).startsWith('+PONG')); socket.destroy(); });
    socket.on('error', () => answer(false));
  }), 'redis-server to answer');
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: async () => {
      await stopChild(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Debian's nginx as the cluster's load balancer, from cluster/nginx.conf.template (the one
 * scripts/cluster uses), in front of `nodeUrls`; resolves once it accepts connections.
 */
export async function startNginx(nodeUrls) {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'ssemux-nginx-'));
  const upstreams = nodeUrls.map((url) => `        server ${new URL(url).host} max_fails=1 fail_timeout=5s;`).join('\n');
  const template = await readFile(resolve(clientDir, '../../cluster/nginx.conf.template'), 'utf8');
  await writeFile(join(dir, 'nginx.conf'),
    template.replaceAll('@DIR@', dir).replaceAll('@PORT@', String(port)).replaceAll('@UPSTREAMS@', upstreams));
  const child = spawn('/usr/sbin/nginx', ['-c', join(dir, 'nginx.conf'), '-p', dir], { stdio: 'ignore' });
  await eventually(async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok, 'nginx to proxy');
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      await stopChild(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(); // exited, or killed
  return new Promise((done) => {
    child.once('exit', done);
    child.kill('SIGTERM');
  });
}

const TYPES = { '.html': 'text/html', '.js': 'text/javascript' };

/**
 * Serves test/browser/pages at /, src/ssemux.js as-is at /ssemux.js, and proxies /api (streams
 * included) to `apiUrl`, so pages and API share one origin.
 */
export async function startStaticServer(apiUrl) {
  const api = new URL(apiUrl);
  const streams = new Set();
  const server = http.createServer(async (req, res) => {
    if (req.url.startsWith('/api/')) return proxy(req, res, api, streams);
    const path = new URL(req.url, 'http://x').pathname;
    const file = path === '/ssemux.js' ? join(srcDir, 'ssemux.js') : join(pagesDir, path.replace(/^\/+/, ''));
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    /**
     * Makes every stream open now go silent while its connections stay up, as a TCP connection
     * that died without a FIN looks to a browser: what the server sends them (heartbeats
     * included) is dropped. Streams opened later pass normally. Returns how many it stalled.
     */
    stallStreams: () => {
      const stalled = [...streams];
      for (const { answer, res } of stalled) {
        answer.unpipe(res);
        answer.resume(); // keep reading, so the server sees no backpressure
      }
      streams.clear();
      return stalled.length;
    },
    stop: () => {
      server.closeAllConnections();
      return new Promise((r) => server.close(r));
    },
  };
}

function proxy(req, res, api, streams) {
  const upstream = http.request(
    { host: api.hostname, port: api.port, path: req.url, method: req.method, headers: req.headers, agent: false },
    (answer) => {
      res.writeHead(answer.statusCode, answer.headers);
      answer.pipe(res);
      if (String(answer.headers['content-type']).startsWith('text/event-stream')) {
        const stream = { answer, res };
        streams.add(stream);
        res.on('close', () => streams.delete(stream));
      }
    },
  );
  upstream.on('error', () => res.destroy());
  res.on('close', () => upstream.destroy()); // the browser closed its stream: so does the server's
  req.pipe(upstream);
}

/**
 * Copies test/browser/app to a scratch folder inside clients/js (so `react` resolves from its
 * node_modules and edits never touch the repository) and serves it with Vite, `/api` proxied.
 */
export async function startVite(apiUrl) {
  const { createServer } = await import('vite');
  const root = await mkdtemp(join(here, '.work-'));
  await cp(join(here, 'app'), root, { recursive: true });
  const server = await createServer({
    configFile: false,
    root,
    logLevel: 'warn',
    clearScreen: false,
    resolve: {
      alias: [
        { find: /^@ssemux\/client$/, replacement: join(srcDir, 'ssemux.js') },
        { find: /^@ssemux\/client\/react$/, replacement: join(srcDir, 'react.js') },
      ],
    },
    // Bundled up front, so a late discovery does not reload the page (and reconnect) mid-test.
    optimizeDeps: { include: ['react', 'react-dom/client'] },
    server: {
      host: '127.0.0.1',
      port: 0,
      strictPort: false,
      fs: { allow: [clientDir] },
      proxy: { '/api': { target: apiUrl, changeOrigin: true } },
    },
  });
  await server.listen();
  const { port } = server.httpServer.address();
  return {
    url: `http://127.0.0.1:${port}`,
    /**
     * Writes `content` to the app's file `name` and resolves once Vite's watcher saw the change.
     * Its watcher (chokidar) drops a file's changes within 50 ms of the previous one, quicker than
     * any person edits: a write it did not report within a second is made again.
     */
    edit: async (name, content) => {
      const file = join(root, name);
      for (let attempt = 0; attempt < 5; attempt++) {
        const seen = new Promise((done) => {
          const timer = setTimeout(() => finish(false), 1000);
          const onChange = (path) => path === file && finish(true);
          function finish(result) {
            clearTimeout(timer);
            server.watcher.off('change', onChange);
            done(result);
          }
          server.watcher.on('change', onChange);
        });
        await writeFile(file, content);
        if (await seen) return;
      }
      throw new Error(`Vite did not see ${name} change`);
    },
    read: (name) => readFile(join(root, name), 'utf8'),
    stop: async () => {
      await server.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** Headless Debian chromium: never a downloaded browser. */
export async function launchBrowser() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
      '--disable-quic',
    ],
  });
}

/** A user name no other test uses, so per-user stats are this test's alone. */
export function uniqueUser(prefix) {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
}
